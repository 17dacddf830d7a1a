import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import request from 'supertest';
import { expectProblem } from './e2e-helpers';
import { startApp, type TestApp } from './harness';
import { DeepLinkingReturn } from './lti/deep-linking-return';
import { PlatformEmulator, ROLE, type PlannedLaunch } from './lti/platform-emulator';

/**
 * LTI Deep Linking 2.0 from the platform emulator to the real app and PostgreSQL. The app listens on a port of its
 * own: the emulator's return endpoint verifies tcplab's answer against tcplab's JWKS over HTTP, as a platform does.
 * The test plays the instructor's browser (the picker page's script is exercised in the browser suite).
 */

let t: TestApp;
let tool: string;
let emulator: PlatformEmulator;
let platform: DeepLinkingReturn;
let db: Client;

beforeAll(async () => {
  delete process.env['PUBLIC_URL'];
  t = await startApp();
  await t.app.listen(0, '127.0.0.1');
  tool = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  emulator = await PlatformEmulator.start(tool);
  platform = new DeepLinkingReturn(emulator, `${tool}/lti/jwks`);
  expect((await t.http().post('/v1/lti/platforms').send(emulator.registration())).status).toBe(201);
  db = new Client({ connectionString: process.env['DATABASE_URL'] });
  await db.connect();
});

afterAll(async () => {
  await db.end();
  await emulator.close();
  await t.app.close();
});

const browser = () => request.agent(tool);
const CONTENT_SELECTION = () => `${tool}/lti/deep-linking`;

/** Login, the platform's form post, and the launch: what the tool answers to the id_token. */
async function launch(planned: Partial<PlannedLaunch> & { targetLinkUri: string }): Promise<request.Response> {
  const login = await browser().get('/lti/login').query(emulator.initiateLogin(planned));
  expect(login.status).toBe(302);
  const cookie = (login.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
  const html = await (await fetch(login.headers['location']!)).text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1]!;
  return browser().post('/lti/launch').type('form').set('Cookie', cookie).send({ id_token: field('id_token'), state: field('state') });
}

/** A deep linking launch as an instructor: the picker's token, from the page the launch redirects to. */
async function openSelection(settings: Record<string, unknown> = {}, planned: Partial<PlannedLaunch> = {}): Promise<string> {
  const res = await launch(platform.launch({ targetLinkUri: CONTENT_SELECTION(), user: 'dl-teacher-1', ...planned }, settings));
  expect(res.status).toBe(303);
  const location = res.headers['location']!;
  expect(location).toMatch(/^\/lti\/deep-linking\/tdl_[A-Za-z0-9_-]{43}$/);
  return location.slice('/lti/deep-linking/'.length);
}

const answer = (token: string, items: unknown[]) => browser().post('/v1/lti/deep-linking/current/response').set('Authorization', `Bearer ${token}`).send({ items });

/** Posts the signed answer to the platform's return URL, as the picker's form does. */
async function postToPlatform(body: { return_url: string; jwt: string }): Promise<Response> {
  return fetch(body.return_url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ JWT: body.jwt }) });
}

/** What a launch can store for this suite's tenant (other suites launch into the same database at the same time). */
async function stored(): Promise<Record<string, number>> {
  const { rows } = await db.query(
    `SELECT (SELECT count(*) FROM lti_users WHERE tenant_id = $1)::int AS users, (SELECT count(*) FROM links WHERE tenant_id = $1)::int AS links,
            (SELECT count(*) FROM lti_logins JOIN lti_platforms p ON p.id = lti_logins.platform_id WHERE p.tenant_id = $1 AND used_at IS NOT NULL)::int AS used_logins,
            (SELECT count(*) FROM lti_deep_linking WHERE tenant_id = $1)::int AS selections`,
    [t.tenant.id],
  );
  return rows[0];
}

