/**
 * SEGMENT ARRIVES — RFC 9293 §3.10.7 (with RFC 5961), one describe per state,
 * in the RFC's order. Fixtures come from ./fixtures (client ISS 1000, server
 * ISS 5000 unless a test says otherwise); every seq/ack below is a literal.
 * Bookkeeping events (SEGMENT_SENT, SEGMENT_ARRIVED …) are filtered out by
 * `rules()`, so each test pins exactly which rules fired, in order.
 */
import { ACK, FIN, PSH, RST, SYN, URG, createConnection, step } from '../src';
import {
  SEED_OPTIONS,
  advance,
  base64,
  bothSynSent,
  call,
  closeWait,
  closed,
  closing,
  deliverNext,
  deliverWhere,
  drive,
  dropNext,
  established,
  expectSegments,
  finWait1,
  finWait2,
  inject,
  lastAck,
  listening,
  rules,
  send,
  sentBy,
  simultaneousSynReceived,
  states,
  synReceived,
  synSent,
  text,
  timeWait,
  timer,
} from './fixtures';

// ---------------------------------------------------------------------------
// CLOSED — §3.10.7.1
// ---------------------------------------------------------------------------
describe('CLOSED (RFC 9293 §3.10.7.1)', () => {
  it('CLOSED + RST is discarded without an answer', () => {
    const d = drive(closed(), inject('server', { flags: RST, seq: 1000, ack: 0 }), inject('server', { flags: RST | ACK, seq: 1000, ack: 7000 }));
    expect(sentBy(d.segments, 'server')).toEqual([]);
    expect(rules(d.events)).toEqual(['CLOSED_RST_DISCARDED', 'CLOSED_RST_DISCARDED']);
    expect(states(d.connection)).toEqual({ client: 'CLOSED', server: 'CLOSED' });
  });

  it('CLOSED + SYN without ACK answers <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, the SYN counting one', () => {
    const d = drive(closed(), inject('server', { flags: SYN, seq: 1000 }));
    expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['RST', 'ACK'], seq: 0, ack: 1001, window: 0 }]);
    expect(rules(d.last.events)).toEqual(['CLOSED_ANSWERS_RST_ACK']);
    expect(states(d.connection)).toEqual({ client: 'CLOSED', server: 'CLOSED' });
  });

  it('CLOSED + FIN with 10 octets of text and no ACK answers RST,ACK with ack = SEG.SEQ + 10 + 1', () => {
    const d = drive(closed(), inject('server', { flags: FIN | PSH, seq: 7000, length: 10 }));
    expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['RST', 'ACK'], seq: 0, ack: 7011 }]);
  });

  it('CLOSED + ACK answers <SEQ=SEG.ACK><CTL=RST> (no ACK bit)', () => {
    const d = drive(closed(), inject('server', { flags: ACK, seq: 1001, ack: 5001 }));
    expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['RST'], seq: 5001, ack: 0 }]);
    expect(rules(d.last.events)).toEqual(['CLOSED_ANSWERS_RST']);
  });

  it('connection refused: SYN to a CLOSED server → RST,ACK ack = ISN+1 → client SYN_SENT → CLOSED', () => {
    const refused = drive(closed(), call('client', 'connect'), deliverNext('client'));
    expectSegments(sentBy(refused.last.segments, 'server'), [{ from: 'server', flags: ['RST', 'ACK'], seq: 0, ack: 1001, window: 0 }]);
    expect(states(refused.connection)).toEqual({ client: 'SYN_SENT', server: 'CLOSED' });

    const d = drive(refused.connection, deliverNext('server'));
    expect(states(d.connection)).toEqual({ client: 'CLOSED', server: 'CLOSED' });
    expect(rules(d.last.events)).toEqual(['SYN_SENT_RST_TO_CLOSED', 'SIGNAL_CONNECTION_REFUSED']);
    expect(d.last.segments).toEqual([]);
    expect(d.connection.client.tcb).toBeNull();
    expect(d.connection.client.timers).toEqual([]);
  });

  it('connection refused with the seed ISN, in one step when the network delivers by itself', () => {
    const c0 = createConnection({ client: { isn: 481914174 } });
    const r = step(c0, call('client', 'connect'));
    expectSegments(r.segments, [
      { from: 'client', flags: ['SYN'], seq: 481914174, ack: 0 },
      { from: 'server', flags: ['RST', 'ACK'], seq: 0, ack: 481914175 },
    ]);
    expect(states(r.connection)).toEqual({ client: 'CLOSED', server: 'CLOSED' });
    expect(rules(r.events)).toEqual(['OPEN_ACTIVE_TO_SYN_SENT', 'CLOSED_ANSWERS_RST_ACK', 'SYN_SENT_RST_TO_CLOSED', 'SIGNAL_CONNECTION_REFUSED']);
  });
});

// ---------------------------------------------------------------------------
// LISTEN — §3.10.7.2
// ---------------------------------------------------------------------------
describe('LISTEN (RFC 9293 §3.10.7.2)', () => {
  it('LISTEN + RST is ignored', () => {
    const d = drive(listening(), inject('server', { flags: RST, seq: 1000 }));
    expect(sentBy(d.last.segments, 'server')).toEqual([]);
    expect(rules(d.last.events)).toEqual(['LISTEN_RST_IGNORED']);
    expect(states(d.connection)).toEqual({ client: 'CLOSED', server: 'LISTEN' });
  });

  it('LISTEN + ACK answers <SEQ=SEG.ACK><CTL=RST> and keeps listening', () => {
    const d = drive(listening(), inject('server', { flags: ACK, seq: 1001, ack: 777 }));
    expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['RST'], seq: 777, ack: 0 }]);
    expect(rules(d.last.events)).toEqual(['LISTEN_ACK_ANSWERED_RST']);
    expect(d.connection.server.state).toBe('LISTEN');
    expect(d.connection.server.tcb).toBeNull();
  });

  it('LISTEN + SYN,ACK is "any acknowledgment": RST <SEQ=SEG.ACK>, no SYN_RECEIVED', () => {
    const d = drive(listening(), inject('server', { flags: SYN | ACK, seq: 1000, ack: 9001 }));
    expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['RST'], seq: 9001, ack: 0 }]);
    expect(d.connection.server.state).toBe('LISTEN');
  });

  it('SYN in LISTEN moves the server to SYN_RECEIVED and answers SYN,ACK seq = ISS, ack = SEG.SEQ+1', () => {
    const d = drive(synSent(), deliverNext('client'));
    expectSegments(d.last.segments, [{ from: 'server', flags: ['SYN', 'ACK'], seq: 5000, ack: 1001, window: 65160 }]);
    expect(rules(d.last.events)).toEqual(['LISTEN_SYN_TO_SYN_RECEIVED']);
    expect(states(d.connection)).toEqual({ client: 'SYN_SENT', server: 'SYN_RECEIVED' });
    expect(d.connection.server.tcb).toMatchObject({ irs: 1000, rcv_nxt: 1001, iss: 5000, snd_una: 5000, snd_nxt: 5001 });
  });

  it('SYN carrying text in LISTEN: the SYN,ACK acknowledges only the SYN (Linux without TCP Fast Open)', () => {
    const d = drive(listening(), inject('server', { flags: SYN, seq: 1000, payload: base64('hello') }));
    expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['SYN', 'ACK'], seq: 5000, ack: 1001 }]);
    expect(d.connection.server.tcb?.rcv_nxt).toBe(1001);
  });

  it('LISTEN + SYN,FIN is dropped (Linux tcp_rcv_state_process)', () => {
    const d = drive(listening(), inject('server', { flags: SYN | FIN, seq: 1000 }));
    expect(sentBy(d.last.segments, 'server')).toEqual([]);
    expect(rules(d.last.events)).toEqual(['LISTEN_SYN_FIN_DROPPED']);
    expect(d.connection.server.state).toBe('LISTEN');
    expect(d.connection.server.tcb).toBeNull();
  });

  it('LISTEN + a segment with neither SYN, ACK nor RST is dropped', () => {
    const d = drive(listening(), inject('server', { flags: FIN, seq: 1000 }), inject('server', { flags: PSH, seq: 1000, payload: base64('abc') }));
    expect(sentBy(d.segments, 'server')).toEqual([]);
    expect(rules(d.events)).toEqual(['LISTEN_SEGMENT_DROPPED', 'LISTEN_SEGMENT_DROPPED']);
    expect(d.connection.server.state).toBe('LISTEN');
  });
});

