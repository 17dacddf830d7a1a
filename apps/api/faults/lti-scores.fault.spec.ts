import { Client } from 'pg';
import { freePort, provisionTenant, request, sleep, startService, type Service } from './harness';
import { AgsEmulator } from '../test/lti/emulator-ags';
import { launchThrough } from '../test/lti/launch-driver';
import { PlatformEmulator } from '../test/lti/platform-emulator';

/**
 * The LTI score outbox across processes of the built service: a grade made while no process delivers is sent when
 * one starts, and a process killed (SIGKILL) in the middle of a delivery leaves the score for the next one, which
 * sends it — once (the platform emulator of test/lti records what it takes; the killed post was never answered).
 */

jest.setTimeout(90_000);

const port = freePort();
const tool = `http://127.0.0.1:${port}`;
let emulator: PlatformEmulator;
let ags: AgsEmulator;
let db: Client;
let running: Service | null = null;

/** The service on the same port each time (the platform has its launch URL), its score worker on or off. */
async function start(worker: boolean): Promise<Service> {
  running = await startService(process.env['DATABASE_URL']!, port, { LTI_SCORE_POLL_MS: worker ? '100' : '0', LTI_SCORE_RETRY_BASE_MS: '100' });
  return running;
}

async function stop(signal: NodeJS.Signals): Promise<void> {
  running?.process.kill(signal);
  await running?.exited;
  running = null;
}

/** A learner launched into recover-lost-final-ack who reaches the goal without a mistake. */
async function completeExercise(user: string, lineitem: string): Promise<void> {
  const res = await launchThrough(tool, emulator, { user, targetLinkUri: `${tool}/exercises/recover-lost-final-ack`, resourceLinkId: `fault-${user}`, claims: ags.endpointClaim({ lineitem }) });
  expect(res.status).toBe(303);
  const token = res.headers['location']!.slice('/l/'.length);
  const exerciseId = (await request(tool, token, 'GET', '/v1/links/current')).body['target_id'] as string;
  const sessionId = (await request(tool, token, 'GET', `/v1/exercises/${exerciseId}`)).body['session_id'] as string;
  for (const [path, body] of [
    ['advance', { ms: 1000 }],
    ['send', { from: 'server', flags: ['FIN', 'ACK'] }],
    ['send', { from: 'client', flags: ['ACK'] }],
  ] as const) {
    expect((await request(tool, token, 'POST', `/v1/sessions/${sessionId}/${path}`, body)).status).toBe(200);
  }
}

async function scoreRow(user: string): Promise<{ status: string; attempts: number } | undefined> {
  return (await db.query(`SELECT sc.status, sc.attempts FROM lti_scores sc JOIN lti_users u ON u.id = sc.user_id WHERE u.sub = $1`, [user])).rows[0];
}

async function until(check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${ms} ms`);
    await sleep(50);
  }
}

beforeAll(async () => {
  emulator = await PlatformEmulator.start(tool);
  ags = new AgsEmulator(emulator, `${tool}/lti/jwks`);
  const service = await start(true);
  const { key } = await provisionTenant(service.url);
  expect((await request(service.url, key, 'POST', '/v1/lti/platforms', emulator.registration())).status).toBe(201);
  db = new Client({ connectionString: process.env['DATABASE_URL'] });
  await db.connect();
});

afterAll(async () => {
  await stop('SIGTERM');
  await db?.end();
  await emulator?.close();
});

it('a grade made while no process delivers scores is sent once a process that does starts', async () => {
  await stop('SIGTERM');
  await start(false);
  const lineitem = ags.newLineItem();
  await completeExercise('offline-1', lineitem);
  await sleep(500);
  // Nothing found it yet: no row, nothing sent.
  expect({ row: await scoreRow('offline-1'), sent: ags.scores.length }).toEqual({ row: undefined, sent: 0 });
  await stop('SIGTERM');
  await start(true);
  await until(async () => (await scoreRow('offline-1'))?.status === 'sent');
  expect(ags.scores.filter((s) => s.score['userId'] === 'offline-1')).toEqual([expect.objectContaining({ lineItem: lineitem, score: expect.objectContaining({ scoreGiven: 100 }) })]);
});

it('a process killed while the platform has not answered its post leaves the score pending; the next process sends it, once', async () => {
  const lineitem = ags.newLineItem();
  const held = ags.holdNextScorePost();
  await completeExercise('killed-1', lineitem);
  await held;
  await stop('SIGKILL');
  // The killed process's transaction was rolled back with its connection: the score waits, untried.
  expect(await scoreRow('killed-1')).toEqual({ status: 'pending', attempts: 0 });
  await start(true);
  await until(async () => (await scoreRow('killed-1'))?.status === 'sent');
  await sleep(500);
  expect(ags.scores.filter((s) => s.score['userId'] === 'killed-1')).toEqual([expect.objectContaining({ lineItem: lineitem, score: expect.objectContaining({ scoreGiven: 100 }) })]);
  expect(await scoreRow('killed-1')).toEqual({ status: 'sent', attempts: 1 });
});
