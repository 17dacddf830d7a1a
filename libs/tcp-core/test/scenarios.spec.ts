/**
 * End-to-end scenarios from RFC 9293 §3.5–§3.6 (and the Linux behaviour that
 * tcpdump shows), stepped one input at a time. Every step checks both
 * endpoints' states and every segment put on the wire, with exact numbers.
 *
 * Unless a scenario says otherwise: client ISS 1000, server ISS 5000, and
 * auto_deliver off, so that each delivery is a step of its own and no state
 * is skipped. SYN and FIN take one sequence number each, data its length.
 */
import { step, tcpdumpTrace, type ConnectionOptions } from '../src';
import { F, Scenario, advance, b64, call, codes } from './scenario-helpers';

const STEPWISE: ConnectionOptions = { seed: 1, auto_deliver: false, client: { isn: 1000 }, server: { isn: 5000 } };
const AUTO: ConnectionOptions = { ...STEPWISE, auto_deliver: true };

/** 2 × MSL with the rfc9293 profile's MSL of 30 s (Linux's TIME_WAIT is 60 s). */
const TWO_MSL = 60_000;

function listening(options: ConnectionOptions = STEPWISE): Scenario {
  const s = new Scenario(options);
  s.step(call('server', 'listen'), ['CLOSED', 'LISTEN'], []);
  return s;
}

/** The three-way handshake of RFC 9293 §3.5 Figure 6, one delivery per step. */
function established(): Scenario {
  const s = listening();
  s.step(call('client', 'connect'), ['SYN_SENT', 'LISTEN'], ['client>server S seq=1000']);
  s.deliver('client>server S seq=1000', ['SYN_SENT', 'SYN_RECEIVED'], ['server>client S. seq=5000 ack=1001']);
  s.deliver('server>client S. seq=5000 ack=1001', ['ESTABLISHED', 'SYN_RECEIVED'], ['client>server . seq=1001 ack=5001']);
  s.deliver('client>server . seq=1001 ack=5001', ['ESTABLISHED', 'ESTABLISHED'], []);
  return s;
}

// ---------------------------------------------------------------- opening

describe('three-way handshake (RFC 9293 §3.5 Figure 6)', () => {
  it('LISTEN + SYN → SYN_RECEIVED; SYN_SENT + SYN,ACK → ESTABLISHED; SYN_RECEIVED + ACK → ESTABLISHED', () => {
    const s = established();
    expect(s.inFlight()).toEqual([]);
    expect(s.client.tcb).toMatchObject({ iss: 1000, irs: 5000, snd_una: 1001, snd_nxt: 1001, rcv_nxt: 5001 });
    expect(s.server.tcb).toMatchObject({ iss: 5000, irs: 1000, snd_una: 5001, snd_nxt: 5001, rcv_nxt: 1001 });
    // Nothing is unacknowledged, so no retransmission timer runs on either side.
    expect(s.client.timers).toEqual([]);
    expect(s.server.timers).toEqual([]);
  });

  it('with automatic delivery, one CONNECT puts all three segments on the wire', () => {
    const s = listening(AUTO);
    s.step(call('client', 'connect'), ['ESTABLISHED', 'ESTABLISHED'], [
      'client>server S seq=1000',
      'server>client S. seq=5000 ack=1001',
      'client>server . seq=1001 ack=5001',
    ]);
  });
});

describe('simultaneous open (RFC 9293 §3.5 Figure 8)', () => {
  it('SYNs cross: both SYN_SENT → SYN_RECEIVED, each sends SYN,ACK <SEQ=ISS><ACK=RCV.NXT>, both → ESTABLISHED', () => {
    const s = new Scenario(STEPWISE);
    s.step(call('client', 'connect'), ['SYN_SENT', 'CLOSED'], ['client>server S seq=1000']);
    s.step(call('server', 'connect'), ['SYN_SENT', 'SYN_SENT'], ['server>client S seq=5000']);
    s.deliver('client>server S seq=1000', ['SYN_SENT', 'SYN_RECEIVED'], ['server>client S. seq=5000 ack=1001']);
    s.deliver('server>client S seq=5000', ['SYN_RECEIVED', 'SYN_RECEIVED'], ['client>server S. seq=1000 ack=5001']);
    // Linux (tcp_validate_incoming lets this SYN,ACK pass, then tcp_data_queue ACKs the old sequence number):
    // the SYN,ACK acknowledging our SYN completes the open, and an ACK goes back.
    s.deliver('server>client S. seq=5000 ack=1001', ['ESTABLISHED', 'SYN_RECEIVED'], ['client>server . seq=1001 ack=5001']);
    s.deliver('client>server S. seq=1000 ack=5001', ['ESTABLISHED', 'ESTABLISHED'], ['server>client . seq=5001 ack=1001']);
    s.deliver('client>server . seq=1001 ack=5001', ['ESTABLISHED', 'ESTABLISHED'], []);
    s.deliver('server>client . seq=5001 ack=1001', ['ESTABLISHED', 'ESTABLISHED'], []);
    expect(s.client.tcb).toMatchObject({ iss: 1000, irs: 5000, snd_una: 1001, snd_nxt: 1001, rcv_nxt: 5001 });
    expect(s.server.tcb).toMatchObject({ iss: 5000, irs: 1000, snd_una: 5001, snd_nxt: 5001, rcv_nxt: 1001 });
    expect(s.client.timers).toEqual([]);
    expect(s.server.timers).toEqual([]);
  });
});

