// npm run bench:api — the service's throughput and latency on a real PostgreSQL,
// with two ceilings measured in the same run on the same database:
//   (a) framework: a route that touches no database (GET /health/live);
//   (b) database: exactly what the service sends PostgreSQL for a lifecycle — recorded from a real one (probe.cjs:
//       the same statements, parameters and payload sizes), replayed by the same driver with the same pool size
//       and the same number of concurrent loops, without HTTP, validation or simulation.
// Then 64 connections drive sessions through handshake, data and teardown: a 20-s warm-up (JIT, pools, prepared
// statements, and the heap's growth to its working size, which takes about 15 s at this rate), then BENCH_SECONDS
// measured, the service's RSS sampled every second; then PROFILE_SECONDS more with one worker profiled, to show
// where a request's time goes. Ends with the goals, each PASS or FAIL: steps ≥ 50 % of (b)'s; the p99 at most
// 1.5 × (b)'s own p99 at the same concurrency; RSS flat (the least-squares trend over the measured run within
// ±10 % of its start: single samples swing with each major GC); no errors.
// Env: DATABASE_URL (else an embedded PostgreSQL), BENCH_SECONDS (default 60), WEB_CONCURRENCY (default 2),
// BENCH_NODE_ARGS (node flags for the service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it); the
// service's own settings pass through (DATABASE_PREPARED_STATEMENTS=false: the ceiling replays what that sends).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { autocannonRun as run, childrenOf, database, fmt, machine, mib, rssOfTree, sleep, startService } from './lib.mjs';

const require = createRequire(import.meta.url);
const { Pool } = require('pg');

const PROBE = join(dirname(fileURLToPath(import.meta.url)), 'probe.cjs');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const WARM_UP_SECONDS = 20;
const PROFILE_SECONDS = 10;
const WORKERS = Number(process.env.WEB_CONCURRENCY ?? 2);
const CONNECTIONS = 64;
const POOL_PER_WORKER = Number(process.env.DATABASE_POOL_SIZE ?? 10);

/** A lifecycle's 16 steps after the create: handshake, 10 data segments, teardown, TIME_WAIT's expiry. */
const LIFECYCLE = [
  { path: 'calls', json: { endpoint: 'server', call: 'listen' } },
  { path: 'calls', json: { endpoint: 'client', call: 'connect' } },
  ...Array.from({ length: 10 }, () => ({ path: 'calls', json: { endpoint: 'client', call: 'send', length: 100 } })),
  { path: 'calls', json: { endpoint: 'server', call: 'receive' } },
  { path: 'calls', json: { endpoint: 'client', call: 'close' } },
  { path: 'calls', json: { endpoint: 'server', call: 'close' } },
  { path: 'advance', json: { ms: 60000 } },
];

/**
 * One lifecycle (create, then the steps of LIFECYCLE) through a service of its own, with every statement it
 * sends to PostgreSQL recorded by probe.cjs: name, text and parameters as the driver puts them on the wire. The
 * key is checked (and cached) by a request before, so what is recorded is what each request sends.
 */
async function recordLifecycle(url) {
  const file = join(mkdtempSync(join(tmpdir(), 'tcplab-record-')), 'statements.jsonl');
  const service = await startService({ databaseUrl: url, workers: 1, poolPerWorker: POOL_PER_WORKER, nodeArgs: ['--require', PROBE], env: { BENCH_RECORD: file } });
  try {
    await service.post('/v1/sessions', { mode: 'auto' });
    const from = readFileSync(file, 'utf8').length;
    const { id } = await service.post('/v1/sessions', { mode: 'auto' });
    for (const step of LIFECYCLE) await service.post(`/v1/sessions/${id}/${step.path}`, step.json);
    const statements = readFileSync(file, 'utf8').slice(from).trim().split('\n').map((line) => JSON.parse(line));
    return { sessionId: id, statements, requests: 1 + LIFECYCLE.length };
  } finally {
    await service.stop();
    rmSync(dirname(file), { recursive: true, force: true });
  }
}

