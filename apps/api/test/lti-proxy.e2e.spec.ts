import request from 'supertest';
import { startApp, type TestApp } from './harness';
import { PlatformEmulator } from './lti/platform-emulator';

/**
 * tcplab behind a reverse proxy that ends TLS, without PUBLIC_URL: with TRUST_PROXY the proxy's X-Forwarded-Proto and
 * -Host make the address an LTI login gives the platform (its redirect_uri) and the cookie's attributes; without it
 * they are ignored, as anyone can send them. Over plain HTTP on a host that is not localhost the binding cookie cannot
 * be Secure (a browser would drop it), and is SameSite=Lax.
 */

const PROXIED = 'https://tcplab.example.edu';

let behindProxy: TestApp;
let oneHop: TestApp;
let direct: TestApp;
let emulator: PlatformEmulator;
const saved = { PUBLIC_URL: process.env['PUBLIC_URL'], TRUST_PROXY: process.env['TRUST_PROXY'] };

beforeAll(async () => {
  delete process.env['PUBLIC_URL'];
  process.env['TRUST_PROXY'] = 'true';
  behindProxy = await startApp();
  process.env['TRUST_PROXY'] = '1';
  oneHop = await startApp();
  delete process.env['TRUST_PROXY'];
  direct = await startApp();
  emulator = await PlatformEmulator.start(PROXIED);
  expect((await behindProxy.http().post('/v1/lti/platforms').send(emulator.registration())).status).toBe(201);
});

afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
  await emulator.close();
  await behindProxy.app.close();
  await oneHop.app.close();
  await direct.app.close();
});

function login(app: TestApp, toolOrigin: string, headers: Record<string, string>): Promise<request.Response> {
  return request(app.app.getHttpServer())
    .get('/lti/login')
    .set(headers)
    .query(emulator.initiateLogin({ targetLinkUri: `${toolOrigin}/scenarios/lost-final-ack` }));
}

describe('TRUST_PROXY', () => {
  it("set: the proxy's https address is the one the login names, and the cookie is SameSite=None; Secure", async () => {
    const res = await login(behindProxy, PROXIED, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'tcplab.example.edu' });
    expect(res.status).toBe(302);
    expect(new URL(res.headers['location']!).searchParams.get('redirect_uri')).toBe(`${PROXIED}/lti/launch`);
    expect(res.headers['set-cookie']![0]).toMatch(/; HttpOnly; Secure; SameSite=None$/);
  });

  it('a number of hops: the nearest proxy (here the test, the peer of the connection) counts', async () => {
    const res = await login(oneHop, PROXIED, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'tcplab.example.edu' });
    expect(new URL(res.headers['location']!).searchParams.get('redirect_uri')).toBe(`${PROXIED}/lti/launch`);
  });

  it('unset: forwarded headers are ignored — the login names the address the request came to', async () => {
    const res = await login(direct, 'http://tcplab.lan:3000', { Host: 'tcplab.lan:3000', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'tcplab.example.edu' });
    expect(res.status).toBe(302);
    expect(new URL(res.headers['location']!).searchParams.get('redirect_uri')).toBe('http://tcplab.lan:3000/lti/launch');
    // Plain HTTP on a LAN host: a Secure cookie would be dropped.
    expect(res.headers['set-cookie']![0]).toMatch(/; HttpOnly; SameSite=Lax$/);
  });

  it('over plain HTTP on localhost (a secure context to browsers) the cookie stays SameSite=None; Secure', async () => {
    const res = await login(direct, 'http://localhost:3000', { Host: 'localhost:3000' });
    expect(res.status).toBe(302);
    expect(res.headers['set-cookie']![0]).toMatch(/; HttpOnly; Secure; SameSite=None$/);
  });
});
