import { checkConsistency, establishedSessions, load, provisionTenant, sleep, startService } from './harness';

/** Two API processes on one database, both changing the same sessions at once: no lost update, no duplicate entry. */
it('two processes sending to the same sessions concurrently: every 2xx is a distinct version, the history has no gap and equals the snapshot', async () => {
  const databaseUrl = process.env['DATABASE_URL']!;
  const first = await startService(databaseUrl);
  const second = await startService(databaseUrl);
  try {
    const tenant = await provisionTenant(first.url);
    const sessions = await establishedSessions(first.url, tenant.key, 3);
    // 24 clients on 3 sessions, alternating between the processes: every session is contended from both.
    const traffic = load(() => [first.url, second.url], tenant.key, sessions, 24);
    await sleep(3_000);
    const sent = await traffic.stop();

    expect(sent.every((s) => s.answer.status === 200)).toBe(true);
    expect(sent.length).toBeGreaterThan(100);
    const consistency = await checkConsistency(databaseUrl, tenant.id, sent);
    expect(consistency).toEqual({ sessions: 3, diverged: [], gaps: [], lost: [], duplicates: [] });
    // No lost update: each session moved on by exactly the number of requests accepted for it.
    for (const session of sessions) {
      const accepted = sent.filter((s) => s.session === session);
      const versions = accepted.map((s) => s.answer.body['session']['version'] as number).sort((a, b) => a - b);
      expect(versions).toEqual(Array.from({ length: accepted.length }, (_, i) => versions[0]! + i));
    }
  } finally {
    for (const service of [first, second]) service.process.kill('SIGKILL');
    await Promise.all([first.exited, second.exited]);
  }
}, 120_000);
