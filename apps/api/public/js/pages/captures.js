// /captures : the capture viewer. A dropped or chosen file (pcap, pcapng or tcpdump text), or pasted text, goes to
// POST /v1/captures/analysis, which replays each connection and stores nothing; each comes back annotated and drawn.
import { api } from '../api.js';
import { fill, h, svgNode } from '../dom.js';
import { t } from '../i18n.js';
import { layout, showFailure } from '../layout.js';

layout(t('captures.title'));
const main = document.getElementById('main');
const results = h('div', { class: 'connections', 'aria-live': 'polite' });

/** pcap (either byte order, micro- or nanoseconds) and pcapng start with these magic numbers; anything else is text. */
const MAGIC = new Set(['a1b2c3d4', 'd4c3b2a1', 'a1b23c4d', '4d3cb2a1', '0a0d0d0a']);

async function bodyOf(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const magic = [...bytes.slice(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join('');
  if (!MAGIC.has(magic)) return { text: new TextDecoder().decode(bytes) };
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return { pcap: btoa(binary) };
}

async function analyze(body) {
  fill(results);
  try {
    const report = await api('/v1/captures/analysis', { method: 'POST', body });
    fill(results, report.connections.map(connectionView), report.skipped_packets.length + report.unparsed_lines.length > 0 ? h('p', { class: 'muted' }, t('captures.skipped', { n: report.skipped_packets.length + report.unparsed_lines.length })) : null);
  } catch (error) {
    showFailureHere(error);
  }
}

function showFailureHere(error) {
  fill(results, h('section', { class: 'problem', role: 'alert' }, h('h2', {}, error.problem?.title ?? t('error.title')), h('p', {}, error.problem?.detail ?? error.message)));
}

function states(s) {
  return s ? `${s.client} / ${s.server}` : '—';
}

function connectionView(c, index) {
  const anomalies = c.segments.reduce((n, s) => n + s.anomalies.length, 0);
  const figure = h('div', { class: 'svg-scroll' }, svgNode(c.svg));
  for (const s of c.segments.filter((seg) => seg.anomalies.length > 0)) {
    figure.querySelector(`g.arrow[data-segment="${s.index + 1}"]`)?.classList.add('anomaly');
  }
  return h(
    'section',
    { class: 'panel connection', dataset: { anomalies } },
    h('h2', {}, t('captures.connection', { n: index + 1, client: `${c.client.ip}:${c.client.port}`, server: `${c.server.ip}:${c.server.port}` })),
    h('p', { class: 'muted' }, t('captures.summary', { segments: c.segments.length, anomalies })),
    figure,
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'fields capture' },
        h('thead', {}, h('tr', {}, ['captures.segment', 'field.flags', 'field.seq', 'field.ack', 'field.length', 'captures.role', 'captures.before', 'captures.after', 'captures.anomalies'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h(
          'tbody',
          {},
          c.segments.map((s) =>
            h(
              'tr',
              { class: s.anomalies.length > 0 ? 'has-anomaly' : undefined, dataset: { role: s.role } },
              h('td', {}, s.index + 1, s.synthesized ? '*' : ''),
              h('td', {}, `${t(`side.${s.from}`)}: ${s.flags.join(',')}`),
              h('td', {}, s.seq),
              h('td', {}, s.ack),
              h('td', {}, s.length),
              h('td', {}, s.role),
              h('td', {}, states(s.states_before)),
              h('td', {}, states(s.states_after)),
              h('td', {}, s.anomalies.length === 0 ? t('captures.none') : h('ul', {}, s.anomalies.map((a) => h('li', {}, '⚠ ', a.text)))),
            ),
          ),
        ),
      ),
    ),
    h('details', {}, h('summary', {}, t('captures.notes')), h('ul', {}, c.notes.map((n) => h('li', {}, n)))),
  );
}

const fileInput = h('input', { type: 'file', id: 'capture-file', accept: '.pcap,.pcapng,.cap,.txt,text/plain,application/vnd.tcpdump.pcap', onchange: async (e) => e.target.files[0] && analyze(await bodyOf(e.target.files[0])) });
const drop = h(
  'div',
  {
    class: 'dropzone',
    ondragover: (e) => {
      e.preventDefault();
      drop.classList.add('over');
    },
    ondragleave: () => drop.classList.remove('over'),
    ondrop: async (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      const file = e.dataTransfer.files[0];
      if (file) await analyze(await bodyOf(file));
    },
  },
  h('label', { for: 'capture-file' }, t('captures.drop')),
  fileInput,
);
const pasted = h('textarea', { id: 'capture-text', rows: 6, spellcheck: 'false' });

try {
  fill(
    main,
    h('h1', {}, t('captures.title')),
    h('p', { class: 'lead' }, t('captures.lead')),
    drop,
    h('p', {}, h('label', { for: 'capture-text' }, t('captures.paste'))),
    pasted,
    h('p', {}, h('button', { type: 'button', class: 'primary', onclick: () => analyze({ text: pasted.value }) }, t('captures.read'))),
    results,
  );
} catch (error) {
  showFailure(error);
}
