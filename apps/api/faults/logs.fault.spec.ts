import { freePort, provisionTenant, request, sleep, startService } from './harness';

/** The service's own logs, as it writes them: a JSON line per request with its id, and never a key or a body. */
it('request logs carry a request id (the caller\'s X-Request-Id when sent), method, URL and status, and never an API key, the admin key or a body', async () => {
  const lines: string[] = [];
  const service = await startService(process.env['DATABASE_URL']!, freePort(), { LOG_LEVEL: 'info' }, lines);
  try {
    const tenant = await provisionTenant(service.url);
    const secretPayload = 'do-not-log-this-payload';
    const created = await request(service.url, tenant.key, 'POST', '/v1/sessions', {});
    await request(service.url, tenant.key, 'POST', `/v1/sessions/${created.body['id']}/calls`, { endpoint: 'client', call: 'send', data: secretPayload });
    await request(service.url, `tcpl_${'x'.repeat(43)}`, 'GET', '/v1/sessions');
    await fetch(`${service.url}/v1/sessions/${created.body['id']}`, { headers: { authorization: `Bearer ${tenant.key}`, 'x-request-id': 'lms-trace-4711' } });
    await sleep(300);
    const log = lines.join('');
    const entries = log
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { req?: { id: string; method: string; url: string }; res?: { statusCode: number } });
    const requests = entries.filter((e) => e.req && e.res);
    expect(requests.length).toBeGreaterThanOrEqual(5);
    for (const e of requests) expect(e.req).toEqual({ id: expect.any(String), method: expect.any(String), url: expect.any(String) });
    expect(requests.map((e) => e.res!.statusCode)).toEqual(expect.arrayContaining([201, 200, 401]));
    expect(requests.filter((e) => e.req!.id === 'lms-trace-4711').map((e) => e.req)).toEqual([{ id: 'lms-trace-4711', method: 'GET', url: `/v1/sessions/${created.body['id']}` }]);
    // Ids the service makes are UUIDs, a new one per request.
    const made = requests.map((e) => e.req!.id).filter((id) => id !== 'lms-trace-4711');
    for (const id of made) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(new Set(made).size).toBe(made.length);
    for (const secret of [tenant.key, process.env['ADMIN_API_KEY']!, secretPayload, 'authorization', 'Bearer']) expect(log).not.toContain(secret);
  } finally {
    service.process.kill('SIGKILL');
    await service.exited;
  }
}, 60_000);