function expectRefused(res: request.Response, check: string): void {
  expect({ status: res.status, check: /data-lti-check="([^"]+)"/.exec(res.text)?.[1] }).toEqual({ status: 400, check });
}

describe('POST /lti/launch with an LtiDeepLinkingRequest', () => {
  it("opens the picker for an instructor: a page whose CSP lets forms go to the platform's return URL only, holding a token for this selection", async () => {
    const before = await stored();
    const token = await openSelection();
    expect(await stored()).toEqual({ ...before, users: before['users']! + 1, used_logins: before['used_logins']! + 1, selections: before['selections']! + 1 });
    const page = await browser().get(`/lti/deep-linking/${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<meta name="tcplab-selection" content="${token}">`);
    expect(page.text).toContain('/assets/js/pages/deep-linking.js');
    const csp = page.headers['content-security-policy']!;
    expect(csp).toContain(`form-action ${emulator.issuer};`);
    expect(csp).toContain(`frame-ancestors ${emulator.issuer}`);
    expect(csp).not.toContain("form-action 'self'");
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it('refuses a learner at `roles`, storing nothing: learners do not choose the course\'s content', async () => {
    const before = await stored();
    expectRefused(await launch(platform.launch({ targetLinkUri: CONTENT_SELECTION(), user: 'learner-dl', roles: [ROLE.learner] })), 'roles');
    expect(await stored()).toEqual(before);
  });

  it.each<[string, Record<string, unknown> | undefined]>([
    ['no deep_linking_settings claim', undefined],
    ['accept_types without ltiResourceLink', { accept_types: ['link', 'file'] }],
    ['no deep_link_return_url', { deep_link_return_url: undefined }],
    ['a deep_link_return_url that is not a URL', { deep_link_return_url: 'javascript:alert(1)' }],
  ])('refuses %s at `deep_linking_settings`, storing nothing', async (_name, settings) => {
    const before = await stored();
    const planned = platform.launch({ targetLinkUri: CONTENT_SELECTION() }, settings ?? {});
    if (settings === undefined) planned.tamper!.claims!['https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings'] = undefined;
    expectRefused(await launch(planned), 'deep_linking_settings');
    expect(await stored()).toEqual(before);
  });
});

describe('GET /v1/lti/deep-linking/current', () => {
  it("shows the picker what the platform takes, the exercise goals and the tenant's quizzes, with the selection token only", async () => {
    const quiz = await t.http().post('/v1/quizzes').send({ scenario: 'three-way-handshake', count: 3, seed: 7 });
    const token = await openSelection({ accept_multiple: false });
    const res = await browser().get('/v1/lti/deep-linking/current').set('Authorization', `Bearer ${token}`).set('Accept-Language', 'zh-CN');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accept_multiple: false,
      return_origin: emulator.issuer,
      expires_at: expect.any(String),
      goals: expect.arrayContaining([{ id: 'establish-as-client', title: '作为客户端建立连接', instructions: expect.stringContaining('三次握手') }]),
      quizzes: expect.arrayContaining([{ id: quiz.body.id, scenario_id: 'three-way-handshake', seed: 7, lang: expect.any(String), questions: 3, created_at: expect.any(String) }]),
    });
    // Another tenant's quizzes are not offered.
    const other = await t.newTenant('elsewhere');
    const theirs = await other.http().post('/v1/quizzes').send({ scenario: 'three-way-handshake', count: 3, seed: 8 });
    const again = await browser().get('/v1/lti/deep-linking/current').set('Authorization', `Bearer ${token}`);
    expect(again.body.quizzes.map((q: { id: string }) => q.id)).not.toContain(theirs.body.id);
  });

  it('refuses no token, a forged one and a share link or tenant key in its place (401)', async () => {
    expectProblem(await browser().get('/v1/lti/deep-linking/current'), 401, 'UNAUTHENTICATED');
    expectProblem(await browser().get('/v1/lti/deep-linking/current').set('Authorization', `Bearer tdl_${'A'.repeat(43)}`), 401, 'UNAUTHENTICATED');
    expectProblem(await browser().get('/v1/lti/deep-linking/current').set('Authorization', `Bearer ${t.tenant.key}`), 401, 'UNAUTHENTICATED');
    const link = await t.http().post('/v1/links').send({ target: 'scenario', id: 'lost-final-ack' });
    expect(link.status).toBe(201);
    expectProblem(await browser().get('/v1/lti/deep-linking/current').set('Authorization', `Bearer ${link.body.token}`), 401, 'UNAUTHENTICATED');
    expect((await browser().get(`/lti/deep-linking/tdl_${'A'.repeat(43)}`)).status).toBe(404);
  });
});

