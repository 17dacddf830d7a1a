import { chromium, type Browser, type Page } from 'playwright-core';
import { provisionTenant, request, sleep, startService, type Service } from '../faults/harness';
import { AgsEmulator } from '../test/lti/emulator-ags';
import { NrpsEmulator } from '../test/lti/emulator-nrps';
import { PlatformEmulator, ROLE, type PlannedLaunch } from '../test/lti/platform-emulator';
import { CHROMIUM, CHROMIUM_ARGS, describeInChromium } from './harness';

/**
 * An instructor launched from the LMS (the platform emulator on 127.0.0.1, with grades and a member list) into the
 * built service (localhost), in Chromium, after two learners launched the same link and one did the exercise: the
 * results page, not the content, with each learner's progress, the grade delivered to the LMS, the member who never
 * launched, and a "try it" link that opens the content.
 */

describeInChromium("an LTI instructor's results page in Chromium", () => {
  let service: Service;
  let browser: Browser;
  let emulator: PlatformEmulator;
  let ags: AgsEmulator;
  let nrps: NrpsEmulator;
  let tool: string;
  let lineitem: string;

  beforeAll(async () => {
    service = await startService(process.env['DATABASE_URL']!, undefined, { LTI_SCORE_POLL_MS: '100' });
    tool = `http://localhost:${new URL(service.url).port}`;
    emulator = await PlatformEmulator.start(tool);
    ags = new AgsEmulator(emulator, `${service.url}/lti/jwks`);
    nrps = new NrpsEmulator(emulator, ags);
    nrps.members = [
      { user_id: 'rb-learner-1', name: 'Alan Turing', roles: [ROLE.learner] },
      { user_id: 'rb-learner-2', name: 'Grace Hopper', roles: [ROLE.learner] },
      { user_id: 'rb-learner-3', name: 'Radia Perlman', roles: [ROLE.learner] },
    ];
    const { key } = await provisionTenant(service.url);
    expect((await request(service.url, key, 'POST', '/v1/lti/platforms', emulator.registration())).status).toBe(201);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await emulator?.close();
    service?.process.kill('SIGTERM');
    await service?.exited;
  });

  /** A launch from the course page in a browser of its own; resolves once the landing's page has drawn itself. */
  async function launch(user: string, name: string, roles: string[], ready: string, locale = 'en-US'): Promise<Page> {
    const context = await browser.newContext({ locale });
    const page = await context.newPage();
    const login = emulator.initiateLogin({
      user,
      roles,
      targetLinkUri: `${tool}/exercises/establish-as-client?seed=4`,
      resourceLinkId: 'results-browser-link',
      claims: { ...ags.endpointClaim({ lineitem }), ...nrps.claim() },
      tamper: { claims: { name } },
    } satisfies Partial<PlannedLaunch> & { targetLinkUri: string });
    await page.goto(`${tool}/lti/login?${new URLSearchParams(login)}`);
    await page.waitForSelector(ready);
    return page;
  }

  it('shows each learner with their progress and delivered grade, the member who never launched, and opens the content to try', async () => {
    lineitem = ags.newLineItem('Establish a connection');
    const alan = await launch('rb-learner-1', 'Alan Turing', [ROLE.learner], '[data-testid="client-state"]');
    const send = async (fields: Record<string, string> = {}): Promise<void> => {
      const before = Number((await alan.getAttribute('main', 'data-settled')) ?? 0);
      for (const [field, value] of Object.entries(fields)) await alan.fill(`input[name=${field}]`, value);
      await alan.click('button[type=submit]');
      await alan.waitForSelector(`main[data-settled="${before + 1}"]`);
    };
    // As the learner's own browser test does it: one refused ack on the way to ESTABLISHED.
    await alan.setChecked('input[name=flag-SYN]', true);
    await send();
    await send({ ack: '1' });
    await send({ ack: '' });
    await send();
    await launch('rb-learner-2', 'Grace Hopper', [ROLE.learner], '[data-testid="client-state"]');
    const deadline = Date.now() + 15_000;
    while (ags.scores.length === 0 && Date.now() < deadline) await sleep(50);

    const teacher = await launch('rb-teacher', 'Prof. Tanenbaum', [ROLE.instructor], '.results-table');
    const errors: string[] = [];
    teacher.on('pageerror', (error) => errors.push(error.message));
    // No token left in the address (the results link's and the content's are kept in the tab's storage); only the
    // results link's id, which lets the platform frame the page.
    expect(teacher.url()).toMatch(new RegExp(`^${tool}/lti/results\\?link=[0-9a-f-]{36}$`));
    expect(await teacher.textContent('h1')).toBe('TCP: lose the final ACK');
    expect(await teacher.textContent('main')).toContain('Everyone in the course, as the LMS lists them');
    const rows = [];
    for (const tr of await teacher.$$('.results-table tbody tr')) {
      const cells = await Promise.all((await tr.$$('th, td')).map(async (cell) => ((await cell.textContent()) ?? '').replace(/\s+/g, ' ').trim()));
      rows.push({ sub: await tr.getAttribute('data-sub'), cells });
    }
    expect(rows.map((r) => r.sub)).toEqual(['rb-learner-1', 'rb-learner-2', 'rb-learner-3']);
    const [alanRow, graceRow, radiaRow] = rows.map((r) => r.cells);
    expect(alanRow![0]).toBe('Alan Turing');
    expect(alanRow![1]).toMatch(/^1 launch\(es\)\s*first .+, last .+$/);
    expect(alanRow![2]).toMatch(/^Completed in \d+ move\(s\), 1 refused/);
    expect(alanRow![3]).toBe('90 / 100 delivered');
    expect(graceRow!.slice(1)).toEqual([expect.stringMatching(/^1 launch\(es\)/), 'Not completed: 0 move(s), 0 refused', '']);
    expect(radiaRow).toEqual(['Radia Perlman', 'Not started', '', '']);
    // The refused move, with the field it got wrong.
    await teacher.click('.results-table details summary');
    expect(await teacher.textContent('.results-table .mistakes')).toContain('ack');

    const [content] = await Promise.all([teacher.context().waitForEvent('page'), teacher.click('#try-it')]);
    await content!.waitForSelector('[data-testid="client-state"]');
    expect(new URL(content!.url()).pathname).toMatch(/^\/play\//);
    expect(errors).toEqual([]);
  });

  it("speaks the instructor's browser's language (zh-CN)", async () => {
    const teacher = await launch('rb-teacher-zh', '老师', [ROLE.instructor], '.results-table', 'zh-CN');
    expect(await teacher.$$eval('.results-table thead th', (ths) => ths.map((th) => th.textContent))).toEqual(['姓名', '启动', '进度', '已发送到学习管理系统的成绩']);
    expect(await teacher.textContent('tr[data-sub="rb-learner-3"]')).toContain('尚未开始');
    expect(await teacher.textContent('#try-it')).toBe('亲自试一试');
  });
});
