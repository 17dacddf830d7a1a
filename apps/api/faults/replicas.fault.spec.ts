import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { checkConsistency, establishedSessions, load, provisionTenant, request, sleep, startService, type Answer, type Sent, type Service } from './harness';
import { startHaproxy, startPgBouncer, type Proxy } from './proxies';

/**
 * Three replicas of the built service behind HAProxy, on PostgreSQL through PgBouncer in transaction pooling — the
 * set-up docs/scaling.md describes past a few hundred connections, with the Debian 12 packages (HAProxy 2.6,
 * PgBouncer 1.18). PgBouncer gives each transaction whichever of its few server connections is free, so nothing
 * may outlive a transaction: not a named prepared statement (PgBouncer keeps them per connection only from 1.21;
 * DATABASE_PREPARED_STATEMENTS=false), not a session setting, not a session-level lock. The database is a fresh
 * one, migrated through PgBouncer by the three replicas starting at once.
 */

const REPLICAS = 3;
/** PgBouncer's server connections: fewer than the replicas' 3 × 10 pooled clients, so transactions really move between them. */
const SERVER_CONNECTIONS = 6;

let direct: string;
let dropDatabase: () => Promise<void>;
let pgbouncer: Proxy & { url: string; adminUrl: string };
let replicas: Service[];
let haproxy: Proxy & { url: string };
let tenant: { id: string; key: string };

beforeAll(async () => {
  ({ url: direct, drop: dropDatabase } = await freshDatabase(process.env['DATABASE_URL']!));
  pgbouncer = await startPgBouncer(direct, SERVER_CONNECTIONS);
  replicas = await Promise.all(Array.from({ length: REPLICAS }, () => startService(pgbouncer.url, undefined, { DATABASE_PREPARED_STATEMENTS: 'false' })));
  haproxy = await startHaproxy(replicas.map((r) => Number(new URL(r.url).port)));
  tenant = await provisionTenant(haproxy.url);
}, 60_000);

afterAll(async () => {
  for (const replica of replicas ?? []) replica.process.kill('SIGKILL');
  await Promise.all((replicas ?? []).map((r) => r.exited));
  await haproxy?.stop();
  await pgbouncer?.stop();
  await dropDatabase?.();
}, 30_000);

const C = 'IP 192.168.1.63.53198 > 192.168.1.64.22:';
const S = 'IP 192.168.1.64.22 > 192.168.1.63.53198:';
const SSH_BANNER = 'SSH-2.0-OpenSSH_7.4\r\n';
const withoutTs = (line: string): string => line.replace(/TS val \d+ ecr \d+/, 'TS val * ecr *');

