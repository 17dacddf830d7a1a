import request from 'supertest';
import { startApp, type TestApp } from './harness';
import { PlatformEmulator, ROLE } from './lti/platform-emulator';

/**
 * Who may frame which page (issue 13 item 7): the pages an LTI launch opens name the launching platform's origins in
 * frame-ancestors, and only while the link the launch made works; every other route is framed by no one. The
 * browser's side of the same (Chromium refusing or showing the frame) is apps/api/browser/lti-frames.browser.spec.ts.
 */

const TOOL = 'https://tcplab.test';
const LANDING = `${TOOL}/scenarios/lost-final-ack`;
const COURSE_SITE = 'https://school.lms.example';

let t: TestApp;
let emulator: PlatformEmulator;
let platformOrigin: string;

beforeAll(async () => {
  process.env['PUBLIC_URL'] = TOOL;
  t = await startApp();
  emulator = await PlatformEmulator.start(TOOL);
  // An LMS whose authorization endpoint is on another host than its issuer, and whose course pages are on a third (as
  // Canvas's are): all three may frame.
  const registration = { ...emulator.registration(), auth_url: `${emulator.issuer.replace('127.0.0.1', 'localhost')}/auth`, frame_origins: [COURSE_SITE] };
  expect((await t.http().post('/v1/lti/platforms').send(registration)).status).toBe(201);
  platformOrigin = emulator.issuer;
});

afterAll(async () => {
  await emulator.close();
  await t.app.close();
});

const browser = () => request.agent(t.app.getHttpServer());

function frameAncestors(res: request.Response): string {
  return /frame-ancestors ([^;]+)/.exec(res.headers['content-security-policy'] ?? '')?.[1] ?? 'missing';
}

/** A whole launch, the test playing the browser (as lti-launch.e2e.spec.ts does): the share link's page it lands on. */
async function launchedLink(): Promise<{ page: request.Response; token: string; linkId: string }> {
  const initiation = await browser().get('/lti/login').query(emulator.initiateLogin({ targetLinkUri: LANDING }));
  expect(initiation.status).toBe(302);
  const cookie = (initiation.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
  const html = await (await fetch(initiation.headers['location']!)).text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1]!;
  const launched = await browser().post('/lti/launch').type('form').set('Cookie', cookie).send({ id_token: field('id_token'), state: field('state') });
  expect(launched.status).toBe(303);
  const page = await browser().get(launched.headers['location']!);
  expect(page.status).toBe(200);
  const token = launched.headers['location']!.slice('/l/'.length);
  // The link's id, as its tenant lists it (the link's holder is not told it): the one made for this launch's learner.
  const { learner_id } = (await browser().get('/v1/links/current').set('Authorization', `Bearer ${token}`)).body;
  const listed = (await t.http().get('/v1/links')).body.items as { id: string; learner_id: string }[];
  return { page, token, linkId: listed.find((l) => l.learner_id === learner_id)!.id };
}

function nextPage(page: request.Response): string {
  return /<meta name="tcplab-next" content="([^"]+)">/.exec(page.text)![1]!.replace(/&amp;/g, '&');
}

