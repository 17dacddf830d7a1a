import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { expectBadFields, expectProblem, UUID_RE } from './e2e-helpers';
import { startApp, type TestApp } from './harness';

/** Exercises on the real app and PostgreSQL: a learner drives the session; the grade is as documented. */

let t: TestApp;
let app: NestFastifyApplication;

beforeAll(async () => {
  t = await startApp();
  app = t.app;
});

afterAll(async () => {
  await app.close();
});

async function start(body: object): Promise<Record<string, any>> {
  const res = await t.http().post('/v1/exercises').send(body);
  expect(res.status).toBe(201);
  return res.body;
}

const send = (session: string, body: object) => t.http().post(`/v1/sessions/${session}/send`).send(body);
const grade = async (id: string) => (await t.http().get(`/v1/exercises/${id}/grade`)).body;

describe('establish-as-client', () => {
  it('starts a manual-mode session with the server LISTENing, and instructions in the learner\'s language', async () => {
    const res = await t.http().post('/v1/exercises').set('Accept-Language', 'zh-CN').send({ goal: 'establish-as-client', learner_id: 'ada', seed: 3 });
    expect(res.status).toBe(201);
    expect(res.headers['location']).toBe(`/v1/exercises/${res.body.id}`);
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID_RE),
      goal: 'establish-as-client',
      title: '作为客户端建立连接',
      instructions: expect.stringMatching(/三次握手/),
      session_id: expect.stringMatching(UUID_RE),
      learner_id: 'ada',
      created_at: expect.any(String),
    });
    const session = await t.http().get(`/v1/sessions/${res.body.session_id}`);
    expect({ mode: session.body.mode, client: session.body.client.state, server: session.body.server.state }).toEqual({ mode: 'manual', client: 'CLOSED', server: 'LISTEN' });
  });

  it('done without a mistake: completed at the third move, score 100', async () => {
    const ex = await start({ goal: 'establish-as-client', seed: 4 });
    expect((await grade(ex.id))).toEqual(expect.objectContaining({ completed: false, score: 0, attempts: { total: 0, accepted: 0, refused: 0 } }));
    for (const flags of [['SYN'], ['SYN', 'ACK'], ['ACK']]) expect((await send(ex.session_id, { from: flags.length === 2 ? 'server' : 'client', flags })).status).toBe(200);
    expect(await grade(ex.id)).toEqual({
      exercise_id: ex.id,
      goal: 'establish-as-client',
      learner_id: null,
      completed: true,
      completed_at_move: 3,
      attempts: { total: 3, accepted: 3, refused: 0 },
      mistakes: [],
      score: 100,
      formula: 'completed ? max(0, 100 − 10 × refused) : 0',
    });
  });

  it('done with two mistakes (a wrong ack, then ACK before the SYN,ACK): each kept with its violations, score 80', async () => {
    const ex = await start({ goal: 'establish-as-client', seed: 5 });
    const session = ex.session_id;
    expect((await send(session, { from: 'client', flags: ['SYN'] })).status).toBe(200);
    const syn = (await t.http().get(`/v1/sessions/${session}/segments`)).body.items.at(-1);
    const wrongAck = await send(session, { from: 'server', flags: ['SYN', 'ACK'], ack: syn.seq });
    expectProblem(wrongAck, 422, 'SEGMENT_INVALID');
    expectProblem(await send(session, { from: 'client', flags: ['ACK'] }), 422, 'SEGMENT_INVALID');
    expect((await send(session, { from: 'server', flags: ['SYN', 'ACK'] })).status).toBe(200);
    expect((await send(session, { from: 'client', flags: ['ACK'] })).status).toBe(200);
    const result = await grade(ex.id);
    expect({ completed: result.completed, at: result.completed_at_move, attempts: result.attempts, score: result.score }).toEqual({
      completed: true,
      at: 3,
      attempts: { total: 5, accepted: 3, refused: 2 },
      score: 80,
    });
    expect(result.mistakes[0]).toEqual(
      expect.objectContaining({ after_move: 1, code: 'SEGMENT_INVALID', detail: wrongAck.body.detail, violations: wrongAck.body.violations }),
    );
    expect(result.mistakes[0].violations[0]).toEqual(expect.objectContaining({ field: 'ack', expected: (syn.seq + 1) % 2 ** 32, actual: syn.seq }));
    expect(result.mistakes[1].after_move).toBe(1);
  });
});

