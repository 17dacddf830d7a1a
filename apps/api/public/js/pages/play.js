// /play/{session_id}[?exercise={id}] : "you are both TCPs". Every button is one call of the public API on the
// session (POST /v1/sessions/{id}/calls, /send, /deliver, /network, /advance) with this tab's share-link token;
// a refused move (422) is shown at the fields it names and changes nothing.
import { api, linkToken, Problem } from '../api.js';
import { download, fill, h } from '../dom.js';
import { t } from '../i18n.js';
import { layout, showFailure } from '../layout.js';
import { diagramView, endpointView, eventsView, inspectorView, windowShifts } from '../views.js';

const SIDES = ['client', 'server'];
const FLAGS = ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG'];
const NUMBER_FIELDS = ['seq', 'ack', 'window', 'length'];

const sessionId = location.pathname.split('/')[2];
const exerciseId = new URLSearchParams(location.search).get('exercise');
const main = document.getElementById('main');
const base = `/v1/sessions/${sessionId}`;

layout(t('play.title'));

/** What the page shows: the session, its whole history, the last answer, the refusal if the last move was refused. */
const view = { session: null, segments: [], svg: '', events: [], refusal: null, selected: null, grade: null, exercise: null, grant: null, from: 'client' };

/** Everything the page shows, read once when it opens; after that, each move's answer brings what changed. */
async function load() {
  const [session, trace, svg] = await Promise.all([
    api(base),
    api(`${base}/trace?format=json`),
    api(`${base}/trace?format=svg`, { accept: 'image/svg+xml' }).then((blob) => blob.text()),
  ]);
  view.session = session;
  view.segments = trace.segments;
  view.svg = svg;
  await loadGrade();
}

async function loadGrade() {
  if (exerciseId) view.grade = await api(`/v1/exercises/${exerciseId}/grade`);
}

async function loadDiagram() {
  view.svg = await api(`${base}/trace?format=svg`, { accept: 'image/svg+xml' }).then((blob) => blob.text());
}

function allowed(action) {
  return view.grant.allow.includes(action);
}

/**
 * Moves answered so far. <main data-moves> is set once a move's answer is on screen, <main data-settled> once the
 * diagram and the grade that follow it are too: what a test waits for before reading the page.
 */
let moves = 0;

/**
 * One move. Its answer (the session after it, its events and segments, or a refusal) is drawn at once; the
 * diagram and an exercise's grade, which take one more request each, follow. A refusal changes nothing, so
 * nothing is fetched again.
 */
async function move(path, body) {
  try {
    const result = await api(`${base}/${path}`, { method: path === 'network' ? 'PUT' : 'POST', body });
    view.session = result.session;
    view.segments = [...view.segments, ...result.segments];
    view.events = result.events;
    view.refusal = null;
    nextMove();
  } catch (error) {
    if (!(error instanceof Problem) || error.status !== 422) return showFailure(error);
    // The learner's fields stay as they were, to be corrected where the refusal points.
    view.refusal = error.problem;
    view.events = error.problem.events ?? [];
  }
  moves += 1;
  draw();
  main.dataset.moves = String(moves);
  await Promise.all([view.refusal ? null : loadDiagram(), loadGrade()]);
  draw();
  main.dataset.settled = String(moves);
}

/** After an accepted move the composer starts afresh: from the side that owes a segment, prefilled if hints are on. */
function nextMove() {
  const owed = view.session.owed[0];
  if (owed) composer.from = owed.endpoint;
  if (allowed('hints')) prefill();
  else clearComposer();
}

function clearComposer() {
  composer.flags = new Set();
  composer.fields = { seq: '', ack: '', window: '', length: '' };
  composer.payload = '';
}

// ---------------------------------------------------------------- the composer

const composer = { from: 'client', flags: new Set(), fields: { seq: '', ack: '', window: '', length: '' }, payload: '' };

