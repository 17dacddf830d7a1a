import { join } from 'node:path';
import { Client } from 'pg';
import { chromium, type Page } from 'playwright-core';
import { startService } from '../faults/harness';
import { CHROMIUM, CHROMIUM_ARGS, describeInChromium, expectClean, mintLink, openPage, startPlayground, type Playground } from './harness';

/**
 * The scenario player, the capture viewer, quizzes and exercises through links, Chinese, a phone's width and dead
 * links — in Chromium, as learners use them. Where a test compares the page with the API's own answer (the run of
 * a scenario, a quiz's answer key, an exercise's grade), tcplab is its own oracle: that proves the page shows what
 * the API says, not that the API is right (the API's and tcp-core's suites check that).
 */

const SEED_CAPTURE = join(__dirname, '../../../libs/tcp-core/test/fixtures/seed-ssh-handshake.tcpdump-S.txt');
let p: Playground;

/** GET /v1/scenarios/{id}/run, as far as these tests read it. */
interface Run {
  title: string;
  step_list: Array<{ text: string; client: { state: string }; server: { state: string } }>;
}

async function scenarioRun(id: string, lang = 'en'): Promise<Run> {
  return (await (await fetch(`${p.service.url}/v1/scenarios/${id}/run`, { headers: { 'accept-language': lang } })).json()) as Run;
}

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.textContent(selector)) ?? '').trim();
}

async function states(page: Page): Promise<[string, string]> {
  return [await text(page, '[data-testid="client-state"]'), await text(page, '[data-testid="server-state"]')];
}

