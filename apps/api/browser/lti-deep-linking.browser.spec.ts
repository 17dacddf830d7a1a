import { DeepLinkingReturn } from '../test/lti/deep-linking-return';
import { PlatformEmulator, ROLE } from '../test/lti/platform-emulator';
import { describeInChromium, startPlayground, type Playground } from './harness';

/**
 * Deep Linking 2.0 in Chromium: the platform emulator on 127.0.0.1, tcplab on localhost (another site, so the
 * login's cookie, the cross-site form posts and the picker's CSP are really exercised). An instructor chooses in
 * the picker page; the answer reaches the platform, which verifies it against tcplab's JWKS; a learner launched
 * with the item's URL lands on that content.
 */

let p: Playground;
let tool: string;
let emulator: PlatformEmulator;
let platform: DeepLinkingReturn;

describeInChromium('LTI Deep Linking in Chromium', () => {
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
    await learnerPage.waitForURL(`${tool}/scenarios/lost-final-ack`);
    await learnerPage.waitForSelector('[data-testid="counter"]');
    // Chosen in Chinese, opened in Chinese, whatever the learner's browser says.
    expect(await learnerPage.getAttribute('html', 'lang')).toBe('zh-CN');
    expect((await learnerPage.textContent('[data-testid="counter"]'))?.trim()).toBe('第一步之前');
    await learner.close();
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