/** Prefill with what the chosen side owes (hints on), or leave empty: omitted numbers are filled in by the TCP. */
function prefill() {
  const owed = view.session.owed.find((o) => o.endpoint === composer.from);
  composer.flags = new Set(owed ? owed.flags : []);
  composer.fields = owed ? { seq: String(owed.seq), ack: owed.flags.includes('ACK') ? String(owed.ack) : '', window: '', length: owed.length ? String(owed.length) : '' } : { seq: '', ack: '', window: '', length: '' };
  composer.payload = '';
}

function composerBody() {
  const body = { from: composer.from, flags: [...composer.flags] };
  for (const field of NUMBER_FIELDS) if (composer.fields[field] !== '') body[field] = Number(composer.fields[field]);
  if (composer.payload !== '') body.payload = composer.payload;
  return body;
}

function violationFor(field) {
  return view.refusal?.violations?.filter((v) => v.field === field) ?? [];
}

function fieldError(field) {
  return violationFor(field).map((v) =>
    h('span', { class: 'field-error', id: `error-${field}`, dataset: { field } }, t('refused.expected', { value: JSON.stringify(v.expected) }), ' — ', v.reason),
  );
}

function composerView() {
  const numberInput = (field) =>
    h(
      'label',
      {},
      t(`field.${field}`),
      h('input', {
        type: 'number',
        min: 0,
        name: field,
        value: composer.fields[field],
        placeholder: t('composer.auto'),
        'aria-invalid': violationFor(field).length > 0 ? 'true' : undefined,
        'aria-describedby': violationFor(field).length > 0 ? `error-${field}` : undefined,
        oninput: (e) => (composer.fields[field] = e.target.value),
      }),
      fieldError(field),
    );
  const hints = allowed('hints');
  return h(
    'form',
    {
      class: 'composer',
      'aria-labelledby': 'composer-heading',
      onsubmit: (e) => {
        e.preventDefault();
        move('send', composerBody());
      },
    },
    h(
      'label',
      {},
      t('composer.from'),
      h(
        'select',
        {
          name: 'from',
          onchange: (e) => {
            composer.from = e.target.value;
            if (hints) prefill();
            draw();
          },
        },
        SIDES.map((side) => h('option', { value: side, selected: side === composer.from }, t(`side.${side}`))),
      ),
    ),
    h(
      'fieldset',
      { 'aria-invalid': violationFor('flags').length > 0 ? 'true' : undefined },
      h('legend', {}, t('field.flags')),
      FLAGS.map((flag) =>
        h('label', {}, h('input', { type: 'checkbox', name: `flag-${flag}`, checked: composer.flags.has(flag), onchange: (e) => (e.target.checked ? composer.flags.add(flag) : composer.flags.delete(flag)) }), flag),
      ),
      fieldError('flags'),
      fieldError('urgent_pointer'),
      fieldError('options'),
    ),
    NUMBER_FIELDS.map(numberInput),
    h('label', {}, t('field.payload'), h('input', { type: 'text', name: 'payload', value: composer.payload, oninput: (e) => (composer.payload = e.target.value) })),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', name: 'send-segment' }, t('composer.send')),
      hints ? h('button', { type: 'button', onclick: () => (prefill(), draw()) }, t('composer.prefill')) : null,
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            clearComposer();
            draw();
          },
        },
        t('composer.clear'),
      ),
    ),
  );
}

// ---------------------------------------------------------------- the rest of the page

function callsView(side) {
  if (!allowed('calls')) return null;
  const data = h('input', { type: 'text', name: `${side}-data`, 'aria-label': `${t(`side.${side}`)} — ${t('call.data')}`, placeholder: t('call.data') });
  const call = (name) => h('button', { type: 'button', dataset: { call: `${side}-${name}` }, onclick: () => move('calls', name === 'send' ? { endpoint: side, call: name, data: data.value } : { endpoint: side, call: name }) }, t(`call.${name}`));
  return h('div', { class: 'calls', role: 'group', 'aria-label': `${t(`side.${side}`)} — ${t('play.calls')}` }, ['listen', 'connect', 'receive', 'shutdown', 'close', 'abort'].map(call), data, call('send'));
}

