import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { Client } from 'pg';
import { createApp } from '../src/app.factory';
import { C_ISS, expectBadFields, expectProblem, UUID_RE } from './e2e-helpers';
import { SEED_ENDPOINTS, startApp, type TestApp } from './harness';

/** Share links on the real app and PostgreSQL: what a link's token reaches, and what it never does. */

let t: TestApp;
let app: NestFastifyApplication;

beforeAll(async () => {
  t = await startApp();
  app = t.app;
});

afterAll(async () => {
  await app.close();
});

/** A client holding a link's token as its bearer, as the pages do. */
const holder = (token: string) => () => request.agent(app.getHttpServer()).set('Authorization', `Bearer ${token}`);

async function mint(body: object): Promise<Record<string, any>> {
  const res = await t.http().post('/v1/links').send(body);
  expect(res.status).toBe(201);
  return res.body;
}

async function manualSession(): Promise<string> {
  const res = await t.http().post('/v1/sessions').send({ mode: 'manual', ...SEED_ENDPOINTS });
  expect(res.status).toBe(201);
  return res.body.id;
}

describe('POST /v1/links', () => {
  it('mints a link to a session: its url opens /l/{token}, the token is tlnk_ and 43 base64url characters, and only its hash is stored', async () => {
    const session = await manualSession();
    const link = await mint({ target: 'session', id: session, learner_id: 'student-42', expires_at: '2099-01-01T00:00:00Z' });
    expect(link).toEqual({
      id: expect.stringMatching(UUID_RE),
      target: 'session',
      target_id: session,
      learner_id: 'student-42',
      allow: ['calls', 'send', 'inject', 'network', 'advance', 'hints'],
      expires_at: '2099-01-01T00:00:00.000Z',
      revoked_at: null,
      created_at: expect.any(String),
      token: expect.stringMatching(/^tlnk_[A-Za-z0-9_-]{43}$/),
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1(:\d+)?\/l\/tlnk_/),
    });
    expect(link.url.endsWith(`/l/${link.token}`)).toBe(true);
    const db = new Client({ connectionString: process.env['DATABASE_URL'] });
    await db.connect();
    const stored = await db.query('SELECT * FROM links WHERE id = $1', [link.id]);
    await db.end();
    expect(JSON.stringify(stored.rows[0])).not.toContain(link.token);
    expect(stored.rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    const listed = await t.http().get('/v1/links');
    expect(listed.body.items.find((l: { id: string }) => l.id === link.id)).toEqual(expect.not.objectContaining({ token: expect.anything() }));
  });

  it('refuses a target the tenant does not have (404), an unknown target kind or allowance, and a past expiry (400)', async () => {
    expectProblem(await t.http().post('/v1/links').send({ target: 'scenario', id: 'no-such-scenario' }), 404, 'SCENARIO_NOT_FOUND');
    expectProblem(await t.http().post('/v1/links').send({ target: 'session', id: '00000000-0000-4000-8000-000000000000' }), 404, 'SESSION_NOT_FOUND');
    expectProblem(await t.http().post('/v1/links').send({ target: 'quiz', id: 'not-a-uuid' }), 404, 'QUIZ_NOT_FOUND');
    const other = await t.newTenant('another school');
    const theirs = await other.http().post('/v1/sessions').send({});
    expectProblem(await t.http().post('/v1/links').send({ target: 'session', id: theirs.body.id }), 404, 'SESSION_NOT_FOUND');
    expectBadFields(await t.http().post('/v1/links').send({ target: 'tenant', id: 'x', allow: ['everything'] }), ['target', 'allow']);
    expectBadFields(await t.http().post('/v1/links').send({ target: 'scenario', id: 'lost-final-ack', expires_at: '2001-01-01T00:00:00Z' }), ['expires_at']);
  });
});

