import { Client } from 'pg';
import request from 'supertest';
import { startApp, type TestApp } from './harness';
import { PlatformEmulator } from './lti/platform-emulator';

/**
 * A launch without the login's cookie, through the platform's storage (1EdTech LTI Client Side postMessages): what
 * the tool answers at each step, the test playing the browser. The messages themselves (lti.put_data, lti.get_data
 * between the tool's page and the platform's frame) are exercised in Chromium: apps/api/browser/lti-frames.browser.spec.ts.
 */

const TOOL = 'https://tcplab.test';
const LANDING = `${TOOL}/scenarios/lost-final-ack`;

let t: TestApp;
let emulator: PlatformEmulator;
let db: Client;

beforeAll(async () => {
  process.env['PUBLIC_URL'] = TOOL;
  t = await startApp();
  emulator = await PlatformEmulator.start(TOOL);
  expect((await t.http().post('/v1/lti/platforms').send(emulator.registration())).status).toBe(201);
  db = new Client({ connectionString: process.env['DATABASE_URL'] });
  await db.connect();
});

afterAll(async () => {
  await db.end();
  await emulator.close();
  await t.app.close();
});

const browser = () => request.agent(t.app.getHttpServer());
const meta = (html: string, name: string) => new RegExp(`<meta name="${name}" content="([^"]*)">`).exec(html)?.[1]?.replace(/&quot;/g, '"').replace(/&amp;/g, '&');

async function stored(): Promise<Record<string, number>> {
  const { rows } = await db.query(
    `SELECT (SELECT count(*) FROM lti_users)::int AS users, (SELECT count(*) FROM links)::int AS links, (SELECT count(*) FROM lti_logins WHERE used_at IS NOT NULL)::int AS used_logins`,
  );
  return rows[0];
}

/** A login offered the platform's storage, and the platform's answer: the form the browser posts to the tool. */
async function loginWithStorage(): Promise<{ page: request.Response; form: Record<string, string> }> {
  const page = await browser().get('/lti/login').query(emulator.initiateLogin({ targetLinkUri: LANDING, storageTarget: '_parent' }));
  expect(page.status).toBe(200);
  const html = await (await fetch(meta(page.text, 'lti-storage-next')!)).text();
  const fields = Object.fromEntries([...html.matchAll(/name="([^"]+)" value="([^"]+)"/g)].map((m) => [m[1]!, m[2]!]));
  return { page, form: fields };
}

describe('GET /lti/login with lti_storage_target', () => {
  it("answers with a page that stores the state and the nonce in the platform's frame, then goes on to the platform; the cookie is still set", async () => {
    const { page } = await loginWithStorage();
    const next = new URL(meta(page.text, 'lti-storage-next')!);
    const state = next.searchParams.get('state')!;
    const nonce = next.searchParams.get('nonce')!;
    expect(`${next.origin}${next.pathname}`).toBe(`${emulator.issuer}/auth`);
    expect({
      mode: meta(page.text, 'lti-storage-mode'),
      target: meta(page.text, 'lti-storage-target'),
      origin: meta(page.text, 'lti-storage-origin'),
      data: JSON.parse(meta(page.text, 'lti-storage-data')!),
    }).toEqual({
      mode: 'put',
      target: '_parent',
      origin: emulator.issuer,
      data: [
        { key: `state_${state}`, value: state },
        { key: `nonce_${nonce}`, value: nonce },
      ],
    });
    expect(page.text).toContain('<script type="module" src="/assets/js/pages/lti-storage.js">');
    expect(page.headers['set-cookie']![0]).toMatch(new RegExp(`^tcplab-lti-${state}=`));
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-security-policy']).toContain(`frame-ancestors ${emulator.issuer}`);
  });

  it('takes a storage target that is not a frame name as none (a redirect, as without it)', async () => {
    const res = await browser().get('/lti/login').query({ ...emulator.initiateLogin({ targetLinkUri: LANDING }), lti_storage_target: '"><script>' });
    expect(res.status).toBe(302);
  });
});