describe('connection refused (RFC 9293 §3.10.7.1, §3.10.7.3)', () => {
  it('SYN to a CLOSED port → RST,ACK <SEQ=0><ACK=ISN+1> → SYN_SENT → CLOSED, "connection refused"', () => {
    const s = new Scenario(STEPWISE);
    s.step(call('client', 'connect'), ['SYN_SENT', 'CLOSED'], ['client>server S seq=1000']);
    s.deliver('client>server S seq=1000', ['SYN_SENT', 'CLOSED'], ['server>client R. seq=0 ack=1001']);
    const refused = s.deliver('server>client R. seq=0 ack=1001', ['CLOSED', 'CLOSED'], []);
    expect(codes(refused, 'client')).toEqual(['SEGMENT_ARRIVED', 'SYN_SENT_RST_TO_CLOSED', 'SIGNAL_CONNECTION_REFUSED']);
    expect(s.client.tcb).toBeNull();
    expect(s.client.timers).toEqual([]);
    expect(tcpdumpTrace(s.trace)[1]).toBe('IP 10.0.0.2.80 > 10.0.0.1.49152: Flags [R.], seq 0, ack 1001, win 0, length 0');
  });
});

describe('lost SYN (RFC 9293 §3.8.1, RFC 6298 §2.1: initial RTO 1 s)', () => {
  it('the SYN is retransmitted when the 1000 ms RTO expires, not before, and the handshake completes', () => {
    const s = listening(AUTO);
    s.step(call('client', 'connect', { network: 'drop' }), ['SYN_SENT', 'LISTEN'], ['client>server S seq=1000']);
    expect(s.client.timers).toEqual([{ kind: 'retransmission', due_ms: 1000 }]);
    s.step(advance(999), ['SYN_SENT', 'LISTEN'], []);
    const rto = s.step(advance(1), ['ESTABLISHED', 'ESTABLISHED'], [
      'client>server S seq=1000',
      'server>client S. seq=5000 ack=1001',
      'client>server . seq=1001 ack=5001',
    ]);
    expect(codes(rto, 'client').slice(0, 2)).toEqual(['RETRANSMISSION_TIMEOUT', 'SEGMENT_RETRANSMITTED']);
    expect(rto.segments.map((seg) => seg.sent_at_ms)).toEqual([1000, 1000, 1000]);
    expect(s.client.timers).toEqual([]);
    expect(s.server.timers).toEqual([]);
  });
});

describe('old duplicate SYN (RFC 9293 §3.5 Figure 9)', () => {
  it('SYN_SENT answers the SYN,ACK for an old SYN with RST <SEQ=SEG.ACK>; SYN_RECEIVED → LISTEN; the real SYN opens with a new ISS', () => {
    const s = listening();
    s.step(call('client', 'connect'), ['SYN_SENT', 'LISTEN'], ['client>server S seq=1000']);
    // An old SYN of an earlier incarnation, seq 990, overtakes the new one.
    s.step({ type: 'inject', to: 'server', segment: { flags: F('SYN'), seq: 990 } }, ['SYN_SENT', 'SYN_RECEIVED'], [
      'client>server S seq=990',
      'server>client S. seq=5000 ack=991',
    ]);
    // SEG.ACK = 991 =< ISS = 1000: "send a reset <SEQ=SEG.ACK><CTL=RST>" (§3.10.7.3).
    s.deliver('server>client S. seq=5000 ack=991', ['SYN_SENT', 'SYN_RECEIVED'], ['client>server R seq=991']);
    // The RST is at RCV.NXT (991): a passive SYN_RECEIVED returns to LISTEN (§3.10.7.4 second).
    s.deliver('client>server R seq=991', ['SYN_SENT', 'LISTEN'], []);
    expect(s.server.tcb).toBeNull();
    expect(s.server.timers).toEqual([]);
    // The second ISS is the seeded PRNG's next draw (mulberry32, seed 1: 2693262067 and 11749833 went to TS offsets).
    s.deliver('client>server S seq=1000', ['SYN_SENT', 'SYN_RECEIVED'], ['server>client S. seq=2265367787 ack=1001']);
    s.deliver('server>client S. seq=2265367787 ack=1001', ['ESTABLISHED', 'SYN_RECEIVED'], ['client>server . seq=1001 ack=2265367788']);
    s.deliver('client>server . seq=1001 ack=2265367788', ['ESTABLISHED', 'ESTABLISHED'], []);
    expect(s.inFlight()).toEqual([]);
    expect(s.server.tcb).toMatchObject({ iss: 2265367787, irs: 1000, rcv_nxt: 1001, snd_una: 2265367788 });
  });

  it('the RST answering the SYN,ACK is printed as Linux sends it (tcp_v4_send_reset): win 0, no options', () => {
    const s = listening();
    s.step(call('client', 'connect'), ['SYN_SENT', 'LISTEN'], ['client>server S seq=1000']);
    s.step({ type: 'inject', to: 'server', segment: { flags: F('SYN'), seq: 990 } }, ['SYN_SENT', 'SYN_RECEIVED'], [
      'client>server S seq=990',
      'server>client S. seq=5000 ack=991',
    ]);
    const rst = s.deliver('server>client S. seq=5000 ack=991', ['SYN_SENT', 'SYN_RECEIVED'], ['client>server R seq=991']);
    expect(tcpdumpTrace(rst.segments)).toEqual(['IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [R], seq 991, win 0, length 0']);
  });
});

