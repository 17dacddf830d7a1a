import type { Page } from 'playwright-core';
import { describeInChromium, expectClean, mintLink, openPage, startPlayground, type Playground, type Watched } from './harness';

/**
 * "You are both TCPs" in Chromium: a learner plays the seed capture's handshake and teardown by hand on the page,
 * every state read from the page after every move. The expected numbers are the seed capture's (Linux's); the
 * expected states are RFC 9293's diagram.
 */

const SEED = {
  client: { ip: '192.168.1.63', port: 53198, isn: 481914174, window: 29200 },
  server: { ip: '192.168.1.64', port: 22, isn: 2737267460, window: 28960 },
};

let p: Playground;

async function states(page: Page): Promise<[string, string]> {
  return [(await page.textContent('[data-testid="client-state"]'))!, (await page.textContent('[data-testid="server-state"]'))!];
}

/** Do something on the page that makes one move, and wait until the page has drawn its answer. */
async function moving(page: Page, act: () => Promise<void>): Promise<void> {
  const before = Number((await page.getAttribute('main', 'data-settled')) ?? 0);
  await act();
  await page.waitForSelector(`main[data-settled="${before + 1}"]`);
}

/** What a learner does in the composer: choose the sender, set exactly these flags, type these fields, send. */
async function compose(page: Page, from: 'client' | 'server', flags: string[], fields: Record<string, string> = {}): Promise<void> {
  await page.selectOption('select[name=from]', from);
  for (const flag of ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG']) await page.setChecked(`input[name=flag-${flag}]`, flags.includes(flag));
  for (const [field, value] of Object.entries(fields)) await page.fill(`input[name=${field}]`, value);
  await moving(page, () => page.click('button[type=submit]'));
}

/** A manual session of the seed capture's hosts, opened on the page through a link to it, as a learner gets it. */
async function openSeedSession(): Promise<{ id: string; page: Page; watched: Watched; token: string }> {
  const id: string = (await p.api('POST', '/v1/sessions', { mode: 'manual', ...SEED })).body['id'];
  const link = await mintLink(p, { target: 'session', id });
  const watched = await openPage(p);
  await watched.page.goto(link.url);
  await watched.page.waitForSelector('[data-testid="client-state"]');
  return { id, page: watched.page, watched, token: link.token };
}

async function call(page: Page, side: 'client' | 'server', name: string): Promise<void> {
  await moving(page, () => page.click(`[data-call="${side}-${name}"]`));
}

describeInChromium('the seed handshake and teardown, played by hand', () => {
  beforeAll(async () => {
    p = await startPlayground();
  });

  afterAll(async () => {
    await p?.close();
  });

  it('a wrong ack on the SYN,ACK is refused at the ack field with 481914175 and the reason, changes nothing, and the corrected move goes through', async () => {
    const { id, page, watched: w, token } = await openSeedSession();
    expect(new URL(page.url()).pathname).toBe(`/play/${id}`);
    expect(page.url()).not.toContain(token);
    expect(await states(page)).toEqual(['CLOSED', 'CLOSED']);

    await call(page, 'server', 'listen');
    expect(await states(page)).toEqual(['CLOSED', 'LISTEN']);
    await compose(page, 'client', ['SYN']);
    expect(await states(page)).toEqual(['SYN_SENT', 'SYN_RECEIVED']);

    // The second handshake with the client's ISN itself as the ack: refused.
    const before = await p.api('GET', `/v1/sessions/${id}`);
    await compose(page, 'server', ['SYN', 'ACK'], { ack: '481914174' });
    const error = page.locator('.field-error[data-field="ack"]');
    expect(await error.textContent()).toContain('481914175');
    expect(await error.textContent()).toContain("ack must be 481914175 = the client's ISN 481914174 + 1, because a SYN consumes one sequence number.");
    expect(await page.getAttribute('input[name=ack]', 'aria-invalid')).toBe('true');
    expect(await page.textContent('.refusal h3')).toBe('Refused — nothing changed');
    expect(await states(page)).toEqual(['SYN_SENT', 'SYN_RECEIVED']);
    const after = await p.api('GET', `/v1/sessions/${id}`);
    expect(after.body['version']).toBe(before.body['version']);

    // Corrected at the field the refusal named: the move goes through and the refusal is gone.
    await compose(page, 'server', ['SYN', 'ACK'], { ack: '481914175' });
    expect(await page.locator('.refusal').count()).toBe(0);
    expect(await states(page)).toEqual(['ESTABLISHED', 'SYN_RECEIVED']);
    await compose(page, 'client', ['ACK']);
    expect(await states(page)).toEqual(['ESTABLISHED', 'ESTABLISHED']);

    // The four-way teardown, the client closing first.
    await compose(page, 'client', ['FIN', 'ACK']);
    expect(await states(page)).toEqual(['FIN_WAIT_1', 'CLOSE_WAIT']);
    await compose(page, 'server', ['ACK']);
    expect(await states(page)).toEqual(['FIN_WAIT_2', 'CLOSE_WAIT']);
    await compose(page, 'server', ['FIN', 'ACK']);
    expect(await states(page)).toEqual(['TIME_WAIT', 'LAST_ACK']);
    await compose(page, 'client', ['ACK']);
    expect(await states(page)).toEqual(['TIME_WAIT', 'CLOSED']);
    await moving(page, () => page.getByRole('button', { name: /To the next timer/ }).click());
    expect(await states(page)).toEqual(['CLOSED', 'CLOSED']);
    expect(await page.textContent('[data-testid="clock"]')).toBe('Simulated time: 60000 ms');

    // The page's text alternative lists the wire as tcpdump prints it; the API's trace has the same lines.
    const trace = await fetch(`${p.service.url}/v1/sessions/${id}/trace?format=json`, { headers: { authorization: `Bearer ${p.key}` } }).then((r) => r.json() as Promise<{ segments: Array<{ tcpdump: string }> }>);
    await page.click('.alt summary');
    await page.waitForSelector('.alt .tcpdump li');
    const shown = await page.locator('.alt .tcpdump li').allTextContents();
    expect(shown).toEqual(trace.segments.map((s) => s.tcpdump));
    expect(shown[1]).toMatch(/^IP 192\.168\.1\.64\.22 > 192\.168\.1\.63\.53198: Flags \[S\.\], seq 2737267460, ack 481914175, win 28960, /);

    expectClean(w, [`422 POST /v1/sessions/${id}/send`]);
    await w.context.close();
  });

  it('a click on an arrow opens the segment inspector with every field, its meaning and the tcpdump line', async () => {
    const { page, watched: w } = await openSeedSession();
    await call(page, 'server', 'listen');
    await compose(page, 'client', ['SYN']);
    await page.click('g.arrow[data-segment="1"] text.label');
    const inspector = page.locator('.inspector');
    expect(await inspector.locator('h2').textContent()).toBe('Segment 1: Client → Server');
    expect(await inspector.locator('tr[data-field="seq"] .value').textContent()).toBe('481914174');
    expect(await inspector.locator('tr[data-field="flags"] .value').textContent()).toBe('SYN');
    expect(await inspector.locator('tr[data-field="window"] .value').textContent()).toBe('29200');
    expect(await inspector.locator('tr[data-field="seq"] .rfc').textContent()).toBe('RFC 9293 §3.1, §3.4');
    expect(await inspector.locator('pre.tcpdump').textContent()).toMatch(/^IP 192\.168\.1\.63\.53198 > 192\.168\.1\.64\.22: Flags \[S\], seq 481914174, win 29200/);
    expectClean(w);
    await w.context.close();
  });
});