describe('a session link', () => {
  it('drives its session (the seed handshake), and reaches nothing else of the tenant', async () => {
    const session = await manualSession();
    const elsewhere = await manualSession();
    const link = holder((await mint({ target: 'session', id: session })).token);
    expect((await link().post(`/v1/sessions/${session}/calls`).send({ endpoint: 'server', call: 'listen' })).status).toBe(200);
    expect((await link().post(`/v1/sessions/${session}/send`).send({ from: 'client', flags: ['SYN'] })).status).toBe(200);
    const synAck = await link().post(`/v1/sessions/${session}/send`).send({ from: 'server', flags: ['SYN', 'ACK'] });
    expect(synAck.body.segments[0].ack).toBe(C_ISS + 1);
    expect((await link().get(`/v1/sessions/${session}/trace?format=tcpdump`)).status).toBe(200);
    // The teacher's view of the same session, through the tenant's key.
    expect((await t.http().get(`/v1/sessions/${session}`)).body.server.state).toBe('SYN_RECEIVED');

    for (const res of [
      await link().get(`/v1/sessions/${elsewhere}`),
      await link().post(`/v1/sessions/${elsewhere}/calls`).send({ endpoint: 'server', call: 'listen' }),
      await link().get('/v1/sessions'),
      await link().post('/v1/sessions').send({}),
      await link().delete(`/v1/sessions/${session}`),
      await link().get('/v1/links'),
      await link().post('/v1/links').send({ target: 'session', id: session }),
      await link().post('/v1/quizzes').send({ scenario: 'three-way-handshake' }),
      await link().get('/v1/admin/tenants'),
    ]) {
      expectProblem(res, 403, 'FORBIDDEN');
      expect(res.body.detail).toBe(`This link opens the session ${session} only.`);
    }
    expect((await t.http().get(`/v1/sessions/${elsewhere}`)).body.server.state).toBe('CLOSED');
  });

  it('without `hints` (the exam setting) its holder never sees what is owed; the tenant still does', async () => {
    const session = await manualSession();
    const exam = holder((await mint({ target: 'session', id: session, allow: ['calls', 'send'] })).token);
    await exam().post(`/v1/sessions/${session}/calls`).send({ endpoint: 'server', call: 'listen' });
    const syn = await exam().post(`/v1/sessions/${session}/send`).send({ from: 'client', flags: ['SYN'] });
    expect(syn.body.session.owed).toEqual([]);
    expect((await exam().get(`/v1/sessions/${session}`)).body.owed).toEqual([]);
    expect((await t.http().get(`/v1/sessions/${session}`)).body.owed).toEqual([expect.objectContaining({ endpoint: 'server', flags: ['SYN', 'ACK'], ack: C_ISS + 1 })]);
    // Not allowed by this link: the network and the clock.
    expectProblem(await exam().post(`/v1/sessions/${session}/advance`).send({ ms: 1000 }), 403, 'FORBIDDEN');
    expectProblem(await exam().put(`/v1/sessions/${session}/network`).send({ auto_deliver: false }), 403, 'FORBIDDEN');
  });

  it('GET /v1/links/current tells its holder the target and the page to open', async () => {
    const session = await manualSession();
    const link = holder((await mint({ target: 'session', id: session, learner_id: 'ada', allow: ['send'] })).token);
    expect((await link().get('/v1/links/current')).body).toEqual({ target: 'session', target_id: session, learner_id: 'ada', allow: ['send'], expires_at: null, page: `/play/${session}` });
    expectProblem(await t.http().get('/v1/links/current'), 403, 'FORBIDDEN');
  });
});

