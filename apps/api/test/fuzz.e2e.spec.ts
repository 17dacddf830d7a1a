import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { SessionsService } from '../src/sessions/sessions.service';
import { bodyOf, HOSTILE, type OpenApiDocument } from './fuzz/schema-arbitrary';
import { startApp, type TestApp } from './harness';

/**
 * At least 5,000 generated requests at the real app on the real PostgreSQL: bodies drawn from the OpenAPI
 * schemas (and broken on purpose), malformed JSON, wrong content types, huge numbers, unicode, oversized
 * bodies, random paths and methods, keys missing or wrong. None may get a 5xx; every error is problem+json;
 * afterwards every session's snapshot still equals the replay of its history.
 */

const RUNS = 5_000;
const SEED = 20261127;
const doc = JSON.parse(readFileSync(join(__dirname, '../../../openapi.json'), 'utf8')) as OpenApiDocument;

let t: TestApp;
let app: NestFastifyApplication;
let fastify: FastifyInstance;
let otherTenantSession: string;
/** The tenant the admin routes are fuzzed on (and may delete): not the one whose key the requests send. */
let adminTarget: string;
const sessionIds: string[] = [];
/** Sessions the run may delete; the ones above stay, so that the run keeps reaching the TCP logic. */
const disposableIds: string[] = [];

interface Fuzzed {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

beforeAll(async () => {
  t = await startApp();
  app = t.app;
  fastify = app.getHttpAdapter().getInstance();
  for (const body of [{ mode: 'manual' }, {}, { scenario: 'three-way-handshake' }, { mode: 'manual', seed: 7 }]) {
    const res = await t.http().post('/v1/sessions').send(body);
    expect(res.status).toBe(201);
    sessionIds.push(res.body.id);
  }
  for (let i = 0; i < 3; i += 1) disposableIds.push((await t.http().post('/v1/sessions').send({})).body.id);
  const other = await t.newTenant('someone else');
  otherTenantSession = (await other.http().post('/v1/sessions').send({})).body.id;
  adminTarget = (await t.newTenant('administered')).id;
});

afterAll(async () => {
  await app.close();
});

function operations(): Array<{ method: string; path: string; schema: unknown }> {
  const list = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      list.push({ method: method.toUpperCase(), path, schema: op.requestBody?.content['application/json']?.schema ?? null });
    }
  }
  return list;
}

const pathId = (): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...sessionIds), weight: 6 },
    fc.constant(otherTenantSession),
    fc.uuid().map(String),
    fc.constantFrom('not-a-uuid', '..%2F..%2Fetc%2Fpasswd', '%00', 'é', '1'.repeat(300), randomUUID().toUpperCase()),
  );

const authorization = (): fc.Arbitrary<Record<string, string>> =>
  fc.oneof(
    { arbitrary: fc.constant({ authorization: `Bearer ${t.tenant.key}` }), weight: 8 },
    fc.constant({ authorization: `Bearer ${process.env['ADMIN_API_KEY']}` }),
    fc.constant({}),
    fc.string({ maxLength: 60 }).map((s) => ({ authorization: `Bearer ${s.replace(/[\r\n]/g, '')}` })),
  );

const optionalHeaders = (): fc.Arbitrary<Record<string, string>> =>
  fc.record(
    {
      'accept-language': fc.oneof(fc.constantFrom('en', 'zh-CN', 'zh;q=0.9, en;q=0.1', '*', ''), fc.string({ maxLength: 30 })),
      'if-match': fc.oneof(fc.constantFrom('"1"', '"2"', '*', 'W/"1"'), fc.string({ maxLength: 20 })),
      'idempotency-key': fc.string({ minLength: 1, maxLength: 80 }),
    },
    { requiredKeys: [] },
  ).map((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(v).replace(/[\r\n]/g, '')])));

