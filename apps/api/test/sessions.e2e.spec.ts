import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type request from 'supertest';
import { DataSource } from 'typeorm';
import {
  C_ISS,
  S_ISS,
  UUID_RE,
  allPages,
  call,
  createSession,
  expectBadFields,
  expectProblem,
  getSession,
  manualSessionAt,
  send,
  withoutTs,
  type Http,
} from './e2e-helpers';
import { SEED_ENDPOINTS, startApp } from './harness';

/**
 * Every route of the API, its success and its error answers, against the
 * real app on the run's real PostgreSQL. A session keeps at most 5 segments
 * in this file (MAX_SEGMENTS_PER_SESSION), so that 409 "history full" is
 * reachable in a few steps; every other test stays within that.
 */
const MAX_SEGMENTS = 5;

let app: NestFastifyApplication;
let http: Http;
const previousMax = process.env['MAX_SEGMENTS_PER_SESSION'];

beforeAll(async () => {
  process.env['MAX_SEGMENTS_PER_SESSION'] = String(MAX_SEGMENTS);
  ({ app, http } = await startApp());
});

afterAll(async () => {
  await app.close();
  if (previousMax === undefined) delete process.env['MAX_SEGMENTS_PER_SESSION'];
  else process.env['MAX_SEGMENTS_PER_SESSION'] = previousMax;
});

const MISSING = randomUUID();

/** Routes that act on one session, with a body each accepts. */
const STEP_ROUTES: Array<{ method: 'post' | 'put'; path: string; body: object }> = [
  { method: 'post', path: 'calls', body: { endpoint: 'server', call: 'listen' } },
  { method: 'post', path: 'send', body: { from: 'client', flags: ['SYN'] } },
  { method: 'post', path: 'inject', body: { to: 'server', flags: ['SYN'], seq: 1000 } },
  { method: 'put', path: 'network', body: { auto_deliver: false } },
  { method: 'post', path: 'deliver', body: { segment_id: 1, action: 'deliver' } },
  { method: 'post', path: 'advance', body: { ms: 1000 } },
];

function stepRequest(method: 'post' | 'put', url: string): request.Test {
  return method === 'post' ? http().post(url) : http().put(url);
}

// ---------------------------------------------------------------- POST /v1/sessions

describe('POST /v1/sessions', () => {
  it('creates a session with the given options: 201, Location, ETag "1", and the options in the body', async () => {
    const res = await http()
      .post('/v1/sessions')
      .send({
        mode: 'manual',
        profile: 'rfc793',
        msl_ms: 1000,
        rto_ms: 200,
        seed: 7,
        client: { ...SEED_ENDPOINTS.client, mss: 1400, wscale: 6 },
        server: SEED_ENDPOINTS.server,
      })
      .expect(201);
    const id = res.body.id as string;
    expect(id).toMatch(UUID_RE);
    expect(res.headers['location']).toBe(`/v1/sessions/${id}`);
    expect(res.headers['etag']).toBe('"1"');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      id,
      version: 1,
      mode: 'manual',
      profile: 'rfc793',
      clock_ms: 0,
      msl_ms: 1000,
      client: { ip: '192.168.1.63', port: 53198, state: 'CLOSED', tcb: null, timers: [] },
      server: { ip: '192.168.1.64', port: 22, state: 'CLOSED', tcb: null, timers: [] },
      network: { auto_deliver: true, loss_rate: 0 },
      in_flight: [],
      owed: [],
      scenario: null,
      link_id: null,
      learner_id: null,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const fetched = await http().get(res.headers['location']!).expect(200);
    expect(fetched.body).toEqual(res.body);
  });

  it('without a body uses the defaults: auto mode, rfc9293, MSL 30 s, 10.0.0.1:49152 → 10.0.0.2:80', async () => {
    const res = await http().post('/v1/sessions').expect(201);
    expect(res.body).toMatchObject({
      version: 1,
      mode: 'auto',
      profile: 'rfc9293',
      msl_ms: 30000,
      client: { ip: '10.0.0.1', port: 49152, state: 'CLOSED' },
      server: { ip: '10.0.0.2', port: 80, state: 'CLOSED' },
      network: { auto_deliver: true, loss_rate: 0 },
    });
  });

  it("applies the endpoint options: the client's SYN carries the configured ISN, window, MSS and window scale", async () => {
    const id = await createSession(http, { client: { ...SEED_ENDPOINTS.client, mss: 1400, wscale: 6 }, server: SEED_ENDPOINTS.server });
    await call(http, id, { endpoint: 'server', call: 'listen' });
    const res = await call(http, id, { endpoint: 'client', call: 'connect' });
    expect(withoutTs(res.body.segments[0].tcpdump)).toBe(
      'IP 192.168.1.63.53198 > 192.168.1.64.22: Flags [S], seq 481914174, win 29200, options [mss 1400,sackOK,TS val * ecr *,nop,wscale 6], length 0',
    );
    expect(res.body.segments[0].options).toMatchObject({ mss: 1400, wscale: 6, sack_permitted: true });
  });

  it('400 names every invalid option (addresses, ports, 32-bit numbers, enums)', async () => {
    const res = await http()
      .post('/v1/sessions')
      .send({
        client: { ip: '300.1.1.1', port: 0, isn: 4294967296 },
        server: { port: 65536, window: -1, wscale: 15 },
        seed: -1,
        msl_ms: 0,
        profile: 'rfc1',
        mode: 'semi',
      });
    expectBadFields(res, ['client.ip', 'client.port', 'client.isn', 'server.port', 'server.window', 'server.wscale', 'seed', 'msl_ms', 'profile', 'mode']);
    expect(res.body.instance).toBe('/v1/sessions');
  });

  it('400 for unknown fields, top-level and nested', async () => {
    const res = await http().post('/v1/sessions').send({ colour: 'red', client: { speed: 9000 } });
    expectBadFields(res, ['colour', 'client.speed']);
  });

  it('400 for wrong types (a string for a number, a number for an enum, a string for an object)', async () => {
    const res = await http().post('/v1/sessions').send({ seed: '7', mode: 5, client: 'localhost', rto_ms: 1.5 });
    expectBadFields(res, ['seed', 'mode', 'client', 'rto_ms']);
  });

  it('400 when the JSON body is not an object', async () => {
    for (const body of ['"hello"', '[1,2]', '42']) {
      const res = await http().post('/v1/sessions').set('Content-Type', 'application/json').send(body);
      expectProblem(res, 400, 'VALIDATION_FAILED', '/v1/sessions');
    }
  });

  it('400 MALFORMED_JSON for a body that is not JSON', async () => {
    const res = await http().post('/v1/sessions').set('Content-Type', 'application/json').send('{"mode": "auto",');
    expectProblem(res, 400, 'MALFORMED_JSON', '/v1/sessions');
  });

  it('413 for a body over 64 KiB', async () => {
    const res = await http()
      .post('/v1/sessions')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ mode: 'auto', padding: 'x'.repeat(64 * 1024) }));
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE', '/v1/sessions');
  });

  it('415 for a text/plain body', async () => {
    const plain = await http().post('/v1/sessions').set('Content-Type', 'text/plain').send('mode=auto');
    expectProblem(plain, 415, 'UNSUPPORTED_MEDIA_TYPE', '/v1/sessions');
  });

  it('415 for an HTML-form body (application/x-www-form-urlencoded): JSON only', async () => {
    const form = await http().post('/v1/sessions').set('Content-Type', 'application/x-www-form-urlencoded').send('mode=manual');
    expectProblem(form, 415, 'UNSUPPORTED_MEDIA_TYPE', '/v1/sessions');
  });
});

