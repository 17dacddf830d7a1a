import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { SessionsService } from '../src/sessions/sessions.service';
import {
  C_ISS,
  S_ISS,
  allPages,
  call,
  createSession,
  expectProblem,
  getSession,
  manualSessionAt,
  type Http,
} from './e2e-helpers';
import { createApp } from '../src/app.factory';
import { SEED_ENDPOINTS, startApp } from './harness';

/**
 * Retries and races: Idempotency-Key, If-Match, 50 concurrent requests to one
 * session, and two processes on the same sessions. Each change is one
 * PostgreSQL transaction — a write conditional on the version it was computed
 * from, or, when that cannot go through, one that locks the session row — so
 * concurrent requests apply one after the other: no lost update, no gap or
 * repeat in the history, and the stored snapshot is always the replay of the
 * recorded inputs.
 */

let app: NestFastifyApplication;
let http: Http;
let tenantId: string;
/** A second instance of the service on the same database, as another process would be, with the same tenant's key. */
let other: NestFastifyApplication;
let otherHttp: Http;

beforeAll(async () => {
  let key: string;
  ({ app, http, tenant: { id: tenantId, key } } = await startApp());
  other = await createApp({ logger: false });
  otherHttp = () => request.agent(other.getHttpServer()).set('Authorization', `Bearer ${key}`);
});
afterAll(async () => {
  await other.close();
  await app.close();
});

interface Snapshot {
  etag: string | undefined;
  session: Record<string, unknown>;
  events: unknown[];
  segments: unknown[];
}

/** Everything observable about a session. */
async function observe(id: string): Promise<Snapshot> {
  const res = await getSession(http, id);
  return {
    etag: res.headers['etag'],
    session: res.body,
    events: (await allPages(http, `/v1/sessions/${id}/events`, { limit: 50 })).items,
    segments: (await allPages(http, `/v1/sessions/${id}/segments`, { limit: 50 })).items,
  };
}

async function expectReplayEqualsStored(id: string): Promise<void> {
  const { stored, replayed } = await app.get(SessionsService).replay(tenantId, id);
  expect(stored).toEqual(replayed);
}

function byVersion(responses: request.Response[]): request.Response[] {
  return [...responses].sort((a, b) => a.body.session.version - b.body.session.version);
}

// ---------------------------------------------------------------- Idempotency-Key