// ---------------------------------------------------------------------------
// SYN_SENT — §3.10.7.3 (the client; its SYN <SEQ=1000> is in flight)
// ---------------------------------------------------------------------------
describe('SYN_SENT (RFC 9293 §3.10.7.3)', () => {
  it('SYN_SENT + SYN,ACK with SEG.ACK = ISS (≤ ISS) is unacceptable: RST <SEQ=SEG.ACK>, still SYN_SENT', () => {
    const d = drive(synSent(), inject('client', { flags: SYN | ACK, seq: 5000, ack: 1000 }));
    expectSegments(sentBy(d.last.segments, 'client'), [{ from: 'client', flags: ['RST'], seq: 1000, ack: 0 }]);
    expect(rules(d.last.events)).toEqual(['SYN_SENT_BAD_ACK_ANSWERED_RST']);
    expect(d.connection.client.state).toBe('SYN_SENT');
    expect(d.connection.client.tcb).toMatchObject({ snd_una: 1000, snd_nxt: 1001 });
  });

  it('SYN_SENT + ACK with SEG.ACK > SND.NXT is unacceptable: RST <SEQ=SEG.ACK>', () => {
    const d = drive(synSent(), inject('client', { flags: ACK, seq: 5001, ack: 1002 }));
    expectSegments(sentBy(d.last.segments, 'client'), [{ from: 'client', flags: ['RST'], seq: 1002, ack: 0 }]);
    expect(d.connection.client.state).toBe('SYN_SENT');
  });

  it('SYN_SENT + RST with an unacceptable ACK is dropped, no RST answers it', () => {
    const d = drive(synSent(), inject('client', { flags: RST | ACK, seq: 0, ack: 1002 }));
    expect(sentBy(d.last.segments, 'client')).toEqual([]);
    expect(rules(d.last.events)).toEqual(['SYN_SENT_BAD_ACK_RST_DROPPED']);
    expect(d.connection.client.state).toBe('SYN_SENT');
  });

  it('SYN_SENT + RST,ACK acking our SYN → CLOSED, connection refused', () => {
    const d = drive(synSent(), inject('client', { flags: RST | ACK, seq: 0, ack: 1001 }));
    expect(sentBy(d.last.segments, 'client')).toEqual([]);
    expect(rules(d.last.events)).toEqual(['SYN_SENT_RST_TO_CLOSED', 'SIGNAL_CONNECTION_REFUSED']);
    expect(states(d.connection)).toEqual({ client: 'CLOSED', server: 'LISTEN' });
    expect(d.connection.client.tcb).toBeNull();
  });

  it('SYN_SENT + RST without ACK is dropped', () => {
    const d = drive(synSent(), inject('client', { flags: RST, seq: 5000 }));
    expect(sentBy(d.last.segments, 'client')).toEqual([]);
    expect(rules(d.last.events)).toEqual(['SYN_SENT_RST_WITHOUT_ACK_DROPPED']);
    expect(d.connection.client.state).toBe('SYN_SENT');
  });

  it('SYN_SENT + SYN,ACK → ESTABLISHED, answering ACK <SEQ=SND.NXT><ACK=SEG.SEQ+1>', () => {
    const d = drive(synReceived(), deliverNext('server'));
    expectSegments(d.last.segments, [{ from: 'client', flags: ['ACK'], seq: 1001, ack: 5001, window: 502 }]);
    expect(rules(d.last.events)).toEqual(['RTT_MEASURED', 'SYN_SENT_SYN_ACK_TO_ESTABLISHED']);
    expect(states(d.connection)).toEqual({ client: 'ESTABLISHED', server: 'SYN_RECEIVED' });
    expect(d.connection.client.tcb).toMatchObject({ irs: 5000, rcv_nxt: 5001, snd_una: 1001, snd_nxt: 1001, snd_wnd: 65160 });
    expect(d.connection.client.timers).toEqual([]);
  });

  it('SYN_SENT + bare SYN → SYN_RECEIVED (simultaneous open), answering SYN,ACK <SEQ=ISS><ACK=SEG.SEQ+1>', () => {
    const d = drive(bothSynSent(), deliverNext('client'));
    expectSegments(d.last.segments, [{ from: 'server', flags: ['SYN', 'ACK'], seq: 5000, ack: 1001 }]);
    expect(rules(d.last.events)).toEqual(['SYN_SENT_SYN_TO_SYN_RECEIVED']);
    expect(states(d.connection)).toEqual({ client: 'SYN_SENT', server: 'SYN_RECEIVED' });
    // The SYN,ACK repeats the SYN already sent: it takes no new sequence number.
    expect(d.connection.server.tcb).toMatchObject({ snd_una: 5000, snd_nxt: 5001, rcv_nxt: 1001 });
  });

  it('SYN_SENT + a segment with neither SYN nor RST is dropped, even with an acceptable ACK', () => {
    const d = drive(synSent(), inject('client', { flags: ACK, seq: 5001, ack: 1001 }));
    expect(sentBy(d.last.segments, 'client')).toEqual([]);
    expect(rules(d.last.events)).toEqual(['SYN_SENT_SEGMENT_DROPPED']);
    expect(d.connection.client.tcb).toMatchObject({ snd_una: 1000 });
  });

  it('the seed capture handshake: SYN 481914174, SYN,ACK 2737267460 ack 481914175, ACK win 229', () => {
    const d = drive(synSent(SEED_OPTIONS), deliverNext('client'), deliverNext('server'), deliverNext('client'));
    expectSegments(d.segments, [
      { from: 'server', flags: ['SYN', 'ACK'], seq: 2737267460, ack: 481914175, window: 28960 },
      { from: 'client', flags: ['ACK'], seq: 481914175, ack: 2737267461, window: 229 },
    ]);
    expect(states(d.connection)).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' });
    expect(d.connection.server.tcb).toMatchObject({ snd_una: 2737267461, rcv_nxt: 481914175, snd_wnd: 229 * 128 });
  });
});

