import { importPKCS8, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import request from 'supertest';
import { startApp, type TestApp } from './harness';
import { AGS_SCOPES, AgsEmulator } from './lti/emulator-ags';
import { NRPS_SCOPE, NrpsEmulator } from './lti/emulator-nrps';
import { launchThrough } from './lti/launch-driver';
import { PlatformEmulator, ROLE, type PlannedLaunch } from './lti/platform-emulator';

/**
 * An instructor's LTI landing (issue 13 items 3 and 6): the resource link's results, read with the results link the
 * launch lands on, and the course's members from the platform's Names and Role Provisioning Services (emulator-nrps.ts,
 * behind the emulator's token endpoint), against the real app, its score worker and PostgreSQL.
 */

const TOOL = 'https://tcplab.test';
const EXERCISE = `${TOOL}/exercises/recover-lost-final-ack`;

let t: TestApp;
let emulator: PlatformEmulator;
let ags: AgsEmulator;
let nrps: NrpsEmulator;
let nextLink = 0;

beforeAll(async () => {
  process.env['PUBLIC_URL'] = TOOL;
  process.env['LTI_SCORE_POLL_MS'] = '50';
  process.env['LTI_SCORE_RETRY_BASE_MS'] = '20';
  t = await startApp();
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  emulator = await PlatformEmulator.start(TOOL);
  ags = new AgsEmulator(emulator, `http://127.0.0.1:${port}/lti/jwks`);
  nrps = new NrpsEmulator(emulator, ags);
  expect((await t.http().post('/v1/lti/platforms').send(emulator.registration())).status).toBe(201);
});

afterAll(async () => {
  await emulator.close();
  await t.app.close();
});

const newLinkId = () => `results-link-${(nextLink += 1)}`;
const server = () => t.app.getHttpServer();

/** A launch as `name`; resolves to where it redirected and the page its link opens. */
async function land(name: string, launch: Partial<PlannedLaunch> & { targetLinkUri: string }): Promise<{ location: string; token: string; next: string }> {
  const res = await launchThrough(server(), emulator, { ...launch, tamper: { claims: { name } } });
  expect(res.status).toBe(303);
  const location = res.headers['location']!;
  const token = /^\/l\/(tlnk_[\w-]+)/.exec(location)![1]!;
  const page = await request(server()).get(`/l/${token}`);
  return { location, token, next: /<meta name="tcplab-next" content="([^"]+)">/.exec(page.text)![1]!.replaceAll('&amp;', '&') };
}

const asHolder = (token: string) => ({
  get: (path: string) => request(server()).get(path).set('Authorization', `Bearer ${token}`),
  post: (path: string) => request(server()).post(path).set('Authorization', `Bearer ${token}`),
});

/** The instructor's landing: the results link's token, and the content link's token from the fragment ("try it"). */
async function instructorLands(link: string, claims: Record<string, unknown> = {}): Promise<{ results: string; tryIt: string; next: string }> {
  const landed = await land('Prof. Tanenbaum', { user: `teacher-${link}`, roles: [ROLE.instructor], targetLinkUri: EXERCISE, resourceLinkId: link, claims });
  const tryIt = /#try=(tlnk_[\w-]+)$/.exec(landed.location)?.[1];
  expect(tryIt).toBeDefined();
  return { results: landed.token, tryIt: tryIt!, next: landed.next };
}

async function recover(token: string, session: string, mistakes: number): Promise<void> {
  const learner = asHolder(token);
  for (let i = 0; i < mistakes; i += 1) expect((await learner.post(`/v1/sessions/${session}/send`).send({ from: 'server', flags: ['FIN', 'ACK'] })).status).toBe(422);
  expect((await learner.post(`/v1/sessions/${session}/advance`).send({ ms: 1000 })).status).toBe(200);
  expect((await learner.post(`/v1/sessions/${session}/send`).send({ from: 'server', flags: ['FIN', 'ACK'] })).status).toBe(200);
  expect((await learner.post(`/v1/sessions/${session}/send`).send({ from: 'client', flags: ['ACK'] })).status).toBe(200);
}

