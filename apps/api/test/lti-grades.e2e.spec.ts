import { generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import request from 'supertest';
import { startApp, type TestApp } from './harness';
import { AGS_SCOPES, AgsEmulator } from './lti/emulator-ags';
import { launchThrough } from './lti/launch-driver';
import { PlatformEmulator, ROLE, type PlannedLaunch } from './lti/platform-emulator';

/**
 * LTI exercise launches and grade passback (AGS 2.0) from a platform emulator (test/lti: launches, a token endpoint
 * verifying the tool's client assertion against its JWKS, line items and scores that record what they receive) to the
 * real app, its score worker and PostgreSQL. The app listens on 127.0.0.1 so that the platform can fetch its JWKS.
 */

const TOOL = 'https://tcplab.test';
const EXERCISE = `${TOOL}/exercises/recover-lost-final-ack`;

let t: TestApp;
let emulator: PlatformEmulator;
let ags: AgsEmulator;
let db: Client;
let nextLink = 0;

beforeAll(async () => {
  process.env['PUBLIC_URL'] = TOOL;
  // The worker looks for grades every 50 ms and retries after 20 ms, doubling: a test waits a fraction of a second.
  process.env['LTI_SCORE_POLL_MS'] = '50';
  process.env['LTI_SCORE_RETRY_BASE_MS'] = '20';
  t = await startApp();
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  emulator = await PlatformEmulator.start(TOOL);
  ags = new AgsEmulator(emulator, `http://127.0.0.1:${port}/lti/jwks`);
  expect((await t.http().post('/v1/lti/platforms').send(emulator.registration())).status).toBe(201);
  db = new Client({ connectionString: process.env['DATABASE_URL'] });
  await db.connect();
});

afterAll(async () => {
  await db.end();
  await emulator.close();
  await t.app.close();
});

/** A resource link id no other test uses. */
const newLinkId = () => `link-${(nextLink += 1)}`;

/** A launch, and what it landed on: the share link's token and the page it opens. */
async function land(launch: Partial<PlannedLaunch> & { targetLinkUri: string }): Promise<{ token: string; next: string }> {
  const res = await launchThrough(t.app.getHttpServer(), emulator, launch);
  expect({ status: res.status, location: res.headers['location'] }).toEqual({ status: 303, location: expect.stringMatching(/^\/l\/tlnk_/) });
  // An instructor lands on the link's results; the content they try out is the link in the fragment (lti-results).
  const [landed, tryIt] = res.headers['location']!.slice('/l/'.length).split('#try=');
  const token = tryIt ?? landed!;
  const page = await request(t.app.getHttpServer()).get(`/l/${token}`);
  return { token, next: /<meta name="tcplab-next" content="([^"]+)">/.exec(page.text)![1]!.replaceAll('&amp;', '&') };
}

/** The exercise a landing opens (its page is /play/{session}?exercise={id}, and &link={link id}: lti-frames.e2e.spec.ts). */
function exerciseOf(next: string): { exercise: string; session: string } {
  const match = /^\/play\/([0-9a-f-]{36})\?exercise=([0-9a-f-]{36})&link=[0-9a-f-]{36}$/.exec(next);
  expect(match).not.toBeNull();
  return { session: match![1]!, exercise: match![2]! };
}

/** A request as the landing's page makes it: with the share link's token, never a tenant key. */
const asLearner = (token: string, path: string) => request(t.app.getHttpServer()).post(path).set('Authorization', `Bearer ${token}`);

/** The learner's moves that get the server of recover-lost-final-ack to CLOSED, after `mistakes` refused ones. */
async function recover(token: string, session: string, mistakes = 0): Promise<void> {
  for (let i = 0; i < mistakes; i += 1) expect((await asLearner(token, `/v1/sessions/${session}/send`).send({ from: 'server', flags: ['FIN', 'ACK'] })).status).toBe(422);
  expect((await asLearner(token, `/v1/sessions/${session}/advance`).send({ ms: 1000 })).status).toBe(200);
  expect((await asLearner(token, `/v1/sessions/${session}/send`).send({ from: 'server', flags: ['FIN', 'ACK'] })).status).toBe(200);
  expect((await asLearner(token, `/v1/sessions/${session}/send`).send({ from: 'client', flags: ['ACK'] })).status).toBe(200);
}