describeInChromium('the playground in Chromium', () => {
  beforeAll(async () => {
    p = await startPlayground();
  });

  afterAll(async () => {
    await p?.close();
  });

  describe('the scenario player', () => {
    it('plays lost-final-ack to its end with the keyboard only, both states at every step as the run says; the URL reopens at its step', async () => {
      const run = await scenarioRun('lost-final-ack');
      const w = await openPage(p);
      const { page } = w;
      await page.goto(`${p.service.url}/`);
      // From the catalogue by keyboard: Tab to the scenario's link, Enter.
      const link = page.getByRole('link', { name: `Open ${run.title}` });
      await link.focus();
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid="counter"]');
      expect(await text(page, '[data-testid="counter"]')).toBe('Before the first step');
      await page.locator('main').focus();
      for (let k = 1; k <= run.step_list.length; k += 1) {
        await page.keyboard.press('ArrowRight');
        expect(await text(page, '[data-testid="counter"]')).toBe(`Step ${k} of ${run.step_list.length}`);
        expect(await states(page)).toEqual([run.step_list[k - 1].client.state, run.step_list[k - 1].server.state]);
        expect(await text(page, '[data-testid="teaching"]')).toBe(run.step_list[k - 1].text);
      }
      expect(await states(page)).toEqual(['CLOSED', 'CLOSED']);
      expect(new URL(page.url()).searchParams.get('step')).toBe(String(run.step_list.length));
      // The 2MSL bracket is drawn, as in the SVG trace.
      expect(await page.locator('svg g.time-wait').count()).toBeGreaterThan(0);

      // Back with ←, then an arrow chosen by Tab and opened with Enter.
      await page.keyboard.press('ArrowLeft');
      expect(await text(page, '[data-testid="counter"]')).toBe(`Step ${run.step_list.length - 1} of ${run.step_list.length}`);
      await page.locator('g.arrow').first().focus();
      await page.keyboard.press('Enter');
      expect(await text(page, '.inspector h2')).toBe('Segment 1: Client → Server');

      const again = await w.context.newPage();
      await again.goto(`${p.service.url}/scenarios/lost-final-ack?step=6`);
      await again.waitForSelector('[data-testid="counter"]');
      expect(await text(again, '[data-testid="counter"]')).toBe(`Step 6 of ${run.step_list.length}`);
      expect(await states(again)).toEqual([run.step_list[5].client.state, run.step_list[5].server.state]);
      // Space plays from there, and pauses.
      await again.locator('main').focus();
      await again.keyboard.press('Space');
      await again.locator('[data-testid="counter"]', { hasText: /^Step 7 / }).waitFor({ timeout: 5000 });
      await again.keyboard.press('Space');
      expectClean(w);
      await w.context.close();
    });
  });

  describe('the capture viewer', () => {
    it('shows the seed capture as the three handshakes and the two 21-octet pushes, with no anomaly', async () => {
      const w = await openPage(p);
      const { page } = w;
      await page.goto(`${p.service.url}/captures`);
      await page.setInputFiles('#capture-file', SEED_CAPTURE);
      await page.waitForSelector('section.connection');
      expect(await page.locator('section.connection').count()).toBe(1);
      expect(await text(page, 'section.connection h2')).toBe('Connection 1: 192.168.1.63:53198 → 192.168.1.64:22');
      const roles = await page.locator('table.capture tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-role')));
      expect(roles).toEqual(['1st handshake (SYN)', '2nd handshake (SYN,ACK)', '3rd handshake (ACK)', 'data', 'ACK of data', 'data']);
      const pushes = await page.locator('table.capture tbody tr[data-role="data"]').evaluateAll((rows) => rows.map((r) => [r.children[2]!.textContent, r.children[4]!.textContent]));
      expect(pushes).toEqual([
        ['481914175', '21'],
        ['2737267461', '21'],
      ]);
      expect(await page.getAttribute('section.connection', 'data-anomalies')).toBe('0');
      expect(await page.locator('tr.has-anomaly').count()).toBe(0);
      expect(await page.locator('section.connection svg g.arrow').count()).toBe(6);
      expectClean(w);
      await w.context.close();
    });
  });

  describe('through share links', () => {
    it('an exercise done through its link shows the grade, equal to GET /v1/exercises/{id}/grade', async () => {
      const exercise = (await p.api('POST', '/v1/exercises', { goal: 'establish-as-client', learner_id: 'ada', seed: 4 })).body;
      const link = await mintLink(p, { target: 'exercise', id: exercise['id'] });
      const w = await openPage(p);
      const { page } = w;
      await page.goto(link.url);
      await page.waitForSelector('[data-testid="client-state"]');
      expect(await text(page, '#exercise-heading')).toContain('Exercise');
      const send = async (fields: Record<string, string> = {}): Promise<void> => {
        const before = Number((await page.getAttribute('main', 'data-settled')) ?? 0);
        for (const [field, value] of Object.entries(fields)) await page.fill(`input[name=${field}]`, value);
        await page.click('button[type=submit]');
        await page.waitForSelector(`main[data-settled="${before + 1}"]`);
      };
      // The composer comes prefilled with what is owed (hints on); one mistake on the way: a wrong ack.
      await page.setChecked('input[name=flag-SYN]', true);
      await send();
      await send({ ack: '1' });
      await send({ ack: '' });
      await send();
      expect(await states(page)).toEqual(['ESTABLISHED', 'ESTABLISHED']);
      const grade = (await p.api('GET', `/v1/exercises/${exercise['id']}/grade`)).body;
      expect(grade['completed']).toBe(true);
      expect(await text(page, '[data-testid="grade"]')).toBe(`Goal reached — score ${grade['score']} / 100 (${grade['attempts'].refused} refused moves).`);
      expect(grade['score']).toBe(90);
      expectClean(w, [`422 POST /v1/sessions/${exercise['session_id']}/send`]);
      await w.context.close();
    });

    it('a quiz taken through its link: all right answers score 100 %, all wrong 0 %, with feedback for each question', async () => {
      const quiz = (await p.api('POST', '/v1/quizzes', { scenario: 'four-way-teardown', seed: 11 })).body;
      const key = (await p.api('GET', `/v1/quizzes/${quiz['id']}?answers=true`)).body;
      const types = new Set(key['questions'].map((q: { type: string }) => q.type));
      expect(types).toEqual(new Set(['multiple_choice', 'multiple_answer', 'numerical', 'ordering']));
      const link = await mintLink(p, { target: 'quiz', id: quiz['id'], learner_id: 'student-3' });

      for (const right of [true, false]) {
        const w = await openPage(p);
        const { page } = w;
        await page.goto(link.url);
        await page.waitForSelector('fieldset.question');
        await page.fill('#learner-name', 'Li Wei');
        for (const q of key['questions'] as Array<{ id: string; type: string; answer: number | number[]; choices: string[] | null }>) {
          await answer(page, q, right);
        }
        await page.click('form button[type=submit]');
        await page.waitForSelector('[data-testid="score"]');
        const n = key['questions'].length;
        expect(await text(page, '[data-testid="score"]')).toBe(right ? `Your score: ${n} of ${n} (100 %)` : `Your score: 0 of ${n} (0 %)`);
        expect(await page.locator(`.feedback li[data-correct="${right}"]`).count()).toBe(n);
        expectClean(w);
        await w.context.close();
      }
      const attempts = (await p.api('GET', `/v1/quizzes/${quiz['id']}/attempts`)).body['items'];
      expect(attempts.map((a: { learner_id: string; learner_name: string; score: { percent: number } }) => [a.learner_id, a.learner_name, a.score.percent])).toEqual([
        ['student-3', 'Li Wei', 100],
        ['student-3', 'Li Wei', 0],
      ]);
    });
  });

  describe('in Chinese, on a phone, and when a link does not work', () => {
    it('with a zh-CN browser, the player and a refusal speak Chinese', async () => {
      const run = await scenarioRun('lost-final-ack', 'zh-CN');
      const w = await openPage(p, { locale: 'zh-CN' });
      const { page } = w;
      await page.goto(`${p.service.url}/scenarios/lost-final-ack?step=6`);
      await page.waitForSelector('[data-testid="counter"]');
      expect(await text(page, '[data-testid="counter"]')).toBe(`第 6 步，共 ${run.step_list.length} 步`);
      expect(await text(page, '[data-testid="teaching"]')).toBe(run.step_list[5].text);
      expect(await text(page, 'h1')).toBe(run.title);
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');

      const session = (await p.api('POST', '/v1/sessions', { mode: 'manual', client: { ip: '192.168.1.63', port: 53198, isn: 481914174 }, server: { ip: '192.168.1.64', port: 22, isn: 2737267460 } })).body;
      const link = await mintLink(p, { target: 'session', id: session['id'] });
      await page.goto(link.url);
      await page.waitForSelector('[data-testid="client-state"]');
      expect(await text(page, 'h1')).toBe('你来扮演两端的 TCP');
      const moved = async (before: number) => page.waitForSelector(`main[data-settled="${before}"]`);
      await page.click('[data-call="server-listen"]');
      await moved(1);
      await page.setChecked('input[name=flag-SYN]', true);
      await page.click('form.composer button[type=submit]');
      await moved(2);
      await page.fill('input[name=ack]', '481914174');
      await page.click('form.composer button[type=submit]');
      await moved(3);
      expect(await text(page, '.field-error[data-field="ack"]')).toContain('确认号必须是 481914175');
      expectClean(w, [`422 POST /v1/sessions/${session['id']}/send`]);
      await w.context.close();
    });

    it('at 360 px wide no page scrolls sideways', async () => {
      const session = (await p.api('POST', '/v1/sessions', { mode: 'manual' })).body;
      const link = await mintLink(p, { target: 'session', id: session['id'] });
      const w = await openPage(p, { width: 360, height: 740 });
      const { page } = w;
      for (const path of ['/', '/scenarios/simultaneous-close?step=12', '/captures', link.url]) {
        await page.goto(path.startsWith('http') ? path : `${p.service.url}${path}`);
        await page.waitForSelector('main h1');
        await page.waitForLoadState('networkidle');
        const widths = (await page.evaluate('({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })')) as { scroll: number; client: number };
        expect({ path, ...widths }).toEqual({ path, scroll: widths.client, client: 360 });
      }
      expectClean(w);
      await w.context.close();
    });

    it('an expired link and a revoked link each get their own page, saying why', async () => {
      const session = (await p.api('POST', '/v1/sessions', { mode: 'manual' })).body;
      const expiring = await mintLink(p, { target: 'session', id: session['id'], expires_at: new Date(Date.now() + 1000).toISOString() });
      const revoked = await mintLink(p, { target: 'session', id: session['id'] });
      expect((await p.api('DELETE', `/v1/links/${revoked.id}`)).status).toBe(204);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const w = await openPage(p);
      const { page } = w;
      const expiredAnswer = await page.goto(expiring.url);
      expect(expiredAnswer?.status()).toBe(410);
      expect(await text(page, 'h1')).toBe('This link has expired');
      const revokedAnswer = await page.goto(revoked.url);
      expect(revokedAnswer?.status()).toBe(410);
      expect(await text(page, 'h1')).toBe('This link has been withdrawn');
      expect(await page.getAttribute('.problem', 'role')).toBe('alert');
      expectClean(w, ['410 GET /l/' + expiring.token, '410 GET /l/' + revoked.token]);
      await w.context.close();
    });
  });
});

