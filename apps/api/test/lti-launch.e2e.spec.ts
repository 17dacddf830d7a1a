import { Client } from 'pg';
import request from 'supertest';
import { startApp, type TestApp } from './harness';
import { PlatformEmulator, ROLE, type PlannedLaunch } from './lti/platform-emulator';

/**
 * LTI 1.3 launches from a platform emulator (a real HTTP server speaking the specifications: test/lti) to the real app
 * and PostgreSQL. The test plays the browser: it follows the login's redirect to the platform, reads the form the
 * platform answers with, and posts it to the tool with the cookies the tool set.
 */

const TOOL = 'https://tcplab.test';
const CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/';
const LANDING = `${TOOL}/scenarios/lost-final-ack`;

let t: TestApp;
let emulator: PlatformEmulator;
let db: Client;

beforeAll(async () => {
  // The tool's address as platforms know it (its launch URL is registered with them), and every unknown kid fetched
  // again at once, so that each test sees the refetch it causes.
  process.env['PUBLIC_URL'] = TOOL;
  process.env['LTI_JWKS_COOLDOWN_MS'] = '0';
  t = await startApp();
  emulator = await PlatformEmulator.start(TOOL);
  const registered = await t.http().post('/v1/lti/platforms').send(emulator.registration());
  expect(registered.status).toBe(201);
  db = new Client({ connectionString: process.env['DATABASE_URL'] });
  await db.connect();
});

afterAll(async () => {
  await db.end();
  await emulator.close();
  await t.app.close();
});

const browser = () => request.agent(t.app.getHttpServer());

/** The OIDC login: the tool's redirect to the platform, and the cookie that binds the login to this browser. */
async function login(launch: Partial<PlannedLaunch> = {}, platform = emulator): Promise<{ location: URL; cookie: string }> {
  const res = await browser().get('/lti/login').query(platform.initiateLogin({ targetLinkUri: LANDING, ...launch }));
  expect(res.status).toBe(302);
  const setCookie = res.headers['set-cookie'] as unknown as string[];
  return { location: new URL(res.headers['location']!), cookie: setCookie.map((c) => c.split(';')[0]).join('; ') };
}

/** What the platform's authorization endpoint answers: the form the browser would post to the tool. */
async function authorize(location: URL): Promise<{ action: string; id_token: string; state: string }> {
  const res = await fetch(location);
  const html = await res.text();
  expect({ status: res.status, html }).toEqual({ status: 200, html: expect.stringContaining('<form method="post"') });
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1]!;
  return { action: /action="([^"]+)"/.exec(html)![1]!, id_token: field('id_token'), state: field('state') };
}

async function launch(launch: Partial<PlannedLaunch> = {}, platform = emulator): Promise<{ res: request.Response; form: { id_token: string; state: string }; cookie: string }> {
  const { location, cookie } = await login(launch, platform);
  const { action, ...form } = await authorize(location);
  expect(action).toBe(`${TOOL}/lti/launch`);
  const res = await browser().post('/lti/launch').type('form').set('Cookie', cookie).send(form);
  return { res, form, cookie };
}

/** The logins started for this suite's tenant's platforms. */
async function logins(): Promise<number> {
  return (await db.query('SELECT count(*)::int AS n FROM lti_logins JOIN lti_platforms p ON p.id = lti_logins.platform_id WHERE p.tenant_id = $1', [t.tenant.id])).rows[0].n;
}

/** What a launch can store for this suite's tenant (other suites launch into the same database at the same time): people, share links, consumed logins. */
async function stored(): Promise<Record<string, number>> {
  const { rows } = await db.query(
    `SELECT (SELECT count(*) FROM lti_users WHERE tenant_id = $1)::int AS users, (SELECT count(*) FROM links WHERE tenant_id = $1)::int AS links,
            (SELECT count(*) FROM lti_logins JOIN lti_platforms p ON p.id = lti_logins.platform_id WHERE p.tenant_id = $1 AND used_at IS NOT NULL)::int AS used_logins`,
    [t.tenant.id],
  );
  return rows[0];
}

function expectRefused(res: request.Response, check: string): void {
  expect({ status: res.status, check: /data-lti-check="([^"]+)"/.exec(res.text)?.[1] }).toEqual({ status: 400, check });
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.text).toContain(`<code>${check}</code>`);
}