describe('other goals', () => {
  it('close-from-server: the client closing first does not count; the server closing first completes it', async () => {
    const wrongSide = await start({ goal: 'close-from-server', seed: 6 });
    expect((await t.http().post(`/v1/sessions/${wrongSide.session_id}/calls`).send({ endpoint: 'client', call: 'close' })).status).toBe(200);
    expect((await send(wrongSide.session_id, { from: 'server', flags: ['ACK'] })).status).toBe(200);
    expect((await grade(wrongSide.id)).completed).toBe(false);

    const ex = await start({ goal: 'close-from-server', seed: 6 });
    const s = ex.session_id;
    expect((await t.http().post(`/v1/sessions/${s}/calls`).send({ endpoint: 'server', call: 'close' })).status).toBe(200);
    for (const [from, flags] of [['client', ['ACK']], ['client', ['FIN', 'ACK']], ['server', ['ACK']]] as const) expect((await send(s, { from, flags })).status).toBe(200);
    expect(await grade(ex.id)).toEqual(expect.objectContaining({ completed: true, completed_at_move: 4, score: 100 }));
  });

  it('an abort is not a close: server CLOSE then a client ABORT leaves close-from-server not completed', async () => {
    const ex = await start({ goal: 'close-from-server', seed: 8 });
    expect((await t.http().post(`/v1/sessions/${ex.session_id}/calls`).send({ endpoint: 'server', call: 'close' })).status).toBe(200);
    expect((await t.http().post(`/v1/sessions/${ex.session_id}/calls`).send({ endpoint: 'client', call: 'abort' })).status).toBe(200);
    expect(await grade(ex.id)).toEqual(expect.objectContaining({ completed: false, score: 0 }));
  });

  it('recover-lost-final-ack: after the RTO the server retransmits its FIN, the client ACKs again, the server is CLOSED', async () => {
    const ex = await start({ goal: 'recover-lost-final-ack', scenario: 'four-way-teardown' });
    const s = ex.session_id;
    const before = await t.http().get(`/v1/sessions/${s}`);
    expect({ client: before.body.client.state, server: before.body.server.state }).toEqual({ client: 'TIME_WAIT', server: 'LAST_ACK' });
    expectProblem(await send(s, { from: 'server', flags: ['FIN', 'ACK'] }), 422, 'SEGMENT_INVALID');
    expect((await t.http().post(`/v1/sessions/${s}/advance`).send({ ms: 1000 })).status).toBe(200);
    expect((await send(s, { from: 'server', flags: ['FIN', 'ACK'] })).status).toBe(200);
    expect((await send(s, { from: 'client', flags: ['ACK'] })).status).toBe(200);
    expect(await grade(ex.id)).toEqual(expect.objectContaining({ completed: true, completed_at_move: 2, attempts: { total: 3, accepted: 2, refused: 1 }, score: 90 }));
  });
});

describe('counting', () => {
  it('a refused move retried with the same Idempotency-Key counts once; moves after the goal do not count', async () => {
    const ex = await start({ goal: 'establish-as-client', seed: 9 });
    const s = ex.session_id;
    for (let i = 0; i < 2; i += 1) {
      const res = await t.http().post(`/v1/sessions/${s}/send`).set('Idempotency-Key', 'same-mistake').send({ from: 'client', flags: ['ACK'] });
      expectProblem(res, 422, 'SEGMENT_INVALID');
    }
    for (const [from, flags] of [['client', ['SYN']], ['server', ['SYN', 'ACK']], ['client', ['ACK']]] as const) expect((await send(s, { from, flags })).status).toBe(200);
    expectProblem(await send(s, { from: 'client', flags: ['SYN'] }), 422, 'SEGMENT_INVALID');
    expect((await t.http().post(`/v1/sessions/${s}/calls`).send({ endpoint: 'client', call: 'close' })).status).toBe(200);
    expect(await grade(ex.id)).toEqual(expect.objectContaining({ completed: true, completed_at_move: 3, attempts: { total: 4, accepted: 3, refused: 1 }, score: 90 }));
  });
});

describe('errors', () => {
  it('an unknown goal, another mode or an unknown scenario is a 400 naming the field', async () => {
    expectBadFields(await t.http().post('/v1/exercises').send({ goal: 'win', mode: 'auto', scenario: 'nope' }), ['goal', 'mode', 'scenario']);
  });

  // Found by the fuzzer: PostgreSQL's text holds no NUL byte, and the insert failed with a 500.
  it('a learner_id holding a control character (a NUL byte) is a 400 naming it', async () => {
    expectBadFields(await t.http().post('/v1/exercises').send({ goal: 'close-from-server', learner_id: 'a\u0000b' }), ['learner_id']);
  });

  it("another tenant's exercise (and its session) is a 404", async () => {
    const ex = await start({ goal: 'establish-as-client' });
    const other = await t.newTenant('other school');
    expectProblem(await other.http().get(`/v1/exercises/${ex.id}`), 404, 'EXERCISE_NOT_FOUND');
    expectProblem(await other.http().get(`/v1/exercises/${ex.id}/grade`), 404, 'EXERCISE_NOT_FOUND');
    expectProblem(await other.http().post(`/v1/sessions/${ex.session_id}/send`).send({ from: 'client', flags: ['SYN'] }), 404, 'SESSION_NOT_FOUND');
    expectProblem(await t.http().get(`/v1/exercises/${randomUUID()}/grade`), 404, 'EXERCISE_NOT_FOUND');
  });
});