describe('Idempotency-Key', () => {
  it('POST /v1/sessions: a retry with the same key and body returns the stored 201 (same id, Location, ETag) and creates nothing', async () => {
    const key = randomUUID();
    // An MSL no other test uses, to count the sessions created with this body.
    const msl = 1_000_000 + Math.floor(Math.random() * 2_000_000);
    const body = { mode: 'manual', msl_ms: msl };
    const first = await http().post('/v1/sessions').set('Idempotency-Key', key).send(body).expect(201);
    const retry = await http().post('/v1/sessions').set('Idempotency-Key', key).send(body).expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['location']).toBe(first.headers['location']);
    expect(retry.headers['etag']).toBe(first.headers['etag']);
    const { items } = await allPages<{ msl_ms: number; id: string }>(http, '/v1/sessions', { limit: 500 });
    expect(items.filter((s) => s.msl_ms === msl).map((s) => s.id)).toEqual([first.body.id]);
  });

  /** Each POST route on a session, with a setup that leaves the session ready for it. */
  const ROUTES: Array<{ route: string; setup: () => Promise<string>; body: object; other: object }> = [
    {
      route: 'calls',
      setup: async () => createSession(http, SEED_ENDPOINTS),
      body: { endpoint: 'server', call: 'listen' },
      other: { endpoint: 'client', call: 'connect' },
    },
    {
      route: 'send',
      setup: () => manualSessionAt(http, 'synReceived'),
      body: { from: 'server', flags: ['SYN', 'ACK'] },
      other: { from: 'server', flags: ['SYN', 'ACK'], seq: S_ISS },
    },
    {
      route: 'inject',
      setup: async () => {
        const id = await createSession(http, SEED_ENDPOINTS);
        await call(http, id, { endpoint: 'server', call: 'listen' });
        return id;
      },
      body: { to: 'server', flags: ['SYN'], seq: 1000 },
      other: { to: 'server', flags: ['SYN'], seq: 2000 },
    },
    {
      route: 'deliver',
      setup: async () => {
        const id = await createSession(http, SEED_ENDPOINTS);
        await call(http, id, { endpoint: 'server', call: 'listen' });
        await call(http, id, { endpoint: 'client', call: 'connect', network: 'hold' });
        return id;
      },
      body: { segment_id: 1, action: 'deliver' },
      other: { segment_id: 1, action: 'drop' },
    },
    {
      route: 'advance',
      setup: async () => createSession(http),
      body: { ms: 1500 },
      other: { ms: 1501 },
    },
  ];

  it.each(ROUTES.map((r) => [r.route, r] as const))(
    'POST /v1/sessions/:id/%s: a retry returns the stored response; the version and the history do not move',
    async (_route, r) => {
      const id = await r.setup();
      const key = randomUUID();
      const url = `/v1/sessions/${id}/${r.route}`;
      const first = await http().post(url).set('Idempotency-Key', key).send(r.body).expect(200);
      const after = await observe(id);
      expect(after.session['version']).toBe(first.body.session.version);

      const retry = await http().post(url).set('Idempotency-Key', key).send(r.body).expect(200);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers['etag']).toBe(first.headers['etag']);
      expect(await observe(id)).toEqual(after);

      // The same key with another body: 422, and still nothing changes.
      const reused = await http().post(url).set('Idempotency-Key', key).send(r.other);
      expectProblem(reused, 422, 'IDEMPOTENCY_KEY_REUSED', url);
      expect(await observe(id)).toEqual(after);
      await expectReplayEqualsStored(id);
    },
  );

  it('the same key on another session or another route is a different request → 422', async () => {
    const a = await createSession(http);
    const b = await createSession(http);
    const key = randomUUID();
    await http().post(`/v1/sessions/${a}/advance`).set('Idempotency-Key', key).send({ ms: 10 }).expect(200);
    expectProblem(await http().post(`/v1/sessions/${b}/advance`).set('Idempotency-Key', key).send({ ms: 10 }), 422, 'IDEMPOTENCY_KEY_REUSED');
    expectProblem(await http().post('/v1/sessions').set('Idempotency-Key', key).send({}), 422, 'IDEMPOTENCY_KEY_REUSED');
    expect((await getSession(http, b)).body.version).toBe(1);
  });

  it('a refused request is not stored: after 422 the same key with a corrected body succeeds', async () => {
    const id = await manualSessionAt(http, 'synReceived');
    const key = randomUUID();
    const url = `/v1/sessions/${id}/send`;
    expectProblem(await http().post(url).set('Idempotency-Key', key).send({ from: 'server', flags: ['SYN', 'ACK'], ack: C_ISS }), 422, 'SEGMENT_INVALID');
    const ok = await http().post(url).set('Idempotency-Key', key).send({ from: 'server', flags: ['SYN', 'ACK'] }).expect(200);
    expect(ok.body.segments[0]).toMatchObject({ seq: S_ISS, ack: C_ISS + 1 });
  });

  it('10 concurrent requests with the same key and body: the step is applied once and all ten get the same answer', async () => {
    const id = await createSession(http, SEED_ENDPOINTS);
    await call(http, id, { endpoint: 'server', call: 'listen' });
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => http().post(`/v1/sessions/${id}/calls`).set('Idempotency-Key', key).send({ endpoint: 'client', call: 'connect' })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    for (const r of responses) expect(r.body).toEqual(responses[0]!.body);
    const now = await observe(id);
    expect(now.etag).toBe('"3"');
    expect(now.segments).toHaveLength(3);
    await expectReplayEqualsStored(id);
  });
});

// ---------------------------------------------------------------- If-Match