/** Answer one question on the quiz page, rightly or wrongly, as a learner would (the keyboard for ordering). */
async function answer(page: Page, q: { id: string; type: string; answer: number | number[]; choices: string[] | null }, right: boolean): Promise<void> {
  const set = page.locator(`fieldset[data-question="${q.id}"]`);
  switch (q.type) {
    case 'multiple_choice': {
      const index = right ? (q.answer as number) : ((q.answer as number) + 1) % q.choices!.length;
      await set.locator(`input[value="${index}"]`).check();
      return;
    }
    case 'multiple_answer': {
      const wanted = q.answer as number[];
      for (let i = 0; i < q.choices!.length; i += 1) await set.locator(`input[value="${i}"]`).setChecked(right ? wanted.includes(i) : !wanted.includes(i));
      return;
    }
    case 'numerical':
      await set.locator('input[type=number]').fill(String(right ? (q.answer as number) : (q.answer as number) + 1));
      return;
    case 'ordering': {
      const target = right ? (q.answer as number[]) : [...(q.answer as number[])].reverse();
      for (let position = 0; position < target.length; position += 1) {
        const order = await set.locator('ol.ordering li').evaluateAll((items) => items.map((li) => Number(li.getAttribute('data-choice'))));
        for (let at = order.indexOf(target[position]!); at > position; at -= 1) {
          await set.locator(`ol.ordering li[data-choice="${target[position]}"] button.up`).focus();
          await page.keyboard.press('Enter');
        }
      }
      const placed = await set.locator('ol.ordering li').evaluateAll((items) => items.map((li) => Number(li.getAttribute('data-choice'))));
      expect(placed).toEqual(target);
    }
  }
}

