import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { freePort, provisionTenant, request, startService, type Service } from '../faults/harness';
import { CoursePage, type PlatformStorage } from '../test/lti/course-page';
import { PlatformEmulator } from '../test/lti/platform-emulator';
import { CHROMIUM, CHROMIUM_ARGS, describeInChromium } from './harness';

/**
 * LTI launches as a learner makes them: in Chromium, from the platform emulator's course page on 127.0.0.1, with
 * tcplab (the built service) framed in it from localhost — another site, so its cookies are third-party, and
 * frame-ancestors, SameSite and the redirects are the browser's to enforce, not the test's. Then the same with
 * third-party cookies blocked, where the launch goes through the platform's postMessage storage or says to open a new
 * window; and a page of an unregistered site framing tcplab's pages, which the browser must refuse.
 */

let service: Service;
let tool: string;
let emulator: PlatformEmulator;
let course: CoursePage;

describeInChromium('LTI launches framed in a course page, in Chromium', () => {
  beforeAll(async () => {
    const port = freePort();
    tool = `http://localhost:${port}`;
    service = await startService(process.env['DATABASE_URL']!, port, { PUBLIC_URL: tool });
    emulator = await PlatformEmulator.start(tool);
    course = new CoursePage(emulator, `${tool}/lti/login`);
    const { key } = await provisionTenant(service.url);
    const registered = await request(service.url, key, 'POST', '/v1/lti/platforms', emulator.registration());
    expect(registered.status).toBe(201);
  });

  afterAll(async () => {
    await emulator?.close();
    service?.process.kill('SIGTERM');
    await service?.exited;
  });

  /**
   * A learner's browser, with third-party cookies allowed or blocked by the browser's own setting (the profile's
   * cookie_controls_mode, what chrome://settings/cookies changes). Chromium 156 blocks them unless told otherwise —
   * in a new profile and in every incognito-like context (browser.newContext()) — so each test says which it wants.
   * Blocking them also denies the frame localStorage and sessionStorage.
   */
  async function learnerTab(options: { thirdPartyCookies: boolean }): Promise<{ page: Page; refusedFrames: string[]; close: () => Promise<void> }> {
    const profile = mkdtempSync(join(tmpdir(), 'tcplab-lti-chromium-'));
    mkdirSync(join(profile, 'Default'));
    writeFileSync(join(profile, 'Default', 'Preferences'), JSON.stringify({ profile: { cookie_controls_mode: options.thirdPartyCookies ? 0 : 1 } }));
    let context: BrowserContext;
    try {
      context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    } catch (error) {
      rmSync(profile, { recursive: true, force: true });
      throw error;
    }
    const page = context.pages()[0] ?? (await context.newPage());
    const refusedFrames: string[] = [];
    page.on('console', (message) => {
      // Chromium 156's words: Framing '<origin>/' violates the following Content Security Policy directive: "frame-ancestors …".
      if (/violates the following Content Security Policy directive: "frame-ancestors/.test(message.text())) refusedFrames.push(message.text());
    });
    const close = async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    };
    return { page, refusedFrames, close };
  }

  async function launchFromCourse(page: Page, storage: PlatformStorage): Promise<Frame> {
    await page.goto(course.plan({ targetLinkUri: `${tool}/scenarios/lost-final-ack` }, storage));
    await page.click('#launch');
    return page.frame({ name: 'tool-frame' })!;
  }

  it("lands the learner on the scenario inside the course page's frame: cookies, redirects and frame-ancestors as the browser enforces them", async () => {
    const { page, refusedFrames, close } = await learnerTab({ thirdPartyCookies: true });
    const frame = await launchFromCourse(page, 'none');
    await frame.waitForURL(/\/scenarios\/lost-final-ack\?link=/);
    await frame.waitForSelector('[data-testid="counter"]');
    expect((await frame.textContent('[data-testid="counter"]'))?.trim()).toBe('Before the first step');
    expect(new URL(frame.url()).origin).toBe(tool);
    expect(refusedFrames).toEqual([]);
    await close();
  });

  it('with third-party cookies blocked and no platform storage, refuses at state in the frame, and the new window it offers lands the learner', async () => {
    const { page, close } = await learnerTab({ thirdPartyCookies: false });
    const frame = await launchFromCourse(page, 'none');
    await frame.waitForSelector('[data-lti-check="state"]');
    const [window] = await Promise.all([page.context().waitForEvent('page'), frame.click('[data-lti-relaunch]')]);
    // Top-level, tcplab's cookie is first-party: the login, the platform and the launch go through.
    await window.waitForURL(/\/scenarios\/lost-final-ack\?link=[0-9a-f-]{36}$/);
    await window.waitForSelector('[data-testid="counter"]');
    expect((await window.textContent('[data-testid="counter"]'))?.trim()).toBe('Before the first step');
    await close();
  });

  it("with third-party cookies blocked, completes the launch through the platform's postMessage storage", async () => {
    const { page, refusedFrames, close } = await learnerTab({ thirdPartyCookies: false });
    const frame = await launchFromCourse(page, 'offered');
    // The frame has no sessionStorage here: the link's token rides in the URL's fragment.
    await frame.waitForURL(/\/scenarios\/lost-final-ack\?link=[0-9a-f-]{36}#tlnk_/);
    await frame.waitForSelector('[data-testid="counter"]');
    expect((await frame.textContent('[data-testid="counter"]'))?.trim()).toBe('Before the first step');
    await frame.locator('main').press('ArrowRight');
    await frame.locator('[data-testid="counter"]', { hasText: /^\s*Step 1 of/ }).waitFor();
    expect(refusedFrames).toEqual([]);
    await close();
  });

  it('with third-party cookies blocked and a platform that does not have the state, refuses the launch', async () => {
    const { page, close } = await learnerTab({ thirdPartyCookies: false });
    const frame = await launchFromCourse(page, 'forgetful');
    await frame.waitForSelector('[data-lti-check="state"]:not([hidden]) [data-lti-relaunch]');
    expect(frame.url()).toBe(`${tool}/lti/launch`);
    await close();
  });

  it("a page of an unregistered site cannot frame the launch's pages, nor the registered platform a page outside a launch: the browser refuses by frame-ancestors", async () => {
    const { page, refusedFrames, close } = await learnerTab({ thirdPartyCookies: true });
    const frame = await launchFromCourse(page, 'none');
    await frame.waitForURL(/\/scenarios\/lost-final-ack\?link=/);
    const landed = frame.url();
    expect(refusedFrames).toEqual([]);
    // Another site on this machine (127.0.0.1, another port: another origin) framing the page the launch opened.
    const stranger: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<iframe name="framed" src="${landed}"></iframe>`));
    await new Promise<void>((resolve) => stranger.listen(0, '127.0.0.1', resolve));
    try {
      await page.goto(`http://127.0.0.1:${(stranger.address() as AddressInfo).port}/`);
      await waitFor(() => refusedFrames.length === 1);
      expect(refusedFrames[0]).toContain(`Framing '${tool}/' violates the following Content Security Policy directive: "frame-ancestors ${emulator.issuer}"`);
      // The refused frame, found through its element: looked up by name at once, it was sometimes not yet attached.
      const framed = await (await page.waitForSelector('iframe[name="framed"]', { state: 'attached' })).contentFrame();
      expect(framed).not.toBeNull();
      expect(await framed!.$('[data-testid="counter"]')).toBeNull();
    } finally {
      stranger.closeAllConnections();
      await new Promise<void>((resolve) => stranger.close(() => resolve()));
    }
    // The platform's own course page, framing tcplab's catalogue (no launch led there).
    await page.goto(course.plan({ targetLinkUri: `${tool}/` }));
    await page.frame({ name: 'tool-frame' })!.goto(`${tool}/captures`).catch(() => undefined);
    await waitFor(() => refusedFrames.length === 2);
    expect(refusedFrames[1]).toContain(`"frame-ancestors 'none'"`);
    await close();
  });
});

async function waitFor(condition: () => boolean, ms = 10_000): Promise<void> {
  for (const deadline = Date.now() + ms; !condition(); ) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${condition.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
