#!/usr/bin/env node
/**
 * npm run docs:screenshots — a screenshot of each of the playground's main views, in Chromium, saved to
 * docs/screenshots/ (committed: the README shows them). It starts the built service (npm run build first) on
 * DATABASE_URL — a database of its own, e.g. postgres://postgres@127.0.0.1:5432/tcplab_screens — makes a tenant,
 * sessions and links through the API, and drives the pages as a learner would.
 *
 * Needs Debian's chromium (or CHROMIUM_PATH) and, for the Chinese view, fonts-noto-cjk.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const outDir = join(root, 'docs/screenshots');
mkdirSync(outDir, { recursive: true });

if (!process.env.DATABASE_URL) {
  console.error('Set DATABASE_URL to a database the screenshots may fill, e.g. postgres://postgres@127.0.0.1:5432/tcplab_screens');
  process.exit(2);
}
const port = 3900 + (process.pid % 90);
const base = `http://127.0.0.1:${port}`;
const admin = `screens-${randomBytes(18).toString('base64url')}`;
const service = spawn(process.execPath, [join(root, 'dist/apps/api/apps/api/src/main.js')], {
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ADMIN_API_KEY: admin, LOG_LEVEL: 'fatal', RATE_LIMIT: '0', WEB_CONCURRENCY: '1' },
  stdio: 'ignore',
});

async function call(key, method, path, body) {
  const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

async function ready() {
  for (let i = 0; i < 300; i += 1) {
    try {
      if ((await fetch(`${base}/health/live`)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the service did not start');
}

const SEED = {
  client: { ip: '192.168.1.63', port: 53198, isn: 481914174, window: 29200 },
  server: { ip: '192.168.1.64', port: 22, isn: 2737267460, window: 28960 },
};

let browser;
try {
  await ready();
  const tenant = await call(admin, 'POST', '/v1/admin/tenants', { name: 'screenshots' });
  const { key } = await call(admin, 'POST', `/v1/admin/tenants/${tenant.id}/keys`, {});
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const shot = async (name, { locale = 'en-US', width = 1280, height = 900 } = {}, act) => {
    const context = await browser.newContext({ locale, viewport: { width, height } });
    const page = await context.newPage();
    await act(page);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
    await context.close();
    console.log(join('docs/screenshots', `${name}.png`));
  };
  const moved = (page, n) => page.waitForSelector(`main[data-settled="${n}"]`);

  await shot('catalogue', {}, (page) => page.goto(`${base}/`).then(() => page.waitForSelector('.card')));
  await shot('player', {}, async (page) => {
    await page.goto(`${base}/scenarios/lost-final-ack?step=12`);
    await page.click('g.arrow[data-segment="7"] text.label');
  });
  await shot('player-zh-CN', { locale: 'zh-CN' }, async (page) => {
    await page.goto(`${base}/scenarios/three-way-handshake?step=3`);
    await page.click('g.arrow[data-segment="2"] text.label');
  });
  await shot('player-phone', { width: 360, height: 740 }, (page) => page.goto(`${base}/scenarios/simultaneous-close?step=6`).then(() => page.waitForSelector('svg')));

  const session = await call(key, 'POST', '/v1/sessions', { mode: 'manual', ...SEED });
  const sessionLink = await call(key, 'POST', '/v1/links', { target: 'session', id: session.id });
  await shot('play-refused', {}, async (page) => {
    await page.goto(sessionLink.url);
    await page.waitForSelector('[data-call="server-listen"]');
    await page.click('[data-call="server-listen"]');
    await moved(page, 1);
    await page.setChecked('input[name=flag-SYN]', true);
    await page.click('form.composer button[type=submit]');
    await moved(page, 2);
    await page.fill('input[name=ack]', '481914174');
    await page.click('form.composer button[type=submit]');
    await moved(page, 3);
  });

  await shot('captures', {}, async (page) => {
    await page.goto(`${base}/captures`);
    await page.setInputFiles('#capture-file', join(root, 'libs/tcp-core/test/fixtures/seed-ssh-handshake.tcpdump-S.txt'));
    await page.waitForSelector('section.connection');
  });

  const quiz = await call(key, 'POST', '/v1/quizzes', { scenario: 'three-way-handshake', seed: 7, count: 4 });
  const quizLink = await call(key, 'POST', '/v1/links', { target: 'quiz', id: quiz.id });
  await shot('quiz', {}, async (page) => {
    await page.goto(quizLink.url);
    await page.waitForSelector('fieldset.question');
  });

  const exercise = await call(key, 'POST', '/v1/exercises', { goal: 'establish-as-client', seed: 4 });
  const exerciseLink = await call(key, 'POST', '/v1/links', { target: 'exercise', id: exercise.id });
  await shot('exercise-graded', {}, async (page) => {
    await page.goto(exerciseLink.url);
    await page.waitForSelector('form.composer');
    await page.setChecked('input[name=flag-SYN]', true);
    for (let n = 1; n <= 3; n += 1) {
      await page.click('form.composer button[type=submit]');
      await moved(page, n);
    }
    await page.waitForSelector('[data-testid="grade"]');
  });

  const expired = await call(key, 'POST', '/v1/links', { target: 'session', id: session.id, expires_at: new Date(Date.now() + 500).toISOString() });
  await new Promise((r) => setTimeout(r, 600));
  await shot('link-expired', {}, (page) => page.goto(expired.url));
} finally {
  await browser?.close();
  service.kill('SIGTERM');
}
