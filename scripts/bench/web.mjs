#!/usr/bin/env node
/**
 * npm run bench:web — the playground's figures in headless Chromium (Debian's, through playwright-core), against
 * the built service on a database of its own:
 *
 *   1. the scenario player's first load: bytes transferred (compressed, headers included) and the time from
 *      navigation to the step drawn (the diagram on screen), cold cache, BENCH_WEB_LOADS runs (default 10);
 *   2. a move's answer on screen: from the moment the step's answer has arrived (its PerformanceResourceTiming
 *      responseEnd) to the moment the page has drawn it (<main data-moves> set), over BENCH_WEB_MOVES moves;
 *   3. a 300-step session's sequence diagram: from its SVG text in hand to the frame after it is in the page
 *      (parsed, made selectable, laid out and painted), and the frames of a smooth scroll over it.
 *
 * Goals (issue 12), printed PASS/FAIL: first load ≤ 150 KB and interactive ≤ 1 s; answer on screen ≤ 50 ms after
 * it arrives; the 300-step diagram drawn in ≤ 100 ms and scrolled with no dropped frame (an interval over 1.5×
 * the median frame interval counts as one dropped frame). Not a test: the figures depend on the machine.
 */
import { createRequire } from 'node:module';
import { database, fmt, machine, startService } from './lib.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const LOADS = Number(process.env.BENCH_WEB_LOADS ?? 10);
const MOVES = Number(process.env.BENCH_WEB_MOVES ?? 30);
const LONG_STEPS = 300;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs) => Math.max(...xs);
const ms = (x) => `${x.toFixed(1)} ms`;
const verdict = (ok) => (ok ? 'PASS' : 'FAIL');

const db = await database('tcplab_bench_web');
const service = await startService({ databaseUrl: db.url, workers: 1, poolPerWorker: 10 });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

/** Records, in the page's own clock, when the diagram first appears and when each move has been drawn. */
const WATCH = `
  window.__tcplab = { diagramAt: null, moves: [] };
  new MutationObserver(() => {
    if (window.__tcplab.diagramAt === null && document.querySelector('.diagram svg')) window.__tcplab.diagramAt = performance.now();
    const main = document.querySelector('main');
    const n = Number(main?.dataset.moves ?? 0);
    if (n > window.__tcplab.moves.length) window.__tcplab.moves.push(performance.now());
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-moves'] });
`;

async function link(body) {
  return service.post('/v1/links', body);
}

