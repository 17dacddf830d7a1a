import { checkConsistency, establishedSessions, freePort, load, provisionTenant, sleep, startService } from './harness';

/** The API process killed with SIGKILL under load and started again: every session consistent, every 2xx kept. */
it('SIGKILL during load, then a restart: every session equals its replay and every request answered 2xx is in the history', async () => {
  const databaseUrl = process.env['DATABASE_URL']!;
  const port = freePort();
  let service = await startService(databaseUrl, port);
  const { url } = service;
  const tenant = await provisionTenant(url);
  const sessions = await establishedSessions(url, tenant.key, 8);
  const traffic = load(() => [url], tenant.key, sessions, 16);
  try {
    await sleep(1_500);
    service.process.kill('SIGKILL');
    expect(await service.exited).toBeNull();
    await sleep(500);
    service = await startService(databaseUrl, port);
    await sleep(1_000);
  } finally {
    const sent = await traffic.stop();
    service.process.kill('SIGKILL');
    await service.exited;

    const ok = sent.filter((s) => s.answer.status === 200);
    const cut = sent.filter((s) => s.answer.status === 0);
    // Requests were answered before the kill and after the restart, and some were cut by the kill.
    expect(cut.length).toBeGreaterThan(0);
    expect(ok.some((s) => s.at < cut[0]!.at)).toBe(true);
    expect(ok.some((s) => s.at > cut[cut.length - 1]!.at)).toBe(true);
    expect(sent.every((s) => s.answer.status === 200 || s.answer.status === 0)).toBe(true);

    const consistency = await checkConsistency(databaseUrl, tenant.id, sent);
    expect(consistency).toEqual({ sessions: 8, diverged: [], gaps: [], lost: [], duplicates: [] });
  }
}, 120_000);
