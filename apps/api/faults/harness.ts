import { createConnection, step, type Connection, type ConnectionOptions, type Input } from '@tcplab/tcp-core';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Client } from 'pg';

/** The service as `npm start` runs it (dist/, built by global-setup.ts), in a process the test may kill. */

const ROOT = join(__dirname, '../../..');
const MAIN = join(ROOT, 'dist/apps/api/apps/api/src/main.js');

// Each test process (a Jest worker) takes ports from a range of its own: 64 of them. A worker runs several files one
// after another (fault and browser suites), whose ports add up — 16 overflowed into the next pid's range, and
// services failed with EADDRINUSE when workers with neighbouring pids ran at once. The ranges (10,064–29,200) lie
// below the kernel's ephemeral ports (32,768–60,999 here), where every outgoing connection and every listen(0) of
// the other suites (the LTI platform emulator, ltijs, Chromium) takes its port: 41,000 and up collided with those.
let nextPort = 10000 + (process.pid % 300) * 64;
export function freePort(): number {
  nextPort += 1;
  return nextPort;
}

export interface Service {
  url: string;
  process: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

export async function startService(databaseUrl: string, port = freePort(), env: Record<string, string> = {}, output: string[] | null = null): Promise<Service> {
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', WEB_CONCURRENCY: '1', LOG_LEVEL: 'fatal', RATE_LIMIT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Everything the service writes to stdout (its logs): given to the test when it asks, and read for readiness.
  let written = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    written += chunk.toString('utf8');
    output?.push(chunk.toString('utf8'));
  });
  // Ready when the service itself says it listens — /health alone could be another process's on the same port
  // (other checkouts' tests on one machine) — and, with several workers, when all of them do.
  const workers = Number(env['WEB_CONCURRENCY'] ?? 1);
  const ready = (): boolean => written.includes(workers === 1 ? `listening on http://localhost:${port}` : `${workers} workers listening`);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode} while starting`);
    try {
      if ((await fetch(`${url}/health/live`)).ok && ready()) return { url, process: child, exited };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('the service did not start within 30 s');
    await sleep(100);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface Answer {
  status: number;
  contentType: string;
  retryAfter: string | null;
  /** Which replica answered, when HAProxy is in front (proxies.ts). */
  replica: string | null;
  body: Record<string, any>;
  ms: number;
}

/** One request; a refused or cut connection is status 0. */
export async function request(url: string, key: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const started = Date.now();
  try {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    return {
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      retryAfter: res.headers.get('retry-after'),
      replica: res.headers.get('x-replica'),
      body: text ? JSON.parse(text) : {},
      ms: Date.now() - started,
    };
  } catch {
    return { status: 0, contentType: '', retryAfter: null, replica: null, body: {}, ms: Date.now() - started };
  }
}

/** A tenant with a key, made through the admin API. */
export async function provisionTenant(url: string): Promise<{ id: string; key: string }> {
  const admin = process.env['ADMIN_API_KEY']!;
  const tenant = await request(url, admin, 'POST', '/v1/admin/tenants', { name: 'fault test' });
  const key = await request(url, admin, 'POST', `/v1/admin/tenants/${tenant.body['id']}/keys`, {});
  if (tenant.status !== 201 || key.status !== 201) throw new Error(`provisioning failed: ${tenant.status} ${key.status}`);
  return { id: tenant.body['id'], key: key.body['key'] };
}

/** Auto-mode sessions with both ends ESTABLISHED, ready for data. */
export async function establishedSessions(url: string, key: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = (await request(url, key, 'POST', '/v1/sessions', { seed: i + 1 })).body['id'] as string;
    await request(url, key, 'POST', `/v1/sessions/${id}/calls`, { endpoint: 'server', call: 'listen' });
    const connected = await request(url, key, 'POST', `/v1/sessions/${id}/calls`, { endpoint: 'client', call: 'connect' });
    if (connected.status !== 200) throw new Error(`connect failed: ${connected.status}`);
    ids.push(id);
  }
  return ids;
}

export interface Sent {
  session: string;
  answer: Answer;
  /** When the request was sent, ms since the load began. */
  at: number;
}

/**
 * `loops` concurrent clients, each sending data on a session (an always-valid move in ESTABLISHED) until
 * `stop()`; `targets` are used in turn (several processes of the service).
 */
export function load(targets: () => string[], key: string, sessions: string[], loops: number): { stop: () => Promise<Sent[]> } {
  const sent: Sent[] = [];
  const begin = Date.now();
  let running = true;
  const workers = Array.from({ length: loops }, async (_, worker) => {
    for (let i = 0; running; i += 1) {
      const session = sessions[(worker + i) % sessions.length]!;
      const urls = targets();
      const url = urls[(worker + i) % urls.length]!;
      const at = Date.now() - begin;
      const answer = await request(url, key, 'POST', `/v1/sessions/${session}/calls`, { endpoint: 'client', call: 'send', data: `w${worker} #${i}` });
      sent.push({ session, answer, at });
      if (answer.status === 0) await sleep(20);
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(workers);
      return sent;
    },
  };
}