describeInChromium("a newcomer's first npm start", () => {
  it('prints a demo link once, and it opens "you are both TCPs" on the seed capture\'s hosts', async () => {
    // A database of its own, fresh, and no ADMIN_API_KEY: the first start as the README's quick start has it.
    const admin = new URL(process.env['DATABASE_URL']!);
    const name = `tcplab_demo_${process.pid}_${Date.now()}`;
    const adminUrl = Object.assign(new URL(admin.href), { pathname: '/postgres' }).href;
    const db = new Client({ connectionString: adminUrl });
    await db.connect();
    await db.query(`CREATE DATABASE ${name}`);
    const output: string[] = [];
    const databaseUrl = Object.assign(new URL(admin.href), { pathname: `/${name}` }).href;
    let service = await startService(databaseUrl, undefined, { ADMIN_API_KEY: '' }, output);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const printed = output.join('');
      const demo = /\n {2}(http:\/\/localhost:\d+\/l\/tlnk_[\w-]+)\n/.exec(printed)?.[1];
      expect(demo).toBeDefined();
      const page = await browser.newPage();
      await page.goto(demo!.replace('localhost', '127.0.0.1'));
      await page.waitForSelector('[data-testid="client-state"]');
      expect(new URL(page.url()).pathname).toMatch(/^\/play\/[0-9a-f-]{36}$/);
      expect([await text(page, '[data-testid="client-state"]'), await text(page, '[data-testid="server-state"]')]).toEqual(['CLOSED', 'CLOSED']);
      expect(await text(page, '.endpoint.client .address')).toBe('192.168.1.63:53198');
      // Only its hash is stored: a second start has no link to print.
      service.process.kill('SIGTERM');
      await service.exited;
      const again: string[] = [];
      service = await startService(databaseUrl, undefined, { ADMIN_API_KEY: '' }, again);
      expect(again.join('')).not.toContain('/l/tlnk_');
    } finally {
      await browser.close();
      service.process.kill('SIGTERM');
      await service.exited;
      await db.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await db.end();
    }
  });
});