function owedView() {
  if (!allowed('hints')) return h('p', { class: 'muted' }, t('owed.hidden'));
  return view.session.owed.length === 0 ? h('p', { class: 'muted' }, t('owed.none')) : h('ul', {}, view.session.owed.map((o) => h('li', {}, o.message)));
}

function refusalView() {
  const problem = view.refusal;
  if (!problem) return null;
  return h(
    'section',
    { class: 'refusal', role: 'alert' },
    h('h3', {}, t('refused')),
    problem.violations
      ? h('ul', {}, problem.violations.map((v) => h('li', { dataset: { field: v.field } }, h('strong', {}, t(`field.${v.field}`)), ': ', t('refused.got', { value: JSON.stringify(v.actual) }), ', ', t('refused.expected', { value: JSON.stringify(v.expected) }), ' — ', v.reason)))
      : h('p', {}, problem.detail),
  );
}

function networkView() {
  const s = view.session;
  const act = (segment, action) => h('button', { type: 'button', dataset: { action: `${action}-${segment.id}` }, onclick: () => move('deliver', { segment_id: segment.id, action }) }, t(`network.${action}`));
  const auto = h('input', { type: 'checkbox', id: 'auto-deliver', checked: s.network.auto_deliver });
  const loss = h('input', { type: 'number', id: 'loss-rate', min: 0, max: 1, step: 0.05, value: s.network.loss_rate });
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'network-heading' },
    h('h2', { id: 'network-heading' }, t('network')),
    h('h3', {}, t('network.inFlight')),
    s.in_flight.length === 0 ? h('p', { class: 'muted' }, t('network.none')) : h('ul', { class: 'inflight' }, s.in_flight.map((seg) => h('li', {}, h('code', {}, `#${seg.id} ${seg.tcpdump}`), act(seg, 'deliver'), act(seg, 'drop'), act(seg, 'duplicate')))),
    h(
      'div',
      { class: 'row' },
      h('label', { class: 'check', for: 'auto-deliver' }, auto, t('network.auto')),
      h('label', { for: 'loss-rate' }, t('network.loss')),
      loss,
      h('button', { type: 'button', onclick: () => move('network', { auto_deliver: auto.checked, loss_rate: Number(loss.value) }) }, t('network.apply')),
    ),
  );
}

function clockView() {
  const s = view.session;
  const due = [...s.client.timers, ...s.server.timers].map((x) => x.due_ms).filter((ms) => ms > s.clock_ms);
  const next = due.length === 0 ? null : Math.min(...due) - s.clock_ms;
  const ms = h('input', { type: 'number', id: 'advance-ms', min: 1, value: 1000 });
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'clock-heading' },
    h('h2', { id: 'clock-heading' }, t('clock')),
    h('p', { dataset: { testid: 'clock' } }, t('clock.now', { ms: s.clock_ms })),
    h(
      'div',
      { class: 'row' },
      h('label', { for: 'advance-ms' }, t('clock.ms')),
      ms,
      h('button', { type: 'button', onclick: () => move('advance', { ms: Number(ms.value) }) }, t('clock.advance')),
      next === null ? h('span', { class: 'muted' }, t('clock.noTimer')) : h('button', { type: 'button', onclick: () => move('advance', { ms: next }) }, t('clock.nextTimer'), ` (+${next} ms)`),
    ),
  );
}

function exerciseView() {
  if (!view.exercise) return null;
  const g = view.grade;
  return h(
    'section',
    { class: g?.completed ? 'success' : 'panel', 'aria-labelledby': 'exercise-heading', 'aria-live': 'polite' },
    h('h3', { id: 'exercise-heading' }, t('exercise'), ': ', view.exercise.title),
    h('p', {}, view.exercise.instructions),
    g?.completed
      ? h('p', { dataset: { testid: 'grade' } }, t('exercise.done', { score: g.score, refused: g.attempts.refused }))
      : h('p', { class: 'muted' }, t('exercise.open', { moves: g?.attempts.total ?? 0, refused: g?.attempts.refused ?? 0 })),
  );
}