// ---------------------------------------------------------------------------
// SYN_RECEIVED — §3.10.7.4 (the server, passive unless said; its SYN,ACK is in flight)
// ---------------------------------------------------------------------------
describe('SYN_RECEIVED (RFC 9293 §3.10.7.4)', () => {
  it('SYN_RECEIVED + ACK of our SYN → ESTABLISHED, nothing sent, SYN,ACK no longer retransmitted', () => {
    const d = drive(synReceived(), deliverNext('server'), deliverNext('client'));
    expect(d.last.segments).toEqual([]);
    expect(rules(d.last.events)).toEqual(['RTT_MEASURED', 'SYN_RECEIVED_ACK_TO_ESTABLISHED']);
    expect(states(d.connection)).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' });
    expect(d.connection.server.tcb).toMatchObject({ snd_una: 5001, snd_nxt: 5001, rcv_nxt: 1001, snd_wnd: 502 * 128 });
    expect(d.connection.server.timers).toEqual([]);
  });

  it('SYN_RECEIVED + ACK that does not ack our SYN (SEG.ACK = SND.UNA) → RST <SEQ=SEG.ACK>', () => {
    const d = drive(synReceived(), inject('server', { flags: ACK, seq: 1001, ack: 5000 }));
    expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['RST'], seq: 5000, ack: 0 }]);
    expect(rules(d.last.events)).toEqual(['SYN_RECEIVED_BAD_ACK_RST']);
    expect(d.connection.server.state).toBe('SYN_RECEIVED');
  });

  it('SYN_RECEIVED + ACK beyond SND.NXT → RST <SEQ=SEG.ACK>', () => {
    const d = drive(synReceived(), inject('server', { flags: ACK, seq: 1001, ack: 5002 }));
    expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['RST'], seq: 5002, ack: 0 }]);
    expect(d.connection.server.state).toBe('SYN_RECEIVED');
  });

  it('SYN_RECEIVED + segment with an unacceptable sequence number → ACK <SEQ=SND.NXT><ACK=RCV.NXT>, dropped', () => {
    const d = drive(synReceived(), inject('server', { flags: ACK, seq: 999, ack: 5001 }));
    expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1001 }]);
    expect(rules(d.last.events)).toEqual(['SEQ_UNACCEPTABLE_ACKED']);
    expect(d.connection.server.state).toBe('SYN_RECEIVED');
  });

  it('SYN_RECEIVED + text without the ACK bit is dropped', () => {
    const d = drive(synReceived(), inject('server', { flags: PSH, seq: 1001, payload: base64('abc') }));
    expect(sentBy(d.last.segments, 'server')).toEqual([]);
    expect(rules(d.last.events)).toEqual(['ACK_BIT_OFF_DROPPED']);
    expect(d.connection.server.tcb).toMatchObject({ rcv_nxt: 1001 });
  });

  it('passive SYN_RECEIVED + RST at RCV.NXT → back to LISTEN', () => {
    const d = drive(synReceived(), inject('server', { flags: RST, seq: 1001 }));
    expect(sentBy(d.last.segments, 'server')).toEqual([]);
    expect(rules(d.last.events)).toEqual(['RST_SYN_RECEIVED_TO_LISTEN']);
    expect(states(d.connection)).toEqual({ client: 'SYN_SENT', server: 'LISTEN' });
    expect(d.connection.server.tcb).toBeNull();
    expect(d.connection.server.timers).toEqual([]);
  });

  it('SYN_RECEIVED reached from SYN_SENT + RST at RCV.NXT → CLOSED, connection refused', () => {
    const d = drive(simultaneousSynReceived(), inject('server', { flags: RST, seq: 1001 }));
    expect(rules(d.last.events)).toEqual(['RST_SYN_RECEIVED_TO_CLOSED', 'SIGNAL_CONNECTION_REFUSED']);
    expect(states(d.connection)).toEqual({ client: 'SYN_SENT', server: 'CLOSED' });
    expect(d.connection.server.tcb).toBeNull();
  });

  it('passive SYN_RECEIVED + a new SYN in the window → back to LISTEN', () => {
    // Linux (tcp_check_req → embryonic_reset) also answers it with a RST; the RFC sends nothing. Not pinned here.
    const d = drive(synReceived(), inject('server', { flags: SYN, seq: 1011 }));
    expect(rules(d.last.events)).toEqual(['SYN_RECEIVED_SYN_TO_LISTEN']);
    expect(states(d.connection)).toEqual({ client: 'SYN_SENT', server: 'LISTEN' });
    expect(d.connection.server.tcb).toBeNull();
  });

  it('passive SYN_RECEIVED + the SYN retransmitted (SEG.SEQ = IRS) → the same SYN,ACK again (Linux tcp_check_req)', () => {
    const d = drive(synReceived(), inject('server', { flags: SYN, seq: 1000 }));
    expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['SYN', 'ACK'], seq: 5000, ack: 1001, window: 65160 }]);
    expect(rules(d.last.events)).toEqual(['SYN_RECEIVED_SYN_RETRANSMITTED']);
    expect(d.connection.server.state).toBe('SYN_RECEIVED');
    expect(d.connection.server.tcb).toMatchObject({ snd_nxt: 5001, rcv_nxt: 1001 });
  });

  it('SYN_RECEIVED + data with an ACK of our SYN (the bare ACK was lost) → ESTABLISHED and the text is taken', () => {
    const d = drive(synReceived(), deliverNext('server'), dropNext('client'), send('client', 'hello'), deliverNext('client'));
    expect(rules(d.last.events)).toEqual(['RTT_MEASURED', 'SYN_RECEIVED_ACK_TO_ESTABLISHED', 'DATA_RECEIVED']);
    expectSegments(d.last.segments, [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1006 }]);
    expect(states(d.connection)).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' });
  });

  it('simultaneous open completes: each SYN,ACK moves its receiver SYN_RECEIVED → ESTABLISHED with an ACK', () => {
    const crossed = drive(
      simultaneousSynReceived(),
      deliverWhere((s) => s.from === 'server' && s.flags === SYN),
    );
    expectSegments(crossed.last.segments, [{ from: 'client', flags: ['SYN', 'ACK'], seq: 1000, ack: 5001 }]);
    expect(states(crossed.connection)).toEqual({ client: 'SYN_RECEIVED', server: 'SYN_RECEIVED' });

    const client = drive(crossed.connection, deliverWhere((s) => s.from === 'server' && s.flags === (SYN | ACK)));
    expectSegments(client.last.segments, [{ from: 'client', flags: ['ACK'], seq: 1001, ack: 5001 }]);
    expect(rules(client.last.events)).toEqual(['RTT_MEASURED', 'SIMULTANEOUS_OPEN_TO_ESTABLISHED']);

    const server = drive(client.connection, deliverWhere((s) => s.from === 'client' && s.flags === (SYN | ACK)));
    expectSegments(server.last.segments, [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1001 }]);
    expect(states(server.connection)).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' });
  });
});