/**
 * The database ceiling: the recorded lifecycle's statements replayed as they were sent — the same names (so
 * prepared once per connection, as the service does), texts and parameters, the session's id swapped for a new
 * one each time — by CONNECTIONS loops on one `pg` pool as large as the service's pools together. Each statement
 * must change its row, as it did when recorded.
 */
async function databaseCeiling(url, recorded) {
  const pool = new Pool({ connectionString: url, max: WORKERS * POOL_PER_WORKER });
  const latencies = [];
  let unchanged = 0;
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < until) {
        const id = randomUUID();
        for (const { name, text, values } of recorded.statements) {
          const config = { ...(name ? { name } : {}), text, values: values.map((v) => (typeof v === 'string' ? v.replaceAll(recorded.sessionId, id) : v)) };
          const began = performance.now();
          const { rowCount } = await pool.query(config);
          latencies.push(performance.now() - began);
          if (rowCount !== 1) unchanged += 1;
        }
      }
    }),
  );
  await pool.end();
  if (unchanged > 0) throw new Error(`the replay went wrong: ${unchanged} statements changed no row`);
  latencies.sort((a, b) => a - b);
  const at = (q) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
  return { perSecond: latencies.length / SECONDS, p50: at(0.5), p99: at(0.99) };
}

const PG = /node_modules\/(pg|pg-[a-z]+|postgres-[a-z]+)\//;

/** Where a CPU sample's time goes, by the innermost frame that says (builtins such as JSON.stringify have no URL: their caller says). */
const CATEGORIES = [
  ['parsing', 'parsing (the JSON body)', (url) => /secure-json-parse|fastify\/lib\/contentTypeParser|common\/json-depth/.test(url)],
  ['validation', 'validation (class-validator, class-transformer)', (url) => /class-validator|class-transformer|node_modules\/validator\/|validation\.pipe|common\/validation\.js/.test(url)],
  ['core', 'core (tcp-core: the step, tcpdump lines, messages)', (url) => url.includes('/libs/tcp-core/')],
  ['serialisation', 'serialisation of the answer (presenting, JSON)', (url, fn) => /session\.presenter|fast-json-stringify/.test(url) || (url.includes('fastify/lib/reply') && fn === 'serialize')],
  ['database', 'database client (parameters as JSON, pg, rows)', (url) => PG.test(url) || url.includes('sessions/sessions.repository')],
  ['write-db', 'socket writes to PostgreSQL', () => false],
  ['write-client', 'socket writes to clients', () => false],
  ['http', "HTTP in node (the parser, headers)", (url) => /^node:_http_/.test(url)],
  ['other', 'other (Fastify, Nest, the service, the key check)', (url) => url.includes('/node_modules/') || url.includes('/dist/apps/api/')],
  ['gc', 'garbage collection', () => false],
  ['program', 'V8 and native code outside JavaScript', () => false],
];

/** A sample's category from its stack, innermost frame first. */
function classify(frames) {
  const leaf = frames[0].functionName;
  if (leaf === '(garbage collector)') return 'gc';
  if (leaf === '(program)') return 'program';
  // Idle time, and the profiler's own work, are no request's.
  if (leaf === '(idle)' || frames.some((f) => f.url === 'node:inspector')) return null;
  for (const { url, functionName } of frames) {
    if (url === 'node:internal/stream_base_commons' || url === 'node:net') return frames.some((f) => PG.test(f.url)) ? 'write-db' : 'write-client';
    const category = url ? CATEGORIES.find(([, , matches]) => matches(url, functionName)) : undefined;
    if (category) return category[0];
  }
  return 'other';
}

/** CPU ms by category. */
function summariseProfile(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const categoryOf = new Map();
  const categorise = (id) => {
    if (!categoryOf.has(id)) {
      const frames = [];
      for (let at = id; at !== undefined; at = parent.get(at)) frames.push(byId.get(at).callFrame);
      categoryOf.set(id, classify(frames));
    }
    return categoryOf.get(id);
  };
  const ms = {};
  profile.samples.forEach((id, i) => {
    const category = categorise(id);
    if (category) ms[category] = (ms[category] ?? 0) + profile.timeDeltas[i] / 1000;
  });
  return ms;
}

