/**
 * Flow control where the window is small or the data does not fit in one
 * segment (issue 11, "Defects to fix"): one describe per state, fixtures from
 * ./fixtures (client ISS 1000, server ISS 5000, the network delivering only
 * when told), every number a literal derived in the comment beside it.
 * Numbers said to come from Linux are from the captures; the others
 * follow from the RFC rule each test names.
 */
import { ACK, FIN, PSH, SYN, URG, createConnection, renderEvent, step, type Connection, type Input, type SegmentDraft, type Side } from '../src';
import {
  advance,
  base64,
  call,
  closeWait,
  deliverNext,
  drive,
  dropNext,
  established,
  expectSegments,
  inject,
  listening,
  rules,
  send,
  sentBy,
  states,
  synSent,
  text,
  timer,
} from './fixtures';

/** A server buffer of 1,000 octets without window scaling, so that every window below is a plain number. */
const SMALL = { server: { window: 1000, wscale: null } } as const;

/**
 * established(SMALL) + a client SEND of 1,500 octets: 1,000 fit the server's
 * window and arrive (server RCV.NXT = 2001, RCV.WND = 0); its ACK, window 0,
 * has reached the client (SND.UNA = SND.NXT = 2001, SND.WND = 0), and 500
 * octets wait in the client's send queue. Nothing in flight.
 */
function clientBlocked(): Connection {
  return drive(established(SMALL), send('client', 'a'.repeat(1500)), deliverNext('client'), deliverNext('server')).connection;
}

