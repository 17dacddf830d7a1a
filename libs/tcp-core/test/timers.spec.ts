/**
 * Timers on the simulated clock — RFC 9293 §3.8.1/§3.8.3 (retransmission,
 * user timeout), §3.10.8 (TIMEOUTS), RFC 6298 (RTO 1 s, doubled on every
 * timeout), with Linux's retry limits. Time moves only by `{ type: 'advance' }`.
 * One describe per state whose timers are under test; the last one checks the
 * order in which timers of both endpoints fire.
 */
import { RST, type TcpEvent } from '../src';
import {
  advance,
  call,
  deliverNext,
  drive,
  dropNext,
  established,
  expectSegments,
  finWait1,
  rules,
  send,
  states,
  synReceived,
  synSent,
  text,
  timeWait,
  timer,
} from './fixtures';

/** When each retransmission happened, and from whom. */
function retransmissions(events: readonly TcpEvent[]): Array<[string | null, number]> {
  return events.filter((e) => e.code === 'RETRANSMISSION_TIMEOUT').map((e) => [e.endpoint, e.at_ms]);
}

// ---------------------------------------------------------------------------
describe('SYN_SENT timers', () => {
  it('SYN_SENT: no retransmission at 999 ms, the SYN again at exactly RTO = 1 s', () => {
    const before = drive(synSent(), dropNext('client'), advance(999));
    expect(before.last.segments).toEqual([]);
    expect(before.connection.clock_ms).toBe(999);

    const d = drive(before.connection, advance(1));
    expectSegments(d.last.segments, [{ from: 'client', flags: ['SYN'], seq: 1000, ack: 0 }]);
    expect(rules(d.last.events)).toEqual(['RETRANSMISSION_TIMEOUT']);
    expect(d.last.events.find((e) => e.code === 'SEGMENT_RETRANSMITTED')?.at_ms).toBe(1000);
    expect(timer(d.connection, 'client', 'retransmission')).toBe(3000);
  });

  it('SYN_SENT: the RTO doubles on every timeout — SYN at 1 s, 3 s, 7 s, 15 s, 31 s, 63 s (RFC 6298 §5.5)', () => {
    const d = drive(synSent(), dropNext('client'), advance(63_000));
    expect(retransmissions(d.events)).toEqual([
      ['client', 1000],
      ['client', 3000],
      ['client', 7000],
      ['client', 15_000],
      ['client', 31_000],
      ['client', 63_000],
    ]);
    expectSegments(d.last.segments, Array(6).fill({ from: 'client', flags: ['SYN'], seq: 1000, ack: 0, length: 0 }));
    expect(timer(d.connection, 'client', 'retransmission')).toBe(127_000);
    expect(d.connection.client.state).toBe('SYN_SENT');
  });

  it('SYN_SENT: after syn_retries = 6 retransmissions the connection times out at 127 s → CLOSED (Linux tcp_syn_retries)', () => {
    const waiting = drive(synSent(), dropNext('client'), advance(126_999));
    expect(waiting.connection.client.state).toBe('SYN_SENT');

    const d = drive(waiting.connection, advance(1));
    expect(rules(d.last.events)).toEqual(['RETRANSMISSION_LIMIT', 'SIGNAL_CONNECTION_TIMED_OUT']);
    expect(d.last.segments).toEqual([]);
    expect(states(d.connection)).toEqual({ client: 'CLOSED', server: 'LISTEN' });
    expect(d.connection.client.tcb).toBeNull();
    expect(d.connection.client.timers).toEqual([]);
  });

  it('SYN_SENT: syn_retries = 2 gives up at 1 + 2 + 4 = 7 s', () => {
    const d = drive(synSent({ syn_retries: 2 }), dropNext('client'), advance(10_000));
    expect(retransmissions(d.events)).toEqual([
      ['client', 1000],
      ['client', 3000],
    ]);
    const limit = d.events.find((e) => e.code === 'RETRANSMISSION_LIMIT');
    expect(limit).toMatchObject({ endpoint: 'client', at_ms: 7000, from_state: 'SYN_SENT', to_state: 'CLOSED' });
  });
});