// ---------------------------------------------------------------------------
// ESTABLISHED — §3.10.7.4 in its eight steps (segments injected at the server:
// RCV.NXT = 1001, RCV.WND = 65280 — the 65,160-octet buffer as its window field 510 × 2^7 advertises it, rounded
// up as Linux does — so the window is [1001, 66281); SND.NXT = 5001)
// ---------------------------------------------------------------------------

/**
 * established, with a 100-octet server buffer and no window scaling, and the
 * client's 100 octets received and unread: server RCV.NXT = 1101, RCV.WND = 0.
 */
function zeroWindow() {
  return drive(
    established({ server: { window: 100, wscale: null } }),
    send('client', 'x'.repeat(100)),
    deliverNext('client'),
    deliverNext('server'),
  ).connection;
}

describe('ESTABLISHED (RFC 9293 §3.10.7.4)', () => {
  describe('first, the sequence number: the four acceptability cases', () => {
    it('length 0, window > 0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND is acceptable (last octet of the window)', () => {
      const d = drive(established(), inject('server', { flags: ACK, seq: 66280, ack: 5001 }));
      expect(sentBy(d.last.segments, 'server')).toEqual([]);
      expect(rules(d.last.events)).toEqual(['ACK_DUPLICATE_IGNORED']);
    });

    it('length 0, window > 0: SEG.SEQ = RCV.NXT+RCV.WND is unacceptable → ACK <SEQ=SND.NXT><ACK=RCV.NXT>', () => {
      const d = drive(established(), inject('server', { flags: ACK, seq: 66281, ack: 5001 }));
      expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1001, window: 510 }]);
      expect(rules(d.last.events)).toEqual(['SEQ_UNACCEPTABLE_ACKED']);
      expect(d.connection.server.state).toBe('ESTABLISHED');
    });

    it('length 0, window > 0: SEG.SEQ below RCV.NXT is unacceptable → ACK', () => {
      const d = drive(established(), inject('server', { flags: ACK, seq: 1000, ack: 5001 }));
      expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1001 }]);
    });

    it('length > 0, window > 0: text wholly before RCV.NXT is unacceptable → ACK, nothing taken', () => {
      const d = drive(established(), inject('server', { flags: PSH | ACK, seq: 995, ack: 5001, payload: base64('abcdef') }));
      expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1001 }]);
      expect(rules(d.last.events)).toEqual(['SEQ_UNACCEPTABLE_ACKED']);
      expect(d.connection.server.tcb).toMatchObject({ rcv_nxt: 1001 });
    });

    it('length > 0, window > 0: text straddling RCV.NXT is acceptable and only its new octets are taken', () => {
      const d = drive(established(), inject('server', { flags: PSH | ACK, seq: 998, ack: 5001, payload: base64('abcdef') }), call('server', 'receive'));
      expectSegments(sentBy(d.results[0]!.segments, 'server'), [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1004 }]);
      expect(d.connection.server.tcb).toMatchObject({ rcv_nxt: 1004 });
      expect(d.last.outcome).toEqual({ ok: true, received: { length: 3, payload: base64('def') } });
    });

    it('length > 0, window > 0: text beginning at RCV.NXT+RCV.WND is unacceptable → ACK', () => {
      const d = drive(established(), inject('server', { flags: PSH | ACK, seq: 66281, ack: 5001, payload: base64('abc') }));
      expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1001 }]);
      expect(rules(d.last.events)).toEqual(['SEQ_UNACCEPTABLE_ACKED']);
    });

    it('length > 0, window > 0: text ending on the last octet of the window is acceptable (held, out of order)', () => {
      const d = drive(established(), inject('server', { flags: PSH | ACK, seq: 66278, ack: 5001, payload: base64('abc') }));
      expect(rules(d.last.events)).toEqual(['OUT_OF_ORDER_HELD']);
      expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1001 }]);
    });

    it('the zero-window fixture: server RCV.NXT = 1101, RCV.WND = 0, its ACK advertises window 0', () => {
      const c = zeroWindow();
      expect(c.server.tcb).toMatchObject({ rcv_nxt: 1101, rcv_wnd: 0 });
      expect(c.client.tcb).toMatchObject({ snd_una: 1101, snd_nxt: 1101, snd_wnd: 0 });
    });

    it('length 0, window 0: SEG.SEQ = RCV.NXT is acceptable (the "special allowance" for ACKs)', () => {
      const d = drive(zeroWindow(), inject('server', { flags: ACK, seq: 1101, ack: 5001 }));
      expect(sentBy(d.last.segments, 'server')).toEqual([]);
      expect(rules(d.last.events)).toEqual(['ACK_DUPLICATE_IGNORED']);
    });

    it('length 0, window 0: any other SEG.SEQ is unacceptable → ACK with window 0', () => {
      const d = drive(zeroWindow(), inject('server', { flags: ACK, seq: 1102, ack: 5001 }));
      expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1101, window: 0 }]);
      expect(rules(d.last.events)).toEqual(['SEQ_UNACCEPTABLE_ACKED']);
    });

    it('length > 0, window 0: text is unacceptable even at RCV.NXT → ACK <SEQ=SND.NXT><ACK=RCV.NXT> window 0, text dropped', () => {
      // RFC 9293 §3.10.7.4 table: "SEG.LEN > 0, RCV.WND = 0: not acceptable", and "If an incoming segment is not
      // acceptable, an acknowledgment should be sent in reply"; §3.8.6.1: a zero-window probe must be answered.
      // Linux: tcp_data_queue, tcp_receive_window() == 0 → out_of_window → immediate ACK.
      const d = drive(zeroWindow(), inject('server', { flags: PSH | ACK, seq: 1101, ack: 5001, payload: base64('z') }));
      expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1101, window: 0 }]);
      expect(rules(d.last.events)).not.toContain('DATA_RECEIVED');
      expect(d.connection.server.tcb).toMatchObject({ rcv_nxt: 1101, rcv_wnd: 0 });
    });

    it('window 0: a bare FIN at RCV.NXT is still taken → CLOSE_WAIT (Linux tcp_data_queue accepts it)', () => {
      const d = drive(zeroWindow(), inject('server', { flags: FIN | ACK, seq: 1101, ack: 5001 }));
      expect(rules(d.last.events)).toEqual(['FIN_TO_CLOSE_WAIT', 'SIGNAL_CONNECTION_CLOSING']);
      expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1102, window: 0 }]);
    });

    it('length > 0, window 0: a probe beyond RCV.NXT is unacceptable → ACK window 0', () => {
      const d = drive(zeroWindow(), inject('server', { flags: PSH | ACK, seq: 1102, ack: 5001, payload: base64('z') }));
      expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1101, window: 0 }]);
      expect(rules(d.last.events)).toEqual(['SEQ_UNACCEPTABLE_ACKED']);
    });
  });

  describe('second, the RST bit (RFC 5961 §3.2)', () => {
    it('RST outside the window is silently dropped', () => {
      const d = drive(established(), inject('server', { flags: RST, seq: 66281 }), inject('server', { flags: RST | ACK, seq: 1000, ack: 5001 }));
      expect(sentBy(d.segments, 'server')).toEqual([]);
      expect(rules(d.events)).toEqual(['SEQ_UNACCEPTABLE_RST_DROPPED', 'SEQ_UNACCEPTABLE_RST_DROPPED']);
      expect(d.connection.server.state).toBe('ESTABLISHED');
    });

    it('RST exactly at RCV.NXT → ESTABLISHED → CLOSED, connection reset', () => {
      const d = drive(established(), inject('server', { flags: RST, seq: 1001 }));
      expect(sentBy(d.last.segments, 'server')).toEqual([]);
      expect(rules(d.last.events)).toEqual(['RST_RESETS_CONNECTION', 'SIGNAL_CONNECTION_RESET']);
      expect(states(d.connection)).toEqual({ client: 'ESTABLISHED', server: 'CLOSED' });
      expect(d.connection.server.tcb).toBeNull();
    });

    it('in-window RST not at RCV.NXT → challenge ACK <SEQ=SND.NXT><ACK=RCV.NXT> under profile rfc9293', () => {
      const d = drive(established(), inject('server', { flags: RST, seq: 1002 }));
      expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1001, window: 510 }]);
      expect(rules(d.last.events)).toEqual(['RST_CHALLENGE_ACK']);
      expect(d.connection.server.state).toBe('ESTABLISHED');
    });

    it('in-window RST not at RCV.NXT resets under profile rfc793', () => {
      const d = drive(established({ profile: 'rfc793' }), inject('server', { flags: RST, seq: 1002 }));
      expect(sentBy(d.last.segments, 'server')).toEqual([]);
      expect(rules(d.last.events)).toEqual(['RST_RESETS_CONNECTION', 'SIGNAL_CONNECTION_RESET']);
      expect(d.connection.server.state).toBe('CLOSED');
    });
  });

  describe('fourth, the SYN bit (RFC 5961 §4)', () => {
    it('SYN in ESTABLISHED → challenge ACK under profile rfc9293, connection kept', () => {
      const d = drive(established(), inject('server', { flags: SYN, seq: 1500 }));
      expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1001 }]);
      expect(rules(d.last.events)).toEqual(['SYN_CHALLENGE_ACK']);
      expect(d.connection.server.state).toBe('ESTABLISHED');
      expect(d.connection.server.tcb).toMatchObject({ rcv_nxt: 1001, snd_nxt: 5001 });
    });

    it('SYN in the window in ESTABLISHED → RST <SEQ=SND.NXT> and CLOSED under profile rfc793', () => {
      const d = drive(established({ profile: 'rfc793' }), inject('server', { flags: SYN, seq: 1500 }));
      expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['RST'], seq: 5001, ack: 0 }]);
      expect(rules(d.last.events)).toEqual(['SYN_IN_WINDOW_RESET', 'SIGNAL_CONNECTION_RESET']);
      expect(d.connection.server.state).toBe('CLOSED');
      expect(d.connection.server.tcb).toBeNull();
    });
  });

  describe('fifth, the ACK field', () => {
    it('ACK of new data advances SND.UNA and stops the retransmission timer', () => {
      const d = drive(established(), send('client', 'hello'), deliverNext('client'), deliverNext('server'));
      expect(rules(d.last.events)).toEqual(['RTT_MEASURED', 'ACK_ADVANCES_SND_UNA']);
      expect(d.connection.client.tcb).toMatchObject({ snd_una: 1006, snd_nxt: 1006, retransmission_queue: [] });
      expect(d.connection.client.timers).toEqual([]);
    });

    it('ACK of part of the data advances SND.UNA to it and keeps only the unacknowledged tail for retransmission', () => {
      const d = drive(
        established(),
        send('server', 'hello'),
        dropNext('server'),
        inject('server', { flags: ACK, seq: 1001, ack: 5003 }),
      );
      expect(rules(d.last.events)).toEqual(['RTT_MEASURED', 'ACK_ADVANCES_SND_UNA']);
      expect(d.connection.server.tcb).toMatchObject({ snd_una: 5003, snd_nxt: 5006 });
      const retransmitted = drive(d.connection, advance(1000));
      expectSegments(retransmitted.last.segments, [{ from: 'server', flags: ['PSH', 'ACK'], seq: 5003, ack: 1001, length: 3 }]);
      expect(text(retransmitted.last.segments[0]?.payload)).toBe('llo');
    });

    it('a window update (SEG.ACK = SND.UNA, newer SEG.SEQ/ACK) reopens the send window and queued data goes out', () => {
      const blocked = drive(zeroWindow(), send('client', 'more'));
      expect(blocked.last.segments).toEqual([]);
      const opened = drive(blocked.connection, call('server', 'receive'));
      expectSegments(opened.last.segments, [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1101, window: 100 }]);
      expect(rules(opened.last.events)).toEqual(['RECEIVE_DATA', 'WINDOW_UPDATE']);

      const d = drive(opened.connection, deliverNext('server'));
      expect(d.connection.client.tcb).toMatchObject({ snd_wnd: 100, snd_nxt: 1105 });
      expectSegments(d.last.segments, [{ from: 'client', flags: ['PSH', 'ACK'], seq: 1101, ack: 5001, length: 4 }]);
    });

    it('duplicate ACK (SEG.ACK = SND.UNA) is ignored', () => {
      const d = drive(established(), inject('server', { flags: ACK, seq: 1001, ack: 5001 }));
      expect(sentBy(d.last.segments, 'server')).toEqual([]);
      expect(rules(d.last.events)).toEqual(['ACK_DUPLICATE_IGNORED']);
      expect(d.connection.server.tcb).toMatchObject({ snd_una: 5001 });
    });

    it('ACK of unsent data (SEG.ACK > SND.NXT) → ACK, and the segment with its text is dropped', () => {
      const d = drive(established(), inject('server', { flags: PSH | ACK, seq: 1001, ack: 5002, payload: base64('abc') }));
      expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1001 }]);
      expect(rules(d.last.events)).toEqual(['ACK_OF_UNSENT_DATA']);
      expect(d.connection.server.tcb).toMatchObject({ snd_una: 5001, rcv_nxt: 1001 });
    });

    // Seed endpoints: server SND.UNA = 2737267461, MAX.SND.WND = 229 × 128 = 29312,
    // so the oldest acceptable ACK is 2737267461 − 29312 = 2737238149.
    it('RFC 5961 §5.2: ACK older than SND.UNA − MAX.SND.WND → challenge ACK, dropped', () => {
      const d = drive(established(SEED_OPTIONS), inject('server', { flags: ACK, seq: 481914175, ack: 2737238148 }));
      expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['ACK'], seq: 2737267461, ack: 481914175, window: 227 }]);
      expect(rules(d.last.events)).toEqual(['ACK_TOO_OLD_CHALLENGE_ACK']);
    });

    it('RFC 5961 §5.2: ACK at exactly SND.UNA − MAX.SND.WND is an old duplicate, ignored without an answer', () => {
      const d = drive(established(SEED_OPTIONS), inject('server', { flags: ACK, seq: 481914175, ack: 2737238149 }));
      expect(sentBy(d.last.segments, 'server')).toEqual([]);
      expect(d.connection.server.tcb).toMatchObject({ snd_una: 2737267461 });
    });

    it('profile rfc793: the same too-old ACK is an ignored duplicate, no challenge ACK', () => {
      const d = drive(established({ ...SEED_OPTIONS, profile: 'rfc793' }), inject('server', { flags: ACK, seq: 481914175, ack: 2737238148 }));
      expect(sentBy(d.last.segments, 'server')).toEqual([]);
      expect(rules(d.last.events)).not.toContain('ACK_TOO_OLD_CHALLENGE_ACK');
    });
  });

  describe('sixth, the URG bit', () => {
    it('URG with urgent pointer 3 at 1001 → URGENT_DATA_SIGNALLED, RCV.UP = 1004', () => {
      const sent = drive(established(), send('client', 'abc', { urgent: true }));
      expectSegments(sent.last.segments, [{ from: 'client', flags: ['PSH', 'ACK', 'URG'], seq: 1001, ack: 5001, length: 3 }]);
      expect(sent.last.segments[0]?.urgent_pointer).toBe(3);

      const d = drive(sent.connection, deliverNext('client'));
      expect(rules(d.last.events)).toEqual(['URGENT_DATA_SIGNALLED', 'DATA_RECEIVED']);
      expect(d.connection.server.tcb).toMatchObject({ rcv_up: 1004, rcv_nxt: 1004 });
      expectSegments(d.last.segments, [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1004 }]);
    });

    it('an injected URG segment moves RCV.UP to SEG.SEQ + SEG.UP', () => {
      const d = drive(established(), inject('server', { flags: URG | ACK, seq: 1001, ack: 5001, payload: base64('abcdef'), urgent_pointer: 2 }));
      expect(rules(d.last.events)).toContain('URGENT_DATA_SIGNALLED');
      expect(d.connection.server.tcb).toMatchObject({ rcv_up: 1003, rcv_nxt: 1007 });
    });
  });

  describe('seventh, the segment text', () => {
    it('text at RCV.NXT is taken: RCV.NXT advances, ACK sent, RECEIVE returns the bytes', () => {
      const sent = drive(established(), send('client', 'hello'));
      expectSegments(sent.last.segments, [{ from: 'client', flags: ['PSH', 'ACK'], seq: 1001, ack: 5001, length: 5, window: 502 }]);

      const d = drive(sent.connection, deliverNext('client'));
      expect(rules(d.last.events)).toEqual(['DATA_RECEIVED']);
      expectSegments(d.last.segments, [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1006, window: 510 }]);
      // 65,160 − 5 unread = 65,155 octets free, offered as 510 × 128 = 65,280 (rounded up to the scale).
      expect(d.connection.server.tcb).toMatchObject({ rcv_nxt: 1006, rcv_wnd: 65280 });

      const r = drive(d.connection, call('server', 'receive'));
      expect(r.last.outcome).toEqual({ ok: true, received: { length: 5, payload: base64('hello') } });
      expect(r.connection.server.tcb).toMatchObject({ rcv_wnd: 65280 });
    });

    it('out-of-order text is held with a duplicate ACK, then delivered when the gap fills', () => {
      const sent = drive(established(), send('client', 'hello'), send('client', ' world'));
      expectSegments(sent.segments, [
        { from: 'client', flags: ['PSH', 'ACK'], seq: 1001, ack: 5001, length: 5 },
        { from: 'client', flags: ['PSH', 'ACK'], seq: 1006, ack: 5001, length: 6 },
      ]);

      const early = drive(sent.connection, deliverWhere((s) => s.seq === 1006));
      expect(rules(early.last.events)).toEqual(['OUT_OF_ORDER_HELD']);
      expectSegments(early.last.segments, [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1001 }]);
      expect(early.connection.server.tcb).toMatchObject({ rcv_nxt: 1001 });

      const filled = drive(early.connection, deliverWhere((s) => s.seq === 1001 && s.from === 'client'));
      expect(rules(filled.last.events)).toEqual(['DATA_RECEIVED', 'DATA_RECEIVED']);
      expectSegments(filled.last.segments, [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1012 }]);

      const r = drive(filled.connection, call('server', 'receive'));
      expect(r.last.outcome).toEqual({ ok: true, received: { length: 11, payload: base64('hello world') } });
    });
  });

  describe('eighth, the FIN bit', () => {
    it('ESTABLISHED + FIN → CLOSE_WAIT, ACK <SEQ=5001><ACK=1002>: the FIN takes one sequence number', () => {
      const d = drive(finWait1(), deliverNext('client'));
      expect(rules(d.last.events)).toEqual(['FIN_TO_CLOSE_WAIT', 'SIGNAL_CONNECTION_CLOSING']);
      expectSegments(d.last.segments, [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1002, window: 510 }]);
      expect(states(d.connection)).toEqual({ client: 'FIN_WAIT_1', server: 'CLOSE_WAIT' });
      expect(d.connection.server.tcb).toMatchObject({ rcv_nxt: 1002 });
    });

    it('a FIN ahead of RCV.NXT waits behind the missing text', () => {
      const sent = drive(established(), send('client', 'bye'), call('client', 'close'));
      expectSegments(sent.segments, [
        { from: 'client', flags: ['PSH', 'ACK'], seq: 1001, ack: 5001, length: 3 },
        { from: 'client', flags: ['FIN', 'ACK'], seq: 1004, ack: 5001, length: 0 },
      ]);
      const early = drive(sent.connection, deliverWhere((s) => s.seq === 1004));
      expect(early.connection.server.state).toBe('ESTABLISHED');
      expectSegments(early.last.segments, [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1001 }]);

      const filled = drive(early.connection, deliverWhere((s) => s.seq === 1001 && s.from === 'client'));
      expect(rules(filled.last.events)).toEqual(['DATA_RECEIVED', 'FIN_TO_CLOSE_WAIT', 'SIGNAL_CONNECTION_CLOSING']);
      expectSegments(filled.last.segments, [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1005 }]);
      expect(filled.connection.server.state).toBe('CLOSE_WAIT');
    });
  });
});