/**
 * PROFILE_SECONDS more of the same load with one worker probed (probe.cjs, started and stopped by SIGUSR2): its
 * CPU by category, and its waits for a pooled connection and for each statement's answer, per request.
 */
async function profileRun(service, requests, dir) {
  const [worker] = childrenOf(service.pid);
  process.kill(worker, 'SIGUSR2');
  const result = await run({ url: service.base, connections: CONNECTIONS, duration: PROFILE_SECONDS, requests });
  process.kill(worker, 'SIGUSR2');
  const file = join(dir, `${worker}.json`);
  for (let i = 0; !existsSync(file) && i < 100; i += 1) await sleep(100);
  const probe = JSON.parse(readFileSync(file, 'utf8'));
  return { probe, cpu: summariseProfile(probe.profile), latency: result.latency.average };
}

/** Least-squares slope of evenly spaced samples, per sample. */
function trendPerSample(samples) {
  const n = samples.length;
  const meanX = (n - 1) / 2;
  const meanY = samples.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  samples.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return den === 0 ? 0 : num / den;
}

/** One connection's lifecycle for autocannon: the create, then LIFECYCLE on the session it made. */
function lifecycleRequests(key) {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  return [
    {
      method: 'POST',
      path: '/v1/sessions',
      headers,
      body: JSON.stringify({ mode: 'auto' }),
      onResponse: (status, body, context) => {
        if (status === 201) context.id = JSON.parse(body).id;
      },
    },
    ...LIFECYCLE.map((step) => ({
      method: 'POST',
      headers,
      setupRequest: (req, context) => ({ ...req, path: `/v1/sessions/${context.id}/${step.path}`, body: JSON.stringify(step.json) }),
    })),
  ];
}

/** "insert-session ×1, append-step ×16", and the mean size of the parameters of the most frequent statement. */
function describeStatements(statements) {
  // An unnamed statement (DATABASE_PREPARED_STATEMENTS=false) by its first words.
  const label = ({ name, text }) => name ?? `"${text.replace(/\s+/g, ' ').slice(0, 24)}…"`;
  const count = new Map();
  for (const statement of statements) count.set(label(statement), (count.get(label(statement)) ?? 0) + 1);
  const [top] = [...count.entries()].sort((a, b) => b[1] - a[1])[0];
  const tops = statements.filter((s) => label(s) === top);
  const bytes = tops.map((s) => s.values.reduce((sum, v) => sum + Buffer.byteLength(String(v ?? '')), 0)).reduce((a, b) => a + b, 0) / tops.length;
  const names = [...count.entries()].map(([name, n]) => `${name} ×${n}`).join(', ');
  return `${names}; ${top}: ${tops[0].values.length} parameters, ${fmt(bytes)} bytes on average`;
}

