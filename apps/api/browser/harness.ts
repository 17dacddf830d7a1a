import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';
import { provisionTenant, request, startService, type Service } from '../faults/harness';

/**
 * The browser tests drive Debian's Chromium (playwright-core, no browser download) against the built service on
 * the run's real PostgreSQL, as a learner would: clicks and keys, never a call the page would not make.
 */

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * The suite needs a Chromium. Where there is none (a laptop without Debian's package), it says so in the name of
 * one skipped block instead of failing; REQUIRE_BROWSER=1 (set by .ci/run, which installs it) turns that into a
 * failure, so CI cannot pass without having run the pages.
 */
export function describeInChromium(name: string, suite: () => void): void {
  if (existsSync(CHROMIUM) || process.env['REQUIRE_BROWSER'] === '1') describe(name, suite);
  else describe.skip(`${name} — skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`, suite);
}

/** Starting the service and Chromium, and a whole lesson played through the page, take seconds on two shared cores. */
jest.setTimeout(60_000);

/** The flags ../shared/STACK.md found necessary here: no sandbox as root, and no background traffic to hosts it cannot reach. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Playground {
  service: Service;
  browser: Browser;
  /** A tenant's key, for setting up what a teacher would (sessions, links) and for checking through the API. */
  key: string;
  api: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Record<string, any> }>;
  close: () => Promise<void>;
}

export async function startPlayground(): Promise<Playground> {
  const service = await startService(process.env['DATABASE_URL']!);
  const stopService = async (): Promise<void> => {
    service.process.kill('SIGTERM');
    await service.exited;
  };
  let browser: Browser;
  try {
    // playwright-core gives Chromium a fresh, empty profile of its own, removed when the browser closes.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  } catch (error) {
    await stopService();
    throw error;
  }
  const { key } = await provisionTenant(service.url);
  return {
    service,
    browser,
    key,
    api: async (method, path, body) => {
      const answer = await request(service.url, key, method, path, body);
      return { status: answer.status, body: answer.body };
    },
    close: async () => {
      await browser.close();
      await stopService();
    },
  };
}

/** Everything a page did that a test must not let pass: errors, failed or foreign requests, server errors, 4xx answers. */
export interface Watched {
  page: Page;
  context: BrowserContext;
  pageErrors: string[];
  consoleErrors: string[];
  failedRequests: string[];
  foreignRequests: string[];
  /** Every answer with a status of 400 or more, as "status METHOD path". */
  errorAnswers: string[];
}

export async function openPage(playground: Playground, options: { locale?: string; width?: number; height?: number } = {}): Promise<Watched> {
  const context = await playground.browser.newContext({ locale: options.locale ?? 'en-US', viewport: { width: options.width ?? 1280, height: options.height ?? 900 } });
  const page = await context.newPage();
  const origin = new URL(playground.service.url).origin;
  const watched: Watched = { page, context, pageErrors: [], consoleErrors: [], failedRequests: [], foreignRequests: [], errorAnswers: [] };
  page.on('pageerror', (error) => watched.pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') watched.consoleErrors.push(message.text());
  });
  page.on('requestfailed', (r) => watched.failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('data:') && !r.url().startsWith('blob:') && new URL(r.url()).origin !== origin) watched.foreignRequests.push(r.url());
  });
  page.on('response', (r) => {
    if (r.status() >= 400) watched.errorAnswers.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  return watched;
}

/**
 * No page error, no failed request, no request to another origin, and no error answer but the refusals the test
 * provoked (each a 422 of the API). Chromium logs every 4xx answer as a console error ("Failed to load
 * resource"); those lines are allowed for exactly these answers and nothing else.
 */
export function expectClean(watched: Watched, expectedRefusals: string[] = []): void {
  expect({ pageErrors: watched.pageErrors, failedRequests: watched.failedRequests, foreignRequests: watched.foreignRequests }).toEqual({ pageErrors: [], failedRequests: [], foreignRequests: [] });
  expect(watched.errorAnswers).toEqual(expectedRefusals);
  const resourceLines = watched.consoleErrors.filter((line) => /^Failed to load resource: the server responded with a status of 4\d\d/.test(line));
  expect(watched.consoleErrors.filter((line) => !resourceLines.includes(line))).toEqual([]);
  expect(resourceLines.length).toBe(expectedRefusals.length);
}

/** A share link minted with the tenant's key, as a teacher would. */
export async function mintLink(playground: Playground, body: object): Promise<{ id: string; url: string; token: string }> {
  const made = await playground.api('POST', '/v1/links', body);
  if (made.status !== 201) throw new Error(`minting a link: ${made.status} ${JSON.stringify(made.body)}`);
  return made.body as { id: string; url: string; token: string };
}
