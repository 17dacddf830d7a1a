// Views shared by the player and the "both TCPs" page: an endpoint's state and TCB, the sequence diagram with its
// text alternative, and the segment inspector.
import { h, fill, svgNode } from './dom.js';
import { t } from './i18n.js';

const TCB_FIELDS = ['iss', 'irs', 'snd_una', 'snd_nxt', 'snd_wnd', 'rcv_nxt', 'rcv_wnd'];

/** One endpoint: its state (large), its TCB as the RFC names it, its timers. */
export function endpointView(side, endpoint, { changed = false } = {}) {
  const tcb = endpoint.tcb;
  return h(
    'section',
    { class: `endpoint ${side}`, 'aria-labelledby': `${side}-heading`, dataset: { side } },
    h('h2', { id: `${side}-heading` }, t(`side.${side}`), ' ', h('span', { class: 'address' }, `${endpoint.ip}:${endpoint.port}`)),
    h('p', { class: changed ? 'state changed' : 'state', 'aria-live': 'polite' }, h('span', { class: 'label' }, t('state'), ': '), h('strong', { dataset: { testid: `${side}-state` } }, endpoint.state), changed ? ' ●' : ''),
    tcb
      ? h(
          'table',
          { class: 'tcb' },
          h('caption', {}, t('tcb')),
          h('tbody', {}, TCB_FIELDS.map((f) => h('tr', {}, h('th', { scope: 'row' }, f.toUpperCase().replace('_', '.')), h('td', { dataset: { field: f } }, tcb[f])))),
        )
      : h('p', { class: 'muted' }, t('tcb.none')),
    h('p', { class: 'timers' }, t('timers'), ': ', endpoint.timers.length === 0 ? t('timers.none') : endpoint.timers.map((x) => t('timer.due', { kind: t(`timerKind.${x.kind}`), ms: x.due_ms })).join(', ')),
  );
}

/**
 * The sequence diagram as the API drew it (the same SVG as the trace), with its arrows made selectable by mouse
 * and keyboard, and the tcpdump lines as its text alternative.
 */
export function diagramView(svg, segments, { selected = null, onSelect }) {
  const figure = h('figure', { class: 'diagram' });
  const node = svgNode(svg);
  node.setAttribute('role', 'img');
  node.setAttribute('aria-label', t('diagram'));
  const byId = new Map(segments.map((s) => [s.id, s]));
  for (const arrow of node.querySelectorAll('g.arrow[data-segment]')) {
    const id = Number(arrow.dataset.segment);
    // The label is the place to click (a slanted 1.5-px line is hard to hit); a wider invisible copy of each line
    // made a 300-step diagram ~40 % slower to draw (bench:web).
    arrow.setAttribute('tabindex', '0');
    arrow.setAttribute('role', 'button');
    arrow.setAttribute('aria-label', byId.get(id)?.tcpdump ?? `segment ${id}`);
    if (id === selected) arrow.classList.add('selected');
  }
  // One listener for all the arrows: a long session has hundreds.
  const chosen = (event) => event.target.closest?.('g.arrow[data-segment]');
  node.addEventListener('click', (event) => {
    const arrow = chosen(event);
    if (arrow) onSelect(Number(arrow.dataset.segment));
  });
  node.addEventListener('keydown', (event) => {
    const arrow = chosen(event);
    if (arrow && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      event.stopPropagation();
      onSelect(Number(arrow.dataset.segment));
    }
  });
  figure.append(h('div', { class: 'svg-scroll' }, node));
  // The text alternative is written when it is opened: a long session's list has hundreds of lines.
  const alternative = h('details', { class: 'alt' }, h('summary', {}, t('diagram.alt')));
  alternative.addEventListener(
    'toggle',
    () => alternative.append(segments.length === 0 ? h('p', {}, t('diagram.empty')) : h('ol', { class: 'tcpdump' }, segments.map((s) => h('li', {}, h('code', {}, s.tcpdump))))),
    { once: true },
  );
  figure.append(alternative);
  return figure;
}