// ---------------------------------------------------------------- GET /v1/sessions/:id

describe('GET /v1/sessions/:id', () => {
  it('200 with the session and its version as a strong ETag', async () => {
    const created = await http().post('/v1/sessions').send({ mode: 'manual' }).expect(201);
    const id = created.body.id as string;
    await call(http, id, { endpoint: 'server', call: 'listen' });
    const res = await http().get(`/v1/sessions/${id}`).expect(200);
    expect(res.headers['etag']).toBe('"2"');
    expect(res.body).toMatchObject({ id, version: 2, mode: 'manual', server: { state: 'LISTEN' }, client: { state: 'CLOSED' } });
    expect(res.body.created_at).toBe(created.body.created_at);
  });

  it('404 problem for an unknown id', async () => {
    const res = await http().get(`/v1/sessions/${MISSING}`);
    expectProblem(res, 404, 'SESSION_NOT_FOUND', `/v1/sessions/${MISSING}`);
  });

  it('404 problem (not 400 or 500) for an id that is not a UUID', async () => {
    for (const bad of ['not-a-uuid', '12345', 'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ']) {
      const res = await http().get(`/v1/sessions/${bad}`);
      expectProblem(res, 404, 'SESSION_NOT_FOUND', `/v1/sessions/${bad}`);
    }
  });

  it('405 with Allow for a method the resource does not support', async () => {
    const id = await createSession(http);
    const patch = await http().patch(`/v1/sessions/${id}`).send({ mode: 'auto' });
    expectProblem(patch, 405, 'METHOD_NOT_ALLOWED', `/v1/sessions/${id}`);
    expect(patch.headers['allow']).toBe('DELETE, GET');
    const post = await http().post(`/v1/sessions/${id}`).send({});
    expectProblem(post, 405, 'METHOD_NOT_ALLOWED');
    expect(post.headers['allow']).toBe('DELETE, GET');
  });
});

// ---------------------------------------------------------------- GET /v1/sessions

