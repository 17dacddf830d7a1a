import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import request from 'supertest';
import { expectProblem, UUID_RE } from './e2e-helpers';
import { startApp, type TestApp } from './harness';
import { DynamicRegistrationPlatform } from './lti/dynamic-registration';
import { PlatformEmulator } from './lti/platform-emulator';

/**
 * LTI Dynamic Registration 1.0 from the platform emulator (its OpenID configuration and registration endpoint, test/lti)
 * to the real app, which fetches and posts over HTTP; then a launch through the registration it stored. And the
 * Canvas developer key's JSON.
 */

let t: TestApp;
let tool: string;
let db: Client;
const emulators: PlatformEmulator[] = [];

beforeAll(async () => {
  delete process.env['PUBLIC_URL'];
  t = await startApp();
  await t.app.listen(0, '127.0.0.1');
  tool = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  db = new Client({ connectionString: process.env['DATABASE_URL'] });
  await db.connect();
});

afterAll(async () => {
  await db.end();
  for (const emulator of emulators) await emulator.close();
  await t.app.close();
});

const browser = () => request.agent(tool);

async function newPlatform(): Promise<{ emulator: PlatformEmulator; lms: DynamicRegistrationPlatform }> {
  const emulator = await PlatformEmulator.start(tool);
  emulators.push(emulator);
  return { emulator, lms: new DynamicRegistrationPlatform(emulator) };
}

async function registrationUrl(http = t.http): Promise<{ id: string; url: URL }> {
  const res = await http().post('/v1/lti/registrations');
  expect(res.status).toBe(201);
  return { id: res.body.id, url: new URL(res.body.url) };
}

/** What the LMS does with the URL an administrator pasted: opens it with its own two parameters added (§3.3). */
function open(url: URL, initiation: Record<string, string>): Promise<request.Response> {
  return browser().get(`${url.pathname}${url.search}`).query(initiation);
}

/** This suite's platforms, in any of its tenants (other suites register platforms in the same database at the same time). */
const platformCount = async () =>
  (await db.query(`SELECT count(*)::int AS n FROM lti_platforms WHERE issuer = ANY($1)`, [emulators.map((e) => e.issuer)])).rows[0].n as number;

function expectRefusedPage(res: request.Response, reason: RegExp): void {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.text).toContain('tcplab could not register with this LMS');
  expect(res.text).toMatch(reason);
}