// ---------------------------------------------------------------------------
describe('SYN_RECEIVED timers', () => {
  it('SYN_RECEIVED: the SYN,ACK <SEQ=5000><ACK=1001> is retransmitted after 1 s', () => {
    const d = drive(synReceived(), call('client', 'abort'), dropNext('server'), advance(1000));
    expectSegments(d.last.segments, [{ from: 'server', flags: ['SYN', 'ACK'], seq: 5000, ack: 1001 }]);
    expect(timer(d.connection, 'server', 'retransmission')).toBe(3000);
  });

  it('SYN_RECEIVED: after a lost final ACK the SYN,ACK comes again, the ESTABLISHED client re-ACKs it, the server is ESTABLISHED', () => {
    const lost = drive(synReceived(), deliverNext('server'), dropNext('client'), advance(1000));
    expectSegments(lost.last.segments, [{ from: 'server', flags: ['SYN', 'ACK'], seq: 5000, ack: 1001 }]);

    const reacked = drive(lost.connection, deliverNext('server'));
    expectSegments(reacked.last.segments, [{ from: 'client', flags: ['ACK'], seq: 1001, ack: 5001 }]);
    expect(rules(reacked.last.events)).toEqual(['SEQ_UNACCEPTABLE_ACKED']);

    const d = drive(reacked.connection, deliverNext('client'));
    expect(states(d.connection)).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' });
    expect(d.connection.server.timers).toEqual([]);
  });

  it('SYN_RECEIVED: the SYN,ACK is retransmitted 5 times and the request dropped at 63 s → LISTEN (Linux tcp_synack_retries = 5)', () => {
    // Linux ip-sysctl: tcp_synack_retries "Default value is 5, which corresponds to 31 seconds till the last
    // retransmission with the current initial RTO of 1 second. With this the final timeout for a passive TCP
    // connection will happen after 63 seconds." (tcp_syn_retries = 6 is for the active opener's SYN.)
    const d = drive(synReceived(), call('client', 'abort'), dropNext('server'), advance(63_000));
    expect(retransmissions(d.events)).toEqual([
      ['server', 1000],
      ['server', 3000],
      ['server', 7000],
      ['server', 15_000],
      ['server', 31_000],
    ]);
    const limit = d.events.find((e) => e.code === 'RETRANSMISSION_LIMIT');
    expect(limit).toMatchObject({ endpoint: 'server', at_ms: 63_000, from_state: 'SYN_RECEIVED', to_state: 'LISTEN' });
    expect(d.connection.server.state).toBe('LISTEN');
    expect(d.connection.server.tcb).toBeNull();
  });
});

// ---------------------------------------------------------------------------
describe('ESTABLISHED timers', () => {
  it('ESTABLISHED: lost data is retransmitted after 1 s with the same seq, ack and octets', () => {
    const d = drive(established(), send('client', 'hello'), dropNext('client'), advance(1000));
    expectSegments(d.last.segments, [{ from: 'client', flags: ['PSH', 'ACK'], seq: 1001, ack: 5001, length: 5 }]);
    expect(text(d.last.segments[0]?.payload)).toBe('hello');
    expect(timer(d.connection, 'client', 'retransmission')).toBe(3000);
    expect(d.connection.client.tcb).toMatchObject({ rto_ms: 2000, retries: 1 });
  });

  it('ESTABLISHED: the ACK of the retransmission stops the timer and resets the RTO to 1 s (RFC 6298 §5.2)', () => {
    const d = drive(established(), send('client', 'hello'), dropNext('client'), advance(1000), deliverNext('client'), deliverNext('server'));
    expect(d.connection.client.tcb).toMatchObject({ snd_una: 1006, rto_ms: 1000, retries: 0 });
    expect(d.connection.client.timers).toEqual([]);
  });

  it('ESTABLISHED: after `retries` retransmissions the connection is given up silently → CLOSED (RFC 9293 §3.8.3 R2)', () => {
    const d = drive(established({ retries: 3 }), send('client', 'hello'), dropNext('client'), advance(20_000));
    expect(retransmissions(d.events)).toEqual([
      ['client', 1000],
      ['client', 3000],
      ['client', 7000],
    ]);
    const limit = d.events.find((e) => e.code === 'RETRANSMISSION_LIMIT');
    expect(limit).toMatchObject({ endpoint: 'client', at_ms: 15_000, from_state: 'ESTABLISHED', to_state: 'CLOSED' });
    expect(rules(d.last.events)).toContain('SIGNAL_CONNECTION_TIMED_OUT');
    // Linux (tcp_write_err) sends no RST when it gives up.
    expect(d.last.segments.filter((s) => s.flags & RST)).toEqual([]);
    expect(states(d.connection)).toEqual({ client: 'CLOSED', server: 'ESTABLISHED' });
  });

  it('ESTABLISHED: the doubled RTO stops at max_rto_ms (RFC 6298 §5.5 upper bound)', () => {
    const d = drive(established({ max_rto_ms: 4000, retries: 5 }), send('client', 'hello'), dropNext('client'), advance(30_000));
    expect(retransmissions(d.events)).toEqual([
      ['client', 1000],
      ['client', 3000],
      ['client', 7000],
      ['client', 11_000],
      ['client', 15_000],
    ]);
    expect(d.events.find((e) => e.code === 'RETRANSMISSION_LIMIT')?.at_ms).toBe(19_000);
  });

  it('ESTABLISHED: user timeout (user_timeout_ms = 5000) → CLOSED 5 s after the unacknowledged send (RFC 9293 §3.10.8)', () => {
    const d = drive(established({ user_timeout_ms: 5000 }), advance(2000), send('client', 'hello'), dropNext('client'), advance(10_000));
    expect(retransmissions(d.events)).toEqual([
      ['client', 3000],
      ['client', 5000],
    ]);
    const expired = d.events.find((e) => e.code === 'USER_TIMEOUT_EXPIRED');
    expect(expired).toMatchObject({ endpoint: 'client', at_ms: 7000, from_state: 'ESTABLISHED', to_state: 'CLOSED' });
    expect(rules(d.last.events)).toEqual(['RETRANSMISSION_TIMEOUT', 'RETRANSMISSION_TIMEOUT', 'USER_TIMEOUT_EXPIRED', 'SIGNAL_USER_TIMEOUT']);
    expect(d.connection.client.tcb).toBeNull();
    expect(d.connection.client.timers).toEqual([]);
    expect(d.connection.clock_ms).toBe(12_000);
  });

  it('ESTABLISHED: no user timeout by default (null, as Linux)', () => {
    const d = drive(established(), send('client', 'hello'), dropNext('client'), advance(10_000));
    expect(d.connection.client.state).toBe('ESTABLISHED');
    expect(rules(d.events)).not.toContain('USER_TIMEOUT_EXPIRED');
  });
});