describe('GET /v1/sessions', () => {
  /**
   * A manual session of the seed connection in a simultaneous close: both FINs cross in flight, so both
   * endpoints are in CLOSING — a state no other suite leaves a session in, which lets ?state=CLOSING list
   * exactly this test's sessions while other suites create theirs concurrently. Five segments.
   */
  async function closingSession(): Promise<string> {
    const id = await manualSessionAt(http, 'established');
    await send(http, id, { from: 'client', flags: ['FIN', 'ACK'], network: 'hold' });
    await send(http, id, { from: 'server', flags: ['FIN', 'ACK'], network: 'hold' });
    await http().post(`/v1/sessions/${id}/deliver`).send({ segment_id: 4, action: 'deliver' }).expect(200);
    const last = await http().post(`/v1/sessions/${id}/deliver`).send({ segment_id: 5, action: 'deliver' }).expect(200);
    expect([last.body.session.client.state, last.body.session.server.state]).toEqual(['CLOSING', 'CLOSING']);
    return id;
  }

  it('pages newest first across several pages, each session exactly once', async () => {
    const mine: string[] = [];
    for (let i = 0; i < 5; i += 1) mine.push(await closingSession());
    const first = await http().get('/v1/sessions').query({ limit: 2, state: 'CLOSING' }).expect(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.next_cursor).toEqual(expect.any(String));

    const { items, pages } = await allPages<{ id: string; created_at: string }>(http, '/v1/sessions', { limit: 2, query: { state: 'CLOSING' } });
    expect(pages).toBeGreaterThanOrEqual(3);
    const ids = items.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Newest first: the five appear in reverse order of creation.
    expect(ids.filter((id) => mine.includes(id))).toEqual([...mine].reverse());
    const times = items.map((s) => Date.parse(s.created_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    // Unfiltered, across every session of the run, with pages of 50: still each once, newest first.
    const all = await allPages<{ id: string; created_at: string }>(http, '/v1/sessions', { limit: 50 });
    expect(new Set(all.items.map((s) => s.id)).size).toBe(all.items.length);
    const allTimes = all.items.map((s) => Date.parse(s.created_at));
    expect(allTimes).toEqual([...allTimes].sort((a, b) => b - a));
    expect(all.items.map((s) => s.id).filter((id) => mine.includes(id))).toEqual([...mine].reverse());
  });

  it('neither skips nor repeats sessions created within the same millisecond when a page ends between them', async () => {
    // Three sessions whose creation times share a millisecond but not a microsecond (PostgreSQL keeps microseconds),
    // as happens under concurrent load. They are set in the future so that they head the list.
    const ids = [await createSession(http), await createSession(http), await createSession(http)];
    const dataSource = app.get(DataSource);
    try {
      for (const [i, id] of ids.entries()) {
        await dataSource.query('UPDATE sessions SET created_at = $2 WHERE id = $1', [id, `2099-01-01T00:00:00.000${i + 1}00Z`]);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 4; page += 1) {
        const res: request.Response = await http()
          .get('/v1/sessions')
          .query(cursor ? { limit: 1, cursor } : { limit: 1 })
          .expect(200);
        seen.push(...res.body.items.map((s: { id: string }) => s.id));
        cursor = res.body.next_cursor;
        if (!cursor) break;
      }
      // Newest first: 2099-…000300, …000200, …000100.
      expect(seen.slice(0, 3)).toEqual([ids[2], ids[1], ids[0]]);
    } finally {
      for (const id of ids) await http().delete(`/v1/sessions/${id}`);
    }
  });

  it('?state= lists only sessions where either endpoint is in that state', async () => {
    const listening = await createSession(http);
    await call(http, listening, { endpoint: 'server', call: 'listen' });
    const closed = await createSession(http);
    const established = await createSession(http);
    await call(http, established, { endpoint: 'server', call: 'listen' });
    await call(http, established, { endpoint: 'client', call: 'connect' });

    const listen = await allPages<{ id: string; client: { state: string }; server: { state: string } }>(http, '/v1/sessions', {
      limit: 50,
      query: { state: 'LISTEN' },
    });
    for (const s of listen.items) expect([s.client.state, s.server.state]).toContain('LISTEN');
    const listenIds = listen.items.map((s) => s.id);
    expect(listenIds).toContain(listening);
    expect(listenIds).not.toContain(closed);
    expect(listenIds).not.toContain(established);

    const est = await allPages<{ id: string; client: { state: string }; server: { state: string } }>(http, '/v1/sessions', {
      limit: 50,
      query: { state: 'ESTABLISHED' },
    });
    for (const s of est.items) expect([s.client.state, s.server.state]).toContain('ESTABLISHED');
    expect(est.items.map((s) => s.id)).toContain(established);
    expect(est.items.map((s) => s.id)).not.toContain(listening);
  });

  it('400 for a bad limit, state, cursor or an unknown query parameter', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ limit: '0' }, 'limit'],
      [{ limit: '501' }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ limit: '2.5' }, 'limit'],
      [{ state: 'SLEEPING' }, 'state'],
      [{ cursor: 'not-a-cursor' }, 'cursor'],
      [{ colour: 'red' }, 'colour'],
    ];
    for (const [query, field] of cases) {
      const res = await http().get('/v1/sessions').query(query);
      expectBadFields(res, [field]);
    }
  });

  it('405 with Allow for PUT on the collection', async () => {
    const res = await http().put('/v1/sessions').send({});
    expectProblem(res, 405, 'METHOD_NOT_ALLOWED', '/v1/sessions');
    expect(res.headers['allow']).toBe('GET, POST');
  });
});

// ---------------------------------------------------------------- DELETE /v1/sessions/:id

describe('DELETE /v1/sessions/:id', () => {
  it('204 with no body; afterwards the session and its history are 404 everywhere', async () => {
    const id = await createSession(http);
    await call(http, id, { endpoint: 'server', call: 'listen' });
    const res = await http().delete(`/v1/sessions/${id}`).expect(204);
    expect(res.text).toBe('');
    expectProblem(await http().get(`/v1/sessions/${id}`), 404, 'SESSION_NOT_FOUND');
    expectProblem(await http().get(`/v1/sessions/${id}/events`), 404, 'SESSION_NOT_FOUND');
    expectProblem(await http().get(`/v1/sessions/${id}/segments`), 404, 'SESSION_NOT_FOUND');
    expectProblem(await http().post(`/v1/sessions/${id}/calls`).send({ endpoint: 'client', call: 'connect' }), 404, 'SESSION_NOT_FOUND');
    expectProblem(await http().delete(`/v1/sessions/${id}`), 404, 'SESSION_NOT_FOUND');
  });

  it('404 for an unknown id and for an id that is not a UUID', async () => {
    expectProblem(await http().delete(`/v1/sessions/${MISSING}`), 404, 'SESSION_NOT_FOUND', `/v1/sessions/${MISSING}`);
    expectProblem(await http().delete('/v1/sessions/nope'), 404, 'SESSION_NOT_FOUND', '/v1/sessions/nope');
  });
});

// ---------------------------------------------------------------- POST /v1/sessions/:id/calls