// ---------------------------------------------------------------------------
// FIN_WAIT_1 — the client has sent FIN <SEQ=1001>; SND.NXT = 1002
// ---------------------------------------------------------------------------
describe('FIN_WAIT_1 (RFC 9293 §3.10.7.4)', () => {
  it('FIN_WAIT_1 + ACK of our FIN → FIN_WAIT_2, nothing sent', () => {
    const d = drive(finWait1(), deliverNext('client'), deliverNext('server'));
    expect(rules(d.last.events)).toEqual(['RTT_MEASURED', 'ACK_ADVANCES_SND_UNA', 'FIN_WAIT_1_ACK_TO_FIN_WAIT_2']);
    expect(d.last.segments).toEqual([]);
    expect(states(d.connection)).toEqual({ client: 'FIN_WAIT_2', server: 'CLOSE_WAIT' });
    expect(d.connection.client.tcb).toMatchObject({ snd_una: 1002, snd_nxt: 1002 });
    expect(d.connection.client.timers).toEqual([]);
  });

  it('FIN_WAIT_1 + ACK that does not cover our FIN stays FIN_WAIT_1', () => {
    const d = drive(finWait1(), inject('client', { flags: ACK, seq: 5001, ack: 1001 }));
    expect(d.connection.client.state).toBe('FIN_WAIT_1');
    expect(sentBy(d.last.segments, 'client')).toEqual([]);
  });

  it('FIN_WAIT_1 + FIN not acking our FIN → CLOSING, ACK <SEQ=SND.NXT><ACK=SEG.SEQ+1>', () => {
    const d = drive(finWait1(), call('server', 'close'), deliverNext('client'));
    expect(rules(d.last.events)).toEqual(['FIN_WAIT_1_FIN_TO_CLOSING', 'SIGNAL_CONNECTION_CLOSING']);
    expectSegments(d.last.segments, [{ from: 'server', flags: ['ACK'], seq: 5002, ack: 1002 }]);
    expect(states(d.connection)).toEqual({ client: 'FIN_WAIT_1', server: 'CLOSING' });
  });

  it('FIN_WAIT_1 + FIN,ACK acking our FIN → TIME_WAIT directly, ACK <SEQ=1002><ACK=5002>', () => {
    const d = drive(
      finWait1(),
      deliverNext('client'), // server: ESTABLISHED → CLOSE_WAIT, its ACK of our FIN goes in flight …
      call('server', 'close'), // … followed by its FIN,ACK <SEQ=5001><ACK=1002>
      dropNext('server'), // the ACK is lost: only the FIN,ACK tells the client its FIN arrived
      deliverNext('server'),
    );
    expect(rules(d.last.events)).toEqual(['RTT_MEASURED', 'ACK_ADVANCES_SND_UNA', 'FIN_WAIT_1_FIN_ACK_TO_TIME_WAIT', 'SIGNAL_CONNECTION_CLOSING']);
    const transition = d.last.events.find((e) => e.code === 'FIN_WAIT_1_FIN_ACK_TO_TIME_WAIT');
    expect(transition).toMatchObject({ from_state: 'FIN_WAIT_1', to_state: 'TIME_WAIT' });
    expectSegments(d.last.segments, [{ from: 'client', flags: ['ACK'], seq: 1002, ack: 5002 }]);
    expect(states(d.connection)).toEqual({ client: 'TIME_WAIT', server: 'LAST_ACK' });
    expect(timer(d.connection, 'client', 'time_wait')).toBe(60_000);
  });
});

