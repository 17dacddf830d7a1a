#!/usr/bin/env node
/**
 * npm run docs:svg — renders two scenarios' sequence diagrams as SVG with the
 * core's renderSvg (three-way-handshake, lost-final-ack; English and Chinese),
 * then screenshots each SVG as a PNG with headless Chromium, to look at the
 * layout as a browser draws it. Output: .data/diagrams/ (git-ignored), or
 * the directory given as the first argument. Nothing it writes is committed.
 *
 * Needs Chromium (`chromium`, `chromium-browser` or `google-chrome` on PATH,
 * or CHROMIUM=/path/to/binary); without it the SVGs are still written and the
 * script says so. The core is loaded from its TypeScript sources through
 * ts-node (transpile only), so no build is needed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
process.env.TS_NODE_PROJECT ??= join(root, 'tsconfig.json');
require('ts-node').register({ transpileOnly: true, project: process.env.TS_NODE_PROJECT });
const { scenario, playScenario, createScenarioConnection, renderSvg } = require(join(root, 'libs/tcp-core/src/index.ts'));

const SCENARIO_IDS = ['three-way-handshake', 'lost-final-ack'];
const LANGS = ['en', 'zh-CN'];
const WINDOW = '1200,1400';

const outDir = resolve(process.argv[2] ?? join(root, '.data/diagrams'));
mkdirSync(outDir, { recursive: true });

function findChromium() {
  const candidates = [process.env.CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'].filter(Boolean);
  return candidates.find((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);
}

function screenshot(chromium, svgFile, pngFile) {
  const profile = mkdtempSync(join(tmpdir(), 'tcplab-chromium-'));
  try {
    const r = spawnSync(
      chromium,
      [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars',
        `--user-data-dir=${profile}`, `--screenshot=${pngFile}`, `--window-size=${WINDOW}`, `file://${svgFile}`,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    if (r.status !== 0 || !existsSync(pngFile) || statSync(pngFile).size === 0) {
      throw new Error(`chromium failed for ${svgFile} (status ${r.status}):\n${r.stderr}`);
    }
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

const chromium = findChromium();
const written = [];
for (const id of SCENARIO_IDS) {
  const s = scenario(id);
  if (!s) throw new Error(`no scenario ${id}`);
  const start = createScenarioConnection(s);
  const steps = playScenario(s).map((p) => ({ events: p.events, segments: p.segments }));
  const history = {
    client: { ip: start.client.config.ip, port: start.client.config.port },
    server: { ip: start.server.config.ip, port: start.server.config.port },
    steps,
  };
  for (const lang of LANGS) {
    const base = join(outDir, `${id}.${lang}`);
    writeFileSync(`${base}.svg`, renderSvg(history, { lang }));
    if (chromium) {
      screenshot(chromium, `${base}.svg`, `${base}.png`);
      written.push(`${base}.png`);
    } else {
      written.push(`${base}.svg`);
    }
  }
}

if (!chromium) console.log('Chromium not found (set CHROMIUM=/path/to/chromium): only the SVGs were written.');
console.log(`${chromium ? 'PNG screenshots' : 'SVGs'} (${WINDOW.replace(',', '×')} window) in ${outDir}:`);
for (const f of written) console.log(`  ${f}`);