// ---------------------------------------------------------------------------
// ESTABLISHED — the persist timer and its probes (RFC 9293 §3.8.6.1)
// ---------------------------------------------------------------------------
describe('ESTABLISHED: zero window (RFC 9293 §3.8.6.1)', () => {
  it('a zero window with data queued and nothing in flight starts the persist timer at one RTO', () => {
    const d = drive(established(SMALL), send('client', 'a'.repeat(1500)), deliverNext('client'), deliverNext('server'));
    expect(d.connection.client.tcb).toMatchObject({ snd_una: 2001, snd_nxt: 2001, snd_wnd: 0 });
    expect(rules(d.last.events)).toEqual(['RTT_MEASURED', 'ACK_ADVANCES_SND_UNA', 'PERSIST_TIMER_STARTED']);
    expect(d.last.events.find((e) => e.code === 'PERSIST_TIMER_STARTED')?.params).toEqual({ queued: 500, interval_ms: 1000 });
    expect(timer(d.connection, 'client', 'persist')).toBe(1000);
    expect(timer(d.connection, 'client', 'retransmission')).toBeNull();
  });

  it('ESTABLISHED with a zero window whose update is lost probes with seq = SND.UNA − 1 and sends the queued data once the answer opens the window', () => {
    // The server reads; its window update (window 1000) is lost on the way.
    const lost = drive(clientBlocked(), call('server', 'receive'), dropNext('server'));
    expect(rules(lost.results[0]!.events)).toEqual(['RECEIVE_DATA', 'WINDOW_UPDATE']);

    // One RTO (1 s) later the persist timer fires: <SEQ=SND.UNA−1><ACK=RCV.NXT><CTL=ACK>, no data (Linux tcp_xmit_probe_skb).
    const probed = drive(lost.connection, advance(1000));
    expectSegments(probed.last.segments, [{ from: 'client', flags: ['ACK'], seq: 2000, ack: 5001, length: 0 }]);
    expect(rules(probed.last.events)).toEqual(['ZERO_WINDOW_PROBE']);
    expect(probed.last.events.find((e) => e.code === 'ZERO_WINDOW_PROBE')?.params).toMatchObject({ form: 'old_seq', seq: 2000, queued: 500, interval_ms: 1000, next_interval_ms: 2000 });

    // The old sequence number is unacceptable: the server answers with what it expects and its window, 1000.
    const answered = drive(probed.connection, deliverNext('client'));
    expectSegments(answered.last.segments, [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 2001, window: 1000 }]);
    expect(rules(answered.last.events)).toEqual(['SEQ_UNACCEPTABLE_ACKED']);

    // The answer is a window update: the 500 queued octets go out and the persist timer stops.
    const resumed = drive(answered.connection, deliverNext('server'));
    expect(rules(resumed.last.events)).toEqual(['WINDOW_UPDATE_RECEIVED']);
    expectSegments(resumed.last.segments, [{ from: 'client', flags: ['PSH', 'ACK'], seq: 2001, ack: 5001, length: 500 }]);
    expect(timer(resumed.connection, 'client', 'persist')).toBeNull();
    expect(resumed.connection.client.tcb).toMatchObject({ probes: 0, snd_wnd: 1000 });
  });

  it('while the window stays zero the probes back off, 1 s, 2 s, 4 s … up to the 120 s RTO ceiling, and the connection stays open past the retry limit (MUST-36)', () => {
    // The network delivers by itself: every probe is answered with window 0.
    const c = drive(clientBlocked(), { type: 'configure_network', auto_deliver: true }).connection;
    // 1+2+4+…+64 = 127 s for the first seven probes, then one every 120 s: 13 more by 127 + 13 × 120 = 1,687 s.
    const d = drive(c, advance(1_687_000));
    const probes = sentBy(d.last.segments, 'client');
    expect(probes.map((s) => s.sent_at_ms)).toEqual([
      1000, 3000, 7000, 15000, 31000, 63000, 127000, ...Array.from({ length: 13 }, (_, i) => 127000 + (i + 1) * 120000),
    ]);
    expect(probes.every((s) => s.seq === 2000 && s.length === 0 && s.flags === ACK)).toBe(true);
    // Every probe was answered (window 0): 20 probes, more than the 15 retransmissions allowed, and still ESTABLISHED.
    expect(sentBy(d.last.segments, 'server').map((s) => s.window)).toEqual(Array(20).fill(0));
    expect(states(d.connection)).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' });
  });

  it('an advance of a year over a zero window the peer keeps answering stops after 1,000 probes and says so', () => {
    const c = drive(clientBlocked(), { type: 'configure_network', auto_deliver: true }).connection;
    const d = drive(c, advance(365 * 24 * 3600 * 1000));
    // Probes at 1, 3, 7 … 127 s, then every 120 s: the 1,000th at 127 + 993 × 120 = 119,287 s, where the clock stops.
    expect(sentBy(d.last.segments, 'client')).toHaveLength(1000);
    expect(d.connection.clock_ms).toBe(119_287_000);
    expect(d.last.events[d.last.events.length - 1]).toMatchObject({ code: 'ADVANCE_CUT_SHORT', params: { requested_ms: 31_536_000_000, advanced_ms: 119_287_000, timers: 1000 } });
    // Advancing again goes on probing from there.
    expect(sentBy(drive(d.connection, advance(120_000)).last.segments, 'client').map((s) => s.sent_at_ms)).toEqual([119_407_000]);
  });

  it('a window update that only opens the window is WINDOW_UPDATE_RECEIVED, not a duplicate ACK', () => {
    const d = drive(clientBlocked(), call('server', 'receive'), deliverNext('server'));
    expect(rules(d.last.events)).toEqual(['WINDOW_UPDATE_RECEIVED']);
    expect(d.last.events.find((e) => e.code === 'WINDOW_UPDATE_RECEIVED')?.params).toMatchObject({ snd_wnd_before: 0, snd_wnd: 1000 });
    expectSegments(d.last.segments, [{ from: 'client', flags: ['PSH', 'ACK'], seq: 2001, ack: 5001, length: 500 }]);
  });
});

