import { chromium, type Browser } from 'playwright-core';
import { provisionTenant, request, sleep, startService, type Service } from '../faults/harness';
import { AgsEmulator } from '../test/lti/emulator-ags';
import { PlatformEmulator } from '../test/lti/platform-emulator';
import { CHROMIUM, CHROMIUM_ARGS, describeInChromium } from './harness';

/**
 * A learner launched from an LMS (the spec-driven platform emulator of test/lti, on 127.0.0.1) into the built service
 * (reached as localhost: another site), in Chromium: the login's redirect, the platform's auto-submitted form, the
 * landing link, the exercise done in the play page by clicks — and its score arriving at the platform's line item once.
 */

describeInChromium('an LTI learner launch in Chromium', () => {
  let service: Service;
  let browser: Browser;
  let emulator: PlatformEmulator;
  let ags: AgsEmulator;
  let tool: string;

  beforeAll(async () => {
    // The score worker on (the suites' services have it off), looking every 100 ms.
    service = await startService(process.env['DATABASE_URL']!, undefined, { LTI_SCORE_POLL_MS: '100' });
    tool = `http://localhost:${new URL(service.url).port}`;
    emulator = await PlatformEmulator.start(tool);
    ags = new AgsEmulator(emulator, `${service.url}/lti/jwks`);
    const { key } = await provisionTenant(service.url);
    const registered = await request(service.url, key, 'POST', '/v1/lti/platforms', emulator.registration());
    expect(registered.status).toBe(201);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await emulator?.close();
    service?.process.kill('SIGTERM');
    await service?.exited;
  });

  it('an exercise launched from the course and done in the page sends its score to the line item exactly once', async () => {
    const lineitem = ags.newLineItem('Establish a connection');
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // The LMS sends the browser to the tool's login URL (LTI 1.3 Core §4.1), here as a GET.
    const login = emulator.initiateLogin({
      user: 'chromium-learner',
      targetLinkUri: `${tool}/exercises/establish-as-client?seed=4`,
      resourceLinkId: 'browser-link',
      claims: ags.endpointClaim({ lineitem }),
    });
    await page.goto(`${tool}/lti/login?${new URLSearchParams(login)}`);
    await page.waitForSelector('[data-testid="client-state"]');
    expect(new URL(page.url()).pathname).toMatch(/^\/play\//);
    const send = async (fields: Record<string, string> = {}): Promise<void> => {
      const before = Number((await page.getAttribute('main', 'data-settled')) ?? 0);
      for (const [field, value] of Object.entries(fields)) await page.fill(`input[name=${field}]`, value);
      await page.click('button[type=submit]');
      await page.waitForSelector(`main[data-settled="${before + 1}"]`);
    };
    // As the play page's own exercise test does it: the composer prefilled with what is owed, one wrong ack on the way.
    await page.setChecked('input[name=flag-SYN]', true);
    await send();
    await send({ ack: '1' });
    await send({ ack: '' });
    await send();
    expect(((await page.textContent('[data-testid="grade"]')) ?? '').trim()).toBe('Goal reached — score 90 / 100 (1 refused moves).');
    const deadline = Date.now() + 15_000;
    while (ags.scores.length === 0 && Date.now() < deadline) await sleep(50);
    // Several of the worker's rounds later, still one.
    await sleep(800);
    expect(ags.scores).toEqual([
      {
        lineItem: lineitem,
        contentType: 'application/vnd.ims.lis.v1.score+json',
        score: expect.objectContaining({ userId: 'chromium-learner', scoreGiven: 90, scoreMaximum: 100, activityProgress: 'Completed', gradingProgress: 'FullyGraded' }),
      },
    ]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