// ---------------------------------------------------------------------------
// FIN_WAIT_2 — the client's FIN is acknowledged; the server (CLOSE_WAIT) may still send
// ---------------------------------------------------------------------------
describe('FIN_WAIT_2 (RFC 9293 §3.10.7.4)', () => {
  it('FIN_WAIT_2 + FIN → TIME_WAIT, ACK <SEQ=1002><ACK=5002>, 2MSL timer started', () => {
    const d = drive(lastAck(), deliverNext('server'));
    expect(rules(d.last.events)).toEqual(['FIN_WAIT_2_FIN_TO_TIME_WAIT', 'SIGNAL_CONNECTION_CLOSING']);
    expectSegments(d.last.segments, [{ from: 'client', flags: ['ACK'], seq: 1002, ack: 5002, window: 502 }]);
    expect(states(d.connection)).toEqual({ client: 'TIME_WAIT', server: 'LAST_ACK' });
    expect(d.connection.client.timers).toEqual([{ kind: 'time_wait', due_ms: 60_000 }]);
  });

  it('FIN_WAIT_2 still takes text from the half-open peer', () => {
    const d = drive(finWait2(), send('server', 'late'), deliverNext('server'), call('client', 'receive'));
    expectSegments(d.results[1]!.segments, [{ from: 'client', flags: ['ACK'], seq: 1002, ack: 5005 }]);
    expect(d.connection.client.state).toBe('FIN_WAIT_2');
    expect(d.last.outcome).toEqual({ ok: true, received: { length: 4, payload: base64('late') } });
  });
});

