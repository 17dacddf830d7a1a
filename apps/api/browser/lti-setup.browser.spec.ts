import { DeepLinkingReturn } from '../test/lti/deep-linking-return';
import { DynamicRegistrationPlatform } from '../test/lti/dynamic-registration';
import { PlatformEmulator, ROLE } from '../test/lti/platform-emulator';
import { describeInChromium, startPlayground, type Playground } from './harness';

/**
 * Setting tcplab up in an LMS, in Chromium, with the platform emulator on 127.0.0.1 and tcplab on localhost (another
 * site, so the login's cookie, the cross-site form posts, framing and the pages' CSP are really exercised).
 * Deep Linking 2.0: an instructor chooses in the picker page; the answer reaches the platform, which verifies it
 * against tcplab's JWKS; a learner launched with the item's URL lands on that content. Dynamic Registration: the
 * LMS frames tcplab's registration page, which registers and tells the LMS to close it.
 */

let p: Playground;
let tool: string;
let emulator: PlatformEmulator;
let platform: DeepLinkingReturn;

describeInChromium('LTI Deep Linking and Dynamic Registration in Chromium', () => {
  beforeAll(async () => {
    p = await startPlayground();
    tool = p.service.url.replace('127.0.0.1', 'localhost');
    emulator = await PlatformEmulator.start(tool);
    platform = new DeepLinkingReturn(emulator, `${p.service.url}/lti/jwks`);
    const registered = await p.api('POST', '/v1/lti/platforms', emulator.registration());
    expect(registered.status).toBe(201);
  });

  afterAll(async () => {
    await emulator?.close();
    await p?.close();
  });

  /** The platform sends the browser to the tool's login (LTI 1.3 Core §4.1); the rest is redirects and form posts. */
  const loginUrl = (params: Record<string, string>) => `${tool}/lti/login?${new URLSearchParams(params)}`;

  it('an instructor picks a scenario and an exercise in the picker; the platform receives them signed; a learner launched with the scenario item lands on it, in the language it was chosen in', async () => {
    const context = await p.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(loginUrl(emulator.initiateLogin(platform.launch({ targetLinkUri: `${tool}/lti/deep-linking`, user: 'teacher-b1' }))));
    await page.waitForSelector('#picker');
    expect(new URL(page.url()).pathname).toMatch(/^\/lti\/deep-linking\/tdl_/);

    await page.locator('input[value="scenario:lost-final-ack"]').check();
    expect(await page.textContent('#preview h2')).toBe('The final ACK is lost: why TIME_WAIT lasts 2MSL');
    await page.locator('input[value="exercise:close-from-server"]').check();
    expect(await page.textContent('#preview h2')).toBe('Close the connection from the server side');
    await page.fill('#seed-close-from-server', '42');
    await page.selectOption('#item-language', 'zh-CN');
    const received = platform.received.length;
    await Promise.all([page.waitForURL(`${emulator.issuer}/deep-linking/return`), page.click('#dl-add')]);
    expect(await page.textContent('#received')).toBe('2 item(s) received');
    expect(platform.refused).toEqual([]);
    const items = platform.received[received]!.contentItems;
    expect(items).toEqual([
      expect.objectContaining({ type: 'ltiResourceLink', url: `${tool}/scenarios/lost-final-ack`, custom: { lang: 'zh-CN', scenario: 'lost-final-ack' } }),
      expect.objectContaining({
        type: 'ltiResourceLink',
        title: '从服务器一方关闭连接',
        url: `${tool}/exercises/close-from-server?seed=42`,
        lineItem: { scoreMaximum: 100, label: '从服务器一方关闭连接', resourceId: 'exercise:close-from-server:42', tag: 'exercise' },
      }),
    ]);
    expect(errors).toEqual([]);
    await context.close();

    const learner = await p.browser.newContext({ locale: 'en-US' });
    const learnerPage = await learner.newPage();
    // The platform launches the link it made with the item's custom parameters (Deep Linking 2.0 §3.1: custom).
    const custom = { 'https://purl.imsglobal.org/spec/lti/claim/custom': items[0]!['custom'] };
    await learnerPage.goto(loginUrl(emulator.initiateLogin({ targetLinkUri: items[0]!['url'] as string, user: 'learner-b1', roles: [ROLE.learner], tamper: { claims: custom } })));
    // ?link= names the launch's link, so that its platform may frame the page (lti-frames.browser.spec.ts).
    await learnerPage.waitForURL(new RegExp(`^${tool}/scenarios/lost-final-ack\\?link=[0-9a-f-]{36}$`));
    await learnerPage.waitForSelector('[data-testid="counter"]');
    // Chosen in Chinese, opened in Chinese, whatever the learner's browser says.
    expect(await learnerPage.getAttribute('html', 'lang')).toBe('zh-CN');
    expect((await learnerPage.textContent('[data-testid="counter"]'))?.trim()).toBe('第一步之前');
    await learner.close();
  });

  it('the LMS frames the registration URL: tcplab registers, its page posts org.imsglobal.lti.close to the LMS, and the platform is stored', async () => {
    const registering = await PlatformEmulator.start(tool);
    try {
      const lms = new DynamicRegistrationPlatform(registering);
      const made = await p.api('POST', '/v1/lti/registrations');
      expect(made.status).toBe(201);
      const url = String(made.body['url']).replace('127.0.0.1', 'localhost');
      const context = await p.browser.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${registering.issuer}/tool-registration?url=${encodeURIComponent(url)}`);
      await page.waitForSelector('body[data-closed]', { state: 'attached' });
      expect(JSON.parse((await page.getAttribute('body', 'data-closed'))!)).toEqual({ subject: 'org.imsglobal.lti.close' });
      expect(await page.frames()[1]!.textContent('h1')).toBe('tcplab is registered');
      // Drawn whole in the frame, where this browser refuses a third-party page its storage (the header needs none).
      await page.frames()[1]!.waitForSelector('header nav');
      expect(errors).toEqual([]);
      expect(lms.registrations.length).toBe(1);
      const platforms = await p.api('GET', '/v1/lti/platforms');
      expect(platforms.body['items']).toContainEqual(expect.objectContaining({ issuer: registering.issuer, client_id: registering.clientId, deployment_ids: [registering.deploymentId] }));
      await context.close();
    } finally {
      await registering.close();
    }
  });

  it('Cancel answers with no items, and the platform takes it', async () => {
    const context = await p.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(loginUrl(emulator.initiateLogin(platform.launch({ targetLinkUri: `${tool}/lti/deep-linking`, user: 'teacher-b2' }, { accept_multiple: false }))));
    await page.waitForSelector('#picker');
    expect(await page.getAttribute('input[value="scenario:lost-final-ack"]', 'type')).toBe('radio');
    await Promise.all([page.waitForURL(`${emulator.issuer}/deep-linking/return`), page.click('#dl-cancel')]);
    expect(await page.textContent('#received')).toBe('0 item(s) received');
    await context.close();
  });
});
