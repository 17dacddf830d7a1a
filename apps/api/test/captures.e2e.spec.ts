import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type request from 'supertest';
import { SessionsService } from '../src/sessions/sessions.service';
import { allPages, expectBadFields, expectProblem, UUID_RE, withoutTs } from './e2e-helpers';
import { startApp } from './harness';

const FIXTURES = join(__dirname, '../../../libs/tcp-core/test/fixtures');
const SEED_TEXT = readFileSync(join(FIXTURES, 'seed-ssh-handshake.tcpdump-S.txt'), 'utf8');
const CURL_PCAP = readFileSync(join(FIXTURES, 'real/curl-http.pcap'));
const CURL_TEXT = readFileSync(join(FIXTURES, 'real/curl-http.tcpdump-n-S.txt'), 'utf8');

/**
 * tcpdump lines without the time column (the trace's clock is the simulator's), tcpdump 4.9's `ssh` as 22, and
 * without TS values: the simulator stamps the segments that occupy sequence space (SYN, data, FIN) with its own
 * timestamp clock, as the core's seed test also compares them.
 */
const packetLines = (text: string): string[] =>
  text
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => withoutTs(l.replace(/^\d{2}:\d{2}:\d{2}\.\d{6} /, '').replace(/\.ssh\b/g, '.22')));

interface ImportedSegment {
  index: number | null;
  from: string;
  flags: string[];
  seq: number;
  ack: number;
  length: number;
  role: string;
  states_before: { client: string | null; server: string | null };
  states_after: { client: string | null; server: string | null };
  anomalies: unknown[];
}

