import { request as httpRequest } from 'node:http';
import { establishedSessions, provisionTenant, request, sleep, startService } from './harness';

/** A POST on a connection of its own, written at once: it is at the server from the start. Status 0: cut. */
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

/** SIGTERM: the requests in progress finish with their answers, new ones are refused, and the process exits 0. */
it('SIGTERM during load: requests in progress are answered 200, later connections are refused, the process exits with 0', async () => {
  const service = await startService(process.env['DATABASE_URL']!);
  const tenant = await provisionTenant(service.url);
  const [session] = await establishedSessions(service.url, tenant.key, 1);
  let answered = 0;
  const inProgress = Array.from({ length: 64 }, (_, i) =>
    postOnOwnConnection(service.url, tenant.key, `/v1/sessions/${session}/calls`, { endpoint: 'client', call: 'send', data: `#${i}` }).then((status) => {
      answered += 1;
      return status;
    }),
  );
  // 64 requests on one session wait for each other on its row lock. Once a few are answered, the server has been
  // round its event loop many times: every connection is accepted, every request read and waiting for the lock.
  while (answered < 3) await sleep(2);
  await sleep(50);
  service.process.kill('SIGTERM');
  const unansweredAtSigterm = 64 - answered;
  await sleep(100);
  const afterSigterm = await request(service.url, tenant.key, 'GET', '/health/live');
  const statuses = await Promise.all(inProgress);
  const code = await service.exited;

  expect(unansweredAtSigterm).toBeGreaterThan(10);
  expect(statuses).toEqual(Array(64).fill(200));
  expect(afterSigterm.status).toBe(0);
  expect(code).toBe(0);
}, 60_000);
