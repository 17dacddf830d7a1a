import { checkConsistency, establishedSessions, load, provisionTenant, request, sleep, startOwnPostgres, startService, type Service } from './harness';

/**
 * PostgreSQL stopped and started again under load: requests during the outage get a quick 503 problem+json with
 * Retry-After (no hang, no 500), /health says so, the service recovers by itself, and nothing is half-written.
 * This test runs a PostgreSQL of its own: it must not stop the one the other tests use.
 */
it('PostgreSQL stopped and restarted during load: 503 with Retry-After meanwhile, recovery without a restart, nothing half-written', async () => {
  const pg = await startOwnPostgres();
  let service: Service | null = null;
  try {
    service = await startService(pg.url);
    const url = service.url;
    const tenant = await provisionTenant(url);
    const sessions = await establishedSessions(url, tenant.key, 8);
    const traffic = load(() => [url], tenant.key, sessions, 8);
    await sleep(1_500);

    await pg.stop();
    const outageBegan = Date.now();
    await sleep(1_000);
    const healthDown = await request(url, tenant.key, 'GET', '/health');
    const duringOutage = await request(url, tenant.key, 'POST', `/v1/sessions/${sessions[0]}/calls`, { endpoint: 'client', call: 'send', data: 'x' });
    await sleep(1_500);
    await pg.start();
    const outageEnded = Date.now();

    let recoveredAfterMs = -1;
    for (let waited = 0; waited < 20_000; waited += 100) {
      if ((await request(url, tenant.key, 'GET', '/health')).status === 200) {
        recoveredAfterMs = Date.now() - outageEnded;
        break;
      }
      await sleep(100);
    }
    await sleep(1_500);
    const sent = await traffic.stop();

    // During the outage: 503 problem+json with Retry-After, answered at once.
    expect({ status: healthDown.status, type: healthDown.contentType }).toEqual({ status: 503, type: expect.stringMatching(/^application\/problem\+json/) });
    expect({ status: duringOutage.status, code: duringOutage.body['code'], retryAfter: duringOutage.retryAfter }).toEqual({
      status: 503,
      code: 'DATABASE_UNAVAILABLE',
      retryAfter: '5',
    });
    const inOutage = sent.filter((s) => s.answer.status === 503);
    expect(inOutage.length).toBeGreaterThan(0);
    for (const s of inOutage) {
      expect({ type: s.answer.contentType, retryAfter: s.answer.retryAfter }).toEqual({ type: expect.stringMatching(/^application\/problem\+json/), retryAfter: '5' });
      expect(s.answer.ms).toBeLessThan(5_000);
    }
    const statuses = new Set(sent.map((s) => s.answer.status));
    expect([...statuses].sort()).toEqual([200, 503]);

    // Recovery without a restart: /health is 200 again, and requests succeed after the outage.
    expect(recoveredAfterMs).toBeGreaterThanOrEqual(0);
    const lastOk = sent.filter((s) => s.answer.status === 200).at(-1)!;
    expect(lastOk.at).toBeGreaterThan(sent.find((s) => s.answer.status === 503)!.at);
    expect(outageEnded - outageBegan).toBeGreaterThan(2_000);

    // Nothing half-written: every session equals its replay, and every 200 is in the history.
    const consistency = await checkConsistency(pg.url, tenant.id, sent);
    expect(consistency).toEqual({ sessions: 8, diverged: [], gaps: [], lost: [], duplicates: [] });
  } finally {
    service?.process.kill('SIGKILL');
    await service?.exited;
    await pg.close();
  }
}, 120_000);