// ---------------------------------------------------------------------------
// CLOSING and LAST_ACK — what CLOSE queued goes out when the window opens
// (RFC 9293 §3.10.4, §3.10.7.4 "in addition to the processing for the ESTABLISHED state")
// ---------------------------------------------------------------------------
describe('CLOSING (RFC 9293 §3.10.7.4)', () => {
  it('CLOSING with data queued sends it and the FIN once the window opens', () => {
    // Both CLOSE: the client's FIN waits behind its 500 octets; the server's FIN <SEQ=5001> reaches it → CLOSING.
    const closing = drive(clientBlocked(), call('client', 'close'), call('server', 'close'), deliverNext('server'));
    expect(states(closing.connection)).toEqual({ client: 'CLOSING', server: 'FIN_WAIT_1' });
    expect(closing.connection.client.tcb).toMatchObject({ fin_queued: true, snd_nxt: 2001 });
    expectSegments(closing.last.segments, [{ from: 'client', flags: ['ACK'], seq: 2001, ack: 5002 }]);

    // The server takes the ACK of its FIN (FIN_WAIT_2), reads, and its window update reaches the client.
    const opened = drive(closing.connection, deliverNext('client'), call('server', 'receive'), deliverNext('server'));
    expect(states(opened.connection)).toEqual({ client: 'CLOSING', server: 'FIN_WAIT_2' });
    // The 500 octets and the FIN together (Linux puts the FIN on the last data segment), from CLOSING.
    expectSegments(opened.last.segments, [{ from: 'client', flags: ['FIN', 'PSH', 'ACK'], seq: 2001, ack: 5002, length: 500 }]);
    expect(opened.last.events.find((e) => e.kind === 'send')?.from_state).toBe('CLOSING');

    // The server takes both (FIN_WAIT_2 → TIME_WAIT) and its ACK 2502 acknowledges the client's FIN: CLOSING → TIME_WAIT.
    const done = drive(opened.connection, deliverNext('client'), deliverNext('server'));
    expect(states(done.connection)).toEqual({ client: 'TIME_WAIT', server: 'TIME_WAIT' });
    expect(done.connection.server.tcb).toMatchObject({ rcv_nxt: 2502 });
  });
});

describe('LAST_ACK (RFC 9293 §3.10.7.4)', () => {
  it('LAST_ACK with data queued sends it and the FIN once the window opens', () => {
    // The client is the passive closer here: CLOSE_WAIT, then a SEND of 1,500 octets into the server's 1,000.
    const blocked = drive(closeWait({ client: { window: 1000, wscale: null } }), send('server', 'b'.repeat(1500)), deliverNext('server'), deliverNext('client'));
    expect(states(blocked.connection)).toEqual({ client: 'FIN_WAIT_2', server: 'CLOSE_WAIT' });
    expect(blocked.connection.server.tcb).toMatchObject({ snd_una: 6001, snd_nxt: 6001, snd_wnd: 0 });

    const lastAck = drive(blocked.connection, call('server', 'close'));
    expect(states(lastAck.connection)).toEqual({ client: 'FIN_WAIT_2', server: 'LAST_ACK' });
    expect(lastAck.last.segments).toEqual([]);

    const opened = drive(lastAck.connection, call('client', 'receive'), deliverNext('client'));
    expect(rules(opened.last.events)).toEqual(['WINDOW_UPDATE_RECEIVED']);
    expectSegments(opened.last.segments, [{ from: 'server', flags: ['FIN', 'PSH', 'ACK'], seq: 6001, ack: 1002, length: 500 }]);

    const done = drive(opened.connection, deliverNext('server'), deliverNext('client'));
    expect(states(done.connection)).toEqual({ client: 'TIME_WAIT', server: 'CLOSED' });
  });
});

// ---------------------------------------------------------------------------
// Window scaling (RFC 9293 §3.8.6 SHLD-14, RFC 7323 §2.4)
// ---------------------------------------------------------------------------
describe('ESTABLISHED: window scaling', () => {
  it('with wscale 7 a 1,000-octet buffer is advertised as 8 × 128 = 1,024 and a peer that fills it has every octet accepted', () => {
    // The server's SYN,ACK offers 1,000 unscaled; its first scaled window field reaches the client with its data.
    const c = drive(established({ server: { window: 1000 } }), send('server', 'x'), deliverNext('server'), deliverNext('client'));
    expect(c.connection.server.tcb).toMatchObject({ rcv_wnd: 1024 });
    expect(c.connection.client.tcb).toMatchObject({ snd_wnd: 1024 });

    const filled = drive(c.connection, send('client', 'y'.repeat(1024)));
    expectSegments(filled.last.segments, [{ from: 'client', flags: ['PSH', 'ACK'], seq: 1001, ack: 5002, length: 1024 }]);
    const taken = drive(filled.connection, deliverNext('client'));
    expect(rules(taken.last.events)).toEqual(['DATA_RECEIVED']);
    // ack 2025 with window 0: the right edge stays at 1001 + 1024 = 2025, where the field 8 had put it.
    expectSegments(taken.last.segments, [{ from: 'server', flags: ['ACK'], seq: 5002, ack: 2025, window: 0 }]);
    const acked = drive(taken.connection, deliverNext('server'));
    expect(acked.connection.client.tcb!.retransmission_queue).toEqual([]);
    expect(timer(acked.connection, 'client', 'retransmission')).toBeNull();
  });
});