// ---------------------------------------------------------------------------
// CLOSE_WAIT — the server has taken the client's FIN (RCV.NXT = 1002)
// ---------------------------------------------------------------------------
describe('CLOSE_WAIT (RFC 9293 §3.10.7.4)', () => {
  it('CLOSE_WAIT + the FIN retransmitted is unacceptable (old) → ACK <SEQ=5001><ACK=1002>, still CLOSE_WAIT', () => {
    const d = drive(closeWait(), inject('server', { flags: FIN | ACK, seq: 1001, ack: 5001 }));
    expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1002 }]);
    expect(rules(d.last.events)).toEqual(['SEQ_UNACCEPTABLE_ACKED']);
    expect(d.connection.server.state).toBe('CLOSE_WAIT');
  });

  it('CLOSE_WAIT + RST at RCV.NXT → CLOSED, connection reset', () => {
    const d = drive(closeWait(), inject('server', { flags: RST, seq: 1002 }));
    expect(rules(d.last.events)).toEqual(['RST_RESETS_CONNECTION', 'SIGNAL_CONNECTION_RESET']);
    expect(states(d.connection)).toEqual({ client: 'FIN_WAIT_2', server: 'CLOSED' });
  });

  it('CLOSE_WAIT + SYN → challenge ACK (rfc9293)', () => {
    const d = drive(closeWait(), inject('server', { flags: SYN, seq: 3000 }));
    expectSegments(sentBy(d.last.segments, 'server'), [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1002 }]);
    expect(rules(d.last.events)).toEqual(['SYN_CHALLENGE_ACK']);
    expect(d.connection.server.state).toBe('CLOSE_WAIT');
  });
});

