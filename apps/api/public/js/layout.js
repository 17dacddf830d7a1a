// What every page shares: the header (home, language switch, presenter view) and how a failure is shown.
import { h, fill } from './dom.js';
import { LANGUAGES, lang, preference, setLang, setPreference, t } from './i18n.js';
import { Problem } from './api.js';

const PRESENTER_KEY = 'tcplab.presenter';

function applyPresenter(on) {
  document.documentElement.classList.toggle('presenter', on);
  setPreference(PRESENTER_KEY, on ? '1' : '0');
}

/** Draw the header and set the document's language; call first on every page. */
export function layout(title) {
  document.documentElement.lang = lang();
  if (title) document.title = `${title} — tcplab`;
  document.querySelector('.skip').textContent = t('skip');
  applyPresenter(preference(PRESENTER_KEY) === '1');
  const select = h(
    'select',
    {
      id: 'language',
      onchange: (event) => {
        setLang(event.target.value);
        location.reload();
      },
    },
    LANGUAGES.map((l) => h('option', { value: l.tag, selected: l.tag === lang() }, l.name)),
  );
  const presenter = h('input', { type: 'checkbox', id: 'presenter', checked: document.documentElement.classList.contains('presenter'), onchange: (e) => applyPresenter(e.target.checked) });
  fill(
    document.getElementById('top'),
    h('nav', { 'aria-label': 'tcplab' }, h('a', { href: '/', class: 'brand' }, t('app.name')), h('a', { href: '/' }, t('nav.scenarios')), h('a', { href: '/captures' }, t('nav.captures'))),
    h('div', { class: 'settings' }, h('label', { for: 'language' }, t('nav.language')), select, h('label', { class: 'check' }, presenter, t('nav.presenter'))),
  );
}

/** Replace the page's content with what went wrong, in words (never a stack trace). */
export function showFailure(error) {
  const main = document.getElementById('main');
  const detail = error instanceof Problem ? error.problem.detail ?? error.problem.title : t('error.retry');
  fill(main, h('section', { class: 'problem', role: 'alert' }, h('h1', {}, error instanceof Problem ? error.problem.title ?? t('error.title') : t('error.title')), h('p', {}, detail)));
}