describe('POST /v1/lti/deep-linking/current/response', () => {
  it('answers with an LtiDeepLinkingResponse the platform verifies against the JWKS, field by field, and whose items launch a learner onto that content', async () => {
    const quiz = await t.http().post('/v1/quizzes').send({ scenario: 'lost-final-ack', count: 3, seed: 11 });
    const token = await openSelection();
    const res = await answer(token, [
      { kind: 'scenario', id: 'lost-final-ack' },
      { kind: 'exercise', id: 'recover-lost-final-ack', seed: 7, lang: 'zh-CN' },
      { kind: 'quiz', id: quiz.body.id, title: 'Homework 3' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.return_url).toBe(platform.returnUrl);
    const received = platform.received.length;
    expect((await postToPlatform(res.body)).status).toBe(200);
    expect(platform.received.length).toBe(received + 1);
    const { header, claims, contentItems } = platform.received[received]!;

    const jwks = await browser().get('/lti/jwks');
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toContain(header.kid);
    expect(header.alg).toBe('RS256');
    expect(decodeProtectedHeader(res.body.jwt).kid).toBe(header.kid);
    expect(claims).toEqual({
      iss: emulator.clientId,
      aud: emulator.issuer,
      iat: expect.any(Number),
      exp: claims.iat! + 300,
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      'https://purl.imsglobal.org/spec/lti/claim/deployment_id': emulator.deploymentId,
      'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiDeepLinkingResponse',
      'https://purl.imsglobal.org/spec/lti/claim/version': '1.3.0',
      'https://purl.imsglobal.org/spec/lti-dl/claim/data': platform.data,
      'https://purl.imsglobal.org/spec/lti-dl/claim/content_items': contentItems,
    });
    expect(contentItems).toEqual([
      { type: 'ltiResourceLink', title: 'The final ACK is lost: why TIME_WAIT lasts 2MSL', url: `${tool}/scenarios/lost-final-ack`, custom: { scenario: 'lost-final-ack' } },
      {
        type: 'ltiResourceLink',
        title: expect.any(String),
        url: `${tool}/exercises/recover-lost-final-ack?seed=7`,
        custom: { lang: 'zh-CN', goal: 'recover-lost-final-ack', seed: '7' },
        lineItem: { scoreMaximum: 100, label: contentItems[1]!['title'], resourceId: 'exercise:recover-lost-final-ack:7', tag: 'exercise' },
      },
      {
        type: 'ltiResourceLink',
        title: 'Homework 3',
        url: `${tool}/quizzes/${quiz.body.id}`,
        custom: { quiz: quiz.body.id },
        lineItem: { scoreMaximum: 100, label: 'Homework 3', resourceId: `quiz:${quiz.body.id}`, tag: 'quiz' },
      },
    ]);

    // The platform makes links of the items: launched as a learner, each lands on its content.
    for (const [item, page] of [
      [contentItems[0]!, '/scenarios/lost-final-ack'],
      [contentItems[2]!, `/quizzes/${quiz.body.id}`],
    ] as const) {
      const landed = await launch({ targetLinkUri: item['url'] as string, user: 'learner-dl-1' });
      expect(landed.status).toBe(303);
      expect((await browser().get(landed.headers['location']!)).text).toContain(`<meta name="tcplab-next" content="${page}?link=`);
    }
  });

  it("opens a launched item in the language it was chosen in: the platform sends the item's custom parameters back, and lang reaches the page", async () => {
    const custom = (value: unknown) => ({ tamper: { claims: { 'https://purl.imsglobal.org/spec/lti/claim/custom': { scenario: 'lost-final-ack', lang: value } } } });
    const chinese = await launch({ targetLinkUri: `${tool}/scenarios/lost-final-ack`, user: 'learner-zh', ...custom('zh-CN') });
    expect(chinese.headers['location']).toMatch(/^\/l\/tlnk_[A-Za-z0-9_-]{43}\?lang=zh-CN$/);
    expect((await browser().get(chinese.headers['location']!)).text).toContain('<meta name="tcplab-lang" content="zh-CN">');
    // A language tcplab does not speak is left out: the page keeps the browser's.
    const french = await launch({ targetLinkUri: `${tool}/scenarios/lost-final-ack`, user: 'learner-fr', ...custom('fr') });
    expect(french.headers['location']).toMatch(/^\/l\/tlnk_[A-Za-z0-9_-]{43}$/);
    expect((await browser().get(`${french.headers['location']!}?lang=fr`)).text).not.toContain('tcplab-lang');
  });

  it('signs once: a second answer, and the page, find the selection closed (410), and the platform receives nothing more', async () => {
    const token = await openSelection();
    const first = await answer(token, [{ kind: 'scenario', id: 'three-way-handshake' }]);
    expect(first.status).toBe(200);
    expectProblem(await answer(token, [{ kind: 'scenario', id: 'three-way-handshake' }]), 410, 'LTI_SELECTION_CLOSED');
    expect((await browser().get(`/lti/deep-linking/${token}`)).status).toBe(410);
    expectProblem(await browser().get('/v1/lti/deep-linking/current').set('Authorization', `Bearer ${token}`), 410, 'LTI_SELECTION_CLOSED');
    const racing = await openSelection();
    const answers = await Promise.all([1, 2, 3].map(() => answer(racing, [])));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 410, 410]);
  });

  it('cancels with no items: content_items is empty, and the platform takes it', async () => {
    const token = await openSelection();
    const res = await answer(token, []);
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.jwt)['https://purl.imsglobal.org/spec/lti-dl/claim/content_items']).toEqual([]);
    expect((await postToPlatform(res.body)).status).toBe(200);
  });

  it('refuses, leaving the selection open: several items where the platform takes one, an unknown scenario, another tenant\'s quiz, an exercise without seed, a bad body', async () => {
    const token = await openSelection({ accept_multiple: false });
    const other = await t.newTenant('someone else');
    const theirs = await other.http().post('/v1/quizzes').send({ scenario: 'three-way-handshake', count: 3, seed: 9 });
    expectProblem(await answer(token, [{ kind: 'scenario', id: 'lost-final-ack' }, { kind: 'scenario', id: 'three-way-handshake' }]), 400, 'VALIDATION_FAILED');
    expectProblem(await answer(token, [{ kind: 'scenario', id: 'no-such-scenario' }]), 404, 'SCENARIO_NOT_FOUND');
    expectProblem(await answer(token, [{ kind: 'quiz', id: theirs.body.id }]), 404, 'QUIZ_NOT_FOUND');
    expectProblem(await answer(token, [{ kind: 'exercise', id: 'establish-as-client' }]), 400, 'VALIDATION_FAILED');
    expectProblem(await answer(token, [{ kind: 'exercise', id: 'fly-to-the-moon', seed: 1 }]), 400, 'VALIDATION_FAILED');
    expectProblem(await answer(token, [{ kind: 'video', id: 'x' }]), 400, 'VALIDATION_FAILED');
    expect((await answer(token, [{ kind: 'scenario', id: 'lost-final-ack' }])).status).toBe(200);
  });
});