describe('POST /lti/launch without the cookie, the platform offering its storage', () => {
  it("answers with a page that reads the state and nonce back from the platform's frame, and stores nothing", async () => {
    const { form } = await loginWithStorage();
    expect(form['lti_storage_target']).toBe('_parent');
    const before = await stored();
    const page = await browser().post('/lti/launch').type('form').send(form);
    expect(page.status).toBe(200);
    expect(meta(page.text, 'lti-storage-mode')).toBe('get');
    expect(JSON.parse(meta(page.text, 'lti-storage-data')!)[0]).toEqual({ key: `state_${form['state']}`, value: form['state'] });
    // The form it posts when the platform has them: the same launch, marked as checked.
    expect(page.text).toContain(`<form id="lti-launch" method="post" action="/lti/launch" hidden>`);
    expect(page.text).toContain(`<input type="hidden" name="id_token" value="${form['id_token']}">`);
    expect(page.text).toContain('<input type="hidden" name="lti_storage_verified" value="1">');
    expect(page.headers['content-security-policy']).toContain(`frame-ancestors ${emulator.issuer}`);
    expect(await stored()).toEqual(before);
  });

  it('lands the learner when the checked launch is posted by the tool\'s own page (Sec-Fetch-Site: same-origin), once', async () => {
    const { form } = await loginWithStorage();
    const before = await stored();
    const checked = { ...form, lti_storage_verified: '1' };
    const res = await browser().post('/lti/launch').type('form').set('Sec-Fetch-Site', 'same-origin').send(checked);
    expect(res.status).toBe(303);
    expect(res.headers['location']).toMatch(/^\/l\/tlnk_/);
    expect(await stored()).toEqual({ users: before['users']! + 1, links: before['links']! + 1, used_logins: before['used_logins']! + 1 });
    const replayed = await browser().post('/lti/launch').type('form').set('Sec-Fetch-Site', 'same-origin').send(checked);
    expect(/data-lti-check="([^"]+)"/.exec(replayed.text)?.[1]).toBe('nonce');
  });

  it.each([
    ['posted by another site (Sec-Fetch-Site: cross-site)', { 'Sec-Fetch-Site': 'cross-site' }],
    ['posted by a browser that does not say where from', {}],
  ])('does not take a launch marked as checked but %s as checked: it is sent to be checked again, and nothing is stored', async (_name, headers: Record<string, string>) => {
    const { form } = await loginWithStorage();
    const before = await stored();
    const res = await browser().post('/lti/launch').type('form').set(headers).send({ ...form, lti_storage_verified: '1' });
    expect(res.status).toBe(200);
    // The check page again: run in a forged launch's browser, it finds no state in that browser's platform storage.
    expect(meta(res.text, 'lti-storage-mode')).toBe('get');
    expect(await stored()).toEqual(before);
  });
});

describe('GET /lti/relaunch (a new window, where the cookie is first-party)', () => {
  /** A launch posted without the login's cookie, the platform offering no storage. */
  async function launchWithoutCookie(): Promise<{ res: request.Response; first: URL }> {
    const login = await browser().get('/lti/login').query(emulator.initiateLogin({ targetLinkUri: LANDING, user: 'learner-77' }));
    const first = new URL(login.headers['location']!);
    const html = await (await fetch(first)).text();
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1]!;
    const res = await browser().post('/lti/launch').type('form').send({ id_token: field('id_token'), state: field('state') });
    return { res, first };
  }

  it('is offered by a launch refused at state, and starts the same login again: same login_hint and lti_message_hint, a new state and cookie, and the launch lands', async () => {
    const { res, first } = await launchWithoutCookie();
    expect(/data-lti-check="([^"]+)"/.exec(res.text)?.[1]).toBe('state');
    const relaunch = /<a class="button" href="([^"]+)" target="_blank" data-lti-relaunch>Open in a new window<\/a>/.exec(res.text)?.[1]?.replace(/&amp;/g, '&');
    expect(relaunch).toBe(`/lti/relaunch?state=${encodeURIComponent(first.searchParams.get('state')!)}`);
    const again = await browser().get(relaunch!);
    expect(again.status).toBe(302);
    const second = new URL(again.headers['location']!);
    for (const name of ['login_hint', 'lti_message_hint', 'client_id', 'redirect_uri']) expect(second.searchParams.get(name)).toBe(first.searchParams.get(name));
    expect(second.searchParams.get('state')).not.toBe(first.searchParams.get('state'));
    const cookie = (again.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
    expect(cookie).toMatch(new RegExp(`^tcplab-lti-${second.searchParams.get('state')}=`));
    const html = await (await fetch(second)).text();
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1]!;
    const landed = await browser().post('/lti/launch').type('form').set('Cookie', cookie).send({ id_token: field('id_token'), state: field('state') });
    expect(landed.status).toBe(303);
  });

  it('refuses a state no login started, and one whose login was used, at state', async () => {
    const unknown = await browser().get('/lti/relaunch').query({ state: 'no-such-state' });
    expect({ status: unknown.status, check: /data-lti-check="([^"]+)"/.exec(unknown.text)?.[1] }).toEqual({ status: 400, check: 'state' });
    const { form } = await loginWithStorage();
    expect((await browser().post('/lti/launch').type('form').set('Sec-Fetch-Site', 'same-origin').send({ ...form, lti_storage_verified: '1' })).status).toBe(303);
    const used = await browser().get('/lti/relaunch').query({ state: form['state'] });
    expect({ status: used.status, check: /data-lti-check="([^"]+)"/.exec(used.text)?.[1] }).toEqual({ status: 400, check: 'state' });
    expect(used.text).not.toContain('data-lti-relaunch');
  });
});