describe('POST /v1/captures', () => {
  let app: NestFastifyApplication;
  let http: () => request.Agent;
  let tenantId: string;

  beforeAll(async () => {
    ({ app, http, tenant: { id: tenantId } } = await startApp());
  });
  afterAll(() => app.close());

  const importCapture = (body: object): request.Test => http().post('/v1/captures').send(body);

  async function expectReplayEqualsSnapshot(id: string): Promise<void> {
    const { stored, replayed } = await app.get(SessionsService).replay(tenantId, id);
    expect(JSON.parse(JSON.stringify(replayed))).toEqual(stored);
  }

  describe('the seed capture as tcpdump -n -S text', () => {
    let res: request.Response;
    let segments: ImportedSegment[];
    let id: string;

    beforeAll(async () => {
      res = await importCapture({ text: SEED_TEXT });
      segments = res.body.connections?.[0]?.segments;
      id = res.body.connections?.[0]?.session_id;
    });

    it('answers 201 with one connection: the three handshakes and the two 21-octet pushes, no anomaly, both ESTABLISHED', () => {
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.format).toBe('tcpdump');
      expect(res.body.connections).toHaveLength(1);
      expect(res.body.skipped_packets).toEqual([]);
      expect(res.body.unparsed_lines).toEqual([]);
      const c = res.body.connections[0];
      expect(c.session_id).toMatch(UUID_RE);
      expect(c.client).toEqual({ ip: '192.168.1.63', port: 53198 });
      expect(c.server).toEqual({ ip: '192.168.1.64', port: 22 });
      expect(c.notes).toContain('states at the end of the capture: client ESTABLISHED, server ESTABLISHED');
      expect(segments.map((s) => [s.index, s.from, s.flags, s.role])).toEqual([
        [0, 'client', ['SYN'], '1st handshake (SYN)'],
        [1, 'server', ['SYN', 'ACK'], '2nd handshake (SYN,ACK)'],
        [2, 'client', ['ACK'], '3rd handshake (ACK)'],
        [3, 'client', ['PSH', 'ACK'], 'data'],
        [4, 'server', ['ACK'], 'ACK of data'],
        [5, 'server', ['PSH', 'ACK'], 'data'],
      ]);
      expect(segments.filter((s) => s.flags.includes('PSH')).map((s) => [s.seq, s.length])).toEqual([
        [481914175, 21],
        [2737267461, 21],
      ]);
      expect(segments.flatMap((s) => s.anomalies)).toEqual([]);
      expect(segments[0]!.states_before).toEqual({ client: 'CLOSED', server: 'LISTEN' });
      expect(segments[0]!.states_after).toEqual({ client: 'SYN_SENT', server: 'SYN_RECEIVED' });
      expect(segments[segments.length - 1]!.states_after).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' });
    });

    it('stores the connection as a manual-mode session: GET works, and a replay of its history equals the stored snapshot', async () => {
      const session = await http().get(`/v1/sessions/${id}`).expect(200);
      expect(session.body).toEqual(expect.objectContaining({ id, mode: 'manual' }));
      expect(session.body.client).toEqual(expect.objectContaining({ ip: '192.168.1.63', port: 53198, state: 'ESTABLISHED' }));
      expect(session.body.server).toEqual(expect.objectContaining({ ip: '192.168.1.64', port: 22, state: 'ESTABLISHED' }));
      expect(session.body.client.tcb).toEqual(expect.objectContaining({ iss: 481914174, snd_nxt: 481914196, rcv_nxt: 2737267482 }));
      expect(session.headers['etag']).toBe(`"${session.body.version}"`);
      await expectReplayEqualsSnapshot(id);
    });

    it('its trace?format=tcpdump lists the same segments as the capture', async () => {
      const trace = await http().get(`/v1/sessions/${id}/trace?format=tcpdump`).expect(200);
      expect(trace.headers['content-type']).toMatch(/^text\/plain/);
      expect(packetLines(trace.text)).toEqual(packetLines(SEED_TEXT));
    });

    it('every other trace format, the events and the segments work on it', async () => {
      const pcap = await http().get(`/v1/sessions/${id}/trace?format=pcap`).buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
      expect(pcap.status).toBe(200);
      expect((pcap.body as Buffer).readUInt32LE(0)).toBe(0xa1b2c3d4);
      expect((await http().get(`/v1/sessions/${id}/trace?format=svg`).expect(200)).headers['content-type']).toMatch(/^image\/svg\+xml/);
      expect((await http().get(`/v1/sessions/${id}/trace?format=mermaid`).expect(200)).text).toContain('sequenceDiagram');
      const json = await http().get(`/v1/sessions/${id}/trace?format=json`).expect(200);
      const body = JSON.parse(json.text);
      expect(body.segments).toHaveLength(6);

      const segs = await allPages<{ id: number; seq: number; length: number; tcpdump: string }>(http, `/v1/sessions/${id}/segments`, { limit: 4 });
      expect(segs.items.map((s) => s.id)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(segs.items.map((s) => s.seq)).toEqual(segments.map((s) => s.seq));
      const events = await allPages<{ code: string }>(http, `/v1/sessions/${id}/events`, { limit: 7 });
      expect(events.items.length).toBe(body.events.length);
      expect(events.items.map((e) => e.code)).toContain('LISTEN_SYN_TO_SYN_RECEIVED');
    });

    it('the imported session goes on like any manual session: the client can send its next segment', async () => {
      const res2 = await http().post(`/v1/sessions/${id}/send`).send({ from: 'client', flags: ['ACK'] });
      expect(res2.status).toBe(200);
      expect(res2.body.segments[0]).toEqual(expect.objectContaining({ seq: 481914196, ack: 2737267482, id: 7 }));
      await expectReplayEqualsSnapshot(id);
    });
  });

  describe('a real Linux capture (curl to a local HTTP server) as a base64 pcap', () => {
    let res: request.Response;
    let id: string;

    beforeAll(async () => {
      res = await importCapture({ pcap: CURL_PCAP.toString('base64') });
      id = res.body.connections?.[0]?.session_id;
    });

    it('imports one connection without anomaly; the server, the active closer, ends in TIME_WAIT', () => {
      expect(res.status).toBe(201);
      expect(res.body.format).toBe('pcap');
      expect(res.body.connections).toHaveLength(1);
      const segments = res.body.connections[0].segments as ImportedSegment[];
      expect(segments.flatMap((s) => s.anomalies)).toEqual([]);
      expect(segments.map((s) => s.role).slice(0, 3)).toEqual(['1st handshake (SYN)', '2nd handshake (SYN,ACK)', '3rd handshake (ACK)']);
      expect(segments[segments.length - 1]!.role).toBe('last ACK');
      expect(segments[segments.length - 1]!.states_after).toEqual({ client: 'CLOSED', server: 'TIME_WAIT' });
    });

    it('the stored session is in those states, replays to its snapshot, and its tcpdump trace is the capture', async () => {
      const session = await http().get(`/v1/sessions/${id}`).expect(200);
      expect([session.body.mode, session.body.client.state, session.body.server.state]).toEqual(['manual', 'CLOSED', 'TIME_WAIT']);
      expect(session.body.server.timers.map((t: { kind: string }) => t.kind)).toContain('time_wait');
      await expectReplayEqualsSnapshot(id);
      const trace = await http().get(`/v1/sessions/${id}/trace?format=tcpdump`).expect(200);
      expect(packetLines(trace.text)).toEqual(packetLines(CURL_TEXT));
    });

    it('a base64 text with line breaks (base64 without -w0) is read the same', async () => {
      const wrapped = CURL_PCAP.toString('base64').replace(/(.{76})/g, '$1\n');
      const again = await importCapture({ pcap: wrapped }).expect(201);
      expect(again.body.connections[0].segments).toEqual(res.body.connections[0].segments);
      expect(again.body.connections[0].session_id).not.toBe(id);
    });
  });

  it('a capture of several connections stores each as its own session, in one answer', async () => {
    const text = `${SEED_TEXT}\nIP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 7, win 64240, options [mss 1460], length 0\nIP 10.0.0.2.80 > 10.0.0.1.40000: Flags [R.], seq 0, ack 8, win 0, length 0\nlistening on lo\n`;
    const res = await importCapture({ text }).expect(201);
    expect(res.body.connections).toHaveLength(2);
    const [seed, refused] = res.body.connections;
    expect(seed.session_id).not.toBe(refused.session_id);
    expect(refused.segments.map((s: ImportedSegment) => s.role)).toEqual(['1st handshake (SYN)', 'RST']);
    expect(res.body.unparsed_lines).toEqual([expect.objectContaining({ line: 10, text: 'listening on lo' })]);
    const session = await http().get(`/v1/sessions/${refused.session_id}`).expect(200);
    expect([session.body.client.state, session.body.server.state]).toEqual(['CLOSED', 'CLOSED']);
    await expectReplayEqualsSnapshot(refused.session_id);
  });

  it('an anomaly carries the violations, with their messages in the language of Accept-Language', async () => {
    const lines = SEED_TEXT.split('\n');
    lines[4] = lines[4]!.replace('ack 481914196', 'ack 481914190');
    const res = await http().post('/v1/captures').set('Accept-Language', 'zh-CN').send({ text: lines.join('\n') }).expect(201);
    const bad = res.body.connections[0].segments[4];
    expect(bad.anomalies).toHaveLength(1);
    expect(bad.anomalies[0].kind).toBe('invalid_segment');
    expect(bad.anomalies[0].violations[0]).toEqual(expect.objectContaining({ field: 'ack', expected: 481914196, actual: 481914190, code: 'ACK_MUST_BE_RCV_NXT' }));
    expect(bad.anomalies[0].violations[0].reason).toMatch(/[\u4e00-\u9fff]/);
    await expectReplayEqualsSnapshot(res.body.connections[0].session_id);
  });

  it('an Idempotency-Key makes a retry return the same answer without importing again; another body with it is a 422', async () => {
    const key = `capture-${Date.now()}`;
    const first = await http().post('/v1/captures').set('Idempotency-Key', key).send({ text: SEED_TEXT }).expect(201);
    const retry = await http().post('/v1/captures').set('Idempotency-Key', key).send({ text: SEED_TEXT }).expect(201);
    expect(retry.body).toEqual(first.body);
    expectProblem(await http().post('/v1/captures').set('Idempotency-Key', key).send({ pcap: CURL_PCAP.toString('base64') }), 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  describe('a capture sent as it is, not wrapped in JSON', () => {
    it('takes the pcap file itself as application/vnd.tcpdump.pcap and answers as for the base64 form', async () => {
      const raw = await http().post('/v1/captures').set('content-type', 'application/vnd.tcpdump.pcap').send(CURL_PCAP).expect(201);
      const wrapped = await importCapture({ pcap: CURL_PCAP.toString('base64') }).expect(201);
      const strip = (body: { connections: Array<Record<string, unknown>> }): unknown =>
        body.connections.map(({ session_id: _id, ...rest }) => rest);
      expect(strip(raw.body)).toEqual(strip(wrapped.body));
      await expectReplayEqualsSnapshot(raw.body.connections[0].session_id);
    });

    it('takes tcpdump text as text/plain', async () => {
      const res = await http().post('/v1/captures').set('content-type', 'text/plain').send(SEED_TEXT).expect(201);
      expect(res.body.connections[0].segments.map((x: { role: string }) => x.role).slice(0, 3)).toEqual([
        '1st handshake (SYN)',
        '2nd handshake (SYN,ACK)',
        '3rd handshake (ACK)',
      ]);
    });

    it('keeps those media types a 415 on every other route', async () => {
      expectProblem(await http().post('/v1/sessions').set('content-type', 'application/octet-stream').send(CURL_PCAP), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectProblem(await http().post('/v1/sessions').set('content-type', 'text/plain').send('x'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    });
  });

  describe('errors', () => {
    it('400 when neither or both of pcap and text are given, naming both', async () => {
      expectBadFields(await importCapture({}), ['pcap', 'text']);
      expectBadFields(await importCapture({ text: SEED_TEXT, pcap: CURL_PCAP.toString('base64') }), ['pcap', 'text']);
    });

    it('400 naming pcap when it is not base64, empty, not a string, or not a pcap/pcapng file', async () => {
      expectBadFields(await importCapture({ pcap: 'this is not base64!' }), ['pcap']);
      expectBadFields(await importCapture({ pcap: '' }), ['pcap']);
      expectBadFields(await importCapture({ pcap: 42 }), ['pcap']);
      expectBadFields(await importCapture({ pcap: null }), ['pcap']);
      expectBadFields(await importCapture({ pcap: Buffer.from(SEED_TEXT).toString('base64') }), ['pcap']);
    });

    it('400 naming text when it is not a string or empty, and for unknown fields', async () => {
      expectBadFields(await importCapture({ text: ['a'] }), ['text']);
      expectBadFields(await importCapture({ text: '' }), ['text']);
      expectBadFields(await importCapture({ text: null, pcap: CURL_PCAP.toString('base64') }), ['text']);
      expectBadFields(await importCapture({ text: SEED_TEXT, format: 'pcap' }), ['format']);
    });

    it('422 CAPTURE_UNREADABLE with what the parser found when the capture holds no TCP segment', async () => {
      const text = await importCapture({ text: 'hello\nworld\n' });
      expectProblem(text, 422, 'CAPTURE_UNREADABLE', '/v1/captures');
      expect(text.body.unparsed_lines.map((l: { line: number }) => l.line)).toEqual([1, 2]);

      const truncated = await importCapture({ pcap: CURL_PCAP.subarray(0, 30).toString('base64') });
      expectProblem(truncated, 422, 'CAPTURE_UNREADABLE');
      expect(truncated.body.capture_errors.length).toBeGreaterThan(0);
      expect(truncated.body.detail).toContain(truncated.body.capture_errors[0]);
    });

    it('415 for a media type that is neither JSON nor a capture, 400 for malformed JSON, 413 over 64 KiB', async () => {
      expectProblem(await http().post('/v1/captures').set('content-type', 'application/xml').send('<capture/>'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectProblem(await http().post('/v1/captures').type('form').send('text=x'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectProblem(await http().post('/v1/captures').set('content-type', 'text/plain').send('x'.repeat(70 * 1024)), 413, 'PAYLOAD_TOO_LARGE');
      expectProblem(await http().post('/v1/captures').set('content-type', 'application/json').send('{"text":'), 400, 'MALFORMED_JSON');
      expectProblem(await importCapture({ text: 'x'.repeat(70 * 1024) }), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('405 for another method on /v1/captures', async () => {
      expectProblem(await http().get('/v1/captures'), 405, 'METHOD_NOT_ALLOWED');
    });
  });
});