/** Polls until `check` holds (the worker runs every 50 ms); fails with the last value after `ms`. */
async function eventually<T>(read: () => T | Promise<T>, check: (value: T) => boolean, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > until) throw new Error(`still not there after ${ms} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Long enough for the worker to have gone round several times: what has not happened by then is not going to. */
const afterSeveralRounds = () => new Promise((resolve) => setTimeout(resolve, 400));

const scoresFor = (user: string) => ags.scores.filter((s) => s.score['userId'] === user);

describe('exercise launches', () => {
  it('gives each learner an exercise of the goal of their own per resource link, kept across launches', async () => {
    const linkA = newLinkId();
    const first = exerciseOf((await land({ user: 'ex-1', targetLinkUri: `${EXERCISE}?seed=7&lang=zh-CN`, resourceLinkId: linkA })).next);
    const again = exerciseOf((await land({ user: 'ex-1', targetLinkUri: `${EXERCISE}?seed=7&lang=zh-CN`, resourceLinkId: linkA })).next);
    const other = exerciseOf((await land({ user: 'ex-2', targetLinkUri: `${EXERCISE}?seed=7&lang=zh-CN`, resourceLinkId: linkA })).next);
    const elsewhere = exerciseOf((await land({ user: 'ex-1', targetLinkUri: `${EXERCISE}?seed=7&lang=zh-CN`, resourceLinkId: newLinkId() })).next);
    expect(again).toEqual(first);
    expect(new Set([first.exercise, other.exercise, elsewhere.exercise]).size).toBe(3);
    const rows = await db.query(`SELECT id, goal, learner_id FROM exercises WHERE id = ANY ($1)`, [[first.exercise, other.exercise]]);
    expect(rows.rows.map((r) => r.goal)).toEqual(['recover-lost-final-ack', 'recover-lost-final-ack']);
    // The seed draws the ISNs: both learners of the link got the same connection.
    const isns = await db.query(`SELECT options->'seed' AS seed FROM sessions WHERE id = ANY ($1)`, [[first.session, other.session]]);
    expect(isns.rows).toEqual([{ seed: 7 }, { seed: 7 }]);
  });

  it('keeps progress across launches: the second launch opens the session as the first left it', async () => {
    const link = newLinkId();
    const { token, next } = await land({ user: 'ex-3', targetLinkUri: EXERCISE, resourceLinkId: link });
    const { session } = exerciseOf(next);
    const read = (holding: string) => request(t.app.getHttpServer()).get(`/v1/sessions/${session}`).set('Authorization', `Bearer ${holding}`);
    const clockAtFirst = (await read(token)).body.clock_ms as number;
    expect((await asLearner(token, `/v1/sessions/${session}/advance`).send({ ms: 1000 })).status).toBe(200);
    const later = await land({ user: 'ex-3', targetLinkUri: EXERCISE, resourceLinkId: link });
    expect(exerciseOf(later.next).session).toBe(session);
    const seen = await read(later.token);
    expect({ status: seen.status, clock_ms: seen.body.clock_ms }).toEqual({ status: 200, clock_ms: clockAtFirst + 1000 });
  });

  it('gives a new exercise when the teacher points the link at another goal, and the first one back when pointed back', async () => {
    const link = newLinkId();
    const handshake = `${TOOL}/exercises/establish-as-client`;
    const first = exerciseOf((await land({ user: 'ex-7', targetLinkUri: EXERCISE, resourceLinkId: link })).next);
    const moved = exerciseOf((await land({ user: 'ex-7', targetLinkUri: handshake, resourceLinkId: link })).next);
    const back = exerciseOf((await land({ user: 'ex-7', targetLinkUri: EXERCISE, resourceLinkId: link })).next);
    expect(moved.exercise).not.toBe(first.exercise);
    expect(back).toEqual(first);
    expect((await db.query(`SELECT goal FROM exercises WHERE id = $1`, [moved.exercise])).rows).toEqual([{ goal: 'establish-as-client' }]);
  });

  it('records the resource link with its context, target and AGS and NRPS claims, brought up to date by each launch', async () => {
    const link = newLinkId();
    const lineitem = ags.newLineItem();
    const nrps = { 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice': { context_memberships_url: `${emulator.issuer}/nrps/course-101`, service_versions: ['2.0'] } };
    await land({ user: 'ex-4', targetLinkUri: EXERCISE, resourceLinkId: link, claims: { ...ags.endpointClaim({ lineitem }), ...nrps } });
    await land({ user: 'ex-5', targetLinkUri: EXERCISE, resourceLinkId: link, claims: ags.endpointClaim({ lineitem, scopes: [AGS_SCOPES.score] }) });
    const rows = await db.query(`SELECT * FROM lti_resource_links WHERE resource_link_id = $1`, [link]);
    expect(rows.rows).toEqual([
      expect.objectContaining({
        tenant_id: t.tenant.id,
        deployment_id: emulator.deploymentId,
        title: 'TCP: lose the final ACK',
        context_id: 'course-101',
        context_title: 'Networks 101',
        target_link_uri: EXERCISE,
        lineitem,
        lineitems: ags.lineItemsUrl,
        ags_scopes: [AGS_SCOPES.score],
        // The second launch came without the NRPS claim.
        nrps: null,
      }),
    ]);
  });

  it.each([
    ['an unknown goal', `${TOOL}/exercises/win-the-game`],
    ['a seed that is not a 32-bit integer', `${EXERCISE}?seed=4294967296`],
  ])('refuses %s at target_link_uri, storing nothing', async (_name, targetLinkUri) => {
    const count = async () => (await db.query(`SELECT (SELECT count(*) FROM exercises)::int AS exercises, (SELECT count(*) FROM lti_resource_links)::int AS links`)).rows[0];
    const before = await count();
    const res = await launchThrough(t.app.getHttpServer(), emulator, { user: 'ex-6', targetLinkUri, resourceLinkId: newLinkId() });
    expect({ status: res.status, check: /data-lti-check="([^"]+)"/.exec(res.text)?.[1] }).toEqual({ status: 400, check: 'target_link_uri' });
    expect(await count()).toEqual(before);
  });
});

describe('grade passback (AGS)', () => {
  it("publishes a completed exercise's score to its line item once, with the learner's sub and the grade's values", async () => {
    const lineitem = ags.newLineItem('Recover from a lost final ACK');
    const { token, next } = await land({ user: 'ags-1', targetLinkUri: EXERCISE, resourceLinkId: newLinkId(), claims: ags.endpointClaim({ lineitem }) });
    const { session, exercise } = exerciseOf(next);
    await recover(token, session, 1);
    const [received] = await eventually(() => scoresFor('ags-1'), (s) => s.length > 0);
    expect(received).toEqual({
      lineItem: lineitem,
      contentType: 'application/vnd.ims.lis.v1.score+json',
      score: {
        userId: 'ags-1',
        scoreGiven: 90,
        scoreMaximum: 100,
        activityProgress: 'Completed',
        gradingProgress: 'FullyGraded',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        comment: expect.stringContaining('1 refused'),
      },
    });
    // tcplab's own grade of the exercise (the oracle here) says the same.
    const grade = await request(t.app.getHttpServer()).get(`/v1/exercises/${exercise}/grade`).set('Authorization', `Bearer ${token}`);
    expect(grade.body).toEqual(expect.objectContaining({ completed: true, score: 90 }));
    // Moves after the goal, and a new launch, send nothing more.
    expect((await asLearner(token, `/v1/sessions/${session}/advance`).send({ ms: 500 })).status).toBe(200);
    await land({ user: 'ags-1', targetLinkUri: EXERCISE, resourceLinkId: (await db.query(`SELECT rl.resource_link_id FROM lti_exercises le JOIN lti_resource_links rl ON rl.id = le.resource_link_id WHERE le.exercise_id = $1`, [exercise])).rows[0].resource_link_id, claims: ags.endpointClaim({ lineitem }) });
    await afterSeveralRounds();
    expect(scoresFor('ags-1')).toHaveLength(1);
    const listed = await t.http().get('/v1/lti/scores').query({ status: 'sent' });
    expect(listed.body.items).toContainEqual(expect.objectContaining({ user_sub: 'ags-1', source: 'exercise', source_id: exercise, status: 'sent', attempts: 1, last_error: null, sent_at: expect.any(String) }));
  });

  it("gets its access token with a client assertion the platform verifies against the tool's JWKS (iss = sub = client id, aud = token URL, a jti used once), and reuses it", async () => {
    const lineitem = ags.newLineItem();
    const requestsBefore = ags.tokenRequests.length;
    for (const user of ['tok-1', 'tok-2']) {
      const { token, next } = await land({ user, targetLinkUri: EXERCISE, resourceLinkId: 'shared-for-tokens', claims: ags.endpointClaim({ lineitem }) });
      await recover(token, exerciseOf(next).session);
      await eventually(() => scoresFor(user), (s) => s.length === 1);
    }
    const jwks = (await request(t.app.getHttpServer()).get('/lti/jwks')).body as { keys: Array<{ kid: string }> };
    const made = ags.tokenRequests.slice(requestsBefore);
    // Earlier tests may have fetched the score token already: it is cached per platform and scope, so at most one here.
    expect(made.length).toBeLessThanOrEqual(1);
    const all = ags.tokenRequests;
    expect(all.filter((r) => r.refused !== null)).toEqual([]);
    expect(all[0]).toEqual({
      header: expect.objectContaining({ alg: 'RS256', kid: expect.any(String) }),
      claims: expect.objectContaining({ iss: emulator.clientId, sub: emulator.clientId, aud: ags.tokenUrl, jti: expect.any(String), exp: expect.any(Number), iat: expect.any(Number) }),
      scope: AGS_SCOPES.score,
      refused: null,
    });
    expect(jwks.keys.map((k) => k.kid)).toContain(all[0]!.header!.kid);
    expect(new Set(all.map((r) => r.claims!.jti)).size).toBe(all.length);
  });

  it("is checked by a token endpoint that can refuse: a stranger's signature, another audience, a replayed jti (the emulator itself, with tcplab's key read from its table)", async () => {
    const key = (await db.query(`SELECT kid, private_key_pkcs8 FROM lti_tool_keys WHERE signs_from <= now() ORDER BY signs_from DESC LIMIT 1`)).rows[0];
    const toolKey = await importPKCS8(key.private_key_pkcs8, 'RS256');
    const stranger = (await generateKeyPair('RS256')).privateKey;
    const assertion = (claims: Record<string, unknown>, signer = toolKey) =>
      new SignJWT({ iss: emulator.clientId, sub: emulator.clientId, aud: ags.tokenUrl, jti: randomUUID(), ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid })
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(signer);
    const ask = async (clientAssertion: string) => {
      const res = await fetch(ags.tokenUrl, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: clientAssertion, scope: AGS_SCOPES.score }),
      });
      return { status: res.status, error: ((await res.json()) as { error: string }).error };
    };
    const good = await assertion({});
    expect(await ask(good)).toEqual({ status: 200, error: undefined });
    expect(await ask(good)).toEqual({ status: 401, error: 'invalid_client' });
    expect(await ask(await assertion({}, stranger))).toEqual({ status: 401, error: 'invalid_client' });
    expect(await ask(await assertion({ aud: `${emulator.issuer}/elsewhere` }))).toEqual({ status: 401, error: 'invalid_client' });
    expect(await ask(await assertion({ iss: 'another-tool' }))).toEqual({ status: 401, error: 'invalid_client' });
  });

  it('is delivered once by two replicas polling the same outbox', async () => {
    const replica = await startApp();
    try {
      const lineitem = ags.newLineItem();
      const users = ['rep-1', 'rep-2', 'rep-3', 'rep-4'];
      for (const user of users) {
        const { token, next } = await land({ user, targetLinkUri: EXERCISE, resourceLinkId: 'shared-for-replicas', claims: ags.endpointClaim({ lineitem }) });
        await recover(token, exerciseOf(next).session);
      }
      await eventually(() => users.map((user) => scoresFor(user).length), (counts) => counts.every((n) => n > 0));
      await afterSeveralRounds();
      expect(users.map((user) => scoresFor(user).length)).toEqual([1, 1, 1, 1]);
    } finally {
      await replica.app.close();
    }
  });

  it('still delivers a score exactly once when the platform fails the first three posts (503, 429 with Retry-After, 500)', async () => {
    const lineitem = ags.newLineItem();
    const { token, next } = await land({ user: 'retry-1', targetLinkUri: EXERCISE, resourceLinkId: newLinkId(), claims: ags.endpointClaim({ lineitem }) });
    const failedBefore = ags.failedScorePosts;
    ags.failNextScorePosts(1, 503);
    ags.failNextScorePosts(1, 429, '0');
    ags.failNextScorePosts(1, 500);
    await recover(token, exerciseOf(next).session);
    await eventually(() => scoresFor('retry-1'), (s) => s.length > 0);
    await afterSeveralRounds();
    expect(scoresFor('retry-1')).toEqual([expect.objectContaining({ lineItem: lineitem, score: expect.objectContaining({ scoreGiven: 100 }) })]);
    expect(ags.failedScorePosts - failedBefore).toBe(3);
    const row = await db.query(`SELECT sc.status, sc.attempts, sc.last_error FROM lti_scores sc JOIN lti_users u ON u.id = sc.user_id WHERE u.sub = 'retry-1'`);
    expect(row.rows).toEqual([{ status: 'sent', attempts: 4, last_error: null }]);
  });

  it("waits as long as a 429's Retry-After asks (2 s here, where its own backoff would be 20 ms), then delivers", async () => {
    const lineitem = ags.newLineItem();
    const { token, next } = await land({ user: 'later-1', targetLinkUri: EXERCISE, resourceLinkId: newLinkId(), claims: ags.endpointClaim({ lineitem }) });
    ags.failNextScorePosts(1, 429, '2');
    await recover(token, exerciseOf(next).session);
    const row = async () =>
      (await db.query(`SELECT sc.status, sc.attempts, sc.last_error, extract(epoch FROM sc.next_attempt_at - now())::float8 AS wait_s FROM lti_scores sc JOIN lti_users u ON u.id = sc.user_id WHERE u.sub = 'later-1'`)).rows[0];
    const refused = await eventually(row, (r) => r?.attempts === 1);
    expect(refused).toEqual({ status: 'pending', attempts: 1, last_error: expect.stringContaining('answered 429'), wait_s: expect.any(Number) });
    expect(refused.wait_s).toBeGreaterThan(1);
    await eventually(() => scoresFor('later-1'), (s) => s.length === 1);
    // The platform has the score a moment before the worker's transaction records it as sent.
    expect(await eventually(row, (r) => r.status === 'sent')).toEqual(expect.objectContaining({ attempts: 2, last_error: null }));
  });

  it('asks for a new token once when the platform refuses the cached one (401), and delivers', async () => {
    const lineitem = ags.newLineItem();
    const { token, next } = await land({ user: 'revoked-1', targetLinkUri: EXERCISE, resourceLinkId: newLinkId(), claims: ags.endpointClaim({ lineitem }) });
    ags.revokeTokens();
    const tokensBefore = ags.tokenRequests.length;
    await recover(token, exerciseOf(next).session);
    await eventually(() => scoresFor('revoked-1'), (s) => s.length === 1);
    expect(ags.tokenRequests.length - tokensBefore).toBe(1);
    const rows = async () => (await db.query(`SELECT sc.status, sc.attempts FROM lti_scores sc JOIN lti_users u ON u.id = sc.user_id WHERE u.sub = 'revoked-1'`)).rows;
    expect(await eventually(rows, (r) => r[0]?.status !== 'pending')).toEqual([{ status: 'sent', attempts: 1 }]);
  });

  it.each([
    ['retries when the token endpoint answers 503, and delivers', 503, { status: 'sent', attempts: 2, last_error: null }],
    ['stops when the token endpoint refuses the client (401 invalid_client), keeping the answer', 401, { status: 'failed', attempts: 1, last_error: expect.stringContaining('invalid_client') }],
  ])('%s', async (_name, status, outcome) => {
    const user = `token-${status}`;
    const lineitem = ags.newLineItem();
    const { token, next } = await land({ user, targetLinkUri: EXERCISE, resourceLinkId: newLinkId(), claims: ags.endpointClaim({ lineitem }) });
    // The tool's cached token refused (401), so it asks for a new one: that request fails.
    ags.revokeTokens();
    ags.failNextTokenRequests(1, status);
    await recover(token, exerciseOf(next).session);
    const rows = async () => (await db.query(`SELECT sc.status, sc.attempts, sc.last_error FROM lti_scores sc JOIN lti_users u ON u.id = sc.user_id WHERE u.sub = $1`, [user])).rows;
    expect(await eventually(rows, (r) => r[0] !== undefined && r[0].status !== 'pending')).toEqual([outcome]);
    expect(scoresFor(user)).toHaveLength(outcome.status === 'sent' ? 1 : 0);
  });

  it('stops at a 4xx other than 429: the score is kept as failed with the answer, listed by GET /v1/lti/scores?status=failed, and not sent again', async () => {
    const lineitem = ags.newLineItem();
    const { token, next } = await land({ user: 'refused-1', targetLinkUri: EXERCISE, resourceLinkId: newLinkId(), claims: ags.endpointClaim({ lineitem }) });
    const failedBefore = ags.failedScorePosts;
    ags.failNextScorePosts(1, 422);
    await recover(token, exerciseOf(next).session);
    const failed = await eventually(
      async () => (await t.http().get('/v1/lti/scores').query({ status: 'failed' })).body.items as Array<Record<string, unknown>>,
      (items) => items.some((i) => i['user_sub'] === 'refused-1'),
    );
    expect(failed.find((i) => i['user_sub'] === 'refused-1')).toEqual(expect.objectContaining({ status: 'failed', attempts: 1, last_error: expect.stringContaining('answered 422'), sent_at: null }));
    await afterSeveralRounds();
    expect(ags.failedScorePosts - failedBefore).toBe(1);
    expect(scoresFor('refused-1')).toEqual([]);
  });

  it('creates a line item (label, scoreMaximum, resourceLinkId) when the launch had none, once, and posts to it', async () => {
    const link = newLinkId();
    const itemsBefore = ags.lineItems.length;
    for (const user of ['li-1', 'li-2']) {
      const { token, next } = await land({ user, targetLinkUri: EXERCISE, resourceLinkId: link, claims: ags.endpointClaim({}) });
      await recover(token, exerciseOf(next).session);
      await eventually(() => scoresFor(user), (s) => s.length === 1);
    }
    const created = ags.lineItems.slice(itemsBefore);
    expect(created).toEqual([{ id: expect.stringContaining('?type_id=1'), label: 'TCP: lose the final ACK', scoreMaximum: 100, resourceLinkId: link }]);
    expect([...scoresFor('li-1'), ...scoresFor('li-2')].map((s) => s.lineItem)).toEqual([created[0]!.id, created[0]!.id]);
    expect((await db.query(`SELECT lineitem FROM lti_resource_links WHERE resource_link_id = $1`, [link])).rows).toEqual([{ lineitem: created[0]!.id }]);
  });

  it('sends nothing for a link launched without AGS or without the score scope, nor for an instructor trying the exercise', async () => {
    for (const [user, claims, roles] of [
      ['no-ags-1', {}, [ROLE.learner]],
      ['no-ags-2', ags.endpointClaim({ lineitem: ags.newLineItem(), scopes: [AGS_SCOPES.lineitemReadonly] }), [ROLE.learner]],
      ['no-ags-3', ags.endpointClaim({ lineitem: ags.newLineItem() }), [ROLE.instructor]],
    ] as const) {
      const { token, next } = await land({ user, targetLinkUri: EXERCISE, resourceLinkId: newLinkId(), claims, roles: [...roles] });
      await recover(token, exerciseOf(next).session);
    }
    await afterSeveralRounds();
    expect([...scoresFor('no-ags-1'), ...scoresFor('no-ags-2'), ...scoresFor('no-ags-3')]).toEqual([]);
    expect((await db.query(`SELECT count(*)::int AS n FROM lti_scores sc JOIN lti_users u ON u.id = sc.user_id WHERE u.sub LIKE 'no-ags-%'`)).rows[0].n).toBe(0);
  });

  it("posts a quiz attempt's score through an LTI launch; a worse attempt is not sent, a better one updates the grade", async () => {
    const quiz = await t.http().post('/v1/quizzes').send({ scenario: 'three-way-handshake', count: 4, seed: 5 });
    expect(quiz.status).toBe(201);
    const answers = (await t.http().get(`/v1/quizzes/${quiz.body.id}`).query({ answers: true })).body.questions as Array<{ id: string; answer: unknown }>;
    const lineitem = ags.newLineItem('Handshake quiz', 4);
    const { token } = await land({ user: 'quiz-1', targetLinkUri: `${TOOL}/quizzes/${quiz.body.id}`, resourceLinkId: newLinkId(), claims: ags.endpointClaim({ lineitem }) });
    const attempt = async (right: number) => {
      const given = Object.fromEntries(answers.slice(0, right).map((q) => [q.id, q.answer]));
      const res = await asLearner(token, `/v1/quizzes/${quiz.body.id}/attempts`).send({ answers: given });
      expect({ status: res.status, points: res.body.score?.points }).toEqual({ status: 201, points: right });
    };
    await attempt(2);
    await eventually(() => scoresFor('quiz-1'), (s) => s.length === 1);
    await attempt(1);
    await attempt(3);
    await eventually(() => scoresFor('quiz-1'), (s) => s.length === 2);
    await afterSeveralRounds();
    expect(scoresFor('quiz-1').map((s) => ({ lineItem: s.lineItem, given: s.score['scoreGiven'], maximum: s.score['scoreMaximum'] }))).toEqual([
      { lineItem: lineitem, given: 2, maximum: 4 },
      { lineItem: lineitem, given: 3, maximum: 4 },
    ]);
    const listed = (await t.http().get('/v1/lti/scores')).body.items.filter((i: Record<string, unknown>) => i['user_sub'] === 'quiz-1');
    expect(listed.map((i: Record<string, unknown>) => i['status']).sort()).toEqual(['not_better', 'sent', 'sent']);
  });
});

describe('GET /v1/lti/scores', () => {
  it('refuses an unknown status with a problem naming the field, and shows a tenant only its own scores', async () => {
    const bad = await t.http().get('/v1/lti/scores').query({ status: 'lost' });
    expect({ status: bad.status, type: bad.headers['content-type'], fields: bad.body.errors?.map((e: { field: string }) => e.field) }).toEqual({
      status: 400,
      type: expect.stringMatching(/^application\/problem\+json/),
      fields: ['status'],
    });
    const stranger = await t.newTenant('stranger');
    expect((await stranger.http().get('/v1/lti/scores')).body).toEqual({ items: [] });
  });
});