// ---------------------------------------------------------------------------
// CLOSING — both FINs crossed; each side waits for the ACK of its own
// ---------------------------------------------------------------------------
describe('CLOSING (RFC 9293 §3.10.7.4)', () => {
  it('CLOSING + ACK of our FIN → TIME_WAIT, nothing sent', () => {
    const d = drive(closing(), deliverNext('server'));
    expect(rules(d.last.events)).toEqual(['RTT_MEASURED', 'ACK_ADVANCES_SND_UNA', 'CLOSING_ACK_TO_TIME_WAIT']);
    expect(d.last.segments).toEqual([]);
    expect(states(d.connection)).toEqual({ client: 'TIME_WAIT', server: 'CLOSING' });
    expect(d.connection.client.timers).toEqual([{ kind: 'time_wait', due_ms: 60_000 }]);

    const both = drive(d.connection, deliverNext('client'));
    expect(states(both.connection)).toEqual({ client: 'TIME_WAIT', server: 'TIME_WAIT' });
  });

  it('CLOSING + ACK that does not cover our FIN is ignored', () => {
    const d = drive(closing(), inject('client', { flags: ACK, seq: 5002, ack: 1001 }));
    expect(sentBy(d.last.segments, 'client')).toEqual([]);
    expect(d.connection.client.state).toBe('CLOSING');
  });

  it('CLOSING + RST at RCV.NXT → CLOSED without a reset signal', () => {
    const d = drive(closing(), inject('client', { flags: RST, seq: 5002 }));
    expect(rules(d.last.events)).toEqual(['RST_CLOSES_CONNECTION']);
    expect(d.connection.client.state).toBe('CLOSED');
  });
});

// ---------------------------------------------------------------------------
// LAST_ACK — the server has sent its FIN <SEQ=5001>; SND.NXT = 5002
// ---------------------------------------------------------------------------
describe('LAST_ACK (RFC 9293 §3.10.7.4)', () => {
  it('LAST_ACK + ACK of our FIN → CLOSED, TCB deleted, nothing sent', () => {
    const d = drive(timeWait(), deliverNext('client'));
    expect(rules(d.last.events)).toEqual(['RTT_MEASURED', 'ACK_ADVANCES_SND_UNA', 'LAST_ACK_ACK_TO_CLOSED']);
    expect(d.last.segments).toEqual([]);
    expect(states(d.connection)).toEqual({ client: 'TIME_WAIT', server: 'CLOSED' });
    expect(d.connection.server.tcb).toBeNull();
    expect(d.connection.server.timers).toEqual([]);
  });

  it('LAST_ACK + ACK that does not cover our FIN stays LAST_ACK', () => {
    const d = drive(lastAck(), inject('server', { flags: ACK, seq: 1002, ack: 5001 }));
    expect(d.connection.server.state).toBe('LAST_ACK');
    expect(sentBy(d.last.segments, 'server')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// TIME_WAIT — the client, entered at 0 ms; its last ACK <SEQ=1002><ACK=5002> is in flight
// ---------------------------------------------------------------------------
describe('TIME_WAIT (RFC 9293 §3.10.7.4)', () => {
  it('TIME_WAIT re-ACKs a retransmitted FIN and restarts 2MSL (the timer due_ms moves)', () => {
    const lost = drive(timeWait(), dropNext('client'), advance(1000));
    expectSegments(lost.last.segments, [{ from: 'server', flags: ['FIN', 'ACK'], seq: 5001, ack: 1002 }]);
    expect(timer(lost.connection, 'client', 'time_wait')).toBe(60_000);

    const d = drive(lost.connection, deliverNext('server'));
    expect(rules(d.last.events)).toEqual(['TIME_WAIT_FIN_ACKED_AGAIN']);
    expectSegments(d.last.segments, [{ from: 'client', flags: ['ACK'], seq: 1002, ack: 5002 }]);
    expect(d.connection.client.state).toBe('TIME_WAIT');
    expect(timer(d.connection, 'client', 'time_wait')).toBe(61_000);

    const stillWaiting = drive(d.connection, deliverNext('client'), advance(59_999));
    expect(states(stillWaiting.connection)).toEqual({ client: 'TIME_WAIT', server: 'CLOSED' });
    const expired = drive(stillWaiting.connection, advance(1));
    expect(expired.connection.client.state).toBe('CLOSED');
  });

  it('TIME_WAIT + RST at RCV.NXT → CLOSED (Linux default, tcp_rfc1337 = 0)', () => {
    const d = drive(timeWait(), inject('client', { flags: RST, seq: 5002 }));
    expect(rules(d.last.events)).toEqual(['RST_CLOSES_CONNECTION']);
    expect(d.connection.client.state).toBe('CLOSED');
    expect(d.connection.client.timers).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Sequence space — RFC 9293 §3.4
// ---------------------------------------------------------------------------
describe('sequence space (RFC 9293 §3.4)', () => {
  it('SYN and FIN each consume one sequence number, text none besides its own octets', () => {
    const syn = drive(listening(), call('client', 'connect'));
    expectSegments(syn.last.segments, [{ from: 'client', flags: ['SYN'], seq: 1000, ack: 0, length: 0 }]);
    expect(syn.connection.client.tcb).toMatchObject({ snd_una: 1000, snd_nxt: 1001 });

    const fin = drive(established(), send('client', 'abc'), call('client', 'close'), deliverNext('client'), deliverNext('client'));
    expect(fin.connection.client.tcb).toMatchObject({ snd_nxt: 1005 });
    expect(fin.connection.server.tcb).toMatchObject({ rcv_nxt: 1005 });
    expectSegments(sentBy(fin.last.segments, 'server'), [{ from: 'server', flags: ['ACK'], seq: 5001, ack: 1005 }]);
  });

  it('ISS 4294967295: the SYN wraps, SYN,ACK acks 0 and the client continues at 0', () => {
    const d = drive(synSent({ client: { isn: 4294967295 } }), deliverNext('client'), deliverNext('server'));
    expectSegments(d.segments, [
      { from: 'server', flags: ['SYN', 'ACK'], seq: 5000, ack: 0 },
      { from: 'client', flags: ['ACK'], seq: 0, ack: 5001 },
    ]);
    expect(d.connection.client.tcb).toMatchObject({ snd_una: 0, snd_nxt: 0 });
    expect(d.connection.client.state).toBe('ESTABLISHED');
  });
});