describe('bad ACK in SYN_RECEIVED (RFC 9293 §3.10.7.4 fifth: "form a reset segment <SEQ=SEG.ACK><CTL=RST>")', () => {
  it('an ACK that does not acknowledge our SYN gets RST <SEQ=SEG.ACK> (win 0, as Linux) and SYN_RECEIVED stays', () => {
    const s = listening();
    s.step(call('client', 'connect'), ['SYN_SENT', 'LISTEN'], ['client>server S seq=1000']);
    s.deliver('client>server S seq=1000', ['SYN_SENT', 'SYN_RECEIVED'], ['server>client S. seq=5000 ack=1001']);
    // SND.UNA = 5000 < SEG.ACK must hold, and SEG.ACK =< SND.NXT = 5001: 7777 fails.
    const bad = s.step({ type: 'inject', to: 'server', segment: { flags: F('ACK'), seq: 1001, ack: 7777 } }, ['SYN_SENT', 'SYN_RECEIVED'], [
      'client>server . seq=1001 ack=7777',
      'server>client R seq=7777',
    ]);
    expect(codes(bad, 'server')).toContain('SYN_RECEIVED_BAD_ACK_RST');
    expect(tcpdumpTrace(bad.segments.slice(1))).toEqual(['IP 10.0.0.2.80 > 10.0.0.1.49152: Flags [R], seq 7777, win 0, length 0']);
  });
});