describe('If-Match', () => {
  it('the current ETag → 200 with the next one; the old ETag is then stale → 412 and nothing changes', async () => {
    const id = await createSession(http);
    const etag = (await getSession(http, id)).headers['etag']!;
    const ok = await http().post(`/v1/sessions/${id}/calls`).set('If-Match', etag).send({ endpoint: 'server', call: 'listen' }).expect(200);
    expect(ok.headers['etag']).toBe('"2"');
    const before = await observe(id);
    const stale = await http().post(`/v1/sessions/${id}/calls`).set('If-Match', etag).send({ endpoint: 'client', call: 'connect' });
    expectProblem(stale, 412, 'VERSION_MISMATCH', `/v1/sessions/${id}/calls`);
    expect(await observe(id)).toEqual(before);
  });

  it('"*" and a list that contains the current ETag match', async () => {
    const id = await createSession(http);
    await http().post(`/v1/sessions/${id}/advance`).set('If-Match', '*').send({ ms: 1 }).expect(200);
    await http().post(`/v1/sessions/${id}/advance`).set('If-Match', '"1", "2"').send({ ms: 1 }).expect(200);
    expect((await getSession(http, id)).headers['etag']).toBe('"3"');
  });

  it('a weak ETag never matches: If-Match uses the strong comparison (RFC 9110 §13.1.1) → 412', async () => {
    const id = await createSession(http);
    const res = await http().post(`/v1/sessions/${id}/advance`).set('If-Match', 'W/"1"').send({ ms: 1 });
    expectProblem(res, 412, 'VERSION_MISMATCH');
    expect((await getSession(http, id)).headers['etag']).toBe('"1"');
  });

  it('50 concurrent requests with the same If-Match: exactly one 200, 49 × 412', async () => {
    const id = await createSession(http);
    const etag = (await getSession(http, id)).headers['etag']!;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => http().post(`/v1/sessions/${id}/advance`).set('If-Match', etag).send({ ms: i + 1 })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(49).fill(412)]);
    for (const r of responses.filter((x) => x.status === 412)) expectProblem(r, 412, 'VERSION_MISMATCH');
    const winner = responses.find((r) => r.status === 200)!;
    const now = await getSession(http, id);
    expect(now.headers['etag']).toBe('"2"');
    expect(now.body.clock_ms).toBe(winner.body.session.clock_ms);
    await expectReplayEqualsStored(id);
  });
});

// ---------------------------------------------------------------- 50 concurrent requests to one session