describe('a scenario link', () => {
  it("makes sessions of its scenario only, tagged with the link and its learner, which the teacher sees through the tenant's key", async () => {
    const made = await mint({ target: 'scenario', id: 'lost-final-ack', learner_id: 'student-7' });
    const link = holder(made.token);
    const session = await link().post('/v1/sessions').send({ scenario: 'lost-final-ack' });
    expect(session.status).toBe(201);
    expect({ link_id: session.body.link_id, learner_id: session.body.learner_id }).toEqual({ link_id: made.id, learner_id: 'student-7' });
    expect((await link().post(`/v1/sessions/${session.body.id}/step`)).status).toBe(200);
    expect((await t.http().get(`/v1/sessions/${session.body.id}`)).body).toEqual(expect.objectContaining({ link_id: made.id, learner_id: 'student-7', scenario: expect.objectContaining({ next_step: 1 }) }));
    expectProblem(await link().post('/v1/sessions').send({ scenario: 'three-way-handshake' }), 403, 'FORBIDDEN');
    expectProblem(await link().post('/v1/sessions').send({ scenario: 'lost-final-ack', mode: 'manual' }), 403, 'FORBIDDEN');
    // A session of the same scenario made with the tenant's key is not the link's.
    const teachers = await t.http().post('/v1/sessions').send({ scenario: 'lost-final-ack' });
    expectProblem(await link().get(`/v1/sessions/${teachers.body.id}`), 403, 'FORBIDDEN');
  });
});

describe('a quiz link', () => {
  it("shows the questions without answers, takes attempts as the link's learner with the typed name, and never hands out the answers", async () => {
    const quiz = await t.http().post('/v1/quizzes').send({ scenario: 'three-way-handshake', seed: 5 });
    expect(quiz.status).toBe(201);
    const made = await mint({ target: 'quiz', id: quiz.body.id, learner_id: 'student-9' });
    const link = holder(made.token);
    const shown = await link().get(`/v1/quizzes/${quiz.body.id}`);
    expect(shown.status).toBe(200);
    expect(JSON.stringify(shown.body)).not.toContain('"answer"');
    expectProblem(await link().get(`/v1/quizzes/${quiz.body.id}?answers=true`), 403, 'FORBIDDEN');
    const attempt = await link().post(`/v1/quizzes/${quiz.body.id}/attempts`).send({ answers: {}, learner_id: 'someone-else', learner_name: 'Li Wei' });
    expect(attempt.status).toBe(201);
    expect(attempt.body).toEqual(expect.objectContaining({ learner_id: 'student-9', learner_name: 'Li Wei', link_id: made.id }));
    const seen = await t.http().get(`/v1/quizzes/${quiz.body.id}/attempts?learner_id=student-9`);
    expect(seen.body.items.map((a: { learner_name: string }) => a.learner_name)).toEqual(['Li Wei']);
    expectProblem(await link().get(`/v1/quizzes/${quiz.body.id}/attempts`), 403, 'FORBIDDEN');
  });
});

describe('an exercise link', () => {
  it("reaches the exercise, its grade and its session, nothing else", async () => {
    const exercise = await t.http().post('/v1/exercises').send({ goal: 'establish-as-client', learner_id: 'ada', seed: 4 });
    const link = holder((await mint({ target: 'exercise', id: exercise.body.id })).token);
    expect((await link().get('/v1/links/current')).body.page).toBe(`/play/${exercise.body.session_id}?exercise=${exercise.body.id}`);
    expect((await link().get(`/v1/exercises/${exercise.body.id}`)).status).toBe(200);
    for (const flags of [['SYN'], ['SYN', 'ACK'], ['ACK']]) {
      expect((await link().post(`/v1/sessions/${exercise.body.session_id}/send`).send({ from: flags.length === 2 ? 'server' : 'client', flags })).status).toBe(200);
    }
    const grade = await link().get(`/v1/exercises/${exercise.body.id}/grade`);
    expect(grade.body).toEqual(expect.objectContaining({ completed: true, score: 100 }));
    const another = await t.http().post('/v1/exercises').send({ goal: 'establish-as-client' });
    expectProblem(await link().get(`/v1/exercises/${another.body.id}/grade`), 403, 'FORBIDDEN');
    expectProblem(await link().get(`/v1/sessions/${another.body.session_id}`), 403, 'FORBIDDEN');
  });
});

