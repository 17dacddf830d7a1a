import { request as httpRequest } from 'node:http';
import { Client } from 'pg';
import { establishedSessions, provisionTenant, request, sleep, startService } from './harness';

/** A POST on a connection of its own, written at once. Status 0: the connection was cut. */
function postOnOwnConnection(url: string, key: string, path: string, body: unknown): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest(`${url}${path}`, { method: 'POST', agent: false, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(JSON.stringify(body));
  });
}

/**
 * SIGTERM: the requests in progress finish with their answers, new connections are refused, the process exits 0.
 * "In progress" is made certain: the test holds the session's row lock, so every request is inside the service,
 * waiting, when the signal comes; the lock is released only after it.
 */
it.each(['1', '2'])('SIGTERM with %s worker(s) and 64 requests in progress: all answered 200, later connections refused, exit 0', async (workers) => {
  const databaseUrl = process.env['DATABASE_URL']!;
  const service = await startService(databaseUrl, undefined, { WEB_CONCURRENCY: workers });
  // One connection holds the lock; another watches (pg_stat_activity is frozen inside a transaction).
  const db = new Client({ connectionString: databaseUrl });
  const watcher = new Client({ connectionString: databaseUrl });
  await Promise.all([db.connect(), watcher.connect()]);
  try {
    const tenant = await provisionTenant(service.url);
    const [session] = await establishedSessions(service.url, tenant.key, 1);
    const holder = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await db.query('BEGIN');
    await db.query('SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE', [session]);
    const statuses = Promise.all(
      Array.from({ length: 64 }, (_, i) => postOnOwnConnection(service.url, tenant.key, `/v1/sessions/${session}/calls`, { endpoint: 'client', call: 'send', data: `#${i}` })),
    );
    // Every pooled connection of every worker waits for the lock (the other requests wait for a connection).
    const blocked = 10 * Number(workers);
    for (let waited = 0; ; waited += 50) {
      // Waiting behind the holder, directly or behind another waiter (row locks queue on the tuple).
      const { rows } = await watcher.query(
        `WITH RECURSIVE waiting(pid) AS (
           SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))
           UNION SELECT a.pid FROM pg_stat_activity a JOIN waiting w ON w.pid = ANY(pg_blocking_pids(a.pid))
         ) SELECT count(*)::int AS n FROM waiting`,
        [holder],
      );
      if (rows[0].n >= blocked) break;
      if (waited > 15_000) throw new Error(`only ${rows[0].n} requests reached the lock`);
      await sleep(50);
    }
    await sleep(500);

    service.process.kill('SIGTERM');
    await sleep(300);
    const afterSigterm = await request(service.url, tenant.key, 'GET', '/health/live');
    await db.query('COMMIT');

    expect(await statuses).toEqual(Array(64).fill(200));
    expect(afterSigterm.status).toBe(0);
    expect(await service.exited).toBe(0);
  } finally {
    await Promise.all([db.end(), watcher.end()]);
    service.process.kill('SIGKILL');
  }
}, 60_000);