describe('50 concurrent requests to one session', () => {
  it('auto mode, 50 × calls send of 10 octets on an ESTABLISHED session: all 200, version +50, 500 octets received in commit order, history contiguous, snapshot = replay', async () => {
    const id = await createSession(http, SEED_ENDPOINTS);
    await call(http, id, { endpoint: 'server', call: 'listen' });
    await call(http, id, { endpoint: 'client', call: 'connect' });
    const before = await observe(id);
    const start = before.session['version'] as number;
    expect(before.session).toMatchObject({ client: { state: 'ESTABLISHED' }, server: { state: 'ESTABLISHED' } });

    const data = Array.from({ length: 50 }, (_, i) => `msg-${String(i).padStart(2, '0')}----`);
    for (const d of data) expect(Buffer.byteLength(d)).toBe(10);
    const responses = await Promise.all(data.map((d) => http().post(`/v1/sessions/${id}/calls`).send({ endpoint: 'client', call: 'send', data: d })));

    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    const ordered = byVersion(responses);
    // Every version from start+1 to start+50 exactly once: each request saw the previous one's result.
    expect(ordered.map((r) => r.body.session.version)).toEqual(Array.from({ length: 50 }, (_, i) => start + 1 + i));
    for (const r of ordered) expect(r.headers['etag']).toBe(`"${r.body.session.version}"`);
    // In commit order, each send went out at SND.NXT = ISS + 1 + 10 × (octets before it).
    ordered.forEach((r, i) => {
      expect(r.body.segments[0]).toMatchObject({ from: 'client', seq: C_ISS + 1 + 10 * i, length: 10 });
      expect(r.body.segments[1]).toMatchObject({ from: 'server', flags: ['ACK'], ack: C_ISS + 1 + 10 * (i + 1) });
    });

    const after = await observe(id);
    expect(after.session['version']).toBe(start + 50);
    expect(after.etag).toBe(`"${start + 50}"`);
    expect(after.session).toMatchObject({
      client: { state: 'ESTABLISHED', tcb: { snd_una: C_ISS + 1 + 500, snd_nxt: C_ISS + 1 + 500 } },
      server: { state: 'ESTABLISHED', tcb: { rcv_nxt: C_ISS + 1 + 500 } },
    });
    // The history is contiguous: what was there, then each step's events and segments in commit order, each once.
    expect(after.events).toEqual([...before.events, ...ordered.flatMap((r) => r.body.events)]);
    expect(after.segments).toEqual([...before.segments, ...ordered.flatMap((r) => r.body.segments)]);
    expect((after.segments as Array<{ id: number }>).map((s) => s.id)).toEqual(Array.from({ length: 3 + 100 }, (_, i) => i + 1));
    // Paged with a size that cuts through steps, the events are still each there once, in order.
    expect((await allPages(http, `/v1/sessions/${id}/events`, { limit: 7 })).items).toEqual(after.events);
    await expectReplayEqualsStored(id);

    // The server received the 500 octets, in the order the sends were applied.
    const received = await call(http, id, { endpoint: 'server', call: 'receive' });
    expect(received.body.received).toEqual({ length: 500, data: ordered.map((r) => r.body.segments[0].payload).join('') });
    expect(ordered.map((r) => r.body.segments[0].payload).sort()).toEqual([...data].sort());
  });

  it('manual mode, 50 × send of the owed SYN,ACK: exactly one accepted, 49 × 422; history exactly once, snapshot = replay', async () => {
    const id = await manualSessionAt(http, 'synReceived');
    const before = await observe(id);
    const start = before.session['version'] as number;
    expect(before.session['owed']).toEqual([expect.objectContaining({ endpoint: 'server', flags: ['SYN', 'ACK'], seq: S_ISS, ack: C_ISS + 1 })]);

    const responses = await Promise.all(
      Array.from({ length: 50 }, () => http().post(`/v1/sessions/${id}/send`).send({ from: 'server', flags: ['SYN', 'ACK'] })),
    );
    const accepted = byVersion(responses.filter((r) => r.status === 200));
    const refused = responses.filter((r) => r.status !== 200);
    for (const r of refused) {
      expectProblem(r, 422, 'SEGMENT_INVALID');
      expect(r.body.violations.length).toBeGreaterThan(0);
    }

    // Whatever was accepted is in the history exactly once, in commit order, and the snapshot is its replay.
    const after = await observe(id);
    expect(after.session['version']).toBe(start + accepted.length);
    expect(after.events).toEqual([...before.events, ...accepted.flatMap((r) => r.body.events)]);
    expect(after.segments).toEqual([...before.segments, ...accepted.flatMap((r) => r.body.segments)]);
    expect((await allPages(http, `/v1/sessions/${id}/events`, { limit: 4 })).items).toEqual(after.events);
    await expectReplayEqualsStored(id);

    // The SYN,ACK was owed once: once it is sent, sending it again at once is not what a conforming TCP does
    // (it retransmits only when its retransmission timer expires, RFC 9293 §3.8.1 / RFC 6298 §5).
    expect({ accepted: accepted.length, refused: refused.length }).toEqual({ accepted: 1, refused: 49 });
    expect(accepted[0]!.body.segments).toEqual([expect.objectContaining({ flags: ['SYN', 'ACK'], seq: S_ISS, ack: C_ISS + 1 })]);
    expect(after.session).toMatchObject({ version: start + 1, client: { state: 'ESTABLISHED' }, server: { state: 'SYN_RECEIVED' } });
  });
});

// ---------------------------------------------------------------- two processes