describe('sequence numbers that wrap at 2^32 (RFC 9293 §3.4)', () => {
  it('client ISS 4294967295: SYN,ACK ack=0; server data 4294967286:6 crosses the wrap and is ACKed with 6', () => {
    const s = listening({ ...STEPWISE, client: { isn: 4294967295 }, server: { isn: 4294967285 } });
    s.step(call('client', 'connect'), ['SYN_SENT', 'LISTEN'], ['client>server S seq=4294967295']);
    s.deliver('client>server S seq=4294967295', ['SYN_SENT', 'SYN_RECEIVED'], ['server>client S. seq=4294967285 ack=0']);
    s.deliver('server>client S. seq=4294967285 ack=0', ['ESTABLISHED', 'SYN_RECEIVED'], ['client>server . seq=0 ack=4294967286']);
    s.deliver('client>server . seq=0 ack=4294967286', ['ESTABLISHED', 'ESTABLISHED'], []);
    s.step(call('server', 'send', { data: { length: 16 } }), ['ESTABLISHED', 'ESTABLISHED'], ['server>client P. seq=4294967286 ack=0 len=16']);
    expect(s.server.tcb).toMatchObject({ snd_una: 4294967286, snd_nxt: 6 });
    s.deliver('server>client P. seq=4294967286 ack=0 len=16', ['ESTABLISHED', 'ESTABLISHED'], ['client>server . seq=0 ack=6']);
    s.deliver('client>server . seq=0 ack=6', ['ESTABLISHED', 'ESTABLISHED'], []);
    expect(s.server.tcb).toMatchObject({ snd_una: 6, snd_nxt: 6, retransmission_queue: [] });
    expect(s.server.timers).toEqual([]);
    s.step(call('client', 'send', { data: { length: 5 } }), ['ESTABLISHED', 'ESTABLISHED'], ['client>server P. seq=0 ack=6 len=5']);
    s.deliver('client>server P. seq=0 ack=6 len=5', ['ESTABLISHED', 'ESTABLISHED'], ['server>client . seq=6 ack=5']);
    s.deliver('server>client . seq=6 ack=5', ['ESTABLISHED', 'ESTABLISHED'], []);
    s.step(call('client', 'close'), ['FIN_WAIT_1', 'ESTABLISHED'], ['client>server F. seq=5 ack=6']);
    s.deliver('client>server F. seq=5 ack=6', ['FIN_WAIT_1', 'CLOSE_WAIT'], ['server>client . seq=6 ack=6']);
    s.deliver('server>client . seq=6 ack=6', ['FIN_WAIT_2', 'CLOSE_WAIT'], []);
    s.step(call('server', 'close'), ['FIN_WAIT_2', 'LAST_ACK'], ['server>client F. seq=6 ack=6']);
    s.deliver('server>client F. seq=6 ack=6', ['TIME_WAIT', 'LAST_ACK'], ['client>server . seq=6 ack=7']);
    s.deliver('client>server . seq=6 ack=7', ['TIME_WAIT', 'CLOSED'], []);
    s.step(advance(TWO_MSL), ['CLOSED', 'CLOSED'], []);

    const strip = (line: string): string => line.replace(/, options \[[^\]]*\]/, '');
    expect(tcpdumpTrace(s.trace).map(strip)).toEqual([
      'IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [S], seq 4294967295, win 64240, length 0',
      'IP 10.0.0.2.80 > 10.0.0.1.49152: Flags [S.], seq 4294967285, ack 0, win 65160, length 0',
      'IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [.], ack 4294967286, win 502, length 0',
      'IP 10.0.0.2.80 > 10.0.0.1.49152: Flags [P.], seq 4294967286:6, ack 0, win 510, length 16',
      'IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [.], ack 6, win 502, length 0',
      'IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [P.], seq 0:5, ack 6, win 502, length 5',
      'IP 10.0.0.2.80 > 10.0.0.1.49152: Flags [.], ack 5, win 510, length 0',
      'IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [F.], seq 5, ack 6, win 502, length 0',
      'IP 10.0.0.2.80 > 10.0.0.1.49152: Flags [.], ack 6, win 510, length 0',
      'IP 10.0.0.2.80 > 10.0.0.1.49152: Flags [F.], seq 6, ack 6, win 510, length 0',
      'IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [.], ack 7, win 502, length 0',
    ]);
    // Without -S tcpdump subtracts the ISNs modulo 2^32: the data crossing the wrap is 1:17.
    expect(tcpdumpTrace(s.trace, { numbering: 'relative' }).map(strip).slice(2)).toEqual([
      'IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [.], ack 1, win 502, length 0',
      'IP 10.0.0.2.80 > 10.0.0.1.49152: Flags [P.], seq 1:17, ack 1, win 510, length 16',
      'IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [.], ack 17, win 502, length 0',
      'IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [P.], seq 1:6, ack 17, win 502, length 5',
      'IP 10.0.0.2.80 > 10.0.0.1.49152: Flags [.], ack 6, win 510, length 0',
      'IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [F.], seq 6, ack 17, win 502, length 0',
      'IP 10.0.0.2.80 > 10.0.0.1.49152: Flags [.], ack 7, win 510, length 0',
      'IP 10.0.0.2.80 > 10.0.0.1.49152: Flags [F.], seq 17, ack 7, win 510, length 0',
      'IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [.], ack 18, win 502, length 0',
    ]);
  });
});

// ---------------------------------------------------------------- closing

describe('four-way teardown, client closes first (RFC 9293 §3.6 Figure 12)', () => {
  it('FIN_WAIT_1 → FIN_WAIT_2 → TIME_WAIT → CLOSED after 2MSL; CLOSE_WAIT → LAST_ACK → CLOSED', () => {
    const s = established();
    s.step(call('client', 'close'), ['FIN_WAIT_1', 'ESTABLISHED'], ['client>server F. seq=1001 ack=5001']);
    s.deliver('client>server F. seq=1001 ack=5001', ['FIN_WAIT_1', 'CLOSE_WAIT'], ['server>client . seq=5001 ack=1002']);
    s.deliver('server>client . seq=5001 ack=1002', ['FIN_WAIT_2', 'CLOSE_WAIT'], []);
    expect(s.client.timers).toEqual([]);
    s.step(call('server', 'close'), ['FIN_WAIT_2', 'LAST_ACK'], ['server>client F. seq=5001 ack=1002']);
    s.deliver('server>client F. seq=5001 ack=1002', ['TIME_WAIT', 'LAST_ACK'], ['client>server . seq=1002 ack=5002']);
    expect(s.client.timers).toEqual([{ kind: 'time_wait', due_ms: TWO_MSL }]);
    s.deliver('client>server . seq=1002 ack=5002', ['TIME_WAIT', 'CLOSED'], []);
    expect(s.server.tcb).toBeNull();
    s.step(advance(TWO_MSL - 1), ['TIME_WAIT', 'CLOSED'], []);
    s.step(advance(1), ['CLOSED', 'CLOSED'], []);
    expect(s.client.tcb).toBeNull();
  });
});