it('the seed handshake, the banner and the four-way teardown by hand, each request on whichever replica HAProxy picks: the seed capture, line for line', async () => {
  const created = await request(haproxy.url, tenant.key, 'POST', '/v1/sessions', {
    mode: 'manual',
    client: { ip: '192.168.1.63', port: 53198, isn: 481914174, window: 29200 },
    server: { ip: '192.168.1.64', port: 22, isn: 2737267460, window: 28960 },
  });
  expect(created.status).toBe(201);
  const id = created.body['id'] as string;
  const moves: Array<[string, object, [string, string]]> = [
    ['calls', { endpoint: 'server', call: 'listen' }, ['CLOSED', 'LISTEN']],
    ['send', { from: 'client', flags: ['SYN'] }, ['SYN_SENT', 'SYN_RECEIVED']],
    ['send', { from: 'server', flags: ['SYN', 'ACK'] }, ['ESTABLISHED', 'SYN_RECEIVED']],
    ['send', { from: 'client', flags: ['ACK'] }, ['ESTABLISHED', 'ESTABLISHED']],
    ['send', { from: 'client', flags: ['PSH', 'ACK'], payload: SSH_BANNER }, ['ESTABLISHED', 'ESTABLISHED']],
    ['send', { from: 'server', flags: ['ACK'] }, ['ESTABLISHED', 'ESTABLISHED']],
    ['send', { from: 'client', flags: ['FIN', 'ACK'] }, ['FIN_WAIT_1', 'CLOSE_WAIT']],
    ['send', { from: 'server', flags: ['ACK'] }, ['FIN_WAIT_2', 'CLOSE_WAIT']],
    ['send', { from: 'server', flags: ['FIN', 'ACK'] }, ['TIME_WAIT', 'LAST_ACK']],
    ['send', { from: 'client', flags: ['ACK'] }, ['TIME_WAIT', 'CLOSED']],
    ['advance', { ms: 60000 }, ['CLOSED', 'CLOSED']],
  ];
  const answeredBy = new Set<string | null>();
  for (const [i, [path, body, states]] of moves.entries()) {
    const answer = await request(haproxy.url, tenant.key, 'POST', `/v1/sessions/${id}/${path}`, body);
    expect({ move: i, status: answer.status, states: [answer.body['session']?.client.state, answer.body['session']?.server.state] }).toEqual({ move: i, status: 200, states });
    // Each replica saw the session change under it: its own cached copy is stale, and the version check says so.
    expect(answer.body['session']['version']).toBe(i + 2);
    answeredBy.add(answer.replica);
  }
  expect([...answeredBy].sort()).toEqual(['replica1', 'replica2', 'replica3']);

  const trace = await fetch(`${haproxy.url}/v1/sessions/${id}/trace?format=tcpdump`, { headers: { authorization: `Bearer ${tenant.key}` } });
  const lines = (await trace.text()).trim().split('\n').map((line) => withoutTs(line.replace(/^\S+ /, '')));
  expect(lines).toEqual([
    `${C} Flags [S], seq 481914174, win 29200, options [mss 1460,sackOK,TS val * ecr *,nop,wscale 7], length 0`,
    `${S} Flags [S.], seq 2737267460, ack 481914175, win 28960, options [mss 1460,sackOK,TS val * ecr *,nop,wscale 7], length 0`,
    `${C} Flags [.], ack 2737267461, win 229, options [nop,nop,TS val * ecr *], length 0`,
    `${C} Flags [P.], seq 481914175:481914196, ack 2737267461, win 229, options [nop,nop,TS val * ecr *], length 21`,
    `${S} Flags [.], ack 481914196, win 227, options [nop,nop,TS val * ecr *], length 0`,
    `${C} Flags [F.], seq 481914196, ack 2737267461, win 229, options [nop,nop,TS val * ecr *], length 0`,
    `${S} Flags [.], ack 481914197, win 227, options [nop,nop,TS val * ecr *], length 0`,
    `${S} Flags [F.], seq 2737267461, ack 481914197, win 227, options [nop,nop,TS val * ecr *], length 0`,
    `${C} Flags [.], ack 2737267462, win 229, options [nop,nop,TS val * ecr *], length 0`,
  ]);
  // The first five are the seed capture's (tcpdump 4.9 printed port 22 as `ssh`).
  const capture = readFileSync(join(__dirname, '../../../libs/tcp-core/test/fixtures/seed-ssh-handshake.tcpdump-S.txt'), 'utf8');
  const seed = capture.trim().split('\n').map((line) => withoutTs(line.replace(/^\S+ /, '').replace(/\.ssh\b/g, '.22')));
  expect(lines.slice(0, 5)).toEqual(seed.slice(0, 5));
  expect(await checkConsistency(direct, tenant.id, [])).toMatchObject({ diverged: [], gaps: [] });
}, 60_000);

it('16 clients sending on one session at once, spread over the three replicas: every 2xx a distinct version, the history contiguous and equal to the snapshot', async () => {
  const [session] = await establishedSessions(haproxy.url, tenant.key, 1);
  const traffic = load(() => [haproxy.url], tenant.key, [session!], 16);
  await sleep(3_000);
  const sent = await traffic.stop();

  expect(sent.filter((s) => s.answer.status !== 200).map((s) => [s.answer.status, s.answer.body['detail']])).toEqual([]);
  // Each client had several turns (one session takes its steps one at a time: ~50/s here, half that on a loaded CI machine).
  expect(sent.length).toBeGreaterThan(3 * 16);
  const perReplica = countBy(sent.map((s) => s.answer.replica));
  expect(Object.keys(perReplica).sort()).toEqual(['replica1', 'replica2', 'replica3']);
  // No lost update: the session moved on by exactly one version per accepted request.
  const versions = sent.map((s) => s.answer.body['session']['version'] as number).sort((a, b) => a - b);
  expect(versions).toEqual(Array.from({ length: sent.length }, (_, i) => versions[0]! + i));
  const consistency = await checkConsistency(direct, tenant.id, sent);
  expect(consistency).toMatchObject({ diverged: [], gaps: [], lost: [], duplicates: [] });
}, 60_000);

