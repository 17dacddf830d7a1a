// npm run bench:api — the service's throughput and latency on a real PostgreSQL,
// with two ceilings measured in the same run on the same database:
//   (a) framework: a route that touches no database (GET /health/live);
//   (b) database: exactly what the service sends PostgreSQL for a lifecycle — recorded from a real one (probe.cjs:
//       the same statements, parameters and payload sizes), replayed by the same driver with the same pool size
//       and the same number of concurrent loops, without HTTP, validation or simulation.
// Then 64 connections drive sessions through handshake, data and teardown: a 20-s warm-up (JIT, pools, prepared
// statements, and the heap's growth to its working size, which takes about 15 s at this rate), then BENCH_SECONDS
// measured, the service's RSS sampled every second, and the CPU time of the load generator, the service and its
// PostgreSQL backends read from /proc in both the ceiling's run and this one (whose CPU a step takes: on a machine
// whose CPU is all in use, that bounds steps/s); then PROFILE_SECONDS more with one worker profiled, to show
// where a request's time goes. Ends with the goals, each PASS or FAIL: steps ≥ 50 % of (b)'s; the p99 at most
// 1.5 × (b)'s own p99 at the same concurrency; RSS flat (the least-squares trend over the measured run within
// ±10 % of its start: single samples swing with each major GC); no errors.
// Env: DATABASE_URL (else an embedded PostgreSQL; `?host=/var/run/postgresql` reaches a local one through its Unix
// socket, the ceiling too), BENCH_SECONDS (default 60), WEB_CONCURRENCY (default 2), BENCH_NODE_ARGS (node flags
// for the service after npm start's own, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it); the
// service's own settings pass through (DATABASE_PREPARED_STATEMENTS=false: the ceiling replays what that sends).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { autocannonRun as run, childrenOf, cpuMeter, cpuMsOf, database, fmt, machine, mib, rssOfTree, sleep, startService, transport } from './lib.mjs';
import { LIFECYCLE, PROBE, cpuPerStep, databaseCeiling, lifecycleRequests, recordLifecycle } from './lifecycle.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const WARM_UP_SECONDS = 20;
const PROFILE_SECONDS = 10;
const WORKERS = Number(process.env.WEB_CONCURRENCY ?? 2);
const CONNECTIONS = 64;
const POOL_PER_WORKER = Number(process.env.DATABASE_POOL_SIZE ?? 10);

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
  const ranBefore = cpuMsOf(worker);
  process.kill(worker, 'SIGUSR2');
  const result = await run({ url: service.base, connections: CONNECTIONS, duration: PROFILE_SECONDS, requests });
  const ranMs = cpuMsOf(worker) - ranBefore;
  process.kill(worker, 'SIGUSR2');
  const file = join(dir, `${worker}.json`);
  for (let i = 0; !existsSync(file) && i < 100; i += 1) await sleep(100);
  const probe = JSON.parse(readFileSync(file, 'utf8'));
  return { probe, cpu: summariseProfile(probe.profile), ranMs, latency: result.latency.average };
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
  const recorded = await recordLifecycle(db.url, { poolPerWorker: POOL_PER_WORKER });
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
    const dbCeiling = await databaseCeiling(db.url, recorded, { seconds: SECONDS, connections: CONNECTIONS, poolSize: WORKERS * POOL_PER_WORKER });

    const requests = lifecycleRequests(service.key);
    const idle = rssOfTree(service.pid);
    const warmUp = await run({ url: service.base, connections: CONNECTIONS, duration: WARM_UP_SECONDS, requests });
    await sleep(1_000);
    const rss = [rssOfTree(service.pid)];
    const sampler = setInterval(() => rss.push(rssOfTree(service.pid)), 1000);
    const loadBefore = loadavg()[0];
    const meter = await cpuMeter({ databaseUrl: db.url, servicePid: service.pid });
    const load = await run({ url: service.base, connections: CONNECTIONS, duration: SECONDS, requests });
    const serviceCpu = cpuPerStep(await meter.read(), load.requests.total);
    const loadAfter = loadavg()[0];
    await meter.end();
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
    console.log(`\nmachine: ${machine()}; ${WORKERS} workers × ${POOL_PER_WORKER} pooled connections, ${transport(db.url)}; ${CONNECTIONS} connections, ${WARM_UP_SECONDS} s warm-up (${fmt(warmUp.requests.average)} req/s), then ${SECONDS} s measured (load average ${loadBefore.toFixed(1)} at its start, ${loadAfter.toFixed(1)} at its end)`);
    console.log(`a lifecycle (${recorded.requests} requests) sends PostgreSQL: ${describeStatements(recorded.statements)}`);
    console.log(`framework ceiling (GET /health/live):          ${fmt(framework.requests.average)} req/s, p50 ${framework.latency.p50} ms, p99 ${framework.latency.p99} ms`);
    console.log(`database ceiling (those statements replayed):  ${fmt(dbCeiling.perSecond)} statements/s = ${fmt(ceilingSteps)} steps/s, p50 ${dbCeiling.p50} ms, p99 ${dbCeiling.p99} ms`);
    console.log(`service, all requests (create + steps):        ${fmt(load.requests.average)} req/s, p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms, errors ${errors}`);
    console.log(`steps (calls/advance):                         ${fmt(steps)} req/s = ${(100 * share).toFixed(0)}% of the database ceiling`);
    console.log(
      `RSS of the service (all processes):            idle ${mib(idle)}; measured run: start ${mib(start)}, min ${mib(Math.min(...rss))}, max ${mib(Math.max(...rss))}, end ${mib(end)}; trend ${signed(trend)}`,
    );
    const { probe, cpu, ranMs } = profile;
    const perRequest = (ms) => (ms / probe.requests).toFixed(3).padStart(7);
    const cpuMs = Object.values(cpu).reduce((a, b) => a + b, 0);
    const width = 60;
    console.log(`\nwhere a request's time goes (one worker, ${PROFILE_SECONDS} s more of the same load, ${fmt(probe.requests)} requests; ms per request):`);
    // V8's profiler samples the thread by the clock: a system call during which the kernel runs another process
    // instead (a socket write wakes PostgreSQL or the client, which may take the CPU at once) counts in full. On a
    // busy machine that swells "socket writes" far beyond the CPU they use; /proc says what the worker ran.
    for (const [key, label] of CATEGORIES) console.log(`  ${`sampled, ${label}`.padEnd(width)} ${perRequest(cpu[key] ?? 0)}  ${((100 * (cpu[key] ?? 0)) / cpuMs).toFixed(0).padStart(3)}%`);
    console.log(`  ${'sampled, all of it (the thread busy or waiting for a CPU)'.padEnd(width)} ${perRequest(cpuMs)}`);
    console.log(`  ${"the worker's CPU time (/proc; the profiler's own included)".padEnd(width)} ${perRequest(ranMs)}`);
    console.log(`  ${'waiting for a pooled connection'.padEnd(width)} ${perRequest(probe.poolWaitMs)}`);
    console.log(`  ${`waiting for PostgreSQL (${(probe.statements / probe.requests).toFixed(2)} statements)`.padEnd(width)} ${perRequest(probe.statementMs)}`);
    console.log(`  ${'mean latency (the load generator)'.padEnd(width)} ${profile.latency.toFixed(3).padStart(7)}`);
    const ceilingCpu = cpuPerStep(dbCeiling.cpu, dbCeiling.statements);
    const cpuBound = ceilingCpu.ours / serviceCpu.ours;
    const cell = (x) => x.toFixed(2).padStart(8);
    console.log(`\nwhere the machine's CPU goes (user + system time from /proc; ms per step, each lifecycle's create counted into its steps):`);
    console.log(`  ${''.padEnd(22)}  client  service  PostgreSQL   = ours   others     idle`);
    console.log(`  ${'database ceiling'.padEnd(22)}${cell(ceilingCpu.generator)}${'—'.padStart(9)}${cell(ceilingCpu.postgres)}    ${cell(ceilingCpu.ours)}${cell(ceilingCpu.others)}${cell(ceilingCpu.idle)}   (client: the ceiling's pg loops)`);
    console.log(`  ${'service'.padEnd(22)}${cell(serviceCpu.generator)}${cell(serviceCpu.service)}${cell(serviceCpu.postgres)}    ${cell(serviceCpu.ours)}${cell(serviceCpu.others)}${cell(serviceCpu.idle)}   (client: autocannon)`);
    // On a machine whose CPU is all in use (idle ≈ 0), throughput is inversely proportional to the CPU a step
    // takes: an estimate, not a bound, as the CPU a step takes changes with what else runs.
    console.log(`  with the CPU all in use, steps at about ${(100 * cpuBound).toFixed(0)}% of the ceiling (${ceilingCpu.ours.toFixed(2)} / ${serviceCpu.ours.toFixed(2)} ms)`);
    // Both sides keep 64 requests in flight, so each one's mean latency is 64 / its throughput (Little's law): the
    // service's latency is the ceiling's divided by its share, and a p99 within 1.5 × the ceiling's asks for about
    // 1 / 1.5 = 67 % of the ceiling's throughput, if the tails are alike — more than the throughput goal does.
    console.log(
      `  Little's law, ${CONNECTIONS} in flight: the ceiling's mean latency ${dbCeiling.mean.toFixed(1)} ms (${CONNECTIONS} / its rate = ${((1000 * CONNECTIONS) / dbCeiling.perSecond).toFixed(1)} ms), the service's ${load.latency.average.toFixed(1)} ms (${((1000 * CONNECTIONS) / load.requests.average).toFixed(1)} ms): the p99 goal asks for about 67% of the ceiling`,
    );
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
