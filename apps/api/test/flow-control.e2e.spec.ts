import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createSession, type Http } from './e2e-helpers';
import { startApp } from './harness';

/**
 * Flow control over HTTP (issue 11, "Defects to fix"): each defect's
 * behaviour through the routes a client uses, on the real app and database.
 * ISNs are fixed (client 1000, server 5000) so every number is a literal;
 * the numbers said to come from Linux are from the captures, the
 * others follow from the RFC rule each test names.
 */

let app: NestFastifyApplication;
let http: Http;

beforeAll(async () => {
  ({ app, http } = await startApp());
});
afterAll(() => app.close());

interface Segment {
  id: number;
  from: 'client' | 'server';
  flags: string[];
  seq: number;
  ack: number;
  length: number;
  window: number;
  urgent_pointer: number;
  sent_at_ms: number;
}
interface StepBody {
  segments: Segment[];
  events: Array<{ code: string; params: Record<string, unknown>; from_state: string | null; message: string }>;
  session: { client: { state: string }; server: { state: string }; in_flight: Segment[]; owed: Array<Record<string, unknown>> };
}

/** POST a step route; it must succeed. */
async function post(id: string, route: string, body: object): Promise<StepBody> {
  const res = await http().post(`/v1/sessions/${id}/${route}`).send(body);
  if (res.status !== 200) throw new Error(`${route} ${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as StepBody;
}

async function refused(id: string, body: object): Promise<{ violations: Array<Record<string, unknown>>; expected: Record<string, unknown> | null }> {
  const res = await http().post(`/v1/sessions/${id}/send`).send(body);
  expect(res.status).toBe(422);
  return res.body;
}

const codes = (b: StepBody): string[] => b.events.map((e) => e.code);
/** A segment as `from FLAGS seq:length ack win`, flags in alphabetical order, the window as its raw field. */
const brief = (s: Segment): string => `${s.from} ${[...s.flags].sort().join(',')} ${s.seq}:${s.length} ack ${s.ack} win ${s.window}`;

/** Deliver the oldest segment in flight from `from`. */
async function deliver(id: string, body: StepBody, from: 'client' | 'server'): Promise<StepBody> {
  const segment = body.session.in_flight.find((s) => s.from === from);
  if (!segment) throw new Error(`nothing in flight from the ${from}`);
  return post(id, 'deliver', { segment_id: segment.id, action: 'deliver' });
}

async function drop(id: string, body: StepBody, from: 'client' | 'server'): Promise<StepBody> {
  const segment = body.session.in_flight.find((s) => s.from === from)!;
  return post(id, 'deliver', { segment_id: segment.id, action: 'drop' });
}

/**
 * Auto mode, the network holding every segment until delivered: server buffer
 * 1,000 octets (wscale 0, so the window field is the window), both ESTABLISHED.
 */
async function establishedSmallServer(): Promise<{ id: string; last: StepBody }> {
  const id = await createSession(http, { client: { isn: 1000 }, server: { isn: 5000, window: 1000, wscale: 0 } });
  await http().put(`/v1/sessions/${id}/network`).send({ auto_deliver: false }).expect(200);
  await post(id, 'calls', { endpoint: 'server', call: 'listen' });
  let last = await post(id, 'calls', { endpoint: 'client', call: 'connect' });
  last = await deliver(id, last, 'client');
  last = await deliver(id, last, 'server');
  last = await deliver(id, last, 'client');
  expect([last.session.client.state, last.session.server.state]).toEqual(['ESTABLISHED', 'ESTABLISHED']);
  return { id, last };
}

/** establishedSmallServer + a client SEND of 1,500 octets: 1,000 taken, window 0 at the client, 500 queued. */
async function clientBlocked(): Promise<{ id: string; last: StepBody }> {
  const { id } = await establishedSmallServer();
  let last = await post(id, 'calls', { endpoint: 'client', call: 'send', length: 1500 });
  expect(last.segments.map(brief)).toEqual(['client ACK 1001:1000 ack 5001 win 502']);
  last = await deliver(id, last, 'client');
  last = await deliver(id, last, 'server');
  expect(codes(last)).toContain('PERSIST_TIMER_STARTED');
  return { id, last };
}

describe('POST /v1/sessions/{id}/calls close — CLOSING and LAST_ACK (RFC 9293 §3.10.4, §3.10.7.4)', () => {
  it('CLOSING with data queued sends it and the FIN once the window opens', async () => {
    const { id } = await clientBlocked();
    await post(id, 'calls', { endpoint: 'client', call: 'close' });
    let last = await post(id, 'calls', { endpoint: 'server', call: 'close' });
    last = await deliver(id, last, 'server');
    expect(last.session.client.state).toBe('CLOSING');
    last = await deliver(id, last, 'client');
    last = await post(id, 'calls', { endpoint: 'server', call: 'receive' });
    last = await deliver(id, last, 'server');
    expect(last.segments.map(brief)).toEqual(['client ACK,FIN,PSH 2001:500 ack 5002 win 502']);
    last = await deliver(id, last, 'client');
    last = await deliver(id, last, 'server');
    expect([last.session.client.state, last.session.server.state]).toEqual(['TIME_WAIT', 'TIME_WAIT']);
  });

  it('LAST_ACK with data queued sends it and the FIN once the window opens', async () => {
    const { id } = await establishedSmallServer();
    // The server closes first; the client, in CLOSE_WAIT, sends 1,500 octets into the server's 1,000 and closes.
    let last = await post(id, 'calls', { endpoint: 'server', call: 'close' });
    last = await deliver(id, last, 'server');
    last = await deliver(id, last, 'client');
    last = await post(id, 'calls', { endpoint: 'client', call: 'send', length: 1500 });
    last = await deliver(id, last, 'client');
    last = await deliver(id, last, 'server');
    last = await post(id, 'calls', { endpoint: 'client', call: 'close' });
    expect(last.session.client.state).toBe('LAST_ACK');
    expect(last.segments).toEqual([]);
    last = await post(id, 'calls', { endpoint: 'server', call: 'receive' });
    last = await deliver(id, last, 'server');
    expect(codes(last)).toContain('WINDOW_UPDATE_RECEIVED');
    expect(last.segments.map(brief)).toEqual(['client ACK,FIN,PSH 2001:500 ack 5002 win 502']);
    last = await deliver(id, last, 'client');
    last = await deliver(id, last, 'server');
    expect([last.session.client.state, last.session.server.state]).toEqual(['CLOSED', 'TIME_WAIT']);
  });
});

describe('POST /v1/sessions/{id}/advance — the persist timer (RFC 9293 §3.8.6.1)', () => {
  it('a zero window whose update is lost is probed with seq = SND.UNA − 1 after one RTO, and the answer reopens it', async () => {
    const { id } = await clientBlocked();
    let last = await post(id, 'calls', { endpoint: 'server', call: 'receive' });
    last = await drop(id, last, 'server');
    last = await post(id, 'advance', { ms: 1000 });
    expect(last.segments.map(brief)).toEqual(['client ACK 2000:0 ack 5001 win 502']);
    expect(last.events.find((e) => e.code === 'ZERO_WINDOW_PROBE')?.params).toMatchObject({ form: 'old_seq', interval_ms: 1000, next_interval_ms: 2000 });
    last = await deliver(id, last, 'client');
    expect(last.segments.map(brief)).toEqual(['server ACK 5001:0 ack 2001 win 1000']);
    last = await deliver(id, last, 'server');
    expect(last.segments.map(brief)).toEqual(['client ACK,PSH 2001:500 ack 5001 win 502']);
  });

  it('GET /v1/sessions/{id}/events explains the probe in English and Chinese', async () => {
    const { id } = await clientBlocked();
    await post(id, 'calls', { endpoint: 'server', call: 'receive' });
    const lastBefore = (await http().get(`/v1/sessions/${id}`).expect(200)).body as StepBody['session'];
    await post(id, 'deliver', { segment_id: lastBefore.in_flight[0]!.id, action: 'drop' });
    await post(id, 'advance', { ms: 1000 });
    for (const [lang, words] of [['en', 'persist timer'], ['zh-CN', '持续计时器']] as const) {
      const events = await http().get(`/v1/sessions/${id}/events`).query({ limit: 200 }).set('Accept-Language', lang).expect(200);
      const probe = events.body.items.find((e: { code: string }) => e.code === 'ZERO_WINDOW_PROBE');
      expect(probe.message).toContain(words);
      expect(probe.message).toContain('2000');
    }
  });
});

describe('POST /v1/sessions/{id}/send — window scaling (RFC 7323 §2.4)', () => {
  it('with wscale 7 a 1,000-octet buffer is advertised as 8 × 128 and a peer that fills the 1,024 octets has them all accepted', async () => {
    const id = await createSession(http, { mode: 'manual', client: { isn: 1000 }, server: { isn: 5000, window: 1000 } });
    await post(id, 'calls', { endpoint: 'server', call: 'listen' });
    await post(id, 'send', { from: 'client', flags: ['SYN'] });
    await post(id, 'send', { from: 'server', flags: ['SYN', 'ACK'] });
    await post(id, 'send', { from: 'client', flags: ['ACK'] });
    const data = await post(id, 'send', { from: 'server', flags: ['PSH', 'ACK'], payload: 'x' });
    expect(data.segments[0]!.window).toBe(8);
    await post(id, 'send', { from: 'client', flags: ['ACK'] });
    const filled = await post(id, 'send', { from: 'client', flags: ['PSH', 'ACK'], length: 1024 });
    expect(codes(filled)).toContain('DATA_RECEIVED');
    expect(codes(filled)).not.toContain('TEXT_BEYOND_WINDOW_ACKED');
    expect(filled.session.owed).toEqual([expect.objectContaining({ endpoint: 'server', flags: ['ACK'], ack: 2025 })]);
  });
});

describe('POST /v1/sessions/{id}/calls send urgent — urgent data (RFC 9293 §3.8.5)', () => {
  it('an urgent SEND of 3,000 octets goes out with urgent pointers 3000, 1552, 104, as Linux sends them', async () => {
    const id = await createSession(http, { client: { isn: 1000 }, server: { isn: 5000 } });
    await post(id, 'calls', { endpoint: 'server', call: 'listen' });
    await post(id, 'calls', { endpoint: 'client', call: 'connect' });
    const sent = await post(id, 'calls', { endpoint: 'client', call: 'send', length: 3000, urgent: true });
    const data = sent.segments.filter((s) => s.from === 'client');
    expect(data.map((s) => [s.seq, s.length, s.flags.includes('URG'), s.urgent_pointer])).toEqual([
      [1001, 1448, true, 3000],
      [2449, 1448, true, 1552],
      [3897, 104, true, 104],
    ]);
  });

  it('manual mode accepts an urgent pointer past the segment’s data, 3000 on 1,448 octets', async () => {
    const id = await createSession(http, { mode: 'manual', client: { isn: 1000 }, server: { isn: 5000 } });
    await post(id, 'calls', { endpoint: 'server', call: 'listen' });
    await post(id, 'send', { from: 'client', flags: ['SYN'] });
    await post(id, 'send', { from: 'server', flags: ['SYN', 'ACK'] });
    await post(id, 'send', { from: 'client', flags: ['ACK'] });
    const first = await post(id, 'send', { from: 'client', flags: ['URG', 'ACK'], length: 1448, urgent_pointer: 3000 });
    expect(first.segments[0]).toMatchObject({ flags: ['ACK', 'URG'], urgent_pointer: 3000 });
    const short = await refused(id, { from: 'client', flags: ['URG', 'ACK'], length: 1448, urgent_pointer: 1448 });
    expect(short.violations).toEqual([expect.objectContaining({ field: 'urgent_pointer', expected: 1552, actual: 1448, code: 'URGENT_POINTER_INVALID' })]);
  });
});

describe('POST /v1/sessions/{id}/send — manual mode', () => {
  /** Manual, delivering by itself, server buffer 100 (wscale 0): the client fills it and the server ACKs, window 0. */
  async function manualZeroWindow(): Promise<string> {
    const id = await createSession(http, { mode: 'manual', client: { isn: 1000 }, server: { isn: 5000, window: 100, wscale: 0 } });
    await post(id, 'calls', { endpoint: 'server', call: 'listen' });
    await post(id, 'send', { from: 'client', flags: ['SYN'] });
    await post(id, 'send', { from: 'server', flags: ['SYN', 'ACK'] });
    await post(id, 'send', { from: 'client', flags: ['ACK'] });
    await post(id, 'send', { from: 'client', flags: ['PSH', 'ACK'], length: 100 });
    const ack = await post(id, 'send', { from: 'server', flags: ['ACK'] });
    expect(ack.segments.map(brief)).toEqual(['server ACK 5001:0 ack 1101 win 0']);
    return id;
  }

  it('accepts Linux’s zero-window probe, seq = SND.UNA − 1 without data', async () => {
    const id = await manualZeroWindow();
    const probe = await post(id, 'send', { from: 'client', flags: ['ACK'], seq: 1100 });
    expect(codes(probe)).toEqual(expect.arrayContaining(['ZERO_WINDOW_PROBE', 'SEQ_UNACCEPTABLE_ACKED']));
    expect(probe.session.owed).toEqual([expect.objectContaining({ endpoint: 'server', flags: ['ACK'], seq: 5001, ack: 1101 })]);
  });

  it('accepts a probe of one octet beyond the zero window', async () => {
    const id = await manualZeroWindow();
    const probe = await post(id, 'send', { from: 'client', flags: ['PSH', 'ACK'], payload: 'z' });
    expect(probe.segments.map(brief)).toEqual(['client ACK,PSH 1101:1 ack 5001 win 502']);
    expect(codes(probe)).toEqual(expect.arrayContaining(['ZERO_WINDOW_PROBE', 'TEXT_BEYOND_WINDOW_ACKED']));
  });

  it('a retransmission owed before new data arrived goes out with the current RCV.NXT as its ack', async () => {
    const id = await createSession(http, { mode: 'manual', client: { isn: 1000 }, server: { isn: 5000 } });
    await post(id, 'calls', { endpoint: 'server', call: 'listen' });
    await post(id, 'send', { from: 'client', flags: ['SYN'] });
    await post(id, 'send', { from: 'server', flags: ['SYN', 'ACK'] });
    await post(id, 'send', { from: 'client', flags: ['ACK'] });
    await post(id, 'send', { from: 'client', flags: ['PSH', 'ACK'], length: 10, network: 'drop' });
    await post(id, 'advance', { ms: 1000 });
    await post(id, 'send', { from: 'server', flags: ['PSH', 'ACK'], length: 20 });
    const stale = await refused(id, { from: 'client', flags: ['PSH', 'ACK'], seq: 1001, ack: 5001, length: 10 });
    expect(stale.violations).toEqual([expect.objectContaining({ field: 'ack', expected: 5021, actual: 5001, code: 'ACK_MUST_BE_RCV_NXT' })]);
    const resent = await post(id, 'send', { from: 'client', flags: ['PSH', 'ACK'], seq: 1001, ack: 5021, length: 10 });
    expect(resent.segments.map(brief)[0]).toBe('client ACK,PSH 1001:10 ack 5021 win 502');
  });

  it('a refusal’s expected segment agrees with its violations and is accepted when sent as it stands', async () => {
    const id = await createSession(http, { mode: 'manual', client: { isn: 1000 }, server: { isn: 5000 } });
    await post(id, 'calls', { endpoint: 'server', call: 'listen' });
    await post(id, 'send', { from: 'client', flags: ['SYN'] });
    await post(id, 'send', { from: 'server', flags: ['SYN', 'ACK'] });
    await post(id, 'send', { from: 'client', flags: ['ACK'] });
    const tooLong = await refused(id, { from: 'client', flags: ['PSH', 'ACK'], length: 2000 });
    expect(tooLong.violations).toEqual([expect.objectContaining({ field: 'length', expected: 1448, actual: 2000, code: 'LENGTH_EXCEEDS_MSS' })]);
    expect(tooLong.expected).toEqual({ flags: ['ACK'], seq: 1001, ack: 5001, length: 1448 });
    await post(id, 'send', { from: 'client', ...tooLong.expected });
  });

  it('refuses a window field larger than the sender’s buffer', async () => {
    const id = await manualZeroWindow();
    // The client's buffer is 64,240 octets with wscale 7: its window field may say at most 502 (64,256 / 128).
    const tooLarge = await refused(id, { from: 'client', flags: ['ACK'], window: 503 });
    expect(tooLarge.violations).toEqual([expect.objectContaining({ field: 'window', expected: 502, actual: 503, code: 'WINDOW_EXCEEDS_BUFFER' })]);
  });

  it('offers the SYN that SEND in LISTEN sends: LISTEN → SYN_SENT', async () => {
    const id = await createSession(http, { mode: 'manual', client: { isn: 1000 }, server: { isn: 5000 } });
    await post(id, 'calls', { endpoint: 'server', call: 'listen' });
    const syn = await post(id, 'send', { from: 'server', flags: ['SYN'] });
    expect(syn.segments.map(brief)).toEqual(['server SYN 5000:0 ack 0 win 65160']);
    expect(syn.session.server.state).toBe('SYN_SENT');
  });
});

describe('POST /v1/sessions/{id}/inject — a SYN just below RCV.NXT (RFC 5961 §4.2)', () => {
  it('SYN,PSH,ACK at RCV.NXT − 1 with 5 octets into ESTABLISHED gets a challenge ACK and its data is not taken', async () => {
    const id = await createSession(http, { client: { isn: 1000 }, server: { isn: 5000 } });
    await post(id, 'calls', { endpoint: 'server', call: 'listen' });
    await post(id, 'calls', { endpoint: 'client', call: 'connect' });
    const injected = await post(id, 'inject', { to: 'server', flags: ['SYN', 'PSH', 'ACK'], seq: 1000, ack: 5001, payload: 'hello' });
    expect(codes(injected)).toContain('SYN_CHALLENGE_ACK');
    expect(codes(injected)).not.toContain('DATA_RECEIVED');
    expect(injected.segments.filter((s) => s.from === 'server').map(brief)).toEqual(['server ACK 5001:0 ack 1001 win 510']);
  });
});

describe('POST /v1/sessions/{id}/inject — text on a SYN,ACK (RFC 9293 §3.10.7.3)', () => {
  it('SYN_SENT + SYN,ACK carrying 5 octets and FIN: the ACK covers only the SYN, and the event says the data and FIN were dropped', async () => {
    const id = await createSession(http, { client: { isn: 1000 }, server: { isn: 5000 } });
    await http().put(`/v1/sessions/${id}/network`).send({ auto_deliver: false }).expect(200);
    await post(id, 'calls', { endpoint: 'client', call: 'connect' });
    const res = await http()
      .post(`/v1/sessions/${id}/inject`)
      .set('Accept-Language', 'en')
      .send({ to: 'client', flags: ['SYN', 'ACK', 'FIN', 'PSH'], seq: 7000, ack: 1001, payload: 'hello' })
      .expect(200);
    const body = res.body as StepBody;
    expect(body.session.client.state).toBe('ESTABLISHED');
    // The injected SYN,ACK carries no options, so no window scaling: the client's window field is its 64,240 octets.
    expect(body.segments.filter((s) => s.from === 'client').map(brief)).toEqual(['client ACK 1001:0 ack 7001 win 64240']);
    const event = body.events.find((e) => e.code === 'SYN_SENT_SYN_ACK_TO_ESTABLISHED')!;
    expect(event.params).toMatchObject({ data_ignored: 5, fin_ignored: true });
    expect(event.message).toContain('5 octet(s) of data and a FIN: dropped');
  });
});