// ---------------------------------------------------------------------------
// Urgent data over several segments (RFC 9293 §3.8.5)
// ---------------------------------------------------------------------------
describe('ESTABLISHED: urgent data (RFC 9293 §3.8.5)', () => {
  it('an urgent SEND of 3,000 octets goes out with urgent pointers 3000, 1552, 104, as Linux sends them', () => {
    // MSS 1460 less 12 octets of timestamps = 1448: segments of 1448, 1448 and 104 octets, each pointing to 1001 + 3000.
    // Linux (tcp_transmit_skb: urg_ptr = snd_up − seq) sends exactly these pointers for a 3,000-octet MSG_OOB write.
    const d = drive(established(), send('client', 'u'.repeat(3000), { urgent: true }));
    const sent = sentBy(d.last.segments, 'client');
    expect(sent.map((s) => [s.seq, s.length, s.flags & URG ? s.urgent_pointer : null])).toEqual([
      [1001, 1448, 3000],
      [2449, 1448, 1552],
      [3897, 104, 104],
    ]);
    expect(d.connection.client.tcb).toMatchObject({ snd_up: 4001 });
  });

  it('data sent after the urgent data carries no URG', () => {
    const d = drive(established(), send('client', 'u'.repeat(10), { urgent: true }), send('client', 'n'.repeat(5)));
    expect(sentBy(d.segments, 'client').map((s) => [s.seq, (s.flags & URG) !== 0, s.urgent_pointer])).toEqual([
      [1001, true, 10],
      [1011, false, 0],
    ]);
  });
});

// ---------------------------------------------------------------------------
// SYN below RCV.NXT (RFC 5961 §4.2, RFC 9293 §3.10.7.4 fourth)
// ---------------------------------------------------------------------------
describe('ESTABLISHED: a SYN just below RCV.NXT', () => {
  it('ESTABLISHED + SYN,PSH,ACK at RCV.NXT − 1 with 5 octets → challenge ACK, nothing taken (the SYN is not trimmed away)', () => {
    const d = drive(established(), inject('server', { flags: SYN | PSH | ACK, seq: 1000, ack: 5001, payload: base64('hello') }));
    expect(rules(d.last.events)).toEqual(['SYN_CHALLENGE_ACK']);
    expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1001 }]);
    expect(d.connection.server.tcb).toMatchObject({ rcv_nxt: 1001, receive_queue: [] });
  });
});

// ---------------------------------------------------------------------------
// SYN_SENT — text on a SYN,ACK (RFC 9293 §3.10.7.3)
// ---------------------------------------------------------------------------
describe('SYN_SENT: text on the SYN,ACK', () => {
  it('SYN_SENT + SYN,ACK carrying 5 octets and FIN → ESTABLISHED, the ACK covers only the SYN, and the event says the data and FIN were dropped', () => {
    const d = drive(synSent(), inject('client', { flags: SYN | ACK | FIN | PSH, seq: 7000, ack: 1001, payload: base64('hello') }));
    expect(states(d.connection).client).toBe('ESTABLISHED');
    expectSegments(sentBy(d.last.segments, 'client'), [{ from: 'client', flags: ['ACK'], seq: 1001, ack: 7001 }]);
    const event = d.last.events.find((e) => e.code === 'SYN_SENT_SYN_ACK_TO_ESTABLISHED')!;
    expect(event.params).toMatchObject({ data_ignored: 5, fin_ignored: true });
  });
});