describe('POST /v1/sessions/:id/calls', () => {
  it('200 StepResult {session, events, segments} with the new ETag', async () => {
    const id = await createSession(http);
    const res = await http().post(`/v1/sessions/${id}/calls`).send({ endpoint: 'server', call: 'listen' }).expect(200);
    expect(res.headers['etag']).toBe('"2"');
    expect(res.body.session).toMatchObject({ id, version: 2, server: { state: 'LISTEN', tcb: null }, client: { state: 'CLOSED' } });
    expect(res.body.segments).toEqual([]);
    expect(res.body.events).toEqual([
      {
        at_ms: 0,
        endpoint: 'server',
        kind: 'transition',
        from_state: 'CLOSED',
        to_state: 'LISTEN',
        segment_id: null,
        code: 'OPEN_PASSIVE_TO_LISTEN',
        params: { port: 80 },
        rfc: 'RFC 9293 §3.10.1',
        message: expect.stringContaining('LISTEN'),
      },
    ]);
  });

  it('connect runs the whole handshake in auto mode; receive returns what arrived', async () => {
    const id = await createSession(http, SEED_ENDPOINTS);
    await call(http, id, { endpoint: 'server', call: 'listen' });
    const connect = await call(http, id, { endpoint: 'client', call: 'connect' });
    expect(connect.body.segments.map((s: { flags: string[] }) => s.flags)).toEqual([['SYN'], ['SYN', 'ACK'], ['ACK']]);
    expect(connect.body.session.client.tcb).toMatchObject({ iss: C_ISS, irs: S_ISS, snd_nxt: C_ISS + 1, rcv_nxt: S_ISS + 1 });
    await call(http, id, { endpoint: 'client', call: 'send', data: 'hello' });
    const received = await call(http, id, { endpoint: 'server', call: 'receive' });
    expect(received.body.received).toEqual({ length: 5, data: 'hello' });
    expect(received.body.segments).toEqual([]);
  });

  it('400 names every bad field (unknown call, endpoint, network action, types, unknown field)', async () => {
    const id = await createSession(http);
    const res = await http()
      .post(`/v1/sessions/${id}/calls`)
      .send({ endpoint: 'router', call: 'dance', data: 5, length: 0, network: 'teleport', push: 'yes', extra: true });
    expectBadFields(res, ['endpoint', 'call', 'data', 'length', 'network', 'push', 'extra']);
    expect(res.body.instance).toBe(`/v1/sessions/${id}/calls`);
  });

  it('422 CALL_REFUSED with the RFC error text for a call the state refuses; nothing changes', async () => {
    const id = await createSession(http);
    const res = await http().post(`/v1/sessions/${id}/calls`).send({ endpoint: 'client', call: 'close' });
    expectProblem(res, 422, 'CALL_REFUSED', `/v1/sessions/${id}/calls`);
    expect(res.body.rfc_text).toBe('error: connection does not exist');
    expect(res.body.detail).toContain('error: connection does not exist');
    expect((await getSession(http, id)).body.version).toBe(1);
  });

  it('409 HISTORY_FULL once the session would exceed MAX_SEGMENTS_PER_SESSION segments; nothing changes', async () => {
    const id = await createSession(http);
    await call(http, id, { endpoint: 'server', call: 'listen' });
    await call(http, id, { endpoint: 'client', call: 'connect' }); // 3 segments
    await call(http, id, { endpoint: 'client', call: 'send', data: 'a' }); // data + ACK: 5 segments, the maximum
    const before = await getSession(http, id);
    const res = await http().post(`/v1/sessions/${id}/calls`).send({ endpoint: 'client', call: 'send', data: 'b' });
    expectProblem(res, 409, 'HISTORY_FULL', `/v1/sessions/${id}/calls`);
    const after = await getSession(http, id);
    expect(after.body).toEqual(before.body);
    expect(after.headers['etag']).toBe(before.headers['etag']);
    // A step that puts nothing on the wire still goes through.
    await call(http, id, { endpoint: 'server', call: 'receive' });
  });

  it('404 for an unknown session; 405 with Allow for GET', async () => {
    expectProblem(await http().post(`/v1/sessions/${MISSING}/calls`).send({ endpoint: 'client', call: 'connect' }), 404, 'SESSION_NOT_FOUND');
    const id = await createSession(http);
    const res = await http().get(`/v1/sessions/${id}/calls`);
    expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers['allow']).toBe('POST');
  });
});

// ---------------------------------------------------------------- POST /v1/sessions/:id/send