describe('links that do not work', () => {
  it('a revoked link stops at once, on this instance and on another one on the same database', async () => {
    const session = await manualSession();
    const made = await mint({ target: 'session', id: session });
    const second = await createApp({ logger: false });
    try {
      const onSecond = () => request.agent(second.getHttpServer()).set('Authorization', `Bearer ${made.token}`);
      expect((await onSecond().get(`/v1/sessions/${session}`)).status).toBe(200);
      expect((await t.http().delete(`/v1/links/${made.id}`)).status).toBe(204);
      for (const res of [await holder(made.token)().get(`/v1/sessions/${session}`), await onSecond().get(`/v1/sessions/${session}`)]) {
        expectProblem(res, 401, 'UNAUTHENTICATED');
        expect(res.body.link).toBe('revoked');
        expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
      }
      expect((await t.http().delete(`/v1/links/${made.id}`)).status).toBe(204);
      expect((await t.http().get('/v1/links')).body.items.find((l: { id: string }) => l.id === made.id).revoked_at).toEqual(expect.any(String));
    } finally {
      await second.close();
    }
  });

  it('an expired link, a forged token and an unknown link id each get a clear problem, never a 500', async () => {
    const session = await manualSession();
    const made = await mint({ target: 'session', id: session, expires_at: new Date(Date.now() + 1500).toISOString() });
    expect((await holder(made.token)().get(`/v1/sessions/${session}`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const expired = await holder(made.token)().get(`/v1/sessions/${session}`);
    expectProblem(expired, 401, 'UNAUTHENTICATED');
    expect(expired.body.link).toBe('expired');
    const forged = await holder(`tlnk_${'A'.repeat(43)}`)().get(`/v1/sessions/${session}`);
    expectProblem(forged, 401, 'UNAUTHENTICATED');
    expect(forged.body.link).toBe('unknown');
    expectProblem(await t.http().delete('/v1/links/00000000-0000-4000-8000-000000000000'), 404, 'LINK_NOT_FOUND');
    expectProblem(await t.http().delete('/v1/links/nope'), 404, 'LINK_NOT_FOUND');
  });

  it("another tenant's key cannot revoke a tenant's link", async () => {
    const made = await mint({ target: 'scenario', id: 'three-way-handshake' });
    const other = await t.newTenant('a third school');
    expectProblem(await other.http().delete(`/v1/links/${made.id}`), 404, 'LINK_NOT_FOUND');
    expect((await holder(made.token)().get('/v1/links/current')).status).toBe(200);
  });
});

describe('GET /l/{token} (the page a link opens)', () => {
  it('answers a working link with the page carrying its token, and a dead one with a page saying why (404 forged, 410 revoked or expired)', async () => {
    const session = await manualSession();
    const made = await mint({ target: 'session', id: session });
    const page = await t.anonymous().get(`/l/${made.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain(`<meta name="tcplab-next" content="/play/${session}">`);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['cache-control']).toBe('no-store');
    const forged = await t.anonymous().get('/l/tlnk_forged');
    expect({ status: forged.status, heading: /<h1>([^<]+)<\/h1>/.exec(forged.text)?.[1] }).toEqual({ status: 404, heading: 'This link does not work' });
    await t.http().delete(`/v1/links/${made.id}`);
    const revoked = await t.anonymous().get(`/l/${made.token}`).set('Accept-Language', 'zh-CN');
    expect({ status: revoked.status, heading: /<h1>([^<]+)<\/h1>/.exec(revoked.text)?.[1] }).toEqual({ status: 410, heading: '此链接已被撤销' });
    expect(revoked.text).not.toContain(made.token);
  });
});

describe('rate limits per link', () => {
  it("a link's requests are counted on their own, not against the tenant's key", async () => {
    const session = await manualSession();
    const link = holder((await mint({ target: 'session', id: session })).token);
    const answer = await link().get(`/v1/sessions/${session}`);
    const keyed = await t.http().get(`/v1/sessions/${session}`);
    expect(Number(answer.headers['ratelimit-remaining'])).toBe(Number(answer.headers['ratelimit-limit']) - 1);
    expect(Number(keyed.headers['ratelimit-remaining'])).toBeLessThan(Number(keyed.headers['ratelimit-limit']) - 1);
  });
});
