// npm run bench:scale — does a request cost the same with 1,000 and with 1,000,000 sessions stored?
// A fresh database; the service with two workers. Each measurement runs on 256 fresh sessions of the bench's
// tenant brought to ESTABLISHED (after a warm-up on 256 others). Disk: about 6 KB per seeded session (its row
// and a three-step history), ~6 GB at 1,000,000.
// The database is seeded (scripts/seed-sessions.mjs: copies of a session with its history, over 1,000 tenants)
// to 1,000 sessions, then send latency is measured (16 connections, BENCH_SECONDS, data sends on the 256
// sessions); then seeded to SCALE_SESSIONS (default 1,000,000) and measured again. Prints both, the query plans
// of the request path at the larger size, and PASS when p50 and p99 stay within 25 %.
// Env: DATABASE_URL (else an embedded PostgreSQL), BENCH_SECONDS (default 15), SCALE_SESSIONS (default 1000000).
import { createRequire } from 'node:module';
import { seedSessions } from '../seed-sessions.mjs';
import { autocannonRun, database, fmt, machine, startService } from './lib.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('pg');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const LARGE = Number(process.env.SCALE_SESSIONS ?? 1_000_000);
const SMALL = 1_000;
const SESSIONS = 256;
const CONNECTIONS = 16;
const TOLERANCE = 0.25;

/** 256 fresh sessions of the bench's tenant, ESTABLISHED: each measurement starts from the same ones. */
async function establishedSessions(service) {
  const ids = [];
  for (let i = 0; i < SESSIONS; i += 1) {
    const { id } = await service.post('/v1/sessions', { seed: i + 1 });
    await service.post(`/v1/sessions/${id}/calls`, { endpoint: 'server', call: 'listen' });
    await service.post(`/v1/sessions/${id}/calls`, { endpoint: 'client', call: 'connect' });
    ids.push(id);
  }
  return ids;
}