// ---------------------------------------------------------------------------
// Manual mode: the probes, urgent pointers, the ack of a retransmission, `expected`, SEND in LISTEN
// ---------------------------------------------------------------------------

function sendSegment(from: Side, segment: SegmentDraft): Input {
  return { type: 'send', from, segment };
}

/** Step, and fail with the refusal if the input was refused. */
function ok(c: Connection, input: Input): Connection {
  const r = step(c, input);
  if (!r.outcome.ok) throw new Error(`refused ${JSON.stringify(input)}: ${JSON.stringify(r.outcome.error)}`);
  return r.connection;
}

/** Manual mode, delivering by itself: the handshake played by hand, server buffer 100 without scaling. */
function manualEstablished(): Connection {
  let c = createConnection({ mode: 'manual', client: { isn: 1000 }, server: { isn: 5000, window: 100, wscale: null } });
  c = ok(c, call('server', 'listen'));
  c = ok(c, sendSegment('client', { flags: SYN }));
  c = ok(c, sendSegment('server', { flags: SYN | ACK }));
  return ok(c, sendSegment('client', { flags: ACK }));
}

/** manualEstablished + the client fills the server's 100 octets and the server sends its owed ACK, window 0. */
function manualZeroWindow(): Connection {
  let c = ok(manualEstablished(), sendSegment('client', { flags: PSH | ACK, length: 100 }));
  c = ok(c, sendSegment('server', { flags: ACK }));
  expect(c.client.tcb).toMatchObject({ snd_una: 1101, snd_nxt: 1101, snd_wnd: 0 });
  return c;
}

describe('ESTABLISHED, manual mode: zero-window probes', () => {
  it('manual mode accepts Linux’s probe, seq = SND.UNA − 1 without data, and the receiver answers with its window', () => {
    const r = step(manualZeroWindow(), sendSegment('client', { flags: ACK, seq: 1100 }));
    expect(r.outcome).toEqual({ ok: true });
    expectSegments(sentBy(r.segments, 'client'), [{ from: 'client', flags: ['ACK'], seq: 1100, ack: 5001, length: 0 }]);
    expect(rules(r.events)).toEqual(['ZERO_WINDOW_PROBE', 'SEQ_UNACCEPTABLE_ACKED', 'ANSWER_OWED']);
    expect(r.connection.server.owed).toMatchObject([{ flags: ACK, seq: 5001, ack: 1101 }]);
  });

  it('manual mode accepts a probe of one octet beyond the zero window, which the receiver drops and answers', () => {
    const r = step(manualZeroWindow(), sendSegment('client', { flags: PSH | ACK, payload: base64('z') }));
    expect(r.outcome).toEqual({ ok: true });
    expectSegments(sentBy(r.segments, 'client'), [{ from: 'client', flags: ['PSH', 'ACK'], seq: 1101, ack: 5001, length: 1 }]);
    expect(rules(r.events)).toEqual(['ZERO_WINDOW_PROBE', 'TEXT_BEYOND_WINDOW_ACKED', 'ANSWER_OWED']);
    // The octet takes sequence space and waits for its retransmission timer, as any data.
    expect(r.connection.client.tcb).toMatchObject({ snd_nxt: 1102 });
    expect(r.connection.server.tcb).toMatchObject({ rcv_nxt: 1101 });
  });

  it('more than one octet beyond the zero window is still refused, and `expected` is the one-octet probe', () => {
    const r = step(manualZeroWindow(), sendSegment('client', { flags: PSH | ACK, length: 10 }));
    expect(r.outcome.ok).toBe(false);
    if (r.outcome.ok) return;
    expect(r.outcome.error).toMatchObject({
      code: 'SEGMENT_INVALID',
      violations: [{ field: 'length', code: 'LENGTH_EXCEEDS_WINDOW', expected: 0, actual: 10 }],
      expected: { flags: ACK, seq: 1101, ack: 5001, length: 1 },
    });
  });

  it('a probe the persist timer owes is sent in either form; anything else must wait for it', () => {
    // The client's application writes 10 more octets: they wait behind the zero window, and one RTO later a probe is owed.
    const owed = ok(ok(manualZeroWindow(), { type: 'call', endpoint: 'client', call: 'send', data: { length: 10 } }), advance(1000));
    expect(owed.client.owed).toMatchObject([{ reason: 'ZERO_WINDOW_PROBE', seq: 1100, ack: 5001, length: 0 }]);
    expect(step(owed, sendSegment('client', { flags: ACK, seq: 1100 })).outcome).toEqual({ ok: true });
    expect(step(owed, sendSegment('client', { flags: ACK, length: 1 })).outcome).toEqual({ ok: true });
    const refusedFin = step(owed, sendSegment('client', { flags: FIN | ACK }));
    expect(refusedFin.outcome.ok || refusedFin.outcome.error.code).toBe('SEGMENT_INVALID');
  });
});

