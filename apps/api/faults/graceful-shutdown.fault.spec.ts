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

/** A transaction holding one session's row lock, and a way to count the requests waiting behind it. */
async function holdSessionLock(databaseUrl: string, session: string): Promise<{ waitFor: (count: number) => Promise<void>; release: () => Promise<void> }> {
  // One connection holds the lock; another watches (pg_stat_activity is frozen inside a transaction).
  const db = new Client({ connectionString: databaseUrl });
  const watcher = new Client({ connectionString: databaseUrl });
  await Promise.all([db.connect(), watcher.connect()]);
  const holder = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  await db.query('BEGIN');
  await db.query('SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE', [session]);
  let released = false;
  return {
    async waitFor(count) {
      for (let waited = 0; ; waited += 50) {
        // Waiting behind the holder, directly or behind another waiter (row locks queue on the tuple).
        const { rows } = await watcher.query(
          `WITH RECURSIVE waiting(pid) AS (
             SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))
             UNION SELECT a.pid FROM pg_stat_activity a JOIN waiting w ON w.pid = ANY(pg_blocking_pids(a.pid))
           ) SELECT count(*)::int AS n FROM waiting`,
          [holder],
        );
        if (rows[0].n >= count) return;
        if (waited > 15_000) throw new Error(`only ${rows[0].n} requests reached the lock`);
        await sleep(50);
      }
    },
    async release() {
      if (released) return;
      released = true;
      await db.query('COMMIT').catch(() => undefined);
      await Promise.all([db.end(), watcher.end()]);
    },
  };
}

/**
 * SIGTERM: the requests in progress finish with their answers, new connections are refused, the process exits 0.
 * "In progress" is made certain: the test holds the session's row lock, so every request is inside the service,
 * waiting, when the signal comes; the lock is released only after it.
 */
it.each(['1', '2'])('SIGTERM with %s worker(s) and 64 requests in progress: all answered 200, later connections refused, exit 0', async (workers) => {
  const databaseUrl = process.env['DATABASE_URL']!;
  const service = await startService(databaseUrl, undefined, { WEB_CONCURRENCY: workers });
  let lock: Awaited<ReturnType<typeof holdSessionLock>> | null = null;
  try {
    const tenant = await provisionTenant(service.url);
    const [session] = await establishedSessions(service.url, tenant.key, 1);
    lock = await holdSessionLock(databaseUrl, session!);
    const statuses = Promise.all(
      Array.from({ length: 64 }, (_, i) => postOnOwnConnection(service.url, tenant.key, `/v1/sessions/${session}/calls`, { endpoint: 'client', call: 'send', data: `#${i}` })),
    );
    // Every pooled connection of every worker waits for the lock (the other requests wait for a connection).
    await lock.waitFor(10 * Number(workers));
    await sleep(500);

    service.process.kill('SIGTERM');
    await sleep(300);
    const afterSigterm = await request(service.url, tenant.key, 'GET', '/health/live');
    await lock.release();

    expect(await statuses).toEqual(Array(64).fill(200));
    expect(afterSigterm.status).toBe(0);
    expect(await service.exited).toBe(0);
  } finally {
    await lock?.release();
    service.process.kill('SIGKILL');
  }
}, 60_000);

it('SIGTERM while requests whose clients have gone still wait for the database: they finish before the pool closes — no error logged, exit 0', async () => {
  const databaseUrl = process.env['DATABASE_URL']!;
  const output: string[] = [];
  const service = await startService(databaseUrl, undefined, { LOG_LEVEL: 'error' }, output);
  let lock: Awaited<ReturnType<typeof holdSessionLock>> | null = null;
  try {
    const tenant = await provisionTenant(service.url);
    const [session] = await establishedSessions(service.url, tenant.key, 1);
    lock = await holdSessionLock(databaseUrl, session!);
    // The clients hang up while their requests wait for the lock: the server has no connection left to wait for.
    const clients = Array.from({ length: 8 }, () =>
      httpRequest(`${service.url}/v1/sessions/${session}/calls`, { method: 'POST', agent: false, headers: { authorization: `Bearer ${tenant.key}`, 'content-type': 'application/json' } }),
    );
    clients.forEach((client, i) => {
      client.on('error', () => undefined);
      client.end(JSON.stringify({ endpoint: 'client', call: 'send', data: `#${i}` }));
    });
    await lock.waitFor(8);
    for (const client of clients) client.destroy();
    await sleep(300);

    service.process.kill('SIGTERM');
    await sleep(500);
    await lock.release();

    expect(await service.exited).toBe(0);
    // Each handler found the session moved on by the others and read it again: with the pool closed under it,
    // that read failed and was logged at level 50.
    expect(output.join('').split('\n').filter((line) => line.includes('"level":50'))).toEqual([]);
  } finally {
    await lock?.release();
    service.process.kill('SIGKILL');
  }
}, 60_000);