describe('GET and POST /lti/login', () => {
  it('redirects to the platform with the OIDC authentication request (Security Framework §5.1.1.2), and binds the login to the browser with a cookie', async () => {
    const { location, cookie } = await login();
    expect(`${location.origin}${location.pathname}`).toBe(`${emulator.issuer}/auth`);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      prompt: 'none',
      client_id: emulator.clientId,
      redirect_uri: `${TOOL}/lti/launch`,
      login_hint: 'user-17',
      lti_message_hint: expect.any(String),
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(cookie).toMatch(new RegExp(`^tcplab-lti-${location.searchParams.get('state')}=[A-Za-z0-9_-]{43}$`));
  });

  it('takes the login initiation as a form post too, and sets the cookie for cross-site posts (SameSite=None; Secure; HttpOnly)', async () => {
    const res = await browser().post('/lti/login').type('form').send(emulator.initiateLogin({ targetLinkUri: LANDING }));
    expect(res.status).toBe(302);
    expect(res.headers['set-cookie']![0]).toMatch(/; Path=\/lti\/; Max-Age=600; HttpOnly; Secure; SameSite=None$/);
  });

  it.each([
    ['an unregistered issuer', { iss: 'https://lms.elsewhere.example' }, 'iss'],
    ['no issuer', { iss: undefined }, 'iss'],
    ['a client id the issuer has not registered', { client_id: 'someone-else' }, 'client_id'],
    ['no login_hint', { login_hint: undefined }, 'login_hint'],
    ['an unregistered deployment', { lti_deployment_id: 'deployment-9' }, 'deployment_id'],
    ['a target_link_uri on another site', { target_link_uri: 'https://phishing.example/scenarios/lost-final-ack' }, 'target_link_uri'],
  ])('refuses %s, naming the check, and stores no login', async (_name, change: Record<string, string | undefined>, check) => {
    const before = await logins();
    const params: Record<string, string | undefined> = { ...emulator.initiateLogin({ targetLinkUri: LANDING }), ...change };
    const res = await browser().get('/lti/login').query(Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)));
    expectRefused(res, check);
    expect(await logins()).toBe(before);
  });
});

