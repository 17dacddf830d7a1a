// A lifecycle as bench:api drives it, shared by bench:api and bench:api:ab: its requests for autocannon, the
// statements it sends PostgreSQL (recorded by probe.cjs), and the database ceiling that replays them.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuMeter, startService } from './lib.mjs';

const require = createRequire(import.meta.url);
const { Pool } = require('pg');

export const PROBE = join(dirname(fileURLToPath(import.meta.url)), 'probe.cjs');

/** A lifecycle's 16 steps after the create: handshake, 10 data segments, teardown, TIME_WAIT's expiry. */
export const LIFECYCLE = [
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
export async function recordLifecycle(url, { poolPerWorker, build = true, dist, env = {}, nodeArgs = [] }) {
  const file = join(mkdtempSync(join(tmpdir(), 'tcplab-record-')), 'statements.jsonl');
  // The LTI score worker's rounds (every LTI_SCORE_POLL_MS, 1 s by default) are no step's statements: recorded
  // with them whenever the lifecycle took over a second, the replay ran their BEGIN, SELECT … and COMMIT as if
  // they were a step's, and failed ("changed no row"). It is off while recording only.
  const service = await startService({ databaseUrl: url, workers: 1, poolPerWorker, build, dist, nodeArgs: [...nodeArgs, '--require', PROBE], env: { ...env, LTI_SCORE_POLL_MS: '0', BENCH_RECORD: file } });
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
 * one each time — by `connections` loops for `seconds` on one `pg` pool of `poolSize` (as large as the service's
 * pools together). Each statement must change its row, as it did when recorded. With the CPU it took (cpuMeter:
 * this process's is the `pg` loops').
 */
export async function databaseCeiling(url, recorded, { seconds, connections, poolSize }) {
  const pool = new Pool({ connectionString: url, max: poolSize });
  const latencies = [];
  let unchanged = 0;
  const meter = await cpuMeter({ databaseUrl: url });
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
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
  // Before the pool closes: its backends' CPU ends with them.
  const cpu = await meter.read();
  await meter.end();
  await pool.end();
  if (unchanged > 0) throw new Error(`the replay went wrong: ${unchanged} statements changed no row`);
  latencies.sort((a, b) => a - b);
  const at = (q) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
  const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  return { statements: latencies.length, perSecond: latencies.length / seconds, mean, p50: at(0.5), p99: at(0.99), cpu };
}

/** One connection's lifecycle for autocannon: the create, then LIFECYCLE on the session it made. */
export function lifecycleRequests(key) {
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


/**
 * CPU ms per step, by whose it was, from a cpuMeter reading over `requests` requests (or statements: a lifecycle
 * is as many of either), each lifecycle's create counted into its steps.
 */
export function cpuPerStep(cpu, requests) {
  const steps = (requests * LIFECYCLE.length) / (LIFECYCLE.length + 1);
  const per = (ms) => ms / steps;
  return { generator: per(cpu.generator), service: per(cpu.service), postgres: per(cpu.postgres), others: per(cpu.others), idle: per(cpu.idle), ours: per(cpu.generator + cpu.service + cpu.postgres) };
}
