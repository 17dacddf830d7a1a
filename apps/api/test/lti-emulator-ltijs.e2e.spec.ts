import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { PlatformEmulator, ROLE, type PlannedLaunch } from './lti/platform-emulator';

/**
 * The platform emulator checked against an independent, IMS-certified LTI 1.3 tool: ltijs (with ltijs-sequelize on
 * a throwaway PostgreSQL database of its own) is registered with the emulator and launched from it as tcplab is, and
 * must accept the launch — its onConnect runs with the id_token's claims. If the emulator only spoke LTI as tcplab
 * reads it, this is where it would show: ltijs checks the login, the authentication response, the signature against
 * the emulator's JWKS, the nonce, the state cookie and the claims by its own code.
 */

// ltijs is CommonJS without types; only the calls used here are described.
interface LtijsProvider {
  app: { listen(port: number, host: string, ready: () => void): Server };
  setup(encryptionKey: string, database: { plugin: unknown }, options: Record<string, unknown>): void;
  deploy(options: { serverless: boolean; silent: boolean }): Promise<boolean>;
  registerPlatform(platform: Record<string, unknown>): Promise<unknown>;
  onConnect(handler: (token: LtijsToken, req: unknown, res: { send(body: string): void }) => void): void;
  close(options: { silent: boolean }): Promise<boolean>;
}
interface LtijsToken {
  iss: string;
  user: string;
  clientId: string;
  deploymentId: string;
  userInfo: { name?: string };
  platformContext: { roles: string[]; targetLinkUri: string; resource: { id: string }; context: { id: string }; messageType: string; version: string };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const lti = (require('ltijs') as { Provider: LtijsProvider }).Provider;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const LtijsSequelize = require('ltijs-sequelize') as new (database: string, user: string, pass: string, options: Record<string, unknown>) => { sequelize?: unknown };

const ltijsDatabase = `ltijs_${process.pid}_${Date.now()}`;
let admin: Client;
let server: Server;
let tool: string;
let emulator: PlatformEmulator;
const connects: LtijsToken[] = [];

beforeAll(async () => {
  const url = new URL(process.env['DATABASE_URL']!);
  admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${ltijsDatabase}`);
  lti.setup(
    'ltijs-cross-check-secret',
    {
      plugin: new LtijsSequelize(ltijsDatabase, decodeURIComponent(url.username) || 'postgres', decodeURIComponent(url.password), {
        host: url.hostname,
        port: Number(url.port || 5432),
        dialect: 'postgres',
        logging: false,
      }),
    },
    // The same routes as tcplab's, so the emulator registers ltijs exactly as it registers tcplab. Its cookies over
    // plain http (the test's browser is a cookie jar, not Chromium); its state and session cookies stay required.
    { appRoute: '/lti/launch', loginRoute: '/lti/login', keysetRoute: '/lti/jwks', cookies: { secure: false, sameSite: 'Lax' }, devMode: false },
  );
  lti.onConnect((token, _req, res) => {
    connects.push(token);
    res.send('ltijs accepted the launch');
  });
  // ltijs-sequelize's migrations log each step to the console; the test's output is not the place for them.
  const migrationLog = jest.spyOn(console, 'info').mockImplementation(() => undefined);
  await lti.deploy({ serverless: true, silent: true });
  migrationLog.mockRestore();
  server = await new Promise<Server>((resolve) => {
    const listening = lti.app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  tool = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  emulator = await PlatformEmulator.start(tool);
  const registration = emulator.registration();
  await lti.registerPlatform({
    url: registration['issuer'],
    name: 'tcplab platform emulator',
    clientId: registration['client_id'],
    authenticationEndpoint: registration['auth_url'],
    accesstokenEndpoint: registration['token_url'],
    authConfig: { method: 'JWK_SET', key: registration['jwks_url'] },
  });
}, 60_000);

afterAll(async () => {
  await emulator?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await lti.close({ silent: true });
  await admin.query(`DROP DATABASE IF EXISTS ${ltijsDatabase} WITH (FORCE)`);
  await admin.end();
});

/** A browser's cookie store, as far as one host and these requests need: name → value from each Set-Cookie. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const value = pair!.slice(at + 1);
      if (/;\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(line)) this.cookies.delete(pair!.slice(0, at));
      else this.cookies.set(pair!.slice(0, at), value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** The browser's part: login initiation at ltijs, the redirect to the emulator, and its form posted back to ltijs. */
async function postLaunch(launch: Partial<PlannedLaunch>): Promise<{ posted: Response; jar: CookieJar }> {
  const jar = new CookieJar();
  const initiation = emulator.initiateLogin({ targetLinkUri: `${tool}/lti/launch`, ...launch });
  const login = await fetch(`${tool}/lti/login?${new URLSearchParams(initiation)}`, { redirect: 'manual' });
  jar.take(login);
  expect(login.status).toBe(302);
  const auth = await fetch(login.headers.get('location')!);
  const html = await auth.text();
  expect({ status: auth.status, html }).toEqual({ status: 200, html: expect.stringContaining('<form method="post"') });
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1]!;
  const posted = await fetch(/action="([^"]+)"/.exec(html)![1]!, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
    body: new URLSearchParams({ id_token: field('id_token'), state: field('state') }),
  });
  jar.take(posted);
  return { posted, jar };
}

/** A launch ltijs must accept, and the page its redirect leads to. */
async function launchLtijs(launch: Partial<PlannedLaunch>): Promise<Response> {
  const { posted, jar } = await postLaunch(launch);
  // ltijs answers a valid launch by redirecting to target_link_uri with its session token (ltik); a refusal is a 401.
  expect({ status: posted.status, body: posted.status === 302 ? '' : await posted.text() }).toEqual({ status: 302, body: '' });
  return fetch(new URL(posted.headers.get('location')!, tool), { headers: { cookie: jar.header() } });
}

describe('the platform emulator launching ltijs (an IMS-certified tool)', () => {
  it("is accepted: ltijs's onConnect runs with the launch's user, deployment, roles, resource link and context", async () => {
    const landing = await launchLtijs({ user: 'learner-42', roles: [ROLE.learner] });
    expect({ status: landing.status, body: await landing.text() }).toEqual({ status: 200, body: 'ltijs accepted the launch' });
    expect(connects).toHaveLength(1);
    expect(connects[0]).toEqual(
      expect.objectContaining({
        iss: emulator.issuer,
        user: 'learner-42',
        clientId: emulator.clientId,
        deploymentId: emulator.deploymentId,
        userInfo: expect.objectContaining({ name: 'Ada Lovelace' }),
        platformContext: expect.objectContaining({
          messageType: 'LtiResourceLinkRequest',
          version: '1.3.0',
          roles: [ROLE.learner],
          targetLinkUri: `${tool}/lti/launch`,
          resource: expect.objectContaining({ id: 'link-1' }),
          context: expect.objectContaining({ id: 'course-101' }),
        }),
      }),
    );
  });

  it('is accepted again after the emulator rotates its key: ltijs fetches the JWKS and finds the new kid', async () => {
    await emulator.rotateKey();
    const landing = await launchLtijs({ user: 'teacher-7', roles: [ROLE.instructor] });
    expect(landing.status).toBe(200);
    expect(connects.at(-1)).toEqual(expect.objectContaining({ user: 'teacher-7', platformContext: expect.objectContaining({ roles: [ROLE.instructor] }) }));
  });

  // The cross-check can fail: ltijs refuses what a platform must not send, so its acceptance above means something.
  it.each([
    ['signed with a key the JWKS does not hold under its kid', { signWith: 'stranger' as const }],
    ["for another tool's client id", { claims: { aud: 'another-tool' } }],
  ])('is refused by ltijs when the id_token is %s, and onConnect does not run', async (_name, tamper) => {
    const before = connects.length;
    const { posted } = await postLaunch({ user: 'learner-43', tamper });
    expect(posted.status).toBe(401);
    expect(connects).toHaveLength(before);
  });
});
