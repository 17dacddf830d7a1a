// /lti/results: where an instructor's LTI launch lands. With the results link's token (never a tenant key) it reads
// GET /v1/lti/results/current: one row per learner of the resource link — launches, progress, the grade sent to the
// LMS — and, when the platform lists its members, those who have not started. The content itself ("try it") opens
// with the instructor's own content link, whose token the launch put in this page's fragment.
import { api } from '../api.js';
import { h, fill } from '../dom.js';
import { lang, t } from '../i18n.js';
import { layout, showFailure } from '../layout.js';
import { session } from '../storage.js';

layout(t('results.title'));
const main = document.getElementById('main');
// Kept for this tab, and taken out of the address: like /l/{token}, a URL holding a token should not stay in history.
const TRY_KEY = 'tcplab.try';
// Where the tab has no storage (framed, third-party storage blocked), both tokens stay in the fragment (api.js).
const fromLaunch = new URLSearchParams(location.hash.slice(1)).get('try');
if (fromLaunch && session) {
  session.setItem(TRY_KEY, fromLaunch);
  history.replaceState(null, '', location.pathname + location.search);
}
const tryToken = session?.getItem(TRY_KEY) ?? fromLaunch;

const when = (iso) => new Date(iso).toLocaleString(lang(), { dateStyle: 'short', timeStyle: 'short' });

function launches(row) {
  if (!row.launches) return h('span', { class: 'not-started' }, t('results.notStarted'));
  const { count, first_at, last_at } = row.launches;
  return [t('results.launchCount', { n: count }), h('br'), h('small', {}, t('results.firstLast', { first: when(first_at), last: when(last_at) }))];
}

function progress(row) {
  if (row.exercise) {
    const e = row.exercise;
    const summary = e.completed
      ? t('results.completed', { moves: e.completed_at_move, refused: e.attempts.refused })
      : t('results.inProgress', { moves: e.attempts.accepted, refused: e.attempts.refused });
    if (e.mistakes.length === 0) return summary;
    return h(
      'details',
      {},
      h('summary', {}, summary),
      h(
        'ul',
        { class: 'mistakes' },
        e.mistakes.map((m) =>
          h(
            'li',
            {},
            t('results.afterMove', { n: m.after_move }),
            ' ',
            h('code', {}, m.code),
            // A refused segment names each wrong field (its violations); any other refusal says why in its detail.
            m.violations?.length ? h('ul', {}, m.violations.map((v) => h('li', {}, h('code', {}, v.field), ': ', v.reason))) : [': ', m.detail],
          ),
        ),
      ),
    );
  }
  if (row.quiz) return t('results.quiz', { attempts: row.quiz.attempts, best: row.quiz.best_points, max: row.quiz.max_points });
  return row.launches ? t('results.nothingYet') : '';
}

function grade(row) {
  if (!row.grade) return '';
  const g = row.grade;
  return [
    `${g.score_given} / ${g.score_maximum} `,
    h('span', { class: `delivery ${g.status}`, title: g.last_error ?? '' }, t(`results.delivery.${g.status}`)),
  ];
}

function membersNote(members) {
  if (members.status === 'listed') return h('p', { class: 'lead' }, t('results.members.listed'));
  if (members.status === 'not_offered') return h('p', { class: 'lead' }, t('results.members.notOffered'));
  return h('p', { class: 'note', role: 'status' }, t('results.members.unavailable'), ' ', h('small', {}, members.detail ?? ''));
}

function draw(view) {
  const link = view.resource_link;
  fill(
    main,
    h('h1', {}, link.title ?? t('results.title')),
    h('p', { class: 'lead' }, [link.context_title, t(`results.target.${link.target}`)].filter(Boolean).join(' · ')),
    // noopener: the content opens in a tab of its own, which keeps its own link (this tab keeps the results').
    tryToken ? h('p', {}, h('a', { href: `/l/${encodeURIComponent(tryToken)}`, target: '_blank', rel: 'noopener', id: 'try-it' }, t('results.try'))) : null,
    membersNote(view.members),
    view.results.length === 0
      ? h('p', {}, t('results.empty'))
      : h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'results-table' },
            h('thead', {}, h('tr', {}, ['results.name', 'results.launches', 'results.progress', 'results.grade'].map((k) => h('th', { scope: 'col' }, t(k))))),
            h(
              'tbody',
              {},
              view.results.map((row) =>
                h(
                  'tr',
                  { dataset: { sub: row.sub }, class: row.launches ? null : 'not-started' },
                  h('th', { scope: 'row' }, row.name ?? row.sub, row.role === 'instructor' ? h('small', {}, ` (${t('results.instructor')})`) : null),
                  h('td', {}, launches(row)),
                  h('td', {}, progress(row)),
                  h('td', {}, grade(row)),
                ),
              ),
            ),
          ),
        ),
  );
}

main.textContent = t('link.opening');
api('/v1/lti/results/current').then(draw, showFailure);
