// / : the scenario catalogue (GET /v1/scenarios), each opening the player.
import { api } from '../api.js';
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { layout, showFailure } from '../layout.js';

layout();
const main = document.getElementById('main');

try {
  const scenarios = await api('/v1/scenarios');
  fill(
    main,
    h('h1', {}, t('catalogue.title')),
    h('p', { class: 'lead' }, t('catalogue.lead')),
    h(
      'ul',
      { class: 'cards' },
      scenarios.map((s) =>
        h(
          'li',
          { class: 'card' },
          h('h2', {}, h('a', { href: `/scenarios/${encodeURIComponent(s.id)}`, 'aria-label': t('catalogue.open', { title: s.title }) }, s.title)),
          h('p', {}, s.summary),
          h('p', { class: 'meta' }, t('catalogue.steps', { n: s.steps }), ' · RFC 9293 ', s.rfc.map((r) => `§${r}`).join(', ')),
        ),
      ),
    ),
  );
} catch (error) {
  showFailure(error);
}
