// npm run bench:api — the service's throughput and latency on a real PostgreSQL,
// with two ceilings measured in the same run on the same database:
//   (a) framework: a route that touches no database (GET /health/live);
//   (b) database: a raw `pg` loop doing the same transaction as one step
//       (lock one session row, insert one history row, update the row).
// Then 64 connections drive sessions through handshake, data and teardown.
// Env: DATABASE_URL (else an embedded PostgreSQL), BENCH_SECONDS (default 20), WEB_CONCURRENCY (default 2).
import { createRequire } from 'node:module';
import { autocannonRun as run, database, fmt, machine, mib, rssOfTree, startService } from './lib.mjs';

const require = createRequire(import.meta.url);
const { Pool } = require('pg');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WORKERS = Number(process.env.WEB_CONCURRENCY ?? 2);
const CONNECTIONS = 64;
const POOL_PER_WORKER = Number(process.env.DATABASE_POOL_SIZE ?? 10);

async function databaseCeiling(url) {
  const pool = new Pool({ connectionString: url, max: WORKERS * POOL_PER_WORKER });
  await pool.query('CREATE TABLE bench_rows (id int PRIMARY KEY, version int NOT NULL, snapshot jsonb NOT NULL)');
  await pool.query('CREATE TABLE bench_log (row_id int NOT NULL, n int NOT NULL, body jsonb NOT NULL, PRIMARY KEY (row_id, n))');
  const snapshot = JSON.stringify({ filler: 'x'.repeat(3000) });
  for (let i = 0; i < CONNECTIONS; i += 1) await pool.query('INSERT INTO bench_rows VALUES ($1, 0, $2)', [i, snapshot]);
  let done = 0;
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, id) => {
      while (Date.now() < until) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const { rows } = await client.query('SELECT version FROM bench_rows WHERE id = $1 FOR UPDATE', [id]);
          const n = rows[0].version + 1;
          await client.query('INSERT INTO bench_log VALUES ($1, $2, $3)', [id, n, snapshot]);
          await client.query('UPDATE bench_rows SET version = $2, snapshot = $3 WHERE id = $1', [id, n, snapshot]);
          await client.query('COMMIT');
          done += 1;
        } finally {
          client.release();
        }
      }
    }),
  );
  await pool.end();
  return done / SECONDS;
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
    // One sample a second; the first is the idle service, the tenth the service warmed up (JIT, pools, prepared statements).
    const rss = [];
    const sampler = setInterval(() => rss.push(rssOfTree(service.pid)), 1000);
    rss.push(rssOfTree(service.pid));
    const load = await run({ url: service.base, connections: CONNECTIONS, duration: SECONDS, requests });
    clearInterval(sampler);
    rss.push(rssOfTree(service.pid));

    const stepShare = (requests.length - 1) / requests.length;
    const steps = load.requests.average * stepShare;
    const errors = load.errors + load.non2xx;
    console.log(`\nmachine: ${machine()}; ${WORKERS} workers, ${CONNECTIONS} connections, ${SECONDS} s`);
    console.log(`framework ceiling (GET /health/live):          ${fmt(framework.requests.average)} req/s, p50 ${framework.latency.p50} ms, p99 ${framework.latency.p99} ms`);
    console.log(`database ceiling (raw pg lock+insert+update):  ${fmt(dbCeiling)} tx/s`);
    console.log(`service, all requests (create + steps):        ${fmt(load.requests.average)} req/s, p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms, errors ${errors}`);
    console.log(`send requests (steps: calls/advance):          ${fmt(steps)} req/s = ${((100 * steps) / dbCeiling).toFixed(0)}% of the database ceiling`);
    const warm = rss[Math.min(10, rss.length - 1)];
    const end = rss[rss.length - 1];
    console.log(
      `RSS of the service (all processes):            idle ${mib(rss[0])}, after 10 s ${mib(warm)}, peak ${mib(Math.max(...rss))}, end ${mib(end)} (${end >= warm ? '+' : ''}${((100 * (end - warm)) / warm).toFixed(0)}% since 10 s)`,
    );
  } finally {
    await service.stop();
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