const chromiumVersion = browser.version();
const results = [];
try {
  // 1. The player's first load, cold.
  const bytes = [];
  const interactive = [];
  for (let i = 0; i < LOADS; i += 1) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(WATCH);
    const page = await context.newPage();
    const responses = [];
    page.on('requestfinished', (request) => responses.push(request.sizes()));
    await page.goto(`${service.base}/scenarios/lost-final-ack?step=6`);
    await page.waitForSelector('.diagram svg');
    await page.waitForLoadState('networkidle');
    const sizes = await Promise.all(responses);
    bytes.push(sizes.reduce((n, s) => n + s.responseBodySize + s.responseHeadersSize, 0));
    interactive.push(await page.evaluate(() => window.__tcplab.diagramAt));
    await context.close();
  }
  results.push(['player first load, transferred', `${fmt(median(bytes) / 1024)} KB (${bytes.length} cold loads)`, verdict(max(bytes) <= 150 * 1024)]);
  results.push(['player first load, navigation → step drawn', `median ${ms(median(interactive))}, max ${ms(max(interactive))}`, verdict(max(interactive) <= 1000)]);

  // 2. Moves on the "both TCPs" page: an auto-mode session, the client sending data again and again.
  const session = await service.post('/v1/sessions', {});
  const sessionLink = await link({ target: 'session', id: session.id });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(WATCH);
  const page = await context.newPage();
  await page.goto(sessionLink.url);
  await page.waitForSelector('[data-call="server-listen"]');
  const act = async (n, selector) => {
    await page.click(selector);
    await page.waitForSelector(`main[data-settled="${n}"]`);
  };
  await act(1, '[data-call="server-listen"]');
  await act(2, '[data-call="client-connect"]');
  await page.fill('input[name="client-data"]', 'GET / HTTP/1.1');
  for (let n = 3; n < 3 + MOVES; n += 1) await act(n, '[data-call="client-send"]');
  const lags = await page.evaluate(() => {
    const answers = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/calls'));
    return answers.map((e, i) => window.__tcplab.moves[i] - e.responseEnd);
  });
  await context.close();
  results.push([`answer on screen after it arrives (${lags.length} moves)`, `median ${ms(median(lags))}, max ${ms(max(lags))}`, verdict(max(lags) <= 50)]);

  // 3. A 300-step session's diagram, drawn and scrolled.
  const long = await service.post('/v1/sessions', {});
  await service.post(`/v1/sessions/${long.id}/calls`, { endpoint: 'server', call: 'listen' });
  await service.post(`/v1/sessions/${long.id}/calls`, { endpoint: 'client', call: 'connect' });
  for (let i = 2; i < LONG_STEPS; i += 1) await service.post(`/v1/sessions/${long.id}/calls`, { endpoint: i % 2 ? 'client' : 'server', call: 'send', data: `line ${i}` });
  const longLink = await link({ target: 'session', id: long.id });
  const longContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const longPage = await longContext.newPage();
  await longPage.goto(longLink.url);
  await longPage.waitForSelector('.diagram svg');
  const drawn = await longPage.evaluate(async (id) => {
    const { diagramView } = await import('/assets/js/views.js');
    const token = sessionStorage.getItem('tcplab.link');
    const headers = { authorization: `Bearer ${token}` };
    const svg = await (await fetch(`/v1/sessions/${id}/trace?format=svg`, { headers })).text();
    const { segments } = await (await fetch(`/v1/sessions/${id}/trace?format=json`, { headers })).json();
    const times = [];
    for (let i = 0; i < 5; i += 1) {
      const started = performance.now();
      const figure = diagramView(svg, segments, { selected: null, onSelect: () => undefined });
      document.querySelector('.diagram').replaceWith(figure);
      figure.getBoundingClientRect();
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      times.push(performance.now() - started);
    }
    return { times, segments: segments.length, svgBytes: svg.length };
  }, long.id);
  const frames = await longPage.evaluate(async () => {
    const figure = document.querySelector('.diagram');
    window.scrollTo(0, figure.offsetTop);
    const stamps = [];
    const until = performance.now() + 3000;
    window.scrollBy({ top: figure.offsetHeight, behavior: 'smooth' });
    await new Promise((resolve) => {
      const tick = (now) => {
        stamps.push(now);
        if (now < until) requestAnimationFrame(tick);
        else resolve();
      };
      requestAnimationFrame(tick);
    });
    const intervals = stamps.slice(1).map((t, i) => t - stamps[i]);
    const sorted = [...intervals].sort((a, b) => a - b);
    const typical = sorted[Math.floor(sorted.length / 2)];
    return { frames: intervals.length, typical, dropped: intervals.filter((x) => x > 1.5 * typical).length, worst: sorted[sorted.length - 1] };
  });
  await longContext.close();
  results.push([`300-step diagram drawn (${drawn.segments} segments, ${fmt(drawn.svgBytes / 1024)} KB of SVG)`, `median ${ms(median(drawn.times))}, max ${ms(max(drawn.times))}`, verdict(median(drawn.times) <= 100)]);
  results.push(['300-step diagram scrolled (3 s, smooth)', `${frames.frames} frames of ${ms(frames.typical)}, ${frames.dropped} dropped (worst ${ms(frames.worst)})`, verdict(frames.dropped === 0)]);
} finally {
  await browser.close();
  await service.stop();
  await db.drop();
}

console.log(`\nbench:web — ${machine()}, Chromium ${chromiumVersion}`);
for (const [what, figure, ok] of results) console.log(`${ok}  ${what}: ${figure}`);