describe('POST /v1/sessions/:id/send', () => {
  it('200: omitted seq and ack are filled with the values a conforming TCP uses', async () => {
    const id = await manualSessionAt(http, 'synReceived');
    const res = await http().post(`/v1/sessions/${id}/send`).send({ from: 'server', flags: ['SYN', 'ACK'] }).expect(200);
    expect(res.body.segments).toEqual([
      expect.objectContaining({ id: 2, from: 'server', to: 'client', flags: ['SYN', 'ACK'], seq: S_ISS, ack: C_ISS + 1, window: 28960, length: 0 }),
    ]);
    expect(res.body.session.client.state).toBe('ESTABLISHED');
  });

  it('network "hold" keeps the segment in flight until /deliver', async () => {
    const id = await manualSessionAt(http, 'listening');
    const res = await http().post(`/v1/sessions/${id}/send`).send({ from: 'client', flags: ['SYN'], network: 'hold' }).expect(200);
    expect(res.body.session.in_flight).toEqual([expect.objectContaining({ id: 1, flags: ['SYN'], seq: C_ISS })]);
    expect(res.body.session.server.state).toBe('LISTEN');
    expect(res.body.events.map((e: { code: string }) => e.code)).toEqual(['OPEN_ACTIVE_TO_SYN_SENT', 'SEGMENT_SENT', 'SEGMENT_HELD']);
  });

  it('422 SEGMENT_INVALID with violations and the expected segment for a wrong ack', async () => {
    const id = await manualSessionAt(http, 'synReceived');
    const res = await http().post(`/v1/sessions/${id}/send`).send({ from: 'server', flags: ['SYN', 'ACK'], ack: C_ISS });
    expectProblem(res, 422, 'SEGMENT_INVALID', `/v1/sessions/${id}/send`);
    expect(res.body.violations).toEqual([
      { field: 'ack', expected: C_ISS + 1, actual: C_ISS, code: 'ACK_MUST_BE_IRS_PLUS_ONE', reason: expect.stringContaining(String(C_ISS + 1)) },
    ]);
    expect(res.body.expected).toEqual({ flags: ['SYN', 'ACK'], seq: S_ISS, ack: C_ISS + 1, length: 0 });
  });

  it('400 for unknown flags, numbers outside 0…2^32−1, wrong types and unknown fields, each named', async () => {
    const id = await manualSessionAt(http, 'listening');
    const res = await http()
      .post(`/v1/sessions/${id}/send`)
      .send({ from: 'router', flags: ['SYN', 'XMAS'], seq: 4294967296, ack: -1, window: 65536, length: '21', urgent_pointer: 1.5, ttl: 64 });
    expectBadFields(res, ['from', 'flags', 'seq', 'ack', 'window', 'length', 'urgent_pointer', 'ttl']);
    const notArray = await http().post(`/v1/sessions/${id}/send`).send({ from: 'client', flags: 'SYN' });
    expectBadFields(notArray, ['flags']);
    const repeated = await http().post(`/v1/sessions/${id}/send`).send({ from: 'client', flags: ['SYN', 'SYN'] });
    expectBadFields(repeated, ['flags']);
    const missing = await http().post(`/v1/sessions/${id}/send`).send({ from: 'client' });
    expectBadFields(missing, ['flags']);
    const options = await http().post(`/v1/sessions/${id}/send`).send({ from: 'client', flags: ['SYN'], options: { mss: 70000, timestamp: { val: -1 } } });
    expectBadFields(options, ['options.mss', 'options.timestamp.val', 'options.timestamp.ecr']);
    expect((await getSession(http, id)).body.version).toBe(2);
  });

  it('400 names `length` when it disagrees with the payload', async () => {
    const id = await manualSessionAt(http, 'established');
    const res = await http().post(`/v1/sessions/${id}/send`).send({ from: 'client', flags: ['PSH', 'ACK'], payload: 'hello', length: 6 });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'length' })]);
  });

  it('413 for a body over 64 KiB and 415 for a non-JSON body', async () => {
    const id = await createSession(http, { mode: 'manual' });
    const big = await http()
      .post(`/v1/sessions/${id}/send`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ from: 'client', flags: ['ACK'], payload: 'x'.repeat(70 * 1024) }));
    expectProblem(big, 413, 'PAYLOAD_TOO_LARGE');
    const text = await http().post(`/v1/sessions/${id}/send`).set('Content-Type', 'text/plain').send('SYN');
    expectProblem(text, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
});

// ---------------------------------------------------------------- POST /v1/sessions/:id/inject

describe('POST /v1/sessions/:id/inject', () => {
  it('a forged RST at RCV.NXT resets an ESTABLISHED server (numbers default to what the peer would send)', async () => {
    const id = await createSession(http, SEED_ENDPOINTS);
    await call(http, id, { endpoint: 'server', call: 'listen' });
    await call(http, id, { endpoint: 'client', call: 'connect' });
    const res = await http().post(`/v1/sessions/${id}/inject`).send({ to: 'server', flags: ['RST'] }).expect(200);
    expect(res.body.segments.map((s: { tcpdump: string }) => s.tcpdump)).toEqual([
      'IP 192.168.1.63.53198 > 192.168.1.64.22: Flags [R], seq 481914175, win 229, length 0',
    ]);
    expect(res.body.events.map((e: { code: string }) => e.code)).toEqual([
      'SEGMENT_INJECTED',
      'SEGMENT_ARRIVED',
      'RST_RESETS_CONNECTION',
      'SIGNAL_CONNECTION_RESET',
    ]);
    expect(res.body.session.server.state).toBe('CLOSED');
    expect(res.body.session.client.state).toBe('ESTABLISHED');
  });

  it('an old SYN injected at a LISTEN server is answered, refused by the CLOSED client, and the server listens again', async () => {
    const id = await createSession(http, SEED_ENDPOINTS);
    await call(http, id, { endpoint: 'server', call: 'listen' });
    const res = await http().post(`/v1/sessions/${id}/inject`).send({ to: 'server', flags: ['SYN'], seq: 1000 }).expect(200);
    expect(res.body.segments.map((s: { tcpdump: string }) => s.tcpdump)).toEqual([
      'IP 192.168.1.63.53198 > 192.168.1.64.22: Flags [S], seq 1000, win 0, length 0',
      'IP 192.168.1.64.22 > 192.168.1.63.53198: Flags [S.], seq 2737267460, ack 1001, win 28960, options [mss 1460], length 0',
      'IP 192.168.1.63.53198 > 192.168.1.64.22: Flags [R], seq 1001, win 0, length 0',
    ]);
    expect(res.body.session.server.state).toBe('LISTEN');
    expect(res.body.events.map((e: { code: string }) => e.code)).toContain('RST_SYN_RECEIVED_TO_LISTEN');
  });

  it('400 for a bad target, unknown flags and out-of-range numbers', async () => {
    const id = await createSession(http);
    const res = await http().post(`/v1/sessions/${id}/inject`).send({ to: 'router', flags: ['FOO'], seq: -5, ack: 2 ** 32 });
    expectBadFields(res, ['to', 'flags', 'seq', 'ack']);
    expectProblem(await http().post(`/v1/sessions/${MISSING}/inject`).send({ to: 'server', flags: ['RST'] }), 404, 'SESSION_NOT_FOUND');
  });
});

// ---------------------------------------------------------------- PUT /v1/sessions/:id/network