describe('two instances of the service on one database', () => {
  it('sends alternating between them: each is applied to the other\'s result (seq follows on, versions consecutive), history contiguous, snapshot = replay', async () => {
    const id = await createSession(http, SEED_ENDPOINTS);
    await call(http, id, { endpoint: 'server', call: 'listen' });
    await call(otherHttp, id, { endpoint: 'client', call: 'connect' });
    const start = (await getSession(http, id)).body.version as number;

    // Each instance changed the session last two requests ago: what it remembers of it is always one change old.
    const responses: request.Response[] = [];
    for (let i = 0; i < 10; i += 1) responses.push(await call(i % 2 === 0 ? http : otherHttp, id, { endpoint: 'client', call: 'send', data: `part-${i}----` }));

    responses.forEach((r, i) => {
      expect(r.body.session.version).toBe(start + 1 + i);
      expect(r.body.segments[0]).toMatchObject({ from: 'client', seq: C_ISS + 1 + 10 * i, length: 10 });
      expect(r.body.segments[1]).toMatchObject({ from: 'server', flags: ['ACK'], ack: C_ISS + 1 + 10 * (i + 1) });
    });
    const after = await observe(id);
    expect((after.segments as Array<{ id: number }>).map((s) => s.id)).toEqual(Array.from({ length: 3 + 20 }, (_, i) => i + 1));
    await expectReplayEqualsStored(id);
    const received = await call(otherHttp, id, { endpoint: 'server', call: 'receive' });
    expect(received.body.received).toEqual({ length: 100, data: responses.map((_, i) => `part-${i}----`).join('') });
  });

  it('50 concurrent sends, 25 through each: all 200, versions start+1 … start+50 each once, history contiguous, snapshot = replay', async () => {
    const id = await createSession(http, SEED_ENDPOINTS);
    await call(http, id, { endpoint: 'server', call: 'listen' });
    await call(http, id, { endpoint: 'client', call: 'connect' });
    await call(otherHttp, id, { endpoint: 'client', call: 'send', data: 'warm-up---' });
    const before = await observe(id);
    const start = before.session['version'] as number;

    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? http : otherHttp)().post(`/v1/sessions/${id}/calls`).send({ endpoint: 'client', call: 'send', data: `msg-${String(i).padStart(2, '0')}----` })),
    );

    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    const ordered = byVersion(responses);
    expect(ordered.map((r) => r.body.session.version)).toEqual(Array.from({ length: 50 }, (_, i) => start + 1 + i));
    ordered.forEach((r, i) => expect(r.body.segments[0]).toMatchObject({ seq: C_ISS + 1 + 10 * (i + 1), length: 10 }));
    const after = await observe(id);
    expect(after.events).toEqual([...before.events, ...ordered.flatMap((r) => r.body.events)]);
    expect(after.segments).toEqual([...before.segments, ...ordered.flatMap((r) => r.body.segments)]);
    await expectReplayEqualsStored(id);
  });

  it('a session deleted through one is gone for the other, which changed it last: 404 on its next step, nothing written', async () => {
    const id = await createSession(otherHttp, SEED_ENDPOINTS);
    await call(otherHttp, id, { endpoint: 'server', call: 'listen' });
    expect((await http().delete(`/v1/sessions/${id}`)).status).toBe(204);

    const res = await otherHttp().post(`/v1/sessions/${id}/calls`).send({ endpoint: 'client', call: 'connect' });
    expectProblem(res, 404, 'SESSION_NOT_FOUND');
    expect((await otherHttp().get(`/v1/sessions/${id}`)).status).toBe(404);
  });

  it('If-Match with the ETag one instance last answered, after the other moved the session on → 412 and nothing changes', async () => {
    const id = await createSession(http, SEED_ENDPOINTS);
    const listened = await call(http, id, { endpoint: 'server', call: 'listen' });
    await call(otherHttp, id, { endpoint: 'client', call: 'connect' });
    const before = await observe(id);

    const res = await http().post(`/v1/sessions/${id}/calls`).set('If-Match', listened.headers['etag']!).send({ endpoint: 'client', call: 'send', data: 'x' });
    expectProblem(res, 412, 'VERSION_MISMATCH');
    expect(await observe(id)).toEqual(before);
  });
});
