// npm run bench:api — the service's throughput and latency on a real PostgreSQL,
// with two ceilings measured in the same run on the same database:
//   (a) framework: a route that touches no database (GET /health/live);
//   (b) database: a raw `pg` loop doing the same transaction as one step
//       (lock one session row, insert one history row, update the row).
// Then 64 connections drive sessions through handshake, data and teardown: a 20-s warm-up (JIT, pools, prepared
// statements, and the heap's growth to its working size, which takes about 15 s at this rate: a 150-s trace
// stays within 510–610 MiB from then on), then BENCH_SECONDS measured, the service's RSS sampled every second.
// Ends with the goals, each PASS or FAIL: steps ≥ 50 % of (b), p99 ≤ 50 ms, RSS flat (the least-squares
// trend over the measured run within ±10 % of its start: single samples swing with each major GC), no errors.
// Env: DATABASE_URL (else an embedded PostgreSQL), BENCH_SECONDS (default 60), WEB_CONCURRENCY (default 2),
// BENCH_NODE_ARGS (node flags for the service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it).
import { createRequire } from 'node:module';
import { autocannonRun as run, database, fmt, machine, mib, rssOfTree, sleep, startService } from './lib.mjs';

const require = createRequire(import.meta.url);
const { Pool } = require('pg');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const WARM_UP_SECONDS = 20;
const WORKERS = Number(process.env.WEB_CONCURRENCY ?? 2);
const CONNECTIONS = 64;
const POOL_PER_WORKER = Number(process.env.DATABASE_POOL_SIZE ?? 10);

async function databaseCeiling(url) {
  const pool = new Pool({ connectionString: url, max: WORKERS * POOL_PER_WORKER });
  await pool.query('CREATE TABLE bench_rows (id int PRIMARY KEY, version int NOT NULL, snapshot jsonb NOT NULL)');
  await pool.query('CREATE TABLE bench_log (row_id int NOT NULL, n int NOT NULL, body jsonb NOT NULL, PRIMARY KEY (row_id, n))');
  const snapshot = JSON.stringify({ filler: 'x'.repeat(3000) });
  for (let i = 0; i < CONNECTIONS; i += 1) await pool.query('INSERT INTO bench_rows VALUES ($1, 0, $2)', [i, snapshot]);
  const latencies = [];
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, id) => {
      while (Date.now() < until) {
        const began = performance.now();
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const { rows } = await client.query('SELECT version FROM bench_rows WHERE id = $1 FOR UPDATE', [id]);
          const n = rows[0].version + 1;
          await client.query('INSERT INTO bench_log VALUES ($1, $2, $3)', [id, n, snapshot]);
          await client.query('UPDATE bench_rows SET version = $2, snapshot = $3 WHERE id = $1', [id, n, snapshot]);
          await client.query('COMMIT');
          latencies.push(performance.now() - began);
        } finally {
          client.release();
        }
      }
    }),
  );
  await pool.end();
  latencies.sort((a, b) => a - b);
  const at = (q) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
  return { perSecond: latencies.length / SECONDS, p50: at(0.5), p99: at(0.99) };
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

/** One connection's lifecycle: create, handshake, 10 data segments, teardown, TIME_WAIT expiry. */
function lifecycleRequests(key) {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  const step = (body) => ({
    method: 'POST',
    headers,
    setupRequest: (req, context) => ({ ...req, path: `/v1/sessions/${context.id}/${body.path}`, body: JSON.stringify(body.json) }),
  });
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
    step({ path: 'calls', json: { endpoint: 'server', call: 'listen' } }),
    step({ path: 'calls', json: { endpoint: 'client', call: 'connect' } }),
    ...Array.from({ length: 10 }, () => step({ path: 'calls', json: { endpoint: 'client', call: 'send', length: 100 } })),
    step({ path: 'calls', json: { endpoint: 'server', call: 'receive' } }),
    step({ path: 'calls', json: { endpoint: 'client', call: 'close' } }),
    step({ path: 'calls', json: { endpoint: 'server', call: 'close' } }),
    step({ path: 'advance', json: { ms: 60000 } }),
  ];
}

async function main() {
  const db = await database();
  const service = await startService({ databaseUrl: db.url, workers: WORKERS, poolPerWorker: POOL_PER_WORKER });
  try {
    const framework = await run({ url: `${service.base}/health/live`, connections: CONNECTIONS, duration: Math.min(SECONDS, 10) });
    const dbCeiling = await databaseCeiling(db.url);

    const requests = lifecycleRequests(service.key);
    const idle = rssOfTree(service.pid);
    const warmUp = await run({ url: service.base, connections: CONNECTIONS, duration: WARM_UP_SECONDS, requests });
    await sleep(1_000);
    const rss = [rssOfTree(service.pid)];
    const sampler = setInterval(() => rss.push(rssOfTree(service.pid)), 1000);
    const load = await run({ url: service.base, connections: CONNECTIONS, duration: SECONDS, requests });
    clearInterval(sampler);
    rss.push(rssOfTree(service.pid));

    const stepShare = (requests.length - 1) / requests.length;
    const steps = load.requests.average * stepShare;
    const share = steps / dbCeiling.perSecond;
    const errors = load.errors + load.non2xx + load.timeouts;
    const start = rss[0];
    const end = rss[rss.length - 1];
    const trend = (trendPerSample(rss) * (rss.length - 1)) / start;
    const signed = (x) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
    console.log(`\nmachine: ${machine()}; ${WORKERS} workers, ${CONNECTIONS} connections, ${WARM_UP_SECONDS} s warm-up (${fmt(warmUp.requests.average)} req/s), then ${SECONDS} s measured`);
    console.log(`framework ceiling (GET /health/live):          ${fmt(framework.requests.average)} req/s, p50 ${framework.latency.p50} ms, p99 ${framework.latency.p99} ms`);
    console.log(`database ceiling (raw pg lock+insert+update):  ${fmt(dbCeiling.perSecond)} tx/s, p50 ${dbCeiling.p50} ms, p99 ${dbCeiling.p99} ms`);
    console.log(`service, all requests (create + steps):        ${fmt(load.requests.average)} req/s, p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms, errors ${errors}`);
    console.log(`send requests (steps: calls/advance):          ${fmt(steps)} req/s = ${(100 * share).toFixed(0)}% of the database ceiling`);
    console.log(
      `RSS of the service (all processes):            idle ${mib(idle)}; measured run: start ${mib(start)}, min ${mib(Math.min(...rss))}, max ${mib(Math.max(...rss))}, end ${mib(end)}; trend ${signed(trend)}`,
    );
    const goals = [
      [share >= 0.5, `steps at ${(100 * share).toFixed(0)}% of the database ceiling (at least 50%)`],
      [load.latency.p99 <= 50, `p99 ${load.latency.p99} ms at ${CONNECTIONS} connections (at most 50 ms)`],
      [Math.abs(trend) <= 0.1, `RSS trend ${signed(trend)} over ${SECONDS} s (within ±10%)`],
      [errors === 0, `${errors} errors`],
    ];
    for (const [pass, text] of goals) console.log(`${pass ? 'PASS' : 'FAIL'}: ${text}`);
    process.exitCode = goals.every(([pass]) => pass) ? 0 : 1;
  } finally {
    await service.stop();
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