describe('ESTABLISHED, manual mode: urgent data', () => {
  it('manual mode accepts an urgent pointer past the segment’s data (3000 on 1,448 octets), and then requires the rest of it', () => {
    let c = createConnection({ mode: 'manual', client: { isn: 1000 }, server: { isn: 5000 } });
    c = ok(c, call('server', 'listen'));
    c = ok(c, sendSegment('client', { flags: SYN }));
    c = ok(c, sendSegment('server', { flags: SYN | ACK }));
    c = ok(c, sendSegment('client', { flags: ACK }));
    // The first segment of Linux's 3,000-octet urgent write: urgent pointer 3000 on 1448 octets.
    c = ok(c, sendSegment('client', { flags: URG | ACK, length: 1448, urgent_pointer: 3000 }));
    expect(c.client.tcb).toMatchObject({ snd_up: 4001 });
    // The second must still point to 4001: 1552 from 2449; a pointer into its own data is refused.
    const short = step(c, sendSegment('client', { flags: URG | ACK, length: 1448, urgent_pointer: 1448 }));
    expect(short.outcome.ok || short.outcome.error).toMatchObject({
      violations: [{ field: 'urgent_pointer', code: 'URGENT_POINTER_INVALID', expected: 1552, actual: 1448 }],
    });
    c = ok(c, sendSegment('client', { flags: URG | ACK, length: 1448, urgent_pointer: 1552 }));
    const last = step(c, sendSegment('client', { flags: URG | PSH | ACK, length: 104, urgent_pointer: 104 }));
    expect(last.segments.map((s) => [s.seq, s.urgent_pointer])).toEqual([[3897, 104]]);
  });
});

describe('ESTABLISHED, manual mode: retransmission after new data arrived', () => {
  it('a retransmission owed before data arrived goes out with the current RCV.NXT as its ack', () => {
    let c = manualEstablished();
    // The client's 10 octets are lost; one RTO later their retransmission is owed (ack 5001 then).
    c = ok(c, { type: 'send', from: 'client', segment: { flags: PSH | ACK, length: 10 }, network: 'drop' });
    c = ok(c, advance(1000));
    expect(c.client.owed).toMatchObject([{ reason: 'RETRANSMISSION_TIMEOUT', seq: 1001, ack: 5001 }]);
    // Meanwhile the server sends 20 octets: the client's RCV.NXT becomes 5021.
    c = ok(c, sendSegment('server', { flags: PSH | ACK, length: 20 }));
    expect(c.client.tcb).toMatchObject({ rcv_nxt: 5021 });
    const stale = step(c, sendSegment('client', { flags: PSH | ACK, seq: 1001, ack: 5001, length: 10 }));
    expect(stale.outcome.ok || stale.outcome.error).toMatchObject({
      violations: [{ field: 'ack', code: 'ACK_MUST_BE_RCV_NXT', expected: 5021, actual: 5001 }],
      expected: { seq: 1001, ack: 5021, length: 10 },
    });
    const current = step(c, sendSegment('client', { flags: PSH | ACK, seq: 1001, ack: 5021, length: 10 }));
    expect(current.outcome).toEqual({ ok: true });
    expectSegments(sentBy(current.segments, 'client'), [{ from: 'client', flags: ['PSH', 'ACK'], seq: 1001, ack: 5021, length: 10 }]);
  });
});