/** A request of the API's own shape: a documented route with a body from its schema (or a broken one). */
const documented = (): fc.Arbitrary<Fuzzed> =>
  fc.constantFrom(...operations()).chain((op) =>
    fc
      .record({
        id: op.method === 'DELETE' && op.path === '/v1/sessions/{id}' ? fc.oneof(fc.constantFrom(...disposableIds), fc.uuid().map(String)) : pathId(),
        tenantId: fc.oneof({ arbitrary: fc.constant(''), weight: 4 }, fc.uuid().map(String)),
        keyId: fc.uuid(),
        body: op.schema ? bodyOf(op.schema as never, doc) : fc.constant(undefined),
        query: fc.dictionary(fc.constantFrom('limit', 'cursor', 'state', 'format', 'numbering', 'lang'), fc.oneof(fc.string({ maxLength: 12 }), HOSTILE.map(String)), {
          maxKeys: 3,
        }),
        auth: authorization(),
        headers: optionalHeaders(),
      })
      .map(({ id, tenantId, keyId, body, query, auth, headers }) => {
        const pathParam = op.path.startsWith('/v1/admin') ? tenantId || adminTarget : id;
        const path = op.path.replace('{id}', encodeURIComponent(pathParam)).replace('{keyId}', keyId);
        const search = new URLSearchParams(query as Record<string, string>).toString();
        return {
          method: op.method,
          url: search ? `${path}?${search}` : path,
          headers: { ...auth, ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
        };
      }),
  );

/** Bytes no parser should choke on: malformed JSON, other media types, huge and deeply nested bodies. */
const hostileBody = (): fc.Arbitrary<Fuzzed> =>
  fc
    .record({
      route: fc.constantFrom('/v1/sessions', ...['calls', 'send', 'inject', 'advance', 'deliver'].map((r) => `/v1/sessions/{id}/${r}`), '/v1/captures', '/v1/admin/tenants'),
      id: pathId(),
      contentType: fc.constantFrom('application/json', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/vnd.tcpdump.pcap', ''),
      payload: fc.oneof(
        fc.constantFrom('{', '{"from":', '[1,2', 'null', '"text"', '123', '', '{"flags":["SYN"],"seq":1e999}', '{"__proto__":{"admin":true}}', '\u0000\u0001'),
        fc.string({ maxLength: 200 }),
        fc.constant(JSON.stringify({ text: 'x'.repeat(70 * 1024) })),
        fc.constant('['.repeat(5_000) + ']'.repeat(5_000)),
        fc.constant(`{"a":${'{"a":'.repeat(2_000)}1${'}'.repeat(2_001)}`),
      ),
      auth: authorization(),
    })
    .map(({ route, id, contentType, payload, auth }) => ({
      method: route.includes('network') ? 'PUT' : 'POST',
      url: route.replace('{id}', id),
      headers: { ...auth, ...(contentType ? { 'content-type': contentType } : {}) },
      payload,
    }));

/** Anything at all: unknown paths, odd methods, strange query strings. */
const randomRoute = (): fc.Arbitrary<Fuzzed> =>
  fc
    .record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
      segments: fc.array(fc.oneof(fc.constantFrom('v1', 'sessions', 'admin', 'tenants', 'keys', 'trace', 'health', 'docs', '..', '%2e%2e', ''), fc.webSegment()), {
        maxLength: 5,
      }),
      auth: authorization(),
    })
    .map(({ method, segments, auth }) => ({ method, url: `/${segments.join('/')}`, headers: auth }));

function checkAnswer(request: Fuzzed, res: LightMyRequestResponse): void {
  const where = `${request.method} ${request.url} → ${res.statusCode} ${res.body.slice(0, 300)}`;
  if (res.statusCode >= 500) throw new Error(`server error: ${where}`);
  if (/\bat \S+ \(|node_modules|\.ts:\d+|QueryFailedError|SELECT .* FROM/.test(res.body)) throw new Error(`internals leaked: ${where}`);
  if (res.statusCode >= 400 && request.method !== 'HEAD') {
    if (!String(res.headers['content-type']).startsWith('application/problem+json')) throw new Error(`not problem+json: ${where}`);
    const problem = JSON.parse(res.body) as Record<string, unknown>;
    for (const field of ['type', 'title', 'detail', 'code']) {
      if (typeof problem[field] !== 'string' || (problem[field] as string).length === 0) throw new Error(`problem without ${field}: ${where}`);
    }
    if (problem['status'] !== res.statusCode) throw new Error(`problem status differs: ${where}`);
  }
}

it(`${RUNS} generated requests: no 5xx, every error problem+json, and every session equals the replay of its history afterwards`, async () => {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(fc.oneof({ arbitrary: documented(), weight: 6 }, { arbitrary: hostileBody(), weight: 2 }, { arbitrary: randomRoute(), weight: 1 }), async (request) => {
      const res = await fastify.inject({ method: request.method as 'GET', url: request.url, headers: request.headers, ...(request.payload !== undefined ? { payload: request.payload } : {}) });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      checkAnswer(request, res);
    }),
    {
      numRuns: RUNS,
      seed: SEED,
      endOnFailure: true,
      // The failing request can hold a 70 KiB body: name the failure and how to replay it, not the whole value.
      reporter: (run) => {
        if (run.failed) throw new Error(`after ${run.numRuns} requests (seed ${run.seed}, path "${run.counterexamplePath}"): ${run.errorInstance instanceof Error ? run.errorInstance.message : String(run.errorInstance)}`);
      },
    },
  );
  // The run reached the API's logic, not only its gates: successes, validation errors and refused TCP moves.
  expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(RUNS);
  for (const status of [200, 201, 400, 401, 404, 422]) expect({ status, seen: (statuses.get(status) ?? 0) > 0 }).toEqual({ status, seen: true });

  const rows: Array<{ id: string; step_count: number }> = await app.get(DataSource).query(`SELECT id, step_count FROM sessions WHERE tenant_id = $1`, [
    t.tenant.id,
  ]);
  // Some sessions were changed by the run (a random DELETE may also have removed some).
  expect(rows.some((row) => row.step_count > 0)).toBe(true);
  for (const { id } of rows) {
    const { stored, replayed } = await app.get(SessionsService).replay(t.tenant.id, id);
    expect({ id, snapshot: stored }).toEqual({ id, snapshot: JSON.parse(JSON.stringify(replayed)) });
  }
}, 300_000);