describe('pages an LTI launch opens', () => {
  it("the launch's share link page may be framed by the platform's origins (issuer, authorization endpoint, frame_origins), and has no X-Frame-Options", async () => {
    const { page } = await launchedLink();
    expect(frameAncestors(page)).toBe(`${platformOrigin} ${platformOrigin.replace('127.0.0.1', 'localhost')} ${COURSE_SITE}`);
    expect(page.headers['x-frame-options']).toBeUndefined();
  });

  it('the page the link opens is told the link (?link=) and may be framed by the same origins', async () => {
    const { page, linkId } = await launchedLink();
    const next = nextPage(page);
    expect(next).toBe(`/scenarios/lost-final-ack?link=${linkId}`);
    const scenario = await browser().get(next);
    expect(scenario.status).toBe(200);
    expect(frameAncestors(scenario)).toBe(frameAncestors(page));
    expect(scenario.headers['x-frame-options']).toBeUndefined();
    // The player keeps the step in the URL beside the link: still framed.
    expect(frameAncestors(await browser().get(`${next}&step=3`))).toBe(frameAncestors(page));
  });

  it("an instructor's results page (where an instructor's launch lands) may be framed by the same origins", async () => {
    const initiation = await browser().get('/lti/login').query(emulator.initiateLogin({ targetLinkUri: LANDING, roles: [ROLE.instructor], user: 'teacher-1' }));
    const cookie = (initiation.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
    const html = await (await fetch(initiation.headers['location']!)).text();
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1]!;
    const launched = await browser().post('/lti/launch').type('form').set('Cookie', cookie).send({ id_token: field('id_token'), state: field('state') });
    // The fragment (the "try it" token) stays in the browser; the server sees the path.
    const [landing] = launched.headers['location']!.split('#');
    const page = await browser().get(landing!);
    const next = nextPage(page);
    expect(next).toMatch(/^\/lti\/results\?link=[0-9a-f-]{36}$/);
    const results = await browser().get(next);
    expect(results.status).toBe(200);
    expect(frameAncestors(results)).toBe(frameAncestors(page));
    expect(frameAncestors(results)).toContain(platformOrigin);
    expect(results.headers['x-frame-options']).toBeUndefined();
  });

  it("is framed by no one through another page's URL, a link that is not the platform's, a revoked link, or a malformed link id", async () => {
    const { page, token, linkId } = await launchedLink();
    const shared = await t.http().post('/v1/links').send({ target: 'scenario', id: 'lost-final-ack' });
    expect(shared.status).toBe(201);
    const sharedPage = await browser().get(`/l/${shared.body.token}`);
    expect(nextPage(sharedPage)).toBe('/scenarios/lost-final-ack');
    const notFramed = [
      sharedPage,
      await browser().get('/scenarios/lost-final-ack'),
      await browser().get(`/scenarios/three-way-handshake?link=${linkId}`),
      await browser().get(`/quizzes/${linkId}?link=${linkId}`),
      await browser().get(`/scenarios/lost-final-ack?link=${shared.body.id}`),
      await browser().get(`/scenarios/lost-final-ack?link=${linkId.toUpperCase()}x`),
      await browser().get(`/scenarios/lost-final-ack?link[]=${linkId}`),
    ];
    expect((await t.http().delete(`/v1/links/${linkId}`)).status).toBe(204);
    notFramed.push(await browser().get(`/scenarios/lost-final-ack?link=${linkId}`), await browser().get(`/l/${token}`));
    expect(frameAncestors(page)).not.toBe("'none'");
    for (const res of notFramed) {
      expect({ url: res.request.url, frameAncestors: frameAncestors(res), xFrameOptions: res.headers['x-frame-options'] }).toEqual({
        url: res.request.url,
        frameAncestors: "'none'",
        xFrameOptions: 'DENY',
      });
    }
  });
});

describe('every other route', () => {
  it.each(['/', '/captures', '/scenarios/lost-final-ack', '/l/tlnk_unknown', '/v1/scenarios', '/lti/jwks', '/docs', '/health/live'])('%s is framed by no one', async (path) => {
    const res = await browser().get(path);
    expect(frameAncestors(res)).toBe("'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
  });
});

describe('refused logins and launches', () => {
  it('are shown in the frame of the platform the request names, when it is registered', async () => {
    const refused = await browser().get('/lti/login').query({ ...emulator.initiateLogin({ targetLinkUri: LANDING }), login_hint: '' });
    expect(refused.status).toBe(400);
    expect(frameAncestors(refused)).toBe(`${platformOrigin} ${platformOrigin.replace('127.0.0.1', 'localhost')} ${COURSE_SITE}`);
    expect(refused.headers['x-frame-options']).toBeUndefined();
  });

  it('are framed by no one when the issuer is unknown or the id_token unreadable', async () => {
    const unknown = await browser().get('/lti/login').query({ ...emulator.initiateLogin({ targetLinkUri: LANDING }), iss: 'https://evil.example' });
    const unreadable = await browser().post('/lti/launch').type('form').send({ id_token: 'not-a-jwt', state: 'x' });
    for (const res of [unknown, unreadable]) {
      expect(res.status).toBe(400);
      expect(frameAncestors(res)).toBe("'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });
});

describe('frame_origins on a registration', () => {
  it('is listed with the registration ([] when none was given)', async () => {
    const listed = (await t.http().get('/v1/lti/platforms')).body.items as { issuer: string; frame_origins: string[] }[];
    expect(listed.find((p) => p.issuer === emulator.issuer)?.frame_origins).toEqual([COURSE_SITE]);
    const other = await t.http().post('/v1/lti/platforms').send({ ...emulator.registration(), client_id: 'another-client' });
    expect(other.status).toBe(201);
    expect(other.body.frame_origins).toEqual([]);
  });

  it.each([['a URL with a path', 'https://school.lms.example/courses/1'], ['not a URL', 'school'], ['a URL with a space', 'https://school.lms.example frame-ancestors *']])(
    'refuses %s as a frame origin (400), so that nothing but origins reaches the policy',
    async (_name, origin) => {
      const res = await t.http().post('/v1/lti/platforms').send({ ...emulator.registration(), client_id: 'yet-another', frame_origins: [origin] });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    },
  );
});
