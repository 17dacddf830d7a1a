import { readdirSync, readFileSync } from 'node:fs';
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

/** With worker processes, one that dies is replaced, and the others go on answering meanwhile. */
it('a worker killed with SIGKILL is replaced by the primary; the service answers throughout', async () => {
  const databaseUrl = process.env['DATABASE_URL']!;
  const service = await startService(databaseUrl, freePort(), { WEB_CONCURRENCY: '2' });
  try {
    const tenant = await provisionTenant(service.url);
    const sessions = await establishedSessions(service.url, tenant.key, 4);
    const before = workersOf(service.process.pid!);
    expect(before).toHaveLength(2);
    const traffic = load(() => [service.url], tenant.key, sessions, 8);
    await sleep(500);
    process.kill(before[0]!, 'SIGKILL');
    let after: number[] = [];
    for (let waited = 0; waited < 15_000; waited += 100) {
      after = workersOf(service.process.pid!);
      if (after.length === 2 && !after.includes(before[0]!)) break;
      await sleep(100);
    }
    await sleep(1_000);
    const sent = await traffic.stop();

    expect(after).toHaveLength(2);
    expect(after).not.toContain(before[0]);
    expect(after).toContain(before[1]);
    // Only requests on the killed worker's connections were cut; the rest were answered.
    expect(sent.filter((s) => s.answer.status === 200).length).toBeGreaterThan(sent.length / 2);
    expect(sent.every((s) => s.answer.status === 200 || s.answer.status === 0)).toBe(true);
    const consistency = await checkConsistency(databaseUrl, tenant.id, sent);
    expect(consistency).toEqual({ sessions: 4, diverged: [], gaps: [], lost: [], duplicates: [] });
  } finally {
    service.process.kill('SIGKILL');
    for (const pid of workersOf(service.process.pid!)) process.kill(pid, 'SIGKILL');
    await service.exited;
  }
}, 120_000);

/** The pids of a process's children (the cluster's workers), from /proc. */
function workersOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
      } catch {
        return false;
      }
    })
    .map(Number);
}