/** A PostgreSQL of the test's own, which it may stop and start (pg-server.mjs). */
export async function startOwnPostgres(port = freePort()): Promise<{ url: string; stop: () => Promise<void>; start: () => Promise<void>; close: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(__dirname, 'pg-server.mjs'), String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const next = (): Promise<string> => new Promise((resolve) => lines.once('line', resolve));
  const expect = async (word: string): Promise<void> => {
    const line = await next();
    if (line !== word) throw new Error(`pg-server said ${line}, not ${word}`);
  };
  await expect('started');
  const admin = new Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE tcplab');
  await admin.end();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/tcplab`,
    stop: async () => {
      child.stdin!.write('stop\n');
      await expect('stopped');
    },
    start: async () => {
      child.stdin!.write('start\n');
      await expect('started');
    },
    close: async () => {
      child.stdin!.end();
      await once(child, 'exit');
    },
  };
}

export interface Consistency {
  sessions: number;
  /** Sessions whose stored snapshot differs from the replay of their history. */
  diverged: string[];
  /** Sessions whose history is not numbered 1..step_count, or whose version is not step_count + 1. */
  gaps: string[];
  /** Accepted (2xx) requests whose step is not in the history. */
  lost: Sent[];
  /** Two accepted requests that report the same version of one session. */
  duplicates: Sent[];
}

/** Every session of the tenant, checked against its history with tcp-core; every accepted request found in it. */
export async function checkConsistency(databaseUrl: string, tenantId: string, sent: Sent[]): Promise<Consistency> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows: sessions } = await db.query<{ id: string; options: ConnectionOptions; snapshot: Connection; version: number; step_count: number }>(
      'SELECT id, options, snapshot, version, step_count FROM sessions WHERE tenant_id = $1',
      [tenantId],
    );
    const result: Consistency = { sessions: sessions.length, diverged: [], gaps: [], lost: [], duplicates: [] };
    const versions = new Map<string, number>();
    for (const session of sessions) {
      const { rows: steps } = await db.query<{ n: number; input: Input }>('SELECT n, input FROM session_steps WHERE tenant_id = $1 AND session_id = $2 ORDER BY n', [
        tenantId,
        session.id,
      ]);
      let connection = createConnection(session.options);
      for (const s of steps) connection = step(connection, s.input).connection;
      // jsonb keeps its own key order: compare as values.
      if (!isDeepStrictEqual(JSON.parse(JSON.stringify(connection)), session.snapshot)) result.diverged.push(session.id);
      if (steps.some((s, i) => s.n !== i + 1) || steps.length !== session.step_count || session.version !== session.step_count + 1) result.gaps.push(session.id);
      versions.set(session.id, session.version);
    }
    const seen = new Set<string>();
    for (const s of sent) {
      if (s.answer.status < 200 || s.answer.status > 299) continue;
      const version = s.answer.body['session']?.['version'] as number;
      const stored = versions.get(s.session);
      if (stored === undefined || version > stored) result.lost.push(s);
      const key = `${s.session}@${version}`;
      if (seen.has(key)) result.duplicates.push(s);
      seen.add(key);
    }
    return result;
  } finally {
    await db.end();
  }
}