async function save(format, accept, name) {
  download(await api(`${base}/trace?format=${format}`, { accept }), name);
}

function downloadsView() {
  return h(
    'p',
    { class: 'row' },
    t('downloads'), ':',
    h('button', { type: 'button', onclick: () => save('pcap', 'application/vnd.tcpdump.pcap', `tcplab-${sessionId}.pcap`) }, t('download.pcap')),
    h('button', { type: 'button', onclick: () => save('svg', 'image/svg+xml', `tcplab-${sessionId}.svg`) }, t('download.svg')),
    h('button', { type: 'button', onclick: () => save('tcpdump', 'text/plain', `tcplab-${sessionId}.txt`) }, t('download.tcpdump')),
  );
}

/**
 * The diagram drawn last, kept while the SVG and the selection are the same: parsing a long one costs, and a move's
 * answer is drawn before its new SVG arrives (the diagram, with its text alternative, follows it).
 */
let drawn = { svg: null, selected: null, figure: null };

function diagram() {
  if (drawn.svg !== view.svg || drawn.selected !== view.selected) {
    const figure = diagramView(view.svg, view.segments, {
      selected: view.selected,
      onSelect: (id) => {
        view.selected = id;
        draw();
        main.querySelector(`g.arrow[data-segment="${id}"]`)?.focus();
      },
    });
    drawn = { svg: view.svg, selected: view.selected, figure };
  }
  return drawn.figure;
}

/** The control that has the focus, named so that the same control can have it again after a redraw. */
function focusKey() {
  const active = document.activeElement;
  if (!active || !main.contains(active)) return null;
  for (const attribute of ['name', 'data-call', 'data-action', 'id']) {
    const value = active.getAttribute(attribute);
    if (value) return `[${attribute}="${CSS.escape(value)}"]`;
  }
  return null;
}

function draw() {
  const focused = focusKey();
  const s = view.session;
  const manual = s.mode === 'manual';
  const selected = view.segments.find((seg) => seg.id === view.selected) ?? null;
  fill(
    main,
    h('h1', {}, t('play.title')),
    h('p', { class: 'lead' }, t('play.lead'), ' ', manual ? t('play.mode.manual') : t('play.mode.auto')),
    exerciseView(),
    h('div', { class: 'sides' }, SIDES.map((side) => h('div', {}, endpointView(side, s[side]), callsView(side)))),
    refusalView(),
    view.events.length > 0 ? h('section', { class: 'panel', 'aria-labelledby': 'events-heading' }, h('h2', { id: 'events-heading' }, t('events')), eventsView(view.events)) : null,
    manual ? h('section', { class: 'panel', 'aria-labelledby': 'owed-heading' }, h('h2', { id: 'owed-heading' }, t('owed')), owedView()) : null,
    manual && allowed('send') ? h('section', { class: 'panel', 'aria-labelledby': 'composer-heading' }, h('h2', { id: 'composer-heading' }, t('composer')), composerView()) : null,
    allowed('network') ? networkView() : null,
    allowed('advance') ? clockView() : null,
    h(
      'div',
      { class: 'diagram-and-inspector' },
      diagram(),
      inspectorView(selected, windowShifts(view.segments)),
    ),
    downloadsView(),
  );
  // Keyboard users keep their place: after a refusal, on the first field it names; else where they were.
  const target = (view.refusal && main.querySelector('input[aria-invalid="true"], fieldset[aria-invalid="true"] input')) || (focused && main.querySelector(focused));
  target?.focus();
}

try {
  if (!linkToken()) throw new Problem(401, { title: t('error.title'), detail: t('link.needed') });
  view.grant = await api('/v1/links/current');
  if (exerciseId) view.exercise = await api(`/v1/exercises/${exerciseId}`);
  await load();
  nextMove();
  draw();
} catch (error) {
  showFailure(error);
}