// ---------------------------------------------------------------------------
describe('FIN_WAIT_1 timers', () => {
  it('FIN_WAIT_1: a lost FIN is retransmitted after 1 s as FIN,ACK <SEQ=1001><ACK=5001>', () => {
    const d = drive(finWait1(), dropNext('client'), advance(1000));
    expectSegments(d.last.segments, [{ from: 'client', flags: ['FIN', 'ACK'], seq: 1001, ack: 5001 }]);
    expect(d.connection.client.state).toBe('FIN_WAIT_1');
  });
});

// ---------------------------------------------------------------------------
describe('TIME_WAIT timers', () => {
  it('TIME_WAIT lasts 2 × MSL = 60 s by default (Linux TCP_TIMEWAIT_LEN), then CLOSED', () => {
    const c = drive(timeWait(), deliverNext('client')).connection;
    expect(timer(c, 'client', 'time_wait')).toBe(60_000);

    const waiting = drive(c, advance(59_999));
    expect(waiting.connection.client.state).toBe('TIME_WAIT');

    const d = drive(waiting.connection, advance(1));
    expect(rules(d.last.events)).toEqual(['TIME_WAIT_EXPIRED']);
    expect(d.last.events.find((e) => e.code === 'TIME_WAIT_EXPIRED')).toMatchObject({ at_ms: 60_000, from_state: 'TIME_WAIT', to_state: 'CLOSED' });
    expect(states(d.connection)).toEqual({ client: 'CLOSED', server: 'CLOSED' });
    expect(d.connection.client.tcb).toBeNull();
  });

  it('TIME_WAIT under profile rfc793 lasts 2 × 120 s = 240 s', () => {
    const c = drive(timeWait({ profile: 'rfc793' }), deliverNext('client')).connection;
    expect(c.config.msl_ms).toBe(120_000);
    expect(drive(c, advance(239_999)).connection.client.state).toBe('TIME_WAIT');
    expect(drive(c, advance(240_000)).connection.client.state).toBe('CLOSED');
  });

  it('TIME_WAIT follows msl_ms: MSL 1 s → 2 s', () => {
    const c = drive(timeWait({ msl_ms: 1000 }), deliverNext('client')).connection;
    expect(drive(c, advance(1999)).connection.client.state).toBe('TIME_WAIT');
    expect(drive(c, advance(2000)).connection.client.state).toBe('CLOSED');
  });

});

// ---------------------------------------------------------------------------
describe('the clock (RFC 9293 §3.10.8)', () => {
  it('timers of both endpoints fire in time order within one advance', () => {
    const d = drive(
      established(),
      send('client', 'ping'),
      dropNext('client'),
      advance(500),
      send('server', 'pong'),
      dropNext('server'),
      advance(4000),
    );
    expect(retransmissions(d.last.events)).toEqual([
      ['client', 1000],
      ['server', 1500],
      ['client', 3000],
      ['server', 3500],
    ]);
    expect(d.last.segments.map((s) => [s.from, s.seq, s.sent_at_ms])).toEqual([
      ['client', 1001, 1000],
      ['server', 5001, 1500],
      ['client', 1001, 3000],
      ['server', 5001, 3500],
    ]);
    expect(d.connection.clock_ms).toBe(4500);
  });

  it('timers due at the same instant fire client first, the same way every time', () => {
    // synReceived(): the client's SYN (timer due 1000) was delivered, the server's SYN,ACK (due 1000) is lost.
    const d = drive(synReceived(), dropNext('server'), advance(1000));
    expect(retransmissions(d.last.events)).toEqual([
      ['client', 1000],
      ['server', 1000],
    ]);
  });

  it('advance with nothing due only moves the clock', () => {
    const d = drive(established(), advance(12_345));
    expect(d.last.events).toEqual([]);
    expect(d.last.segments).toEqual([]);
    expect(d.connection.clock_ms).toBe(12_345);
  });
});