describe('PUT /v1/sessions/:id/network', () => {
  it('200: sets auto_deliver and loss_rate, recorded as an event', async () => {
    const id = await createSession(http);
    const res = await http().put(`/v1/sessions/${id}/network`).send({ auto_deliver: false, loss_rate: 0.25 }).expect(200);
    expect(res.headers['etag']).toBe('"2"');
    expect(res.body.session.network).toEqual({ auto_deliver: false, loss_rate: 0.25 });
    expect(res.body.events).toEqual([
      expect.objectContaining({ endpoint: null, kind: 'network', code: 'NETWORK_CONFIGURED', params: { auto_deliver: false, loss_rate: 0.25 } }),
    ]);
    const partial = await http().put(`/v1/sessions/${id}/network`).send({ loss_rate: 0 }).expect(200);
    expect(partial.body.session.network).toEqual({ auto_deliver: false, loss_rate: 0 });
  });

  it('400 for a loss rate outside [0, 1] or a non-boolean auto_deliver', async () => {
    const id = await createSession(http);
    expectBadFields(await http().put(`/v1/sessions/${id}/network`).send({ loss_rate: 1.5 }), ['loss_rate']);
    expectBadFields(await http().put(`/v1/sessions/${id}/network`).send({ loss_rate: -0.1 }), ['loss_rate']);
    expectBadFields(await http().put(`/v1/sessions/${id}/network`).send({ auto_deliver: 'yes', loss_rate: '0' }), ['auto_deliver', 'loss_rate']);
  });

  it('404 for an unknown session; 405 with Allow for POST', async () => {
    expectProblem(await http().put(`/v1/sessions/${MISSING}/network`).send({ auto_deliver: true }), 404, 'SESSION_NOT_FOUND');
    const id = await createSession(http);
    const res = await http().post(`/v1/sessions/${id}/network`).send({ auto_deliver: true });
    expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers['allow']).toBe('PUT');
  });
});

// ---------------------------------------------------------------- POST /v1/sessions/:id/deliver

describe('POST /v1/sessions/:id/deliver', () => {
  async function heldSyn(): Promise<string> {
    const id = await createSession(http);
    await call(http, id, { endpoint: 'server', call: 'listen' });
    await call(http, id, { endpoint: 'client', call: 'connect', network: 'hold' });
    return id;
  }

  it('deliver: the held SYN arrives and the handshake completes', async () => {
    const id = await heldSyn();
    const res = await http().post(`/v1/sessions/${id}/deliver`).send({ segment_id: 1, action: 'deliver' }).expect(200);
    expect(res.body.session.in_flight).toEqual([]);
    expect(res.body.segments.map((s: { id: number }) => s.id)).toEqual([2, 3]);
    expect(res.body.session.client.state).toBe('ESTABLISHED');
    expect(res.body.session.server.state).toBe('ESTABLISHED');
  });

  it('duplicate: a copy arrives now and the original stays in flight', async () => {
    const id = await heldSyn();
    const res = await http().post(`/v1/sessions/${id}/deliver`).send({ segment_id: 1, action: 'duplicate' }).expect(200);
    expect(res.body.events[0]).toMatchObject({ code: 'SEGMENT_DUPLICATED', params: { original_id: 1, copy_id: 2 } });
    expect(res.body.session.in_flight.map((s: { id: number }) => s.id)).toEqual([1]);
    expect(res.body.session.server.state).toBe('ESTABLISHED');
  });

  it('drop: the segment leaves the network without arriving', async () => {
    const id = await heldSyn();
    const res = await http().post(`/v1/sessions/${id}/deliver`).send({ segment_id: 1, action: 'drop' }).expect(200);
    expect(res.body.events.map((e: { code: string }) => e.code)).toEqual(['SEGMENT_DROPPED']);
    expect(res.body.session.in_flight).toEqual([]);
    expect(res.body.session.server.state).toBe('LISTEN');
  });

  it('409 SEGMENT_NOT_IN_FLIGHT for a segment that is not (or no longer) in flight; nothing changes', async () => {
    const id = await heldSyn();
    const before = await getSession(http, id);
    expectProblem(await http().post(`/v1/sessions/${id}/deliver`).send({ segment_id: 99, action: 'deliver' }), 409, 'SEGMENT_NOT_IN_FLIGHT');
    expect((await getSession(http, id)).body).toEqual(before.body);
    await http().post(`/v1/sessions/${id}/deliver`).send({ segment_id: 1, action: 'drop' }).expect(200);
    expectProblem(await http().post(`/v1/sessions/${id}/deliver`).send({ segment_id: 1, action: 'deliver' }), 409, 'SEGMENT_NOT_IN_FLIGHT');
  });

  it('400 for an unknown action or a segment id that is not a positive integer', async () => {
    const id = await heldSyn();
    expectBadFields(await http().post(`/v1/sessions/${id}/deliver`).send({ segment_id: 0, action: 'teleport' }), ['segment_id', 'action']);
    expectBadFields(await http().post(`/v1/sessions/${id}/deliver`).send({ segment_id: '1', action: 'deliver' }), ['segment_id']);
    expectBadFields(await http().post(`/v1/sessions/${id}/deliver`).send({}), ['segment_id', 'action']);
  });
});

// ---------------------------------------------------------------- POST /v1/sessions/:id/advance

describe('POST /v1/sessions/:id/advance', () => {
  it('moves the clock and fires due timers in order: a lost SYN is retransmitted after the RTO', async () => {
    const id = await createSession(http, { rto_ms: 200, ...SEED_ENDPOINTS });
    await call(http, id, { endpoint: 'server', call: 'listen' });
    await call(http, id, { endpoint: 'client', call: 'connect', network: 'drop' });
    const early = await http().post(`/v1/sessions/${id}/advance`).send({ ms: 199 }).expect(200);
    expect(early.body.events).toEqual([]);
    expect(early.body.session.clock_ms).toBe(199);
    expect(early.body.session.client.timers).toEqual([{ kind: 'retransmission', due_ms: 200 }]);
    const due = await http().post(`/v1/sessions/${id}/advance`).send({ ms: 1 }).expect(200);
    expect(due.body.session.clock_ms).toBe(200);
    expect(due.body.events.slice(0, 2).map((e: { code: string }) => e.code)).toEqual(['RETRANSMISSION_TIMEOUT', 'SEGMENT_RETRANSMITTED']);
    expect(withoutTs(due.body.segments[0].tcpdump)).toBe(
      'IP 192.168.1.63.53198 > 192.168.1.64.22: Flags [S], seq 481914174, win 29200, options [mss 1460,sackOK,TS val * ecr *,nop,wscale 7], length 0',
    );
    expect(due.body.segments[0].sent_at_ms).toBe(200);
    expect(due.body.session.client.state).toBe('ESTABLISHED');
  });

  it('400 for a negative, fractional, too large or missing ms', async () => {
    const id = await createSession(http);
    for (const body of [{ ms: -1 }, { ms: 1.5 }, { ms: 31536000001 }, { ms: '10' }, {}]) {
      expectBadFields(await http().post(`/v1/sessions/${id}/advance`).send(body), ['ms']);
    }
    expectProblem(await http().post(`/v1/sessions/${MISSING}/advance`).send({ ms: 1 }), 404, 'SESSION_NOT_FOUND');
  });
});