async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > until) throw new Error(`still not there after ${ms} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const sessionOf = (next: string) => /^\/play\/([0-9a-f-]{36})\?exercise=/.exec(next)![1]!;

describe('an instructor launch', () => {
  it('lands on the results page (not the content), with the content one click away', async () => {
    const { results, tryIt, next } = await instructorLands(newLinkId());
    // ?link= names the results link, so that the platform may frame the page (lti-frames.e2e.spec.ts).
    expect(next).toMatch(/^\/lti\/results\?link=[0-9a-f-]{36}$/);
    const page = await request(server()).get(next);
    expect({ status: page.status, type: page.headers['content-type'], script: page.text.includes('/assets/js/pages/lti-results.js') }).toEqual({
      status: 200,
      type: 'text/html; charset=utf-8',
      script: true,
    });
    const current = await asHolder(results).get('/v1/links/current');
    expect(current.body).toEqual(expect.objectContaining({ target: 'lti_results', allow: [], page: '/lti/results' }));
    // "Try it": the instructor's own exercise of the link.
    expect((await asHolder(tryIt).get('/v1/links/current')).body).toEqual(expect.objectContaining({ target: 'exercise', page: expect.stringMatching(/^\/play\//) }));
  });

  it("a learner's launch still lands on the content, with no results link", async () => {
    const landed = await land('Ada', { user: 'results-learner-0', targetLinkUri: EXERCISE, resourceLinkId: newLinkId() });
    expect(landed.location).toMatch(/^\/l\/tlnk_[\w-]+$/);
    expect(landed.next).toMatch(/^\/play\//);
  });
});

describe('GET /v1/lti/results/current', () => {
  it("lists the link's learners with their launches, progress, refused moves and the grade sent to the LMS", async () => {
    const link = newLinkId();
    const lineitem = ags.newLineItem('Recover from a lost final ACK');
    const claims = ags.endpointClaim({ lineitem });
    const alan = await land('Alan Turing', { user: 'results-alan', targetLinkUri: EXERCISE, resourceLinkId: link, claims });
    await land('Alan Turing', { user: 'results-alan', targetLinkUri: EXERCISE, resourceLinkId: link, claims });
    await land('Grace Hopper', { user: 'results-grace', targetLinkUri: EXERCISE, resourceLinkId: link, claims });
    await recover(alan.token, sessionOf(alan.next), 1);
    const { results } = await instructorLands(link, claims);
    const res = await eventually(
      () => asHolder(results).get('/v1/lti/results/current'),
      (r) => r.body.results?.[0]?.grade?.status === 'sent',
    );
    expect(res.status).toBe(200);
    expect(res.body.resource_link).toEqual({ id: link, title: 'TCP: lose the final ACK', context_title: 'Networks 101', target_link_uri: EXERCISE, target: 'exercise' });
    expect(res.body.members).toEqual({ status: 'not_offered', detail: null });
    // The instructor, who only looked, is not among the results.
    expect(res.body.results.map((r: { sub: string }) => r.sub)).toEqual(['results-alan', 'results-grace']);
    const [a, g] = res.body.results;
    expect(a).toEqual(
      expect.objectContaining({
        name: 'Alan Turing',
        role: 'learner',
        member_status: null,
        launches: { count: 2, first_at: expect.any(String), last_at: expect.any(String) },
        quiz: null,
        grade: { score_given: 90, score_maximum: 100, status: 'sent', attempts: 1, last_error: null, sent_at: expect.any(String) },
      }),
    );
    expect(a.launches.first_at < a.launches.last_at).toBe(true);
    // The exercises module's grade (GET /v1/exercises/{id}/grade) as it is: two moves (advancing the clock is none), one refused.
    expect(a.exercise).toEqual(expect.objectContaining({ completed: true, completed_at_move: 2, attempts: { total: 3, accepted: 2, refused: 1 }, score: 90 }));
    expect(a.exercise.mistakes).toEqual([
      expect.objectContaining({ after_move: 0, code: 'SEGMENT_INVALID', violations: [expect.objectContaining({ field: 'flags', code: 'FLAGS_RETRANSMISSION_NOT_DUE' })] }),
    ]);
    expect(g).toEqual(expect.objectContaining({ name: 'Grace Hopper', launches: expect.objectContaining({ count: 1 }), grade: null }));
    expect(g.exercise).toEqual(expect.objectContaining({ completed: false, attempts: { total: 0, accepted: 0, refused: 0 } }));
  });

  it("lists the quiz attempts and best score of a quiz link's learners", async () => {
    const quiz = await t.http().post('/v1/quizzes').send({ scenario: 'three-way-handshake', count: 4, seed: 5 });
    const answers = (await t.http().get(`/v1/quizzes/${quiz.body.id}`).query({ answers: true })).body.questions as Array<{ id: string; answer: unknown }>;
    const link = newLinkId();
    const target = `${TOOL}/quizzes/${quiz.body.id}`;
    const learner = await land('Barbara Liskov', { user: 'results-quiz', targetLinkUri: target, resourceLinkId: link });
    for (const right of [3, 1]) {
      const given = Object.fromEntries(answers.slice(0, right).map((q) => [q.id, q.answer]));
      expect((await asHolder(learner.token).post(`/v1/quizzes/${quiz.body.id}/attempts`).send({ answers: given })).status).toBe(201);
    }
    const teacher = await land('Prof.', { user: 'results-quiz-teacher', roles: [ROLE.instructor], targetLinkUri: target, resourceLinkId: link });
    const res = await asHolder(teacher.token).get('/v1/lti/results/current');
    expect(res.body.resource_link.target).toBe('quiz');
    expect(res.body.results).toEqual([expect.objectContaining({ sub: 'results-quiz', exercise: null, quiz: { attempts: 2, best_points: 3, max_points: 4 } })]);
  });

  it("lists the course's members from NRPS, every page followed, including those who never launched", async () => {
    const link = newLinkId();
    nrps.members = [
      { user_id: 'nrps-1', name: 'Edsger Dijkstra', roles: [ROLE.learner] },
      { user_id: 'nrps-2', given_name: 'Radia', family_name: 'Perlman', email: 'radia@example.edu', roles: [ROLE.learner] },
      { user_id: 'nrps-3', name: 'Vint Cerf', roles: [ROLE.learner], status: 'Inactive' },
      { user_id: 'nrps-4', name: 'Bob Kahn', roles: [ROLE.learner] },
      { user_id: 'nrps-teacher', name: 'Prof. Tanenbaum', roles: [ROLE.instructor] },
    ];
    nrps.pageSize = 2;
    await land('Edsger W. Dijkstra', { user: 'nrps-1', targetLinkUri: EXERCISE, resourceLinkId: link, claims: nrps.claim() });
    const served = nrps.pagesServed.length;
    const { results } = await instructorLands(link, nrps.claim());
    const res = await asHolder(results).get('/v1/lti/results/current');
    expect(res.status).toBe(200);
    expect(nrps.pagesServed.slice(served)).toEqual([1, 2, 3]);
    expect(res.body.members).toEqual({ status: 'listed', detail: null });
    expect(res.body.results.map((r: Record<string, unknown>) => [r['sub'], r['name'], r['role'], r['member_status'], r['launches'] === null ? 'not started' : 'launched'])).toEqual([
      ['nrps-1', 'Edsger Dijkstra', 'learner', 'Active', 'launched'],
      ['nrps-4', 'Bob Kahn', 'learner', 'Active', 'not started'],
      ['nrps-teacher', 'Prof. Tanenbaum', 'instructor', 'Active', 'not started'],
      ['nrps-2', 'Radia Perlman', 'learner', 'Active', 'not started'],
      ['nrps-3', 'Vint Cerf', 'learner', 'Inactive', 'not started'],
    ]);
    expect(res.body.results[3]).toEqual(expect.objectContaining({ email: 'radia@example.edu', roles: [ROLE.learner], exercise: null, grade: null }));
    // The token was asked for the read-only membership scope.
    expect(ags.tokenRequests.some((r) => r.refused === null && r.scope === 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly')).toBe(true);
    expect(nrps.refused).toEqual([]);
  });

  it("still shows tcplab's own learners, with a note, when the platform cannot list its members", async () => {
    const link = newLinkId();
    nrps.members = [{ user_id: 'nrps-down-2', name: 'Never Shown', roles: [ROLE.learner] }];
    await land('Leslie Lamport', { user: 'nrps-down-1', targetLinkUri: EXERCISE, resourceLinkId: link, claims: nrps.claim() });
    const { results } = await instructorLands(link, nrps.claim());
    nrps.failNext(1, 503);
    const res = await asHolder(results).get('/v1/lti/results/current');
    expect(res.status).toBe(200);
    expect(res.body.members).toEqual({ status: 'unavailable', detail: expect.stringContaining('503') });
    expect(res.body.results.map((r: { sub: string }) => r.sub)).toEqual(['nrps-down-1']);
    // A failing token endpoint is the platform failing too.
    ags.revokeTokens();
    ags.failNextTokenRequests(1, 500);
    const again = await asHolder(results).get('/v1/lti/results/current');
    expect({ status: again.status, members: again.body.members.status, subs: again.body.results.map((r: { sub: string }) => r.sub) }).toEqual({ status: 200, members: 'unavailable', subs: ['nrps-down-1'] });
  });
});

describe('who may read results', () => {
  it("refuses a learner's token, and a tenant's key", async () => {
    const link = newLinkId();
    const learner = await land('Ada', { user: 'results-nosy', targetLinkUri: EXERCISE, resourceLinkId: link });
    await instructorLands(link);
    const byLearner = await asHolder(learner.token).get('/v1/lti/results/current');
    expect({ status: byLearner.status, type: byLearner.headers['content-type'] }).toEqual({ status: 403, type: expect.stringContaining('application/problem+json') });
    expect((await t.http().get('/v1/lti/results/current')).status).toBe(403);
  });

  it('a results token cannot act on sessions, read exercises or mint links', async () => {
    const link = newLinkId();
    const learner = await land('Ada', { user: 'results-victim', targetLinkUri: EXERCISE, resourceLinkId: link });
    const { results } = await instructorLands(link);
    const session = sessionOf(learner.next);
    const exercise = /[?&]exercise=([0-9a-f-]{36})(?:&|$)/.exec(learner.next)![1]!;
    const holder = asHolder(results);
    const attempts = [
      await holder.get(`/v1/sessions/${session}`),
      await holder.post(`/v1/sessions/${session}/advance`).send({ ms: 1000 }),
      await holder.post(`/v1/sessions/${session}/send`).send({ from: 'server', flags: ['FIN', 'ACK'] }),
      await holder.get(`/v1/exercises/${exercise}/grade`),
      await holder.post('/v1/sessions').send({ scenario: 'three-way-handshake' }),
      await holder.post('/v1/links').send({ target: 'scenario', id: 'three-way-handshake' }),
    ];
    expect(attempts.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403]);
  });

  it('a tenant cannot mint a results link itself', async () => {
    const res = await t.http().post('/v1/links').send({ target: 'lti_results', id: '00000000-0000-4000-8000-000000000000' });
    expect(res.status).toBe(400);
  });
});

describe('the NRPS emulator (emulator-nrps.ts)', () => {
  it('refuses a request without a token the platform granted, or without the membership container in Accept', async () => {
    const get = (headers: Record<string, string>) => fetch(nrps.contextMembershipsUrl, { headers });
    const accept = { accept: 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json' };
    expect((await get(accept)).status).toBe(401);
    expect((await get({ ...accept, authorization: 'Bearer made-up' })).status).toBe(401);
  });

  it("refuses a token granted for another scope (AGS's score), and takes one for the membership scope (asked for as tcplab would, with tcplab's key read from its table)", async () => {
    const db = new Client({ connectionString: process.env['DATABASE_URL'] });
    await db.connect();
    const key = (await db.query(`SELECT kid, private_key_pkcs8 FROM lti_tool_keys WHERE signs_from <= now() ORDER BY signs_from DESC LIMIT 1`)).rows[0];
    await db.end();
    const toolKey = await importPKCS8(key.private_key_pkcs8, 'RS256');
    const tokenFor = async (scope: string): Promise<string> => {
      const assertion = await new SignJWT({ iss: emulator.clientId, sub: emulator.clientId, aud: ags.tokenUrl, jti: randomUUID() })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid })
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(toolKey);
      const res = await fetch(ags.tokenUrl, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion, scope }),
      });
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const get = async (token: string, accept = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json') =>
      (await fetch(nrps.contextMembershipsUrl, { headers: { accept, authorization: `Bearer ${token}` } })).status;
    expect(await get(await tokenFor(AGS_SCOPES.score))).toBe(403);
    const membership = await tokenFor(NRPS_SCOPE);
    expect(await get(membership, 'application/xml')).toBe(406);
    expect(await get(membership)).toBe(200);
  });
});

describe('NRPS tokens', () => {
  it('asks for a new token once when the platform no longer takes the cached one (401), and lists the members', async () => {
    const link = newLinkId();
    nrps.members = [{ user_id: 'nrps-revoked-1', name: 'Ken Thompson', roles: [ROLE.learner] }];
    const { results } = await instructorLands(link, nrps.claim());
    expect((await asHolder(results).get('/v1/lti/results/current')).body.members.status).toBe('listed');
    ags.revokeTokens();
    const refusedBefore = nrps.refused.length;
    const res = await asHolder(results).get('/v1/lti/results/current');
    expect({ members: res.body.members, subs: res.body.results.map((r: { sub: string }) => r.sub) }).toEqual({ members: { status: 'listed', detail: null }, subs: ['nrps-revoked-1'] });
    expect(nrps.refused.slice(refusedBefore)).toEqual([expect.stringMatching(/^401 /)]);
  });
});