it('a replica killed with SIGKILL mid-load: each request retried with its Idempotency-Key until it succeeds is in the history exactly once, nothing half-written', async () => {
  const sessions = await establishedSessions(haproxy.url, tenant.key, 6);
  const stepsBefore = await stepCounts(sessions);
  const victim = replicas[REPLICAS - 1]!;
  const killedAt = { ms: Infinity };
  const begin = Date.now();
  let running = true;
  const failures: Answer[] = [];
  const done: Array<Sent & { attempts: number }> = [];
  // 24 clients; each request has a key of its own and is sent again, same key and body, until it gets its answer.
  const clients = Array.from({ length: 24 }, async (_, client) => {
    for (let i = 0; running; i += 1) {
      const session = sessions[(client + i) % sessions.length]!;
      const headers = { 'idempotency-key': `client-${client}-${i}` };
      const body = { endpoint: 'client', call: 'send', data: `c${client} #${i}` };
      const at = Date.now() - begin;
      for (let attempts = 1; ; attempts += 1) {
        const answer = await request(haproxy.url, tenant.key, 'POST', `/v1/sessions/${session}/calls`, body, headers);
        if (answer.status === 200 || attempts === 20) {
          done.push({ session, answer, at, attempts });
          break;
        }
        failures.push(answer);
        await sleep(50);
      }
    }
  });
  await sleep(1_500);
  victim.process.kill('SIGKILL');
  killedAt.ms = Date.now() - begin;
  expect(await victim.exited).toBeNull();
  await sleep(2_000);
  running = false;
  await Promise.all(clients);

  expect(done.filter((d) => d.answer.status !== 200).map((d) => [d.answer.status, d.answer.body['detail']])).toEqual([]);
  // The kill cut requests in progress on the victim (HAProxy answers those 502); their retries succeeded.
  expect(failures.length).toBeGreaterThan(0);
  expect(failures.every((f) => f.status === 502 || f.status === 0)).toBe(true);
  expect(done.some((d) => d.attempts > 1)).toBe(true);
  // The victim answered before the kill; afterwards HAProxy sent everything to the other two.
  expect(done.some((d) => d.answer.replica === 'replica3' && d.at < killedAt.ms)).toBe(true);
  expect(Object.keys(countBy(done.filter((d) => d.at > killedAt.ms).map((d) => d.answer.replica))).sort()).toEqual(['replica1', 'replica2']);
  // Exactly once: each session moved on by the number of requests sent to it, every answer's step is stored.
  const stepsAfter = await stepCounts(sessions);
  expect(sessions.map((s) => stepsAfter[s]! - stepsBefore[s]!)).toEqual(sessions.map((s) => done.filter((d) => d.session === s).length));
  const consistency = await checkConsistency(direct, tenant.id, done);
  expect(consistency).toMatchObject({ diverged: [], gaps: [], lost: [], duplicates: [] });
}, 60_000);

/** A database of the test's own on the server of `url` (the run's test database). */
async function freshDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const name = `tcplab_replicas_${process.pid}_${Date.now()}`;
  const run = async (sql: string): Promise<void> => {
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await run(`CREATE DATABASE ${name}`);
  const own = new URL(url);
  own.pathname = `/${name}`;
  return { url: own.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function stepCounts(sessions: string[]): Promise<Record<string, number>> {
  const db = new Client({ connectionString: direct });
  await db.connect();
  try {
    const { rows } = await db.query<{ id: string; step_count: number }>('SELECT id, step_count FROM sessions WHERE id = ANY($1)', [sessions]);
    return Object.fromEntries(rows.map((r) => [r.id, r.step_count]));
  } finally {
    await db.end();
  }
}

function countBy(values: Array<string | null>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}