describe('four-way teardown, server closes first', () => {
  it('the server takes FIN_WAIT_1 → FIN_WAIT_2 → TIME_WAIT, the client CLOSE_WAIT → LAST_ACK → CLOSED', () => {
    const s = established();
    s.step(call('server', 'close'), ['ESTABLISHED', 'FIN_WAIT_1'], ['server>client F. seq=5001 ack=1001']);
    s.deliver('server>client F. seq=5001 ack=1001', ['CLOSE_WAIT', 'FIN_WAIT_1'], ['client>server . seq=1001 ack=5002']);
    s.deliver('client>server . seq=1001 ack=5002', ['CLOSE_WAIT', 'FIN_WAIT_2'], []);
    s.step(call('client', 'close'), ['LAST_ACK', 'FIN_WAIT_2'], ['client>server F. seq=1001 ack=5002']);
    s.deliver('client>server F. seq=1001 ack=5002', ['LAST_ACK', 'TIME_WAIT'], ['server>client . seq=5002 ack=1002']);
    expect(s.server.timers).toEqual([{ kind: 'time_wait', due_ms: TWO_MSL }]);
    s.deliver('server>client . seq=5002 ack=1002', ['CLOSED', 'TIME_WAIT'], []);
    s.step(advance(TWO_MSL - 1), ['CLOSED', 'TIME_WAIT'], []);
    s.step(advance(1), ['CLOSED', 'CLOSED'], []);
  });
});

describe('three-segment close: the FIN piggybacked on the owed ACK (manual mode)', () => {
  it('the server CLOSEs before sending its ACK of the FIN: its FIN,ACK acknowledges the FIN, the client goes FIN_WAIT_1 → TIME_WAIT', () => {
    const s = new Scenario({ ...AUTO, mode: 'manual' });
    s.step(call('server', 'listen'), ['CLOSED', 'LISTEN'], []);
    s.step({ type: 'send', from: 'client', segment: { flags: F('SYN') } }, ['SYN_SENT', 'SYN_RECEIVED'], ['client>server S seq=1000']);
    s.step({ type: 'send', from: 'server', segment: { flags: F('SYN', 'ACK') } }, ['ESTABLISHED', 'SYN_RECEIVED'], [
      'server>client S. seq=5000 ack=1001',
    ]);
    s.step({ type: 'send', from: 'client', segment: { flags: F('ACK') } }, ['ESTABLISHED', 'ESTABLISHED'], ['client>server . seq=1001 ack=5001']);
    s.step({ type: 'send', from: 'client', segment: { flags: F('FIN', 'ACK') } }, ['FIN_WAIT_1', 'CLOSE_WAIT'], [
      'client>server F. seq=1001 ack=5001',
    ]);
    expect(s.server.owed).toEqual([
      { seq: 5001, ack: 1002, flags: F('ACK'), length: 0, payload: null, urgent_pointer: 0, reason: 'FIN_TO_CLOSE_WAIT' },
    ]);
    s.step({ type: 'send', from: 'server', segment: { flags: F('FIN', 'ACK') } }, ['TIME_WAIT', 'LAST_ACK'], [
      'server>client F. seq=5001 ack=1002',
    ]);
    expect(s.server.owed).toEqual([]);
    s.step({ type: 'send', from: 'client', segment: { flags: F('ACK') } }, ['TIME_WAIT', 'CLOSED'], ['client>server . seq=1002 ack=5002']);
    expect(s.trace.slice(3).map((seg) => seg.flags)).toEqual([F('FIN', 'ACK'), F('FIN', 'ACK'), F('ACK')]);
    s.step(advance(TWO_MSL), ['CLOSED', 'CLOSED'], []);
  });
});