describe('GET /lti/register (Dynamic Registration)', () => {
  it('registers tcplab at the platform with the tool configuration, stores the platform it answers with, and a launch through it works', async () => {
    const { emulator, lms } = await newPlatform();
    const { id, url } = await registrationUrl();
    expect(url.toString()).toMatch(new RegExp(`^${tool}/lti/register\\?token=treg_[A-Za-z0-9_-]{43}$`));
    const res = await open(url, lms.initiation());
    expect(res.status).toBe(200);
    expect(res.text).toContain('/assets/js/pages/lti-registered.js');
    expect(res.text).not.toMatch(/<script>/);
    expect(res.headers['content-security-policy']).toContain(`frame-ancestors ${emulator.issuer}`);

    expect(lms.registrations).toEqual([
      {
        application_type: 'web',
        response_types: ['id_token'],
        grant_types: ['implicit', 'client_credentials'],
        initiate_login_uri: `${tool}/lti/login`,
        redirect_uris: [`${tool}/lti/launch`],
        client_name: 'tcplab',
        jwks_uri: `${tool}/lti/jwks`,
        logo_uri: `${tool}/assets/favicon.svg`,
        token_endpoint_auth_method: 'private_key_jwt',
        scope: expect.stringContaining('https://purl.imsglobal.org/spec/lti-ags/scope/score'),
        'https://purl.imsglobal.org/spec/lti-tool-configuration': {
          domain: new URL(tool).host,
          description: expect.any(String),
          target_link_uri: `${tool}/`,
          claims: expect.arrayContaining(['sub', 'name']),
          messages: [
            { type: 'LtiResourceLinkRequest', target_link_uri: `${tool}/` },
            { type: 'LtiDeepLinkingRequest', target_link_uri: `${tool}/lti/deep-linking`, label: 'tcplab' },
          ],
        },
      },
    ]);
    expect(lms.registrations[0]!['scope']).toContain('https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly');

    const platforms = await t.http().get('/v1/lti/platforms');
    expect(platforms.body.items).toContainEqual(expect.objectContaining({ ...emulator.registration(), id: expect.stringMatching(UUID_RE) }));
    const urls = await t.http().get('/v1/lti/registrations');
    expect(urls.body.items).toContainEqual(expect.objectContaining({ id, used_at: expect.any(String), platform_id: platforms.body.items.find((p: { client_id: string }) => p.client_id === emulator.clientId).id }));

    // A learner launched from that platform lands on the content.
    const login = await browser().get('/lti/login').query(emulator.initiateLogin({ targetLinkUri: `${tool}/scenarios/three-way-handshake` }));
    expect(login.status).toBe(302);
    const cookie = (login.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
    const html = await (await fetch(login.headers['location']!)).text();
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1]!;
    const launched = await browser().post('/lti/launch').type('form').set('Cookie', cookie).send({ id_token: field('id_token'), state: field('state') });
    expect(launched.status).toBe(303);
    expect(launched.headers['location']).toMatch(/^\/l\/tlnk_/);
  });

  it('refuses a used registration URL with a clear page, and registers nothing more', async () => {
    const { lms } = await newPlatform();
    const { url } = await registrationUrl();
    expect((await open(url, lms.initiation())).status).toBe(200);
    const second = await newPlatform();
    const before = await platformCount();
    expectRefusedPage(await open(url, second.lms.initiation()), /used already/);
    expect(await platformCount()).toBe(before);
    expect(second.lms.registrations).toEqual([]);
  });

  it('refuses a wrong token, a revoked URL and no token, storing nothing and asking the platform nothing', async () => {
    const { lms } = await newPlatform();
    const before = await platformCount();
    const { url } = await registrationUrl();
    const forged = new URL(url);
    forged.searchParams.set('token', `treg_${'A'.repeat(43)}`);
    expectRefusedPage(await open(forged, lms.initiation()), /not valid/);
    expectRefusedPage(await browser().get('/lti/register').query(lms.initiation()), /not valid/);
    const revoked = await registrationUrl();
    expect((await t.http().delete(`/v1/lti/registrations/${revoked.id}`)).body.revoked_at).toEqual(expect.any(String));
    expectRefusedPage(await open(revoked.url, lms.initiation()), /revoked/);
    expect(await platformCount()).toBe(before);
    expect(lms.registrations).toEqual([]);
  });

  it("refuses an OpenID configuration whose issuer is not at the configuration URL's origin, and keeps the URL usable", async () => {
    const { lms } = await newPlatform();
    lms.issuerOverride = 'https://lms.elsewhere.example';
    const before = await platformCount();
    const { url } = await registrationUrl();
    expectRefusedPage(await open(url, lms.initiation()), /issuer/);
    expect(await platformCount()).toBe(before);
    expect(lms.registrations).toEqual([]);
    lms.issuerOverride = null;
    expect((await open(url, lms.initiation())).status).toBe(200);
  });

  it('refuses when the platform refuses the registration token (a used one), storing nothing', async () => {
    const { lms } = await newPlatform();
    const initiation = lms.initiation();
    expect((await open((await registrationUrl()).url, initiation)).status).toBe(200);
    const before = await platformCount();
    expectRefusedPage(await open((await registrationUrl()).url, initiation), /answered 401/);
    expect(await platformCount()).toBe(before);
  });

  it('registers the platform into the tenant whose URL it was', async () => {
    const other = await t.newTenant('second school');
    const { emulator, lms } = await newPlatform();
    expect((await open((await registrationUrl(other.http)).url, lms.initiation())).status).toBe(200);
    expect((await other.http().get('/v1/lti/platforms')).body.items.map((p: { client_id: string }) => p.client_id)).toEqual([emulator.clientId]);
    expect((await t.http().get('/v1/lti/platforms')).body.items.map((p: { client_id: string }) => p.client_id)).not.toContain(emulator.clientId);
  });
});

describe('/v1/lti/registrations', () => {
  it("needs the tenant's key, and 404s another tenant's URL", async () => {
    expectProblem(await t.anonymous().post('/v1/lti/registrations'), 401, 'UNAUTHENTICATED');
    const { id } = await registrationUrl();
    const other = await t.newTenant('third');
    expectProblem(await other.http().delete(`/v1/lti/registrations/${id}`), 404, 'LTI_REGISTRATION_NOT_FOUND');
    expectProblem(await t.http().delete('/v1/lti/registrations/not-a-uuid'), 404, 'LTI_REGISTRATION_NOT_FOUND');
    // The list never shows a token again.
    expect(JSON.stringify((await t.http().get('/v1/lti/registrations')).body)).not.toContain('treg_');
  });
});

describe('GET /lti/canvas.json', () => {
  it('is a Canvas LTI 1.3 developer key configuration: the fields Canvas documents, from the request origin', async () => {
    const res = await browser().get('/lti/canvas.json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      title: 'tcplab',
      description: expect.any(String),
      oidc_initiation_url: `${tool}/lti/login`,
      target_link_uri: `${tool}/`,
      public_jwk_url: `${tool}/lti/jwks`,
      scopes: [
        'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
        'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
        'https://purl.imsglobal.org/spec/lti-ags/scope/score',
        'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
      ],
      extensions: [
        {
          domain: new URL(tool).host,
          tool_id: 'tcplab',
          platform: 'canvas.instructure.com',
          privacy_level: 'public',
          settings: {
            text: 'tcplab',
            icon_url: `${tool}/assets/favicon.svg`,
            placements: [
              { placement: 'link_selection', message_type: 'LtiDeepLinkingRequest', target_link_uri: `${tool}/lti/deep-linking`, text: 'tcplab' },
              { placement: 'assignment_selection', message_type: 'LtiDeepLinkingRequest', target_link_uri: `${tool}/lti/deep-linking`, text: 'tcplab' },
            ],
          },
        },
      ],
      custom_fields: {},
    });
    // The URLs it names are tcplab's own: the JWKS answers.
    expect((await browser().get(new URL(res.body.public_jwk_url).pathname)).body.keys.length).toBeGreaterThan(0);
  });
});
