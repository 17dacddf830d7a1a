import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { expectProblem } from './e2e-helpers';
import { startApp, type Tenant, type TestApp } from './harness';

/** Rate limits per key, security headers and CORS, on an app started with a small limit and one allowed origin. */

/** The admin key is limited too: startApp and the three tenants below take 8 of its 10. */
const LIMIT = 10;
const LMS = 'https://moodle.example.edu';
const overrides = { RATE_LIMIT: String(LIMIT), RATE_LIMIT_WINDOW_MS: '60000', CORS_ORIGINS: `${LMS}, https://canvas.example.edu` };
const previous = Object.fromEntries(Object.keys(overrides).map((k) => [k, process.env[k]]));

let t: TestApp;
let app: NestFastifyApplication;
let busy: Tenant;
let first: Tenant;
let second: Tenant;

beforeAll(async () => {
  Object.assign(process.env, overrides);
  t = await startApp();
  app = t.app;
  busy = await t.newTenant('busy school');
  first = await t.newTenant('first');
  second = await t.newTenant('second');
});

afterAll(async () => {
  await app.close();
  for (const [k, v] of Object.entries(previous)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('rate limits', () => {
  it(`a key gets ${LIMIT} requests per window across all routes, each with RateLimit headers; the next is a 429 problem+json with Retry-After`, async () => {
    for (let i = 0; i < LIMIT; i += 1) {
      const res = await busy.http().get(i % 2 === 0 ? '/v1/sessions' : '/v1/links');
      expect(res.status).toBe(200);
      expect({
        limit: res.headers['ratelimit-limit'],
        remaining: res.headers['ratelimit-remaining'],
        policy: res.headers['ratelimit-policy'],
      }).toEqual({ limit: String(LIMIT), remaining: String(LIMIT - i - 1), policy: `${LIMIT};w=60` });
      expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0);
    }
    const limited = await busy.http().post('/v1/sessions').send({});
    expectProblem(limited, 429, 'RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body.detail).toContain(`${LIMIT} requests per 60 s`);
    expect({ limit: limited.headers['ratelimit-limit'], remaining: limited.headers['ratelimit-remaining'] }).toEqual({ limit: String(LIMIT), remaining: '0' });
  });

  it(`requests without a valid key are limited per client address: after ${LIMIT} refusals, a 429 with Retry-After`, async () => {
    for (let i = 0; i < LIMIT; i += 1) {
      const res = await t.anonymous().get('/v1/sessions').set('Authorization', `Bearer tcpl_guess${i}`);
      expectProblem(res, 401, 'UNAUTHENTICATED');
    }
    const limited = await t.anonymous().get('/v1/sessions').set('Authorization', 'Bearer tcpl_one-more-guess');
    expectProblem(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // A good key from the same address still works: the next test's first request.
  });

  it("one key's limit does not touch another key's", async () => {
    for (let i = 0; i <= LIMIT; i += 1) await first.http().get('/v1/links');
    expect((await first.http().get('/v1/links')).status).toBe(429);
    const res = await second.http().get('/v1/links');
    expect(res.status).toBe(200);
    expect(res.headers['ratelimit-remaining']).toBe(String(LIMIT - 1));
  });
});

describe('security headers', () => {
  it('every answer, errors included, carries helmet headers and no X-Powered-By', async () => {
    for (const res of [await t.http().get('/v1/scenarios'), await t.anonymous().get('/v1/sessions'), await t.anonymous().get('/health/live')]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('no error answer holds a stack trace or SQL', async () => {
    const bad = [
      await t.http().post('/v1/sessions').set('content-type', 'application/json').send('{"client":'),
      await t.http().get('/v1/sessions/not-a-uuid'),
      await t.http().post('/v1/sessions').send({ seed: "1'; DROP TABLE sessions; --" }),
    ];
    for (const res of bad) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(res.body)).not.toMatch(/\bat \S+ \(|node_modules|SELECT |INSERT |\.ts:\d+/);
    }
  });
});

describe('bodies and URLs made to hurt', () => {
  it('a JSON body nested deeper than 32 levels is a 400 MALFORMED_JSON, before any code recurses into it', async () => {
    const deep = '['.repeat(5_000) + ']'.repeat(5_000);
    const res = await t.http().post('/v1/sessions').set('content-type', 'application/json').send(deep);
    expectProblem(res, 400, 'MALFORMED_JSON');
    expect(res.body.detail).toBe('The JSON body nests deeper than 32 levels.');
    const shallow = await t.http().post('/v1/sessions').send({ client: { ip: '10.0.0.1' } });
    expect(shallow.status).toBe(201);
  });

  it('a JSON string holding brackets does not count as nesting', async () => {
    const res = await t.http().post('/v1/sessions').send({ mode: 'manual', seed: 1, client: { ip: '10.0.0.1' }, server: { ip: '10.0.0.2' } });
    expect(res.status).toBe(201);
    const text = await t.http().post('/v1/captures').send({ text: '['.repeat(100) });
    expect(text.status).toBe(422);
  });

  it('a path segment longer than 100 characters is a 414 problem+json from the router', async () => {
    const res = await t.http().get(`/v1/sessions/${'1'.repeat(150)}`);
    expectProblem(res, 414, 'URI_TOO_LONG');
  });
});

describe('CORS', () => {
  it('a preflight from a configured LMS origin is allowed, with the headers the API needs', async () => {
    const res = await t
      .anonymous()
      .options('/v1/sessions')
      .set('Origin', LMS)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type, idempotency-key');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(LMS);
    expect(res.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(res.headers['access-control-allow-headers']).toMatch(/Idempotency-Key/);
  });

  it('an answer to a configured origin exposes ETag, Location and the rate-limit headers', async () => {
    const res = await t.http().post('/v1/sessions').set('Origin', LMS).send({});
    expect(res.status).toBe(201);
    expect(res.headers['access-control-allow-origin']).toBe(LMS);
    expect(res.headers['access-control-expose-headers']).toMatch(/ETag.*Location.*Retry-After.*RateLimit-Limit/);
  });

  it('another origin gets no CORS headers', async () => {
    const res = await t.http().get('/v1/scenarios').set('Origin', 'https://evil.example.com');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