describe('ESTABLISHED, manual mode: the window field', () => {
  it('manual mode refuses a window field larger than the sender’s buffer, and accepts one up to it', () => {
    // The server's buffer is 100 octets, unscaled: its window field may say at most 100.
    const c = manualEstablished();
    const r = step(c, sendSegment('server', { flags: PSH | ACK, length: 10, window: 101 }));
    expect(r.outcome.ok || r.outcome.error).toMatchObject({
      violations: [{ field: 'window', code: 'WINDOW_EXCEEDS_BUFFER', expected: 100, actual: 101 }],
    });
    expect(step(c, sendSegment('server', { flags: PSH | ACK, length: 10, window: 100 })).outcome).toEqual({ ok: true });
  });
});

describe('LISTEN, manual mode', () => {
  it('manual mode offers the SYN that SEND in LISTEN sends (§3.10.2): LISTEN → SYN_SENT', () => {
    const r = step(listening({ mode: 'manual' }), sendSegment('server', { flags: SYN }));
    expect(r.outcome).toEqual({ ok: true });
    expect(states(r.connection)).toEqual({ client: 'CLOSED', server: 'SYN_SENT' });
    expectSegments(sentBy(r.segments, 'server'), [{ from: 'server', flags: ['SYN'], seq: 5000, ack: 0 }]);
    expect(r.connection.server.tcb!.send_queue).toEqual([]);
  });
});

describe('ESTABLISHED, manual mode: the probe octet', () => {
  it('a one-octet probe taken from the send queue carries the queue’s first octet', () => {
    // The client's application wrote "hello" behind the zero window; the caller sends the octet probe.
    let c = ok(manualZeroWindow(), { type: 'call', endpoint: 'client', call: 'send', data: { payload: base64('hello') } });
    const r = step(c, sendSegment('client', { flags: ACK, length: 1 }));
    expect(r.outcome).toEqual({ ok: true });
    expect(text(sentBy(r.segments, 'client')[0]!.payload)).toBe('h');
    c = r.connection;
    expect(c.client.tcb!.send_queue.map((q) => text(q.payload))).toEqual(['ello']);
  });
});

// ---------------------------------------------------------------------------
// A FIN into a zero window (RFC 9293 §3.10.7.4 acceptability; Linux tcp_snd_wnd_test)
// ---------------------------------------------------------------------------
describe('ESTABLISHED: CLOSE while the peer\'s window is zero', () => {
  /** established(SMALL) + 1,000 octets that fill the server's window, acknowledged with window 0: nothing queued, nothing in flight. */
  function windowFull(): Connection {
    return drive(established(SMALL), send('client', 'a'.repeat(1000)), deliverNext('client'), deliverNext('server')).connection;
  }

  it('CLOSE → FIN_WAIT_1, but the FIN waits for the window (it takes a sequence number the server could not accept) and the persist timer probes', () => {
    const d = drive(windowFull(), call('client', 'close'));
    expect(d.connection.client.tcb).toMatchObject({ snd_wnd: 0, snd_nxt: 2001, fin_queued: true });
    expect(d.last.segments).toEqual([]);
    expect(d.connection.client.state).toBe('FIN_WAIT_1');
    expect(d.last.events.find((e) => e.code === 'CLOSE_TO_FIN_WAIT_1')?.params).toMatchObject({ fin_held: true });
    expect(timer(d.connection, 'client', 'persist')).toBe(1000);
    const started = d.last.events.find((e) => e.code === 'PERSIST_TIMER_STARTED')!;
    expect(renderEvent(started, 'en')).toContain('the FIN waits to be sent (it takes a sequence number too)');
    const probe = drive(d.connection, advance(1000));
    expectSegments(sentBy(probe.last.segments, 'client'), [{ from: 'client', flags: ['ACK'], seq: 2000, ack: 5001, length: 0 }]);
  });

  it('the window update lets the FIN go: FIN,ACK <SEQ=2001>', () => {
    const held = drive(windowFull(), call('client', 'close')).connection;
    const d = drive(held, call('server', 'receive'), deliverNext('server'));
    expectSegments(sentBy(d.last.segments, 'client'), [{ from: 'client', flags: ['FIN', 'ACK'], seq: 2001, ack: 5001, length: 0 }]);
  });
});