describe('half-close (RFC 9293 §3.6: CLOSE means "I have no more to send")', () => {
  it('the server keeps sending in CLOSE_WAIT; the client in FIN_WAIT_2 takes in and ACKs the data, then both close', () => {
    const s = established();
    s.step(call('client', 'close'), ['FIN_WAIT_1', 'ESTABLISHED'], ['client>server F. seq=1001 ack=5001']);
    s.deliver('client>server F. seq=1001 ack=5001', ['FIN_WAIT_1', 'CLOSE_WAIT'], ['server>client . seq=5001 ack=1002']);
    s.deliver('server>client . seq=5001 ack=1002', ['FIN_WAIT_2', 'CLOSE_WAIT'], []);

    s.step(call('server', 'send', { data: { payload: b64('x'.repeat(100)) } }), ['FIN_WAIT_2', 'CLOSE_WAIT'], [
      'server>client P. seq=5001 ack=1002 len=100',
    ]);
    s.deliver('server>client P. seq=5001 ack=1002 len=100', ['FIN_WAIT_2', 'CLOSE_WAIT'], ['client>server . seq=1002 ack=5101']);
    s.deliver('client>server . seq=1002 ack=5101', ['FIN_WAIT_2', 'CLOSE_WAIT'], []);
    s.step(call('server', 'send', { data: { payload: b64('y'.repeat(50)) } }), ['FIN_WAIT_2', 'CLOSE_WAIT'], [
      'server>client P. seq=5101 ack=1002 len=50',
    ]);
    s.deliver('server>client P. seq=5101 ack=1002 len=50', ['FIN_WAIT_2', 'CLOSE_WAIT'], ['client>server . seq=1002 ack=5151']);
    s.deliver('client>server . seq=1002 ack=5151', ['FIN_WAIT_2', 'CLOSE_WAIT'], []);
    expect(s.server.tcb).toMatchObject({ snd_una: 5151, snd_nxt: 5151, retransmission_queue: [] });

    // RECEIVE works in FIN_WAIT_2 (§3.10.3); SEND does not ("error: connection closing", §3.10.2).
    const read = s.step(call('client', 'receive'), ['FIN_WAIT_2', 'CLOSE_WAIT'], []);
    expect(read.outcome).toEqual({ ok: true, received: { length: 150, payload: b64('x'.repeat(100) + 'y'.repeat(50)) } });
    const refused = step(s.connection, call('client', 'send', { data: { length: 1 } }));
    expect(refused.outcome).toEqual({
      ok: false,
      error: { code: 'CALL_REFUSED', error: 'CONNECTION_CLOSING', text: 'error: connection closing' },
    });
    expect(refused.connection).toBe(s.connection);

    s.step(call('server', 'close'), ['FIN_WAIT_2', 'LAST_ACK'], ['server>client F. seq=5151 ack=1002']);
    s.deliver('server>client F. seq=5151 ack=1002', ['TIME_WAIT', 'LAST_ACK'], ['client>server . seq=1002 ack=5152']);
    s.deliver('client>server . seq=1002 ack=5152', ['TIME_WAIT', 'CLOSED'], []);
    s.step(advance(TWO_MSL), ['CLOSED', 'CLOSED'], []);
  });
});

describe('simultaneous close (RFC 9293 §3.6 Figure 13)', () => {
  it('FINs cross: both FIN_WAIT_1 → CLOSING → TIME_WAIT, both CLOSED after 2MSL', () => {
    const s = established();
    s.step(call('client', 'close'), ['FIN_WAIT_1', 'ESTABLISHED'], ['client>server F. seq=1001 ack=5001']);
    s.step(call('server', 'close'), ['FIN_WAIT_1', 'FIN_WAIT_1'], ['server>client F. seq=5001 ack=1001']);
    s.deliver('client>server F. seq=1001 ack=5001', ['FIN_WAIT_1', 'CLOSING'], ['server>client . seq=5002 ack=1002']);
    s.deliver('server>client F. seq=5001 ack=1001', ['CLOSING', 'CLOSING'], ['client>server . seq=1002 ack=5002']);
    s.deliver('server>client . seq=5002 ack=1002', ['TIME_WAIT', 'CLOSING'], []);
    s.deliver('client>server . seq=1002 ack=5002', ['TIME_WAIT', 'TIME_WAIT'], []);
    expect(s.client.timers).toEqual([{ kind: 'time_wait', due_ms: TWO_MSL }]);
    expect(s.server.timers).toEqual([{ kind: 'time_wait', due_ms: TWO_MSL }]);
    s.step(advance(TWO_MSL - 1), ['TIME_WAIT', 'TIME_WAIT'], []);
    s.step(advance(1), ['CLOSED', 'CLOSED'], []);
  });
});

describe('abort (RFC 9293 §3.10.5)', () => {
  it('ABORT in ESTABLISHED sends RST,ACK <SEQ=SND.NXT><ACK=RCV.NXT> (Linux) and the peer is reset to CLOSED', () => {
    const s = established();
    const aborted = s.step(call('client', 'abort'), ['CLOSED', 'ESTABLISHED'], ['client>server R. seq=1001 ack=5001']);
    expect(codes(aborted, 'client')).toContain('ABORT_SENDS_RST');
    const reset = s.deliver('client>server R. seq=1001 ack=5001', ['CLOSED', 'CLOSED'], []);
    expect(codes(reset, 'server')).toEqual(['SEGMENT_ARRIVED', 'RST_RESETS_CONNECTION', 'SIGNAL_CONNECTION_RESET']);
    expect(s.server.tcb).toBeNull();
    s.step(advance(TWO_MSL), ['CLOSED', 'CLOSED'], []);
  });
});