// ---------------------------------------------------------------- history

describe('GET /v1/sessions/:id/events', () => {
  it('pages the whole history oldest first, exactly the events the steps returned', async () => {
    const id = await createSession(http);
    const steps = [
      await call(http, id, { endpoint: 'server', call: 'listen' }),
      await call(http, id, { endpoint: 'client', call: 'connect' }),
      await call(http, id, { endpoint: 'client', call: 'send', data: 'hi' }),
    ];
    const returned = steps.flatMap((s) => s.body.events);
    expect(returned.length).toBeGreaterThan(10);
    const { items, pages } = await allPages(http, `/v1/sessions/${id}/events`, { limit: 3 });
    expect(items).toEqual(returned);
    expect(pages).toBe(Math.ceil(returned.length / 3));
    const whole = await http().get(`/v1/sessions/${id}/events`).expect(200);
    expect(whole.body).toEqual({ items: returned, next_cursor: null });
  });

  it('400 for a limit outside 1…500; 404 for an unknown session', async () => {
    const id = await createSession(http);
    expectBadFields(await http().get(`/v1/sessions/${id}/events`).query({ limit: 0 }), ['limit']);
    expectBadFields(await http().get(`/v1/sessions/${id}/events`).query({ limit: 1000 }), ['limit']);
    expectProblem(await http().get(`/v1/sessions/${MISSING}/events`), 404, 'SESSION_NOT_FOUND');
  });

  it('400 for a cursor this API did not hand out (never silently restarts from the first event)', async () => {
    const id = await createSession(http);
    await call(http, id, { endpoint: 'server', call: 'listen' });
    // base64url of "abc" and of "-1", and a string that is not base64url at all.
    for (const cursor of ['YWJj', 'LTE', '!!']) {
      expectBadFields(await http().get(`/v1/sessions/${id}/events`).query({ cursor }), ['cursor']);
    }
  });
});

describe('GET /v1/sessions/:id/segments', () => {
  it('pages every segment that went on the wire, oldest first, with its tcpdump line', async () => {
    const id = await createSession(http, SEED_ENDPOINTS);
    await call(http, id, { endpoint: 'server', call: 'listen' });
    const connect = await call(http, id, { endpoint: 'client', call: 'connect' });
    const data = await call(http, id, { endpoint: 'client', call: 'send', data: 'hi' });
    const returned = [...connect.body.segments, ...data.body.segments];
    const { items, pages } = await allPages<{ id: number; tcpdump: string }>(http, `/v1/sessions/${id}/segments`, { limit: 2 });
    expect(items).toEqual(returned);
    expect(items.map((s) => s.id)).toEqual([1, 2, 3, 4, 5]);
    expect(pages).toBe(3);
    expect(withoutTs(items[3]!.tcpdump)).toBe(
      'IP 192.168.1.63.53198 > 192.168.1.64.22: Flags [P.], seq 481914175:481914177, ack 2737267461, win 229, options [nop,nop,TS val * ecr *], length 2',
    );
  });

  it('400 for a limit outside 1…500; 404 for an unknown session', async () => {
    const id = await createSession(http);
    expectBadFields(await http().get(`/v1/sessions/${id}/segments`).query({ limit: -1 }), ['limit']);
    expectBadFields(await http().get(`/v1/sessions/${id}/segments`).query({ limit: 501 }), ['limit']);
    expectProblem(await http().get(`/v1/sessions/${MISSING}/segments`), 404, 'SESSION_NOT_FOUND');
  });

  it('400 for a cursor this API did not hand out', async () => {
    const id = await createSession(http);
    for (const cursor of ['YWJj', 'LTE', '!!']) {
      expectBadFields(await http().get(`/v1/sessions/${id}/segments`).query({ cursor }), ['cursor']);
    }
  });
});

// ---------------------------------------------------------------- errors common to every step route

