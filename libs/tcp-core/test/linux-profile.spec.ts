/**
 * The linux profile: RFC 9293 with Linux 6.x's defaults where the kernel
 * chooses otherwise (docs/linux-differences.md), each difference named in the
 * event's explanation. The RTO rules of the profile are in rto.spec.ts.
 */
import { ACK, SYN, renderEvent } from '../src';
import { advance, call, deliverNext, drive, finWait2, inject, rules, states, synReceived, timer } from './fixtures';

// ---------------------------------------------------------------------------
describe('the linux profile: TIME_WAIT and FIN_WAIT_2', () => {
  it('TIME_WAIT lasts a fixed 60 s (TCP_TIMEWAIT_LEN) whatever the MSL, and says so', () => {
    const c = drive(finWait2({ profile: 'linux', msl_ms: 10_000 }), call('server', 'close'), deliverNext('server'));
    expect(c.connection.client.state).toBe('TIME_WAIT');
    expect(timer(c.connection, 'client', 'time_wait')).toBe(60_000);
    const entered = c.last.events.find((e) => e.code === 'FIN_WAIT_2_FIN_TO_TIME_WAIT')!;
    expect(renderEvent(entered, 'en')).toContain('60000 ms (Linux waits a fixed 60 s, TCP_TIMEWAIT_LEN, whatever the MSL; RFC 9293 says 2MSL)');
    expect(renderEvent(entered, 'zh-CN')).toContain('TCP_TIMEWAIT_LEN');
  });

  it('rfc9293: TIME_WAIT is 2 × MSL — 20 s with an MSL of 10 s', () => {
    const c = drive(finWait2({ msl_ms: 10_000 }), call('server', 'close'), deliverNext('server'));
    expect(timer(c.connection, 'client', 'time_wait')).toBe(20_000);
  });

  it('FIN_WAIT_2 without the peer\'s FIN for 60 s (tcp_fin_timeout) → CLOSED, nothing sent', () => {
    const waiting = drive(finWait2({ profile: 'linux' }), advance(59_999));
    expect(states(waiting.connection)).toEqual({ client: 'FIN_WAIT_2', server: 'CLOSE_WAIT' });
    const d = drive(waiting.connection, advance(1));
    expect(rules(d.last.events)).toEqual(['FIN_WAIT_2_TIMEOUT']);
    expect(d.last.segments).toEqual([]);
    expect(states(d.connection)).toEqual({ client: 'CLOSED', server: 'CLOSE_WAIT' });
    const timeout = d.last.events[0]!;
    expect(renderEvent(timeout, 'en')).toContain('RFC 9293 says FIN_WAIT_2 waits for the peer\'s FIN for as long as it takes');
    expect(renderEvent(timeout, 'zh-CN')).toContain('tcp_fin_timeout');
  });

  it('rfc9293: FIN_WAIT_2 waits for the FIN for as long as it takes (no timer)', () => {
    const d = drive(finWait2(), advance(600_000));
    expect(d.connection.client.state).toBe('FIN_WAIT_2');
    expect(d.connection.client.timers).toEqual([]);
  });

  it("the peer's FIN within the timeout still leads to TIME_WAIT, and the FIN_WAIT_2 timer is gone", () => {
    const d = drive(finWait2({ profile: 'linux' }), advance(30_000), call('server', 'close'), deliverNext('server'));
    expect(d.connection.client.state).toBe('TIME_WAIT');
    expect(d.connection.client.timers).toEqual([{ kind: 'time_wait', due_ms: 90_000 }]);
  });
});

// ---------------------------------------------------------------------------
describe('the linux profile: SYN_RECEIVED', () => {
  it('SYN_RECEIVED (passive) + a new SYN → RST,ACK <SEQ=0><ACK=SEG.SEQ+1> and back to LISTEN (Linux tcp_check_req)', () => {
    const d = drive(synReceived({ profile: 'linux' }), inject('server', { flags: SYN, seq: 1001, ack: 0 }));
    expect(rules(d.last.events)).toEqual(['SYN_RECEIVED_SYN_RESET_TO_LISTEN']);
    expect(d.last.segments.filter((s) => s.from === 'server').map((s) => [s.flags, s.seq, s.ack])).toEqual([[0x04 | ACK, 0, 1002]]);
    expect(d.connection.server.state).toBe('LISTEN');
    expect(renderEvent(d.last.events.find((e) => e.code === 'SYN_RECEIVED_SYN_RESET_TO_LISTEN')!, 'en')).toContain(
      'RFC 9293 §3.10.7.4 returns to LISTEN without sending anything',
    );
  });

  it('rfc9293: the same SYN returns to LISTEN without a reset', () => {
    const d = drive(synReceived(), inject('server', { flags: SYN, seq: 1001, ack: 0 }));
    expect(rules(d.last.events)).toEqual(['SYN_RECEIVED_SYN_TO_LISTEN']);
    expect(d.last.segments.filter((s) => s.from === 'server')).toEqual([]);
  });
});
