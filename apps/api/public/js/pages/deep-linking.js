// /lti/deep-linking/{token}: an instructor chooses what to add to the course (LTI Deep Linking 2.0). The page is a
// client of the public API: the scenarios are public, the goals and the tenant's quizzes come with the selection
// token (never a tenant key). The signed answer is posted to the platform by a form, the only place this page's CSP
// lets a form go.
import { Problem } from '../api.js';
import { h, fill } from '../dom.js';
import { LANGUAGES, lang, t } from '../i18n.js';
import { layout, showFailure } from '../layout.js';

layout(t('dl.title'));
const main = document.getElementById('main');
const token = document.querySelector('meta[name="tcplab-selection"]').content;

async function call(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json', 'accept-language': lang(), authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = await response.json().catch(() => ({ title: response.statusText }));
  if (!response.ok) throw new Problem(response.status, answer);
  return answer;
}

/** Deep Linking 2.0 §4.2: the response JWT goes to deep_link_return_url as the form field JWT, by the browser. */
function postToPlatform({ return_url, jwt }) {
  const form = h('form', { method: 'post', action: return_url }, h('input', { type: 'hidden', name: 'JWT', value: jwt }));
  document.body.append(form);
  form.submit();
}

try {
  const [context, scenarios] = await Promise.all([call('/v1/lti/deep-linking/current'), fetch('/v1/scenarios', { headers: { 'accept-language': lang() } }).then((r) => r.json())]);
  const kind = context.accept_multiple ? 'checkbox' : 'radio';
  const preview = h('section', { class: 'preview', 'aria-live': 'polite', id: 'preview' }, h('p', {}, t('dl.previewHint')));
  const scenarioTitle = (id) => scenarios.find((s) => s.id === id)?.title ?? id;

  const show = (item) => {
    if (item.kind === 'scenario') {
      const s = scenarios.find((x) => x.id === item.id);
      fill(preview, h('h2', {}, s.title), h('p', {}, s.summary), h('ul', {}, s.learning_goals.map((g) => h('li', {}, g))), h('p', {}, h('a', { href: `/scenarios/${encodeURIComponent(s.id)}`, target: '_blank', rel: 'noopener' }, t('dl.openPreview'))));
    } else if (item.kind === 'exercise') {
      const g = context.goals.find((x) => x.id === item.id);
      fill(preview, h('h2', {}, g.title), h('p', {}, g.instructions), h('p', { class: 'meta' }, t('dl.graded')));
    } else {
      const q = context.quizzes.find((x) => x.id === item.id);
      fill(preview, h('h2', {}, t('dl.quizOf', { scenario: scenarioTitle(q.scenario_id) })), h('p', {}, t('dl.quizMeta', { n: q.questions, lang: q.lang, seed: q.seed })), h('p', { class: 'meta' }, t('dl.graded')));
    }
  };

  const choice = (item, label, extra) =>
    h('li', {}, h('label', { class: 'check' }, h('input', { type: kind, name: 'item', value: `${item.kind}:${item.id}`, onchange: () => show(item) }), label), extra);

  const seedFor = (goal) => h('label', { class: 'seed' }, t('dl.seed'), ' ', h('input', { type: 'number', min: 0, max: 2147483647, value: 1, id: `seed-${goal}`, required: true }));
  const language = h('select', { id: 'item-language' }, LANGUAGES.map((l) => h('option', { value: l.tag, selected: l.tag === lang() }, l.name)));
  const status = h('p', { role: 'status', id: 'dl-status' });

  const chosen = () =>
    [...main.querySelectorAll('input[name="item"]:checked')].map((input) => {
      const [itemKind, ...rest] = input.value.split(':');
      const id = rest.join(':');
      const item = { kind: itemKind, id, lang: language.value };
      if (itemKind === 'exercise') item.seed = Number(document.getElementById(`seed-${id}`).value);
      return item;
    });

  const answer = async (items) => {
    status.textContent = t('dl.sending');
    try {
      postToPlatform(await call('/v1/lti/deep-linking/current/response', { method: 'POST', body: { items } }));
    } catch (error) {
      status.textContent = error.message;
    }
  };

  const form = h(
    'form',
    {
      id: 'picker',
      onsubmit: (event) => {
        event.preventDefault();
        const items = chosen();
        if (items.length === 0) status.textContent = t('dl.chooseOne');
        else void answer(items);
      },
    },
    h('fieldset', {}, h('legend', {}, t('dl.scenarios')), h('ul', { class: 'choices' }, scenarios.map((s) => choice({ kind: 'scenario', id: s.id }, s.title)))),
    h('fieldset', {}, h('legend', {}, t('dl.exercises')), h('ul', { class: 'choices' }, context.goals.map((g) => choice({ kind: 'exercise', id: g.id }, g.title, seedFor(g.id))))),
    h(
      'fieldset',
      {},
      h('legend', {}, t('dl.quizzes')),
      context.quizzes.length === 0
        ? h('p', {}, t('dl.noQuizzes'))
        : h('ul', { class: 'choices' }, context.quizzes.map((q) => choice({ kind: 'quiz', id: q.id }, `${t('dl.quizOf', { scenario: scenarioTitle(q.scenario_id) })} · ${t('dl.quizMeta', { n: q.questions, lang: q.lang, seed: q.seed })}`))),
    ),
    h('p', {}, h('label', { for: 'item-language' }, t('dl.language')), ' ', language),
    h('p', { class: 'actions' }, h('button', { type: 'submit', id: 'dl-add' }, t('dl.add')), ' ', h('button', { type: 'button', id: 'dl-cancel', onclick: () => void answer([]) }, t('dl.cancel'))),
    status,
  );
  fill(main, h('h1', {}, t('dl.title')), h('p', { class: 'lead' }, t(context.accept_multiple ? 'dl.leadMany' : 'dl.leadOne')), h('div', { class: 'picker' }, form, preview));
} catch (error) {
  showFailure(error);
}