describe('lost final ACK of the teardown (RFC 9293 §3.6, §3.10.7.4 TIME-WAIT)', () => {
  it("LAST_ACK retransmits its FIN after the RTO; TIME_WAIT ACKs it again and restarts 2MSL; the server closes", () => {
    const s = established();
    s.step(call('client', 'close'), ['FIN_WAIT_1', 'ESTABLISHED'], ['client>server F. seq=1001 ack=5001']);
    s.deliver('client>server F. seq=1001 ack=5001', ['FIN_WAIT_1', 'CLOSE_WAIT'], ['server>client . seq=5001 ack=1002']);
    s.deliver('server>client . seq=5001 ack=1002', ['FIN_WAIT_2', 'CLOSE_WAIT'], []);
    s.step(call('server', 'close'), ['FIN_WAIT_2', 'LAST_ACK'], ['server>client F. seq=5001 ack=1002']);
    expect(s.server.timers).toEqual([{ kind: 'retransmission', due_ms: 1000 }]);
    s.deliver('server>client F. seq=5001 ack=1002', ['TIME_WAIT', 'LAST_ACK'], ['client>server . seq=1002 ack=5002']);
    expect(s.client.timers).toEqual([{ kind: 'time_wait', due_ms: TWO_MSL }]);
    s.drop('client>server . seq=1002 ack=5002', ['TIME_WAIT', 'LAST_ACK']);

    s.step(advance(999), ['TIME_WAIT', 'LAST_ACK'], []);
    s.step(advance(1), ['TIME_WAIT', 'LAST_ACK'], ['server>client F. seq=5001 ack=1002']);
    // RFC 6298 §5.5: the RTO doubles.
    expect(s.server.timers).toEqual([{ kind: 'retransmission', due_ms: 3000 }]);
    const again = s.deliver('server>client F. seq=5001 ack=1002', ['TIME_WAIT', 'LAST_ACK'], ['client>server . seq=1002 ack=5002']);
    expect(codes(again, 'client')).toContain('TIME_WAIT_FIN_ACKED_AGAIN');
    // "Acknowledge it, and restart the 2 MSL timeout": 1000 + 60000.
    expect(s.client.timers).toEqual([{ kind: 'time_wait', due_ms: 1000 + TWO_MSL }]);
    s.deliver('client>server . seq=1002 ack=5002', ['TIME_WAIT', 'CLOSED'], []);
    expect(s.server.timers).toEqual([]);

    // The first 2MSL would have ended at 60000; the restarted one ends at 61000.
    s.step(advance(TWO_MSL - 1), ['TIME_WAIT', 'CLOSED'], []);
    expect(s.clock).toBe(60_999);
    s.step(advance(1), ['CLOSED', 'CLOSED'], []);
  });
});

// ---------------------------------------------------------------- old segments