/** Each side's window scale: in effect once both SYNs carried the option (RFC 7323 §2.2), never on a SYN itself. */
export function windowShifts(segments) {
  const offered = { client: null, server: null };
  for (const s of segments) if (s.flags.includes('SYN') && offered[s.from] === null) offered[s.from] = s.options.wscale ?? -1;
  const both = offered.client >= 0 && offered.server >= 0;
  return { client: both ? offered.client : 0, server: both ? offered.server : 0 };
}

const FIELD_RFC = {
  flags: 'RFC 9293 §3.1',
  seq: 'RFC 9293 §3.1, §3.4',
  ack: 'RFC 9293 §3.1, §3.4',
  window: 'RFC 9293 §3.1, §3.8.6; RFC 7323 §2',
  length: 'RFC 9293 §3.4',
  urgent_pointer: 'RFC 9293 §3.1, §3.8.5',
  options: 'RFC 9293 §3.2; RFC 7323',
  payload: 'RFC 9293 §3.1',
};

function optionsText(options) {
  const parts = [];
  if (options.mss !== null) parts.push(`mss ${options.mss}`);
  if (options.sack_permitted) parts.push('sackOK');
  if (options.timestamp) parts.push(`TS val ${options.timestamp.val} ecr ${options.timestamp.ecr}`);
  if (options.wscale !== null) parts.push(`wscale ${options.wscale}`);
  return parts.length === 0 ? '—' : parts.join(', ');
}

/** Every field of a segment, with its meaning and RFC section, and the segment as tcpdump prints it. */
export function inspectorView(segment, shifts) {
  if (!segment) return h('section', { class: 'inspector', 'aria-labelledby': 'inspector-heading' }, h('h2', { id: 'inspector-heading' }, t('inspector')), h('p', { class: 'muted' }, t('inspector.hint')));
  const shift = segment.flags.includes('SYN') ? 0 : shifts[segment.from];
  const windowValue = shift === 0 ? String(segment.window) : `${segment.window} (${t('meaning.window.scaled', { raw: segment.window, shift, bytes: segment.window * 2 ** shift })})`;
  const rows = [
    ['flags', segment.flags.join(', ') || '—'],
    ['seq', segment.seq],
    ['ack', segment.flags.includes('ACK') ? segment.ack : `${segment.ack} (—)`],
    ['window', windowValue],
    ['length', segment.length],
    ['urgent_pointer', segment.urgent_pointer],
    ['options', optionsText(segment.options)],
    ...(segment.payload ? [['payload', JSON.stringify(segment.payload)]] : []),
  ];
  return h(
    'section',
    { class: 'inspector', 'aria-labelledby': 'inspector-heading', dataset: { segment: segment.id } },
    h('h2', { id: 'inspector-heading' }, t('inspector.title', { id: segment.id, from: t(`side.${segment.from}`), to: t(`side.${segment.to}`) })),
    h(
      'table',
      { class: 'fields' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('inspector.field')), h('th', { scope: 'col' }, t('inspector.value')), h('th', { scope: 'col' }, t('inspector.meaning')))),
      h(
        'tbody',
        {},
        rows.map(([field, value]) =>
          h('tr', { dataset: { field } }, h('th', { scope: 'row' }, t(`field.${field}`)), h('td', { class: 'value' }, String(value)), h('td', {}, t(`meaning.${field}`), ' ', h('span', { class: 'rfc' }, FIELD_RFC[field]))),
        ),
      ),
    ),
    h('p', {}, t('inspector.tcpdump'), ':'),
    h('pre', { class: 'tcpdump' }, segment.tcpdump),
  );
}

/** The events of a step: each rule's explanation with its RFC section. */
export function eventsView(events) {
  return h(
    'ul',
    { class: 'events' },
    events.map((e) => h('li', { dataset: { code: e.code } }, e.endpoint ? h('span', { class: `who ${e.endpoint}` }, t(`side.${e.endpoint}`), ': ') : '', e.message, ' ', h('span', { class: 'rfc' }, e.rfc))),
  );
}

export { fill };