async function main() {
  const db = await database();
  const recorded = await recordLifecycle(db.url);
  const probeDir = mkdtempSync(join(tmpdir(), 'tcplab-probe-'));
  const service = await startService({
    databaseUrl: db.url,
    workers: WORKERS,
    poolPerWorker: POOL_PER_WORKER,
    build: false,
    nodeArgs: ['--require', PROBE],
    env: { BENCH_PROBE_DIR: probeDir },
  });
  try {
    const framework = await run({ url: `${service.base}/health/live`, connections: CONNECTIONS, duration: Math.min(SECONDS, 10) });
    const dbCeiling = await databaseCeiling(db.url, recorded);

    const requests = lifecycleRequests(service.key);
    const idle = rssOfTree(service.pid);
    const warmUp = await run({ url: service.base, connections: CONNECTIONS, duration: WARM_UP_SECONDS, requests });
    await sleep(1_000);
    const rss = [rssOfTree(service.pid)];
    const sampler = setInterval(() => rss.push(rssOfTree(service.pid)), 1000);
    const load = await run({ url: service.base, connections: CONNECTIONS, duration: SECONDS, requests });
    clearInterval(sampler);
    rss.push(rssOfTree(service.pid));
    const profile = await profileRun(service, requests, probeDir);

    // Both sides in steps per second: the service's requests and the ceiling's statements, each times its steps' share.
    const steps = (load.requests.average * LIFECYCLE.length) / requests.length;
    const ceilingSteps = (dbCeiling.perSecond * LIFECYCLE.length) / recorded.statements.length;
    const share = steps / ceilingSteps;
    const p99Limit = 1.5 * dbCeiling.p99;
    const errors = load.errors + load.non2xx + load.timeouts;
    const start = rss[0];
    const end = rss[rss.length - 1];
    const trend = (trendPerSample(rss) * (rss.length - 1)) / start;
    const signed = (x) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
    console.log(`\nmachine: ${machine()}; ${WORKERS} workers, ${CONNECTIONS} connections, ${WARM_UP_SECONDS} s warm-up (${fmt(warmUp.requests.average)} req/s), then ${SECONDS} s measured`);
    console.log(`a lifecycle (${recorded.requests} requests) sends PostgreSQL: ${describeStatements(recorded.statements)}`);
    console.log(`framework ceiling (GET /health/live):          ${fmt(framework.requests.average)} req/s, p50 ${framework.latency.p50} ms, p99 ${framework.latency.p99} ms`);
    console.log(`database ceiling (those statements replayed):  ${fmt(dbCeiling.perSecond)} statements/s = ${fmt(ceilingSteps)} steps/s, p50 ${dbCeiling.p50} ms, p99 ${dbCeiling.p99} ms`);
    console.log(`service, all requests (create + steps):        ${fmt(load.requests.average)} req/s, p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms, errors ${errors}`);
    console.log(`steps (calls/advance):                         ${fmt(steps)} req/s = ${(100 * share).toFixed(0)}% of the database ceiling`);
    console.log(
      `RSS of the service (all processes):            idle ${mib(idle)}; measured run: start ${mib(start)}, min ${mib(Math.min(...rss))}, max ${mib(Math.max(...rss))}, end ${mib(end)}; trend ${signed(trend)}`,
    );
    const { probe, cpu } = profile;
    const perRequest = (ms) => (ms / probe.requests).toFixed(3).padStart(7);
    const cpuMs = Object.values(cpu).reduce((a, b) => a + b, 0);
    const width = Math.max(...CATEGORIES.map(([, label]) => label.length)) + 5;
    console.log(`\nwhere a request's time goes (one worker, ${PROFILE_SECONDS} s more of the same load, ${fmt(probe.requests)} requests; ms per request):`);
    for (const [key, label] of CATEGORIES) console.log(`  ${`CPU, ${label}`.padEnd(width)} ${perRequest(cpu[key] ?? 0)}  ${((100 * (cpu[key] ?? 0)) / cpuMs).toFixed(0).padStart(3)}%`);
    console.log(`  ${'CPU, all of it'.padEnd(width)} ${perRequest(cpuMs)}`);
    console.log(`  ${'waiting for a pooled connection'.padEnd(width)} ${perRequest(probe.poolWaitMs)}`);
    console.log(`  ${`waiting for PostgreSQL (${(probe.statements / probe.requests).toFixed(2)} statements)`.padEnd(width)} ${perRequest(probe.statementMs)}`);
    console.log(`  ${'mean latency (the load generator)'.padEnd(width)} ${profile.latency.toFixed(3).padStart(7)}`);
    console.log('');
    const goals = [
      [share >= 0.5, `steps at ${(100 * share).toFixed(0)}% of the database ceiling (at least 50%)`],
      [load.latency.p99 <= p99Limit, `p99 ${load.latency.p99} ms at ${CONNECTIONS} connections (at most 1.5 × the ceiling's ${dbCeiling.p99} ms = ${p99Limit.toFixed(1)} ms)`],
      [Math.abs(trend) <= 0.1, `RSS trend ${signed(trend)} over ${SECONDS} s (within ±10%)`],
      [errors === 0, `${errors} errors`],
    ];
    for (const [pass, text] of goals) console.log(`${pass ? 'PASS' : 'FAIL'}: ${text}`);
    process.exitCode = goals.every(([pass]) => pass) ? 0 : 1;
  } finally {
    await service.stop();
    rmSync(probeDir, { recursive: true, force: true });
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
