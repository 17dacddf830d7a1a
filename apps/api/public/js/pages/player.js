// /scenarios/{id}?step=k : a scenario played step by step. The whole run comes from GET /v1/scenarios/{id}/run
// (computed by the simulator, nothing recorded); the URL holds the step, so "step 6 of lost-final-ack" is a link.
import { api } from '../api.js';
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { layout, showFailure } from '../layout.js';
import { diagramView, endpointView, eventsView, inspectorView, windowShifts } from '../views.js';

const id = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const main = document.getElementById('main');
const PLAY_INTERVAL_MS = 1500;

layout();

let run;
try {
  run = await api(`/v1/scenarios/${encodeURIComponent(id)}/run`);
} catch (error) {
  showFailure(error);
  throw error;
}
layout(run.title);

const last = run.step_list.length;
/** 0 is the moment before the first step; k is after step k (1-based, as the page and the URL count). */
let position = Math.min(last, Math.max(0, Number(new URLSearchParams(location.search).get('step') ?? 0) || 0));
let selected = null;
let timer = null;

const stage = h('div', { class: 'stage' });
const counter = h('p', { class: 'counter', 'aria-live': 'polite', dataset: { testid: 'counter' } });
const scrub = h('input', { type: 'range', min: 0, max: last, value: position, id: 'scrub', oninput: (e) => go(Number(e.target.value)) });
const playButton = h('button', { type: 'button', onclick: () => toggle() }, t('player.play'));
const controls = h(
  'div',
  { class: 'controls', role: 'group', 'aria-label': t('player.keys') },
  h('button', { type: 'button', onclick: () => go(0) }, '« ', t('player.reset')),
  h('button', { type: 'button', onclick: () => go(position - 1), dataset: { testid: 'back' } }, '◀ ', t('player.back')),
  playButton,
  h('button', { type: 'button', onclick: () => go(position + 1), dataset: { testid: 'forward' } }, t('player.forward'), ' ▶'),
  h('label', { for: 'scrub', class: 'visually-hidden' }, t('player.scrub')),
  scrub,
);

fill(
  main,
  h('h1', {}, run.title),
  h('p', { class: 'lead' }, run.summary),
  h('details', { class: 'goals' }, h('summary', {}, t('catalogue.goals')), h('ul', {}, run.learning_goals.map((g) => h('li', {}, g)))),
  controls,
  h('p', { class: 'muted keys' }, t('player.keys')),
  counter,
  stage,
);

function segmentsUpTo(k) {
  return run.step_list.slice(0, k).flatMap((s) => s.segments);
}

function draw() {
  const moment = position === 0 ? run.start : run.step_list[position - 1];
  const before = position <= 1 ? run.start : run.step_list[position - 2];
  const step = position === 0 ? null : run.step_list[position - 1];
  const segments = segmentsUpTo(position);
  const segment = segments.find((s) => s.id === selected) ?? null;
  counter.textContent = position === 0 ? t('player.start') : t('player.step', { k: position, n: last });
  scrub.value = String(position);
  fill(
    stage,
    h(
      'div',
      { class: 'endpoints' },
      endpointView('client', moment.client, { changed: position > 0 && before.client.state !== moment.client.state }),
      endpointView('server', moment.server, { changed: position > 0 && before.server.state !== moment.server.state }),
    ),
    step
      ? h(
          'section',
          { class: 'teaching', 'aria-labelledby': 'teaching-heading' },
          h('h2', { id: 'teaching-heading', class: 'visually-hidden' }, t('player.step', { k: position, n: last })),
          h('p', { class: 'text', dataset: { testid: 'teaching' } }, step.text),
          step.segments.length === 0 ? h('p', { class: 'muted' }, t('player.noSegments')) : h('ul', { class: 'wire' }, step.segments.map((s) => h('li', {}, h('code', {}, s.tcpdump)))),
          h('details', {}, h('summary', {}, t('player.rules')), eventsView(step.events)),
        )
      : null,
    h('div', { class: 'diagram-and-inspector' }, diagramView(moment.svg, segments, { selected, onSelect: select }), inspectorView(segment, windowShifts(segments))),
  );
}

function go(k) {
  const next = Math.min(last, Math.max(0, k));
  if (next === last) stop();
  if (next === position && stage.childElementCount > 0) return;
  position = next;
  const url = new URL(location.href);
  if (position === 0) url.searchParams.delete('step');
  else url.searchParams.set('step', String(position));
  history.replaceState(null, '', url);
  draw();
}

function select(segmentId) {
  selected = segmentId;
  draw();
  stage.querySelector(`g.arrow[data-segment="${segmentId}"]`)?.focus();
}

function stop() {
  clearInterval(timer);
  timer = null;
  playButton.textContent = t('player.play');
}

function toggle() {
  if (timer) return stop();
  if (position === last) go(0);
  playButton.textContent = t('player.pause');
  timer = setInterval(() => go(position + 1), PLAY_INTERVAL_MS);
}

// ←/→ step and space plays, wherever the focus is — except where those keys already mean something.
document.addEventListener('keydown', (event) => {
  const target = event.target;
  if (target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement) return;
  if (event.key === 'ArrowRight') go(position + 1);
  else if (event.key === 'ArrowLeft') go(position - 1);
  else if (event.key === ' ' && !(target instanceof HTMLButtonElement) && !(target instanceof HTMLAnchorElement) && !target.closest?.('summary, g.arrow')) toggle();
  else return;
  event.preventDefault();
});

draw();