/** Send latency on fresh sessions, after a 5-s warm-up on other fresh ones (caches, JIT, pools). */
async function measure(service) {
  await load(service, await establishedSessions(service), 5);
  const ids = await establishedSessions(service);
  const result = await load(service, ids, SECONDS);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

function load(service, ids, seconds) {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${service.key}` };
  let next = 0;
  return autocannonRun({
    url: service.base,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers,
        body: JSON.stringify({ endpoint: 'client', call: 'send', length: 100 }),
        setupRequest: (req) => ({ ...req, path: `/v1/sessions/${ids[next++ % ids.length]}/calls` }),
      },
    ],
  });
}

/** EXPLAIN ANALYZE of each query on a request's path, with real values; writes are rolled back. */
async function plans(databaseUrl, tenantId, sessionId, key) {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const { rows } = await db.query(`SELECT tenant_id FROM sessions WHERE tenant_id <> $1 GROUP BY tenant_id LIMIT 1`, [tenantId]);
  const seededTenant = rows[0].tenant_id;
  const queries = [
    ['API key (once per TTL per process)', `SELECT id, tenant_id, role FROM api_keys WHERE hash = $1 AND revoked_at IS NULL`, [key]],
    ['read the session (a step, unless this process changed the session last)', `SELECT * FROM sessions WHERE tenant_id = $1 AND id = $2`, [tenantId, sessionId]],
    [
      'append the step if the session is still at the version read (every step)',
      `WITH moved AS (
         UPDATE sessions SET version = version + 1, step_count = step_count + 1, updated_at = now()
         WHERE tenant_id = $2 AND id = $1 AND version = (SELECT version FROM sessions WHERE tenant_id = $2 AND id = $1)
         RETURNING tenant_id, step_count, event_count
       )
       INSERT INTO session_steps (tenant_id, session_id, n, input, events, segments, first_event)
       SELECT tenant_id, $1, step_count, '{}'::jsonb, '[]'::jsonb, '[]'::jsonb, event_count FROM moved`,
      [sessionId, tenantId],
    ],
    ['lock the session (a step the optimistic write cannot take)', `SELECT * FROM sessions WHERE id = $1 AND tenant_id = $2 FOR UPDATE`, [sessionId, tenantId]],
    ['Idempotency-Key (steps sent with one)', `SELECT fingerprint, status, headers, body FROM idempotency_keys WHERE tenant_id = $1 AND key = $2`, [tenantId, 'k']],
    ['list a tenant\'s sessions (one page)', `SELECT *, created_at::text AS created_at_exact FROM sessions WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT 21`, [seededTenant]],
    [
      'events page',
      `SELECT first_event, events FROM session_steps WHERE tenant_id = $4 AND session_id = $1 AND first_event + jsonb_array_length(events) > $2 ORDER BY n LIMIT $3`,
      [sessionId, 0, 100, tenantId],
    ],
    ['trace (whole history)', `SELECT events, segments FROM session_steps WHERE tenant_id = $2 AND session_id = $1 ORDER BY n`, [sessionId, tenantId]],
  ];
  const out = [];
  for (const [name, sql, params] of queries) {
    await db.query('BEGIN');
    const plan = await db.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY OFF) ${sql}`, params);
    await db.query('ROLLBACK');
    out.push(`-- ${name}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
  }
  await db.end();
  return out.join('\n\n');
}

async function main() {
  const db = await database('tcplab_scale');
  const service = await startService({ databaseUrl: db.url, workers: 2, poolPerWorker: 10 });
  try {
    // The copies' model: a session of its own, never measured (a measured one grows a longer history every run).
    const template = (await service.post('/v1/sessions', { seed: 7 })).id;
    await service.post(`/v1/sessions/${template}/calls`, { endpoint: 'server', call: 'listen' });
    await service.post(`/v1/sessions/${template}/calls`, { endpoint: 'client', call: 'connect' });
    await service.post(`/v1/sessions/${template}/calls`, { endpoint: 'client', call: 'send', data: 'hello' });
    const log = (line) => process.stdout.write(`${line}\n`);
    // Each measurement adds 2 × SESSIONS sessions of its own: seed so that the totals are SMALL and LARGE.
    let stored = (await seedSessions(db.url, SMALL - 1 - 2 * SESSIONS, template, log)) + 2 * SESSIONS;
    const small = await measure(service);
    log(`${fmt(stored)} sessions: ${fmt(small.rps)} sends/s, p50 ${small.p50} ms, p99 ${small.p99} ms, errors ${small.errors}`);
    const started = Date.now();
    stored = (await seedSessions(db.url, LARGE - stored - 2 * SESSIONS, template, log)) + 2 * SESSIONS;
    log(`seeded to ${fmt(stored)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const large = await measure(service);
    log(`${fmt(stored)} sessions: ${fmt(large.rps)} sends/s, p50 ${large.p50} ms, p99 ${large.p99} ms, errors ${large.errors}`);
    log(`\nQuery plans with ${fmt(stored)} sessions stored:\n\n${await plans(db.url, service.tenantId, template, service.keyHash)}\n`);

    const change = (a, b) => `${b >= a ? '+' : ''}${((100 * (b - a)) / a).toFixed(0)}%`;
    console.log(`machine: ${machine()}; 2 workers, ${CONNECTIONS} connections, ${SECONDS} s per measurement`);
    console.log(`send latency, ${fmt(SMALL)} → ${fmt(stored)} sessions: p50 ${small.p50} → ${large.p50} ms (${change(small.p50, large.p50)}), p99 ${small.p99} → ${large.p99} ms (${change(small.p99, large.p99)}); throughput ${fmt(small.rps)} → ${fmt(large.rps)} sends/s`);
    const pass = small.errors + large.errors === 0 && large.p50 <= small.p50 * (1 + TOLERANCE) + 1 && large.p99 <= small.p99 * (1 + TOLERANCE) + 1;
    console.log(`${pass ? 'PASS' : 'FAIL'}: latency unchanged within ${100 * TOLERANCE}% (+1 ms) from ${fmt(SMALL)} to ${fmt(stored)} stored sessions, ${small.errors + large.errors} errors`);
    process.exitCode = pass ? 0 : 1;
  } finally {
    await service.stop();
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