describe('every step route (calls, send, inject, network, deliver, advance)', () => {
  it('404 for an unknown session and for an id that is not a UUID', async () => {
    for (const route of STEP_ROUTES) {
      for (const id of [MISSING, 'nope']) {
        const url = `/v1/sessions/${id}/${route.path}`;
        expectProblem(await stepRequest(route.method, url).send(route.body), 404, 'SESSION_NOT_FOUND', url);
      }
    }
  });

  it('400 MALFORMED_JSON, 413 and 415 on each of them', async () => {
    const id = await createSession(http);
    for (const route of STEP_ROUTES) {
      const url = `/v1/sessions/${id}/${route.path}`;
      expectProblem(await stepRequest(route.method, url).set('Content-Type', 'application/json').send('{"ms": '), 400, 'MALFORMED_JSON', url);
      expectProblem(
        await stepRequest(route.method, url)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ ...route.body, padding: 'x'.repeat(65 * 1024) })),
        413,
        'PAYLOAD_TOO_LARGE',
        url,
      );
      expectProblem(await stepRequest(route.method, url).set('Content-Type', 'text/plain').send('hello'), 415, 'UNSUPPORTED_MEDIA_TYPE', url);
      expectBadFields(await stepRequest(route.method, url).send({ ...route.body, unexpected: 1 }), ['unexpected']);
    }
    expect((await getSession(http, id)).body.version).toBe(1);
  });

  it('415 for an HTML-form body on each of them; nothing changes', async () => {
    const id = await createSession(http);
    for (const route of STEP_ROUTES) {
      const url = `/v1/sessions/${id}/${route.path}`;
      const form = new URLSearchParams(Object.entries(route.body).map(([k, v]): [string, string] => [k, String(v)])).toString();
      const res = await stepRequest(route.method, url).set('Content-Type', 'application/x-www-form-urlencoded').send(form);
      expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE', url);
    }
    expect((await getSession(http, id)).headers['etag']).toBe('"1"');
  });

  it('412 VERSION_MISMATCH for a stale If-Match on each of them; nothing changes', async () => {
    const id = await createSession(http);
    for (const route of STEP_ROUTES) {
      const url = `/v1/sessions/${id}/${route.path}`;
      const res = await stepRequest(route.method, url).set('If-Match', '"7"').send(route.body);
      expectProblem(res, 412, 'VERSION_MISMATCH', url);
    }
    expect((await getSession(http, id)).headers['etag']).toBe('"1"');
  });
});

describe('unknown routes', () => {
  it('404 ROUTE_NOT_FOUND problem', async () => {
    expectProblem(await http().get('/v2/sessions'), 404, 'ROUTE_NOT_FOUND', '/v2/sessions');
    const id = await createSession(http);
    expectProblem(await http().post(`/v1/sessions/${id}/teleport`).send({}), 404, 'ROUTE_NOT_FOUND');
  });
});

// ---------------------------------------------------------------- health and documentation

describe('GET /health', () => {
  it('200: the service is up and reaches the database', async () => {
    const res = await http().get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('405 with Allow for POST', async () => {
    const res = await http().post('/health').send({});
    expectProblem(res, 405, 'METHOD_NOT_ALLOWED', '/health');
    expect(res.headers['allow']).toBe('GET');
  });
});

/** Every operation and the answers it must document: success first, then its problem responses. */
const DOCUMENTED: Record<string, string[]> = {
  'post /v1/sessions': ['201', '400', '413', '415', '422'],
  'get /v1/sessions': ['200', '400'],
  'get /v1/sessions/{id}': ['200', '404'],
  'delete /v1/sessions/{id}': ['204', '404'],
  'post /v1/sessions/{id}/calls': ['200', '400', '404', '409', '412', '413', '415', '422'],
  'post /v1/sessions/{id}/send': ['200', '400', '404', '409', '412', '413', '415', '422'],
  'post /v1/sessions/{id}/inject': ['200', '400', '404', '409', '412', '413', '415', '422'],
  'put /v1/sessions/{id}/network': ['200', '400', '404', '409', '412', '413', '415'],
  'post /v1/sessions/{id}/deliver': ['200', '400', '404', '409', '412', '413', '415', '422'],
  'post /v1/sessions/{id}/advance': ['200', '400', '404', '409', '412', '413', '415', '422'],
  'get /v1/sessions/{id}/events': ['200', '400', '404'],
  'get /v1/sessions/{id}/segments': ['200', '400', '404'],
  'get /health': ['200', '503'],
};

interface OpenApiOperation {
  responses: Record<string, { description?: string; content?: Record<string, { schema?: { $ref?: string } }> }>;
}

describe('GET /openapi.json', () => {
  let doc: { openapi: string; paths: Record<string, Record<string, OpenApiOperation>>; components: { schemas: Record<string, unknown> } };

  beforeAll(async () => {
    const res = await http().get('/openapi.json').expect(200);
    expect(res.headers['content-type']).toMatch(/json/);
    doc = res.body;
  });

  it('is an OpenAPI 3 document with the problem, session and step-result schemas', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['ProblemDto', 'ViolationDto', 'SessionDto', 'StepResultDto', 'CreateSessionDto', 'SendDto', 'CallDto']),
    );
  });

  it('documents every route with its success and error statuses, errors as ProblemDto', () => {
    for (const [operation, statuses] of Object.entries(DOCUMENTED)) {
      const [method, path] = operation.split(' ') as [string, string];
      const op = doc.paths[path]?.[method];
      expect({ operation, documented: op !== undefined }).toEqual({ operation, documented: true });
      expect({ operation, statuses: Object.keys(op!.responses).sort() }).toEqual({ operation, statuses: expect.arrayContaining(statuses) });
      for (const status of statuses.filter((s) => Number(s) >= 400 && s !== '503')) {
        const schemas = Object.values(op!.responses[status]!.content ?? {}).map((c) => c.schema?.$ref);
        expect({ operation, status, schemas }).toEqual({ operation, status, schemas: expect.arrayContaining(['#/components/schemas/ProblemDto']) });
      }
    }
  });

  it('declares the error responses as application/problem+json, the media type they are sent with', () => {
    for (const [operation, statuses] of Object.entries(DOCUMENTED)) {
      const [method, path] = operation.split(' ') as [string, string];
      const op = doc.paths[path]?.[method];
      for (const status of statuses.filter((s) => Number(s) >= 400 && s !== '503')) {
        expect({ operation, status, types: Object.keys(op?.responses[status]?.content ?? {}) }).toEqual({
          operation,
          status,
          types: expect.arrayContaining(['application/problem+json']),
        });
      }
    }
  });
});

describe('GET /docs', () => {
  it('serves the Swagger UI as HTML', async () => {
    const res = await http().get('/docs').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toMatch(/<html/i);
    expect(res.text).toMatch(/swagger/i);
  });
});