describe('a delayed data segment from an old connection (RFC 9293 §3.4.1, §3.6.1; RFC 1337)', () => {
  /**
   * Established with automatic delivery; the client's 10 octets at 1001 are
   * held in the network, the client retransmits them after the RTO and the
   * server ACKs the copy. The original stays in flight.
   */
  function withDelayedSegment(): Scenario {
    const s = listening(AUTO);
    s.step(call('client', 'connect'), ['ESTABLISHED', 'ESTABLISHED'], [
      'client>server S seq=1000',
      'server>client S. seq=5000 ack=1001',
      'client>server . seq=1001 ack=5001',
    ]);
    s.step(call('client', 'send', { data: { length: 10 }, network: 'hold' }), ['ESTABLISHED', 'ESTABLISHED'], [
      'client>server P. seq=1001 ack=5001 len=10',
    ]);
    s.step(advance(1000), ['ESTABLISHED', 'ESTABLISHED'], ['client>server P. seq=1001 ack=5001 len=10', 'server>client . seq=5001 ack=1011']);
    expect(s.inFlight()).toEqual(['client>server P. seq=1001 ack=5001 len=10']);
    return s;
  }
  const OLD = 'client>server P. seq=1001 ack=5001 len=10';

  it('arriving at a server in TIME_WAIT: re-ACKed, the CLOSED client answers RST at RCV.NXT, and the RST ends TIME_WAIT (assassination)', () => {
    const s = withDelayedSegment();
    s.step(call('server', 'close'), ['CLOSE_WAIT', 'FIN_WAIT_2'], ['server>client F. seq=5001 ack=1011', 'client>server . seq=1011 ack=5002']);
    s.step(call('client', 'close'), ['CLOSED', 'TIME_WAIT'], ['client>server F. seq=1011 ack=5002', 'server>client . seq=5002 ack=1012']);
    // Its TSval is older than TS.Recent (the client's FIN's): PAWS finds it not acceptable (RFC 7323 §5.3 R1) before
    // its sequence number does (1001..1010 lies below RCV.NXT = 1012), so TIME_WAIT ACKs it; the client has no TCB and
    // answers the ACK with <SEQ=SEG.ACK><CTL=RST> (§3.10.7.1); that RST is exactly at RCV.NXT, and "TIME-WAIT:
    // If the RST bit is set, then enter the CLOSED state" (§3.10.7.4) — Linux does the same with tcp_rfc1337 = 0.
    const late = s.deliver(OLD, ['CLOSED', 'CLOSED'], ['server>client . seq=5002 ack=1012', 'client>server R seq=1012']);
    expect(codes(late, 'server')).toContain('PAWS_REJECTED');
    expect(codes(late, 'server')).toContain('RST_CLOSES_CONNECTION');
    expect(s.server.timers).toEqual([]);
  });

  it('arriving at a CLOSED server while the client is in TIME_WAIT: RST <SEQ=SEG.ACK>, which the client drops as out of window', () => {
    const s = withDelayedSegment();
    s.step(call('client', 'close'), ['FIN_WAIT_2', 'CLOSE_WAIT'], ['client>server F. seq=1011 ack=5001', 'server>client . seq=5001 ack=1012']);
    s.step(call('server', 'close'), ['TIME_WAIT', 'CLOSED'], ['server>client F. seq=5001 ack=1012', 'client>server . seq=1012 ack=5002']);
    // The RST carries seq 5001 (the old segment's ACK); the client's RCV.NXT is 5002, so it is dropped (RFC 5961 §3.2).
    const late = s.deliver(OLD, ['TIME_WAIT', 'CLOSED'], ['server>client R seq=5001']);
    expect(codes(late, 'client')).toEqual(['SEGMENT_ARRIVED', 'SEQ_UNACCEPTABLE_RST_DROPPED']);
    expect(s.client.timers).toEqual([{ kind: 'time_wait', due_ms: 1000 + TWO_MSL }]);
    s.step(advance(TWO_MSL), ['CLOSED', 'CLOSED'], []);
  });

  it('arriving after both ends are CLOSED: the server answers RST <SEQ=SEG.ACK>, the client discards it', () => {
    const s = withDelayedSegment();
    s.step(call('client', 'close'), ['FIN_WAIT_2', 'CLOSE_WAIT'], ['client>server F. seq=1011 ack=5001', 'server>client . seq=5001 ack=1012']);
    s.step(call('server', 'close'), ['TIME_WAIT', 'CLOSED'], ['server>client F. seq=5001 ack=1012', 'client>server . seq=1012 ack=5002']);
    s.step(advance(TWO_MSL), ['CLOSED', 'CLOSED'], []);
    const late = s.deliver(OLD, ['CLOSED', 'CLOSED'], ['server>client R seq=5001']);
    expect(codes(late, 'client')).toEqual(['SEGMENT_ARRIVED', 'CLOSED_RST_DISCARDED']);
  });

  it('arriving at a new incarnation with fresh ISNs: older than TS.Recent (PAWS), so it is ACKed with the new numbers and dropped', () => {
    const s = withDelayedSegment();
    s.step(call('client', 'close'), ['FIN_WAIT_2', 'CLOSE_WAIT'], ['client>server F. seq=1011 ack=5001', 'server>client . seq=5001 ack=1012']);
    s.step(call('server', 'close'), ['TIME_WAIT', 'CLOSED'], ['server>client F. seq=5001 ack=1012', 'client>server . seq=1012 ack=5002']);
    s.step(advance(TWO_MSL), ['CLOSED', 'CLOSED'], []);
    // Later connections draw their ISNs from the seeded PRNG: the 3rd and 4th draws of seed 1.
    s.step(call('server', 'listen'), ['CLOSED', 'LISTEN'], []);
    s.step(call('client', 'connect'), ['ESTABLISHED', 'ESTABLISHED'], [
      'client>server S seq=2265367787',
      'server>client S. seq=4213581821 ack=2265367788',
      'client>server . seq=2265367788 ack=4213581822',
    ]);
    // The client's TS clock runs on from one connection to the next (one offset per endpoint, as Linux keeps one per
    // address pair), so the old segment's TSval is older than the new SYN's: PAWS drops it before its sequence number
    // is even looked at (RFC 7323 §5.3 R1) — it would have been out of the window anyway.
    const late = s.deliver(OLD, ['ESTABLISHED', 'ESTABLISHED'], ['server>client . seq=4213581822 ack=2265367788']);
    expect(codes(late, 'server')).toEqual(['SEGMENT_ARRIVED', 'PAWS_REJECTED', 'SEGMENT_SENT']);
    expect(s.server.tcb).toMatchObject({ rcv_nxt: 2265367788, receive_queue: [] });
  });
});