describe('POST /lti/launch', () => {
  it('lands a learner on the content target_link_uri names, with a share link of their own (never a tenant key), identified by platform, deployment and sub', async () => {
    const before = await stored();
    const { res } = await launch({ user: 'learner-1' });
    expect(res.status).toBe(303);
    expect(res.headers['location']).toMatch(/^\/l\/tlnk_[A-Za-z0-9_-]{43}$/);
    expect(res.headers['set-cookie']![0]).toMatch(/^tcplab-lti-[A-Za-z0-9_-]{43}=; Path=\/lti\/; Max-Age=0/);
    const page = await browser().get(res.headers['location']!);
    expect(page.status).toBe(200);
    // ?link= names the link to the page it opens, which the platform may then frame (lti-frames.e2e.spec.ts).
    expect(page.text).toMatch(/<meta name="tcplab-next" content="\/scenarios\/lost-final-ack\?link=[0-9a-f-]{36}">/);
    const token = res.headers['location']!.slice('/l/'.length);
    const grant = await browser().get('/v1/links/current').set('Authorization', `Bearer ${token}`);
    expect(grant.body).toEqual(expect.objectContaining({ target: 'scenario', target_id: 'lost-final-ack', learner_id: expect.any(String) }));
    // The link's holder reaches its scenario and nothing of the tenant's.
    expect((await browser().get('/v1/sessions').set('Authorization', `Bearer ${token}`)).status).toBe(403);
    const user = await db.query('SELECT * FROM lti_users WHERE sub = $1', ['learner-1']);
    expect(user.rows).toEqual([expect.objectContaining({ id: grant.body.learner_id, tenant_id: t.tenant.id, deployment_id: emulator.deploymentId, role: 'learner', name: 'Ada Lovelace' })]);
    expect(await stored()).toEqual({ users: before['users']! + 1, links: before['links']! + 1, used_logins: before['used_logins']! + 1 });
  });

  it('knows a learner again at the next launch: the same person, a new share link', async () => {
    const first = await launch({ user: 'learner-2' });
    const second = await launch({ user: 'learner-2' });
    expect([first.res.status, second.res.status]).toEqual([303, 303]);
    expect(first.res.headers['location']).not.toBe(second.res.headers['location']);
    expect((await db.query('SELECT count(*)::int AS n FROM lti_users WHERE sub = $1', ['learner-2'])).rows[0].n).toBe(1);
  });

  it("records an instructor's role from the membership roles (a teaching assistant is one too)", async () => {
    await launch({ user: 'teacher-1', roles: [ROLE.instructor] });
    await launch({ user: 'assistant-1', roles: ['http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant'] });
    const roles = await db.query(`SELECT sub, role FROM lti_users WHERE tenant_id = $1 AND sub IN ('teacher-1', 'assistant-1') ORDER BY sub`, [t.tenant.id]);
    expect(roles.rows).toEqual([
      { sub: 'assistant-1', role: 'instructor' },
      { sub: 'teacher-1', role: 'instructor' },
    ]);
  });

  it('lands on one of the tenant\'s quizzes when target_link_uri names it', async () => {
    const quiz = await t.http().post('/v1/quizzes').send({ scenario: 'three-way-handshake', count: 3, seed: 7 });
    expect(quiz.status).toBe(201);
    const { res } = await launch({ user: 'learner-3', targetLinkUri: `${TOOL}/quizzes/${quiz.body.id}` });
    expect(res.status).toBe(303);
    const page = await browser().get(res.headers['location']!);
    expect(page.text).toContain(`<meta name="tcplab-next" content="/quizzes/${quiz.body.id}?link=`);
  });

  it("follows the platform's key rotation: a new kid makes the tool fetch the JWKS again, once, and the launch passes", async () => {
    expect((await launch()).res.status).toBe(303);
    const fetches = emulator.jwksFetches;
    await emulator.rotateKey();
    expect((await launch()).res.status).toBe(303);
    expect(emulator.jwksFetches).toBe(fetches + 1);
    // Cached again: the next launch with that kid fetches nothing.
    expect((await launch()).res.status).toBe(303);
    expect(emulator.jwksFetches).toBe(fetches + 1);
  });

  it('fetches the JWKS again once for a kid it does not hold, and refuses when the platform does not publish it either', async () => {
    const fetches = emulator.jwksFetches;
    expectRefused((await launch({ tamper: { signWith: 'unpublished' } })).res, 'kid');
    expect(emulator.jwksFetches).toBe(fetches + 1);
  });

  it('refuses at `jwks` when the registered key set cannot be fetched, storing nothing', async () => {
    const unreachable = await PlatformEmulator.start(TOOL);
    try {
      // Port 9 (discard) on 127.0.0.1: nothing listens, the connection is refused at once.
      const registered = await t.http().post('/v1/lti/platforms').send({ ...unreachable.registration(), jwks_url: 'http://127.0.0.1:9/jwks' });
      expect(registered.status).toBe(201);
      const before = await stored();
      expectRefused((await launch({}, unreachable)).res, 'jwks');
      expect(await stored()).toEqual(before);
    } finally {
      await unreachable.close();
    }
  });

  const now = () => Math.floor(Date.now() / 1000);

  // Modelled on the 1EdTech LTI 1.3 certification suite's invalid launches: each breaks one check, and only it.
  it.each<[string, string, Partial<PlannedLaunch>]>([
    ['a signature by another key under the platform\'s kid', 'signature', { tamper: { signWith: 'stranger' } }],
    ['a kid the platform does not publish', 'kid', { tamper: { signWith: 'unpublished' } }],
    ['an HS256 signature (not RS256)', 'alg', { tamper: { signWith: 'hs256' } }],
    ['an issuer that is not registered', 'iss', { tamper: { claims: { iss: 'https://lms.elsewhere.example' } } }],
    ["another tool's audience", 'aud', { tamper: { claims: { aud: 'another-tool' } } }],
    ['several audiences without azp', 'azp', { tamper: { claims: { aud: ['__CLIENT__', 'another-tool'] } } }],
    ["an azp that is another tool's", 'azp', { tamper: { claims: { aud: ['__CLIENT__', 'another-tool'], azp: 'another-tool' } } }],
    ['an expired id_token (beyond the leeway)', 'exp', { tamper: { claims: { iat: now() - 400, exp: now() - 120 } } }],
    ['an iat in the future (beyond the leeway)', 'iat', { tamper: { claims: { iat: now() + 300, exp: now() + 900 } } }],
    ['an id_token issued too long ago', 'iat', { tamper: { claims: { iat: now() - 3600, exp: now() + 300 } } }],
    ['a nonce that is not the login\'s', 'nonce', { tamper: { claims: { nonce: 'a-nonce-of-another-login' } } }],
    ['an unregistered deployment', 'deployment_id', { tamper: { claims: { [`${CLAIM}deployment_id`]: 'deployment-9' } } }],
    ['another message type', 'message_type', { tamper: { claims: { [`${CLAIM}message_type`]: 'LtiSubmissionReviewRequest' } } }],
    ['another LTI version', 'version', { tamper: { claims: { [`${CLAIM}version`]: '1.1.0' } } }],
    ['a target_link_uri other than the login\'s', 'target_link_uri', { tamper: { claims: { [`${CLAIM}target_link_uri`]: `${TOOL}/scenarios/three-way-handshake` } } }],
    ['a target_link_uri that names no content', 'target_link_uri', { targetLinkUri: `${TOOL}/scenarios/no-such-scenario` }],
    ['no resource_link id', 'resource_link', { tamper: { claims: { [`${CLAIM}resource_link`]: { title: 'untitled' } } } }],
    ['no sub (an anonymous launch)', 'sub', { tamper: { claims: { sub: undefined } } }],
    ['no roles claim', 'roles', { tamper: { claims: { [`${CLAIM}roles`]: undefined } } }],
  ])('refuses %s at `%s`, storing nothing', async (_name, check, planned) => {
    // The table is built before the emulator has its client id: '__CLIENT__' stands for it.
    const claims = planned.tamper?.claims;
    if (Array.isArray(claims?.['aud'])) claims['aud'] = claims['aud'].map((a: string) => (a === '__CLIENT__' ? emulator.clientId : a));
    const before = await stored();
    const { res } = await launch(planned);
    expectRefused(res, check);
    expect(await stored()).toEqual(before);
  });

  it('refuses a replayed launch at `nonce`: the same id_token, state and cookie a second time store nothing more', async () => {
    const { res, form, cookie } = await launch();
    expect(res.status).toBe(303);
    const before = await stored();
    expectRefused(await browser().post('/lti/launch').type('form').set('Cookie', cookie).send(form), 'nonce');
    expect(await stored()).toEqual(before);
  });

  it('lets one of two racing launches with one id_token through: the nonce is consumed atomically, the other is refused at `nonce`', async () => {
    const { location, cookie } = await login({ user: 'racer-1' });
    const { id_token, state } = await authorize(location);
    const before = await stored();
    const post = () => browser().post('/lti/launch').type('form').set('Cookie', cookie).send({ id_token, state });
    const answers = await Promise.all([post(), post(), post()]);
    expect(answers.map((a) => a.status).sort()).toEqual([303, 400, 400]);
    for (const refused of answers.filter((a) => a.status === 400)) expectRefused(refused, 'nonce');
    expect(await stored()).toEqual({ users: before['users']! + 1, links: before['links']! + 1, used_logins: before['used_logins']! + 1 });
  });

  it('refuses a state no login started, and a launch from a browser that did not start its login, at `state`', async () => {
    const { location, cookie } = await login();
    const { id_token, state } = await authorize(location);
    const before = await stored();
    expectRefused(await browser().post('/lti/launch').type('form').set('Cookie', cookie).send({ id_token, state: 'a-state-nobody-issued' }), 'state');
    expectRefused(await browser().post('/lti/launch').type('form').send({ id_token, state }), 'state');
    const other = await login();
    expectRefused(await browser().post('/lti/launch').type('form').set('Cookie', other.cookie).send({ id_token, state }), 'state');
    expect(await stored()).toEqual(before);
    // The right browser can still complete it: the refusals consumed nothing.
    expect((await browser().post('/lti/launch').type('form').set('Cookie', cookie).send({ id_token, state })).status).toBe(303);
  });

  it('refuses a launch without id_token or state, and a JSON body, without an error of its own', async () => {
    expectRefused(await browser().post('/lti/launch').type('form').send({ state: 'x' }), 'request');
    expectRefused(await browser().post('/lti/launch').type('form').send({ id_token: 'not.a.jwt', state: 'x' }), 'request');
    expect((await browser().post('/v1/sessions').type('form').send({ mode: 'manual' })).status).toBe(415);
  });
});
