/**
 * The linux profile: RFC 9293 with Linux 6.x's defaults where the kernel
 * chooses otherwise (docs/linux-differences.md), each difference named in the
 * event's explanation. The RTO rules of the profile are in rto.spec.ts.
 */
import { ACK, FIN, PSH, RST, SYN, URG, createConnection, renderEvent, type ConnectionOptions, type TcpEvent } from '../src';
import { advance, base64, call, codes, deliverNext, drive, dropNext, established, finWait1, finWait2, inject, rules, send, sentBy, states, synReceived, timer } from './fixtures';

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

// ---------------------------------------------------------------------------
/** established, then the server's 5 octets delivered to the client, unread: the client has data waiting. */
function unread(profile: 'linux' | 'rfc9293') {
  return drive(established({ profile }), send('server', 'hello'), deliverNext('server'), deliverNext('client')).connection;
}

describe('the linux profile: close() and shutdown()', () => {
  it('close() with unread data → RST,ACK <SEQ=SND.NXT><ACK=RCV.NXT> and CLOSED at once (tcp_close; RFC 9293 §3.6.1 SHLD-2)', () => {
    const d = drive(unread('linux'), call('client', 'close'));
    expect(rules(d.last.events)).toEqual(['CLOSE_UNREAD_DATA_RESET']);
    expect(sentBy(d.last.segments, 'client').map((s) => [s.flags, s.seq, s.ack])).toEqual([[RST | ACK, 1001, 5006]]);
    expect(d.connection.client.state).toBe('CLOSED');
    const reset = d.last.events.find((e) => e.code === 'CLOSE_UNREAD_DATA_RESET')!;
    expect(renderEvent(reset, 'en')).toContain('RFC 9293 §3.6.1 says a TCP whose CLOSE loses received data SHOULD send an RST');
    expect(renderEvent(reset, 'zh-CN')).toContain('tcp_close');
  });

  it('rfc9293: close() with unread data is the RFC\'s CLOSE — FIN, FIN_WAIT_1, and the data can still be read', () => {
    const d = drive(unread('rfc9293'), call('client', 'close'), call('client', 'receive'));
    expect(sentBy(d.results[0]!.segments, 'client').map((s) => s.flags)).toEqual([FIN | ACK]);
    expect(d.connection.client.state).toBe('FIN_WAIT_1');
    expect(d.last.outcome).toMatchObject({ ok: true, received: { length: 5 } });
  });

  it('shutdown() with unread data half-closes in the linux profile too: FIN, and the data can still be read', () => {
    const d = drive(unread('linux'), call('client', 'shutdown'), call('client', 'receive'));
    expect(sentBy(d.results[0]!.segments, 'client').map((s) => s.flags)).toEqual([FIN | ACK]);
    const closing = d.results[0]!.events.find((e) => e.code === 'CLOSE_TO_FIN_WAIT_1')!;
    expect(renderEvent(closing, 'en')).toContain('With shutdown(SHUT_WR) only the sending direction closes');
    expect(renderEvent(closing, 'zh-CN')).toContain('shutdown(SHUT_WR)');
    expect(d.last.outcome).toMatchObject({ ok: true, received: { length: 5 } });
    expect(d.connection.client.state).toBe('FIN_WAIT_1');
  });

  it('after close(), RECEIVE is refused: the application gave up its socket (RFC 9293 §3.6.1 half-duplex close)', () => {
    const d = drive(established({ profile: 'linux' }), call('client', 'close'), call('client', 'receive'));
    expect(d.last.outcome).toMatchObject({ ok: false, error: { code: 'CALL_REFUSED', error: 'CONNECTION_CLOSING' } });
    expect(renderEvent(d.last.events[0]!, 'en')).toContain('closed its socket with close()');
  });

  it('FIN_WAIT_2 after close() + new data → RST <SEQ=SEG.ACK> and CLOSED (tcp_rcv_state_process; RFC 9293 §3.6.1)', () => {
    const d = drive(finWait2({ profile: 'linux' }), send('server', 'late'), deliverNext('server'));
    expect(rules(d.last.events)).toEqual(['DATA_AFTER_CLOSE_RESET']);
    expect(sentBy(d.last.segments, 'client').map((s) => [s.flags, s.seq, s.window, s.options])).toEqual([[RST, 1002, 0, []]]);
    expect(d.connection.client.state).toBe('CLOSED');
    const reset = d.last.events.find((e) => e.code === 'DATA_AFTER_CLOSE_RESET')!;
    expect(renderEvent(reset, 'en')).toContain('SHOULD send an RST when new data arrives after CLOSE');
    expect(renderEvent(reset, 'zh-CN')).toContain('tcp_rcv_state_process');
  });

  it('FIN_WAIT_1 after close() + new data acknowledging the FIN → RST and CLOSED', () => {
    const d = drive(finWait1({ profile: 'linux' }), deliverNext('client'), inject('client', { flags: ACK | PSH, seq: 5001, ack: 1002, payload: base64('late') }));
    expect(rules(d.last.events)).toContain('DATA_AFTER_CLOSE_RESET');
    expect(d.connection.client.state).toBe('CLOSED');
  });

  it('FIN_WAIT_2 after shutdown() + new data → taken and acknowledged, and no FIN_WAIT_2 timeout', () => {
    const shut = drive(established({ profile: 'linux' }), call('client', 'shutdown'), deliverNext('client'), deliverNext('server'));
    expect(shut.connection.client.state).toBe('FIN_WAIT_2');
    expect(shut.connection.client.timers).toEqual([]);
    const d = drive(shut.connection, send('server', 'late'), deliverNext('server'));
    expect(rules(d.last.events)).toEqual(['DATA_RECEIVED']);
    expect(sentBy(d.last.segments, 'client').map((s) => [s.flags, s.ack])).toEqual([[ACK, 5005]]);
  });

  it('close() after shutdown() in FIN_WAIT_2 sends nothing, orphans the socket and starts the FIN_WAIT_2 timeout', () => {
    const d = drive(established({ profile: 'linux' }), call('client', 'shutdown'), deliverNext('client'), deliverNext('server'), call('client', 'close'));
    expect(rules(d.last.events)).toEqual(['CLOSE_AFTER_SHUTDOWN']);
    expect(d.last.segments).toEqual([]);
    expect(timer(d.connection, 'client', 'fin_wait_2')).toBe(60_000);
    expect(renderEvent(d.last.events[0]!, 'zh-CN')).toContain('tcp_fin_timeout');
  });

  it('close() in TIME_WAIT with data unread sends nothing: Linux\'s socket is already CLOSE there (tcp_close)', () => {
    const c = drive(
      established({ profile: 'linux' }),
      call('client', 'shutdown'),
      deliverNext('client'),
      deliverNext('server'),
      send('server', 'hi'),
      deliverNext('server'),
      deliverNext('client'),
      call('server', 'close'),
      deliverNext('server'),
    ).connection;
    expect(c.client.state).toBe('TIME_WAIT');
    const d = drive(c, call('client', 'close'));
    expect(rules(d.last.events)).toEqual(['CLOSE_AFTER_SHUTDOWN']);
    expect(d.last.segments).toEqual([]);
    expect(d.connection.client.state).toBe('TIME_WAIT');
  });

  it('rfc9293: FIN_WAIT_2 after close() + new data → taken (RFC 9293 §3.6: CLOSE is simplex)', () => {
    const d = drive(finWait2(), send('server', 'late'), deliverNext('server'));
    expect(rules(d.last.events)).toEqual(['DATA_RECEIVED']);
    expect(d.connection.client.state).toBe('FIN_WAIT_2');
  });
});

// ---------------------------------------------------------------------------
describe('the linux profile: RECEIVE after both FINs', () => {
  /**
   * The client's 5 octets and FIN reach the server unread; the server shuts down too: LAST_ACK with data waiting.
   * The server acknowledged the data (at once in both profiles: the linux profile's first data is in quick-ACK
   * mode); the FIN's ACK is sent at once by rfc9293, and by the linux profile only with its own FIN (delack.ts).
   */
  function lastAckWithData(profile: 'linux' | 'rfc9293') {
    return drive(
      established({ profile }),
      send('client', 'hello'),
      deliverNext('client'),
      call('client', 'shutdown'),
      deliverNext('client'),
      deliverNext('server'),
      ...(profile === 'rfc9293' ? [deliverNext('server')] : []),
      call('server', 'shutdown'),
    ).connection;
  }

  it('LAST_ACK: RECEIVE returns the data that came before the FIN (Linux tcp_recvmsg), and says so', () => {
    const c = lastAckWithData('linux');
    expect(c.server.state).toBe('LAST_ACK');
    const d = drive(c, call('server', 'receive'));
    expect(d.last.outcome).toMatchObject({ ok: true, received: { length: 5, payload: base64('hello') } });
    expect(d.last.segments).toEqual([]);
    const read = d.last.events.find((e) => e.code === 'RECEIVE_DATA')!;
    expect(renderEvent(read, 'en')).toContain('RFC 9293 §3.10.3 refuses RECEIVE once both FINs have been sent');
    expect(renderEvent(read, 'zh-CN')).toContain('tcp_recvmsg');
  });

  it('LAST_ACK with nothing left to read: "connection closing", as in CLOSE_WAIT', () => {
    const d = drive(lastAckWithData('linux'), call('server', 'receive'), call('server', 'receive'));
    expect(d.last.outcome).toMatchObject({ ok: false, error: { error: 'CONNECTION_CLOSING' } });
  });

  it('rfc9293: RECEIVE in LAST_ACK is refused (RFC 9293 §3.10.3)', () => {
    const d = drive(lastAckWithData('rfc9293'), call('server', 'receive'));
    expect(d.last.outcome).toMatchObject({ ok: false, error: { error: 'CONNECTION_CLOSING' } });
  });
});

// ---------------------------------------------------------------------------
describe('the linux profile: URG while urgent data waits', () => {
  /** The server's window is closed, then the client sends 3 urgent octets: they wait for the window. */
  function urgentHeld(profile: 'linux' | 'rfc9293') {
    return drive(
      established({ profile, server: { window: 5 } }),
      send('client', 'fill!'),
      deliverNext('client'),
      deliverNext('server'),
      send('client', 'URG', { urgent: true }),
    ).connection;
  }

  it('a pure ACK sent while the urgent data is held back by a zero window carries URG and the pointer (__tcp_transmit_skb)', () => {
    const c = urgentHeld('linux');
    expect(c.client.tcb!.send_queue.map((q) => q.length)).toEqual([3]);
    const d = drive(c, send('server', 'x'), deliverNext('server'));
    const ack = sentBy(d.last.segments, 'client');
    expect(ack.map((s) => [s.flags, s.length, s.urgent_pointer])).toEqual([[ACK | URG, 0, 3]]);
  });

  it('the zero-window probe carries URG too, pointing past the urgent data from SND.UNA − 1', () => {
    const d = drive(urgentHeld('linux'), advance(300));
    const probe = sentBy(d.last.segments, 'client');
    expect(probe.map((s) => [s.flags, s.seq, s.urgent_pointer])).toEqual([[ACK | URG, 1005, 4]]);
  });

  it('once the urgent data is acknowledged, ACKs carry no URG any more', () => {
    const opened = drive(urgentHeld('linux'), call('server', 'receive'), deliverNext('server'), deliverNext('client'), deliverNext('server'));
    expect(opened.connection.client.tcb!.snd_una).toBe(1009);
    const d = drive(opened.connection, send('server', 'x'), deliverNext('server'));
    expect(sentBy(d.last.segments, 'client').map((s) => s.flags)).toEqual([ACK]);
  });

  it('rfc9293: the same ACK carries no URG (RFC 9293 §3.8.5 marks the segments that carry urgent data)', () => {
    const d = drive(urgentHeld('rfc9293'), send('server', 'x'), deliverNext('server'));
    expect(sentBy(d.last.segments, 'client').map((s) => [s.flags, s.urgent_pointer])).toEqual([[ACK, 0]]);
  });
});

// ---------------------------------------------------------------------------
// Linux's sending rules (linux-xmit.ts), each checked against the kernel by a case in test/linux/cases.ts.

/** The data segments `side` sent: [seq, length, PSH?, FIN?]. */
function dataSent(segments: Parameters<typeof sentBy>[0], side: 'client' | 'server'): Array<[number, number, boolean, boolean]> {
  return sentBy(segments, side)
    .filter((s) => s.length > 0 || s.flags & 0x01)
    .map((s) => [s.seq, s.length, (s.flags & PSH) !== 0, (s.flags & 0x01) !== 0]);
}

const linux = (options: ConnectionOptions = {}) => established({ profile: 'linux', ...options });
/** Exact windows: no window scaling on either side. */
const UNSCALED: ConnectionOptions = { client: { wscale: null }, server: { wscale: null } };

describe('the linux profile: Nagle\'s algorithm (RFC 9293 §3.7.4; Linux tcp_nagle_test, Minshall\'s variant)', () => {
  it('linux profile: a second small send waits for the ACK of the first (Nagle), and a third joins it in one segment', () => {
    const d = drive(linux(), send('client', 'a'), send('client', 'bb'), send('client', 'c'));
    expect(dataSent(d.segments, 'client')).toEqual([[1001, 1, true, false]]);
    expect(codes(d.results[1]!.events)).toContain('SEND_HELD_NAGLE');
    const acked = drive(d.connection, deliverNext('client'), deliverNext('server'));
    expect(dataSent(acked.segments, 'client')).toEqual([[1002, 3, true, false]]);
  });

  it('linux profile with nodelay (TCP_NODELAY): a second small send goes at once', () => {
    const d = drive(linux({ client: { nodelay: true } }), send('client', 'a'), send('client', 'bb'));
    expect(dataSent(d.segments, 'client')).toEqual([
      [1001, 1, true, false],
      [1002, 2, true, false],
    ]);
    expect(codes(d.events)).not.toContain('SEND_HELD_NAGLE');
  });

  it('rfc9293 profile: unchanged — a second small send goes at once', () => {
    const d = drive(established(), send('client', 'a'), send('client', 'bb'));
    expect(dataSent(d.segments, 'client')).toEqual([
      [1001, 1, true, false],
      [1002, 2, true, false],
    ]);
  });

  it('Minshall\'s variant: full segments go while a small one is unacknowledged; only the small tail waits, for that small segment\'s ACK', () => {
    const d = drive(linux(), send('client', 'x'.repeat(1000)), send('client', 'y'.repeat(3000)));
    expect(dataSent(d.segments, 'client')).toEqual([
      [1001, 1000, true, false],
      [2001, 1448, false, false],
      [3449, 1448, false, false],
    ]);
    const acked = drive(d.connection, deliverNext('client'), deliverNext('server'));
    expect(dataSent(acked.segments, 'client')).toEqual([[4897, 104, true, false]]);
  });

  it('a held small segment goes with the FIN at CLOSE (a FIN is never held by Nagle)', () => {
    const d = drive(linux(), send('client', 'x'.repeat(100)), send('client', 'y'.repeat(10)), call('client', 'close'));
    expect(dataSent(d.segments, 'client')).toEqual([
      [1001, 100, true, false],
      [1101, 10, true, true],
    ]);
  });

  it('data released by an arriving segment carries its ACK: no bare ACK goes before it (tcp_data_snd_check before tcp_ack_snd_check)', () => {
    const held = drive(linux(), send('client', 'a'), send('client', 'b'), deliverNext('client'), dropNext('server'), send('server', 'x')).connection;
    const d = drive(held, deliverNext('server'));
    expect(sentBy(d.last.segments, 'client').map((seg) => [seg.seq, seg.ack, seg.length])).toEqual([[1002, 5002, 1]]);
  });

  it('the hold is explained: Linux does this, RFC 9293 recommends Nagle\'s algorithm — in English and in Chinese', () => {
    const d = drive(linux(), send('client', 'a'), send('client', 'b'));
    const held = d.events.find((e) => e.code === 'SEND_HELD_NAGLE')!;
    expect(renderEvent(held, 'en')).toContain("Linux does this — Nagle's algorithm with Minshall's variant (tcp_nagle_test) — unless the socket has TCP_NODELAY");
    expect(renderEvent(held, 'en')).toContain('RFC 9293 §3.7.4 recommends');
    expect(renderEvent(held, 'zh-CN')).toContain('Nagle 算法');
  });

  it('manual mode (linux): a small segment while another small one is unacknowledged is still accepted, as a TCP with TCP_NODELAY sends it', () => {
    const c = drive(
      createConnection({ profile: 'linux', mode: 'manual', client: { isn: 1000 }, server: { isn: 5000 } }),
      call('server', 'listen'),
      call('client', 'connect'),
      { type: 'send', from: 'server', segment: { flags: SYN | ACK } },
      { type: 'send', from: 'client', segment: { flags: ACK } },
      { type: 'send', from: 'client', segment: { flags: ACK | PSH, payload: base64('a') }, network: 'hold' },
    ).connection;
    const second = drive(c, { type: 'send', from: 'client', segment: { flags: ACK | PSH, payload: base64('b') }, network: 'hold' });
    expect(second.last.outcome).toEqual({ ok: true });
    expect(dataSent(second.segments, 'client')).toEqual([[1002, 1, true, false]]);
  });
});

describe('the linux profile: sender-side silly window avoidance (RFC 9293 §3.8.6.2.1; Linux tcp_snd_wnd_test)', () => {
  it('with 48 octets of window left, the 476-octet rest waits for the window; the second full segment carries PSH (forced_push)', () => {
    // The client's window, 2,944, is the server's largest (tcp_create_openreq_child takes it from the ACK).
    const c = linux({ client: { wscale: null, window: 2944 }, server: { wscale: null } });
    const d = drive(c, send('server', 'z'.repeat(3372)));
    expect(dataSent(d.segments, 'server')).toEqual([
      [5001, 1448, false, false],
      [6449, 1448, true, false],
    ]);
    expect(codes(d.events)).toEqual(expect.arrayContaining(['PUSH_FORCED', 'SEND_HELD_WINDOW']));
    const held = d.events.find((e) => e.code === 'SEND_HELD_WINDOW')!;
    expect(held.params).toMatchObject({ usable: 48, needed: 476 });
    // The client reads, and its ACKs bring the window back.
    let read = drive(d.connection, deliverNext('server'), deliverNext('server'), call('client', 'receive'));
    const released = [];
    while (read.connection.network.in_flight.some((seg) => seg.from === 'client')) {
      read = drive(read.connection, deliverNext('client'));
      released.push(...read.segments);
    }
    expect(dataSent(released, 'server')).toEqual([[7897, 476, true, false]]);
  });

  it('rfc9293 profile: unchanged — it fills the window with a 48-octet segment', () => {
    const c = established({ client: { wscale: null, window: 2944 }, server: { wscale: null } });
    const d = drive(c, send('server', 'z'.repeat(3372)));
    expect(dataSent(d.segments, 'server').map(([, length]) => length)).toEqual([1448, 1448, 48]);
  });

  it('a window too small for a segment with nothing in flight: the persist timer sends what fits, with PSH (tcp_write_wakeup), so nothing stalls', () => {
    // The window shrinks with a newer SEQ, after 10 octets: Linux ignores a shrinking window that repeats the last
    // update's SEQ (tcp_may_update_window).
    const c = drive(
      linux(UNSCALED),
      inject('server', { flags: ACK | PSH, seq: 1001, ack: 5001, payload: base64('x'.repeat(10)) }),
      inject('server', { flags: ACK, seq: 1011, ack: 5001, window: 1000 }),
    ).connection;
    const d = drive(c, send('server', 'z'.repeat(3000)));
    expect(dataSent(d.segments, 'server')).toEqual([]);
    expect(timer(d.connection, 'server', 'persist')).toBe(200);
    expect(d.events.find((e) => e.code === 'PERSIST_TIMER_STARTED')!.params).toMatchObject({ usable: 1000, queued: 3000 });
    const probe = drive(d.connection, advance(200));
    expect(rules(probe.last.events)).toContain('WINDOW_PROBE_WITH_DATA');
    expect(dataSent(probe.segments, 'server')).toEqual([[5001, 1000, true, false]]);
    expect(timer(probe.connection, 'server', 'persist')).toBeNull();
    const explained = probe.last.events.find((e) => e.code === 'WINDOW_PROBE_WITH_DATA')!;
    expect(renderEvent(explained, 'en')).toContain("RFC 9293 §3.8.6.2.1's override timeout");
    expect(renderEvent(explained, 'zh-CN')).toContain('tcp_write_wakeup');
  });
});

describe('the linux profile: a window update that only shrinks the window (Linux tcp_may_update_window)', () => {
  const shrink = inject('server', { flags: ACK, seq: 1001, ack: 5001, window: 8 });

  it('the same SEQ and ACK as the last update and a smaller window: Linux keeps the window it had, and says so', () => {
    const c = linux(UNSCALED);
    const before = c.server.tcb!.snd_wnd;
    const d = drive(c, shrink);
    expect(rules(d.last.events)).toContain('WINDOW_SHRINK_IGNORED');
    expect(d.connection.server.tcb!.snd_wnd).toBe(before);
    const ignored = d.last.events.find((e) => e.code === 'WINDOW_SHRINK_IGNORED')!;
    expect(ignored.params).toMatchObject({ offered: 8, snd_wnd: before });
    expect(renderEvent(ignored, 'en')).toContain('RFC 9293 §3.10.7.4 would take the smaller one');
    expect(renderEvent(ignored, 'zh-CN')).toContain('tcp_may_update_window');
  });

  it('a newer SEQ, or a window of 0, shrinks it in the linux profile too', () => {
    const newer = drive(linux(UNSCALED), inject('server', { flags: ACK | PSH, seq: 1001, ack: 5001, payload: base64('x') }), inject('server', { flags: ACK, seq: 1002, ack: 5001, window: 8 }));
    expect(newer.connection.server.tcb!.snd_wnd).toBe(8);
    const zero = drive(linux(UNSCALED), inject('server', { flags: ACK, seq: 1001, ack: 5001, window: 0 }));
    expect(zero.connection.server.tcb!.snd_wnd).toBe(0);
  });

  it('rfc9293 profile: takes the smaller window (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)', () => {
    const d = drive(established({ client: { wscale: null }, server: { wscale: null } }), shrink);
    expect(d.connection.server.tcb!.snd_wnd).toBe(8);
    expect(rules(d.last.events)).not.toContain('WINDOW_SHRINK_IGNORED');
  });
});

describe('the linux profile: segments of half a small window (Linux tcp_bound_to_half_wnd)', () => {
  it('a peer whose largest window is 1024 octets gets 512-octet segments', () => {
    const c = linux({ client: { wscale: null, window: 1024 }, server: { wscale: null } });
    const d = drive(c, send('server', 'z'.repeat(1024)));
    expect(dataSent(d.segments, 'server')).toEqual([
      [5001, 512, false, false],
      [5513, 512, true, false],
    ]);
    const bound = d.events.find((e) => e.code === 'SEGMENTS_HALF_WINDOW')!;
    expect(bound.params).toMatchObject({ mss: 512, snd_mss: 1448, max_snd_wnd: 1024 });
    expect(renderEvent(bound, 'en')).toContain('RFC 9293 leaves the size below the MSS to the sender');
    expect(renderEvent(bound, 'zh-CN')).toContain('tcp_bound_to_half_wnd');
  });
});

// ---------------------------------------------------------------------------
describe('the linux profile: where tcplab knowingly differs from Linux, the explanation says what Linux does and cites docs/linux-differences.md', () => {
  /** The event with `code` in the last step, checked to cite entry `entry` in both languages. */
  function expectCited(events: readonly TcpEvent[], code: string, entry: number): void {
    const event = events.find((e) => e.code === code)!;
    expect(event.params['linux_difference']).toBe(entry);
    expect(renderEvent(event, 'en')).toContain(`docs/linux-differences.md, entry ${entry})`);
    expect(renderEvent(event, 'zh-CN')).toContain(`docs/linux-differences.md 第 ${entry} 条`);
  }

  it('text past the right edge of the window, trimmed: Linux keeps it while its memory allows (entry 7); rfc9293 cites nothing', () => {
    const past = inject('server', { flags: ACK | PSH, seq: 1001, ack: 5001, payload: base64('x'.repeat(1200)) });
    const linux = drive(established({ profile: 'linux', server: { window: 1000, wscale: null } }), past);
    expectCited(linux.last.events, 'TEXT_BEYOND_WINDOW_ACKED', 7);
    expect(renderEvent(linux.last.events.find((e) => e.code === 'TEXT_BEYOND_WINDOW_ACKED')!, 'en')).toContain('while its receive memory has room');
    const rfc = drive(established({ server: { window: 1000, wscale: null } }), past);
    const trimmed = rfc.last.events.find((e) => e.code === 'TEXT_BEYOND_WINDOW_ACKED')!;
    expect(trimmed.params['linux_difference']).toBeUndefined();
    expect(renderEvent(trimmed, 'en')).not.toContain('linux-differences');
  });

  it('data received: Linux computes the window it advertises from its free receive memory (entry 9)', () => {
    const d = drive(established({ profile: 'linux' }), send('client', 'hello'), deliverNext('client'));
    expectCited(d.last.events, 'DATA_RECEIVED', 9);
  });

  it('an old duplicate acknowledged again: Linux adds a D-SACK block (entry 16), only where SACK is in use', () => {
    const duplicate = inject('server', { flags: ACK | PSH, seq: 1001, ack: 5001, payload: base64('hello') });
    const withSack = drive(established({ profile: 'linux' }), send('client', 'hello'), deliverNext('client'), duplicate);
    expectCited(withSack.last.events, 'SEQ_UNACCEPTABLE_ACKED', 16);
    const withoutSack = drive(established({ profile: 'linux', client: { sack_permitted: false } }), send('client', 'hello'), deliverNext('client'), duplicate);
    expect(withoutSack.last.events.find((e) => e.code === 'SEQ_UNACCEPTABLE_ACKED')!.params['linux_difference']).toBeUndefined();
  });

  it('a SEND of more than ten segments: Linux sends its initial congestion window of 10 first (entry 20); a small one cites nothing', () => {
    const big = drive(established({ profile: 'linux' }), { type: 'call', endpoint: 'client', call: 'send', data: { length: 20_000 } });
    expectCited(big.last.events, 'SEND_DATA', 20);
    const small = drive(established({ profile: 'linux' }), send('client', 'hello'));
    expect(small.last.events.find((e) => e.code === 'SEND_DATA')!.params['linux_difference']).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------
describe('the linux profile: what the explanations say in a few corners', () => {
  it('a read in CLOSE_WAIT: no window update, because the peer\'s FIN is in (tcp_cleanup_rbuf), not the doubling rule', () => {
    const d = drive(
      linux(UNSCALED),
      inject('server', { flags: ACK | PSH, seq: 1001, ack: 5001, payload: base64('x'.repeat(3000)) }),
      inject('server', { flags: ACK | FIN, seq: 4001, ack: 5001 }),
      advance(200),
      call('server', 'receive'),
    );
    expect(d.connection.server.state).toBe('CLOSE_WAIT');
    expect(d.last.segments).toEqual([]);
    const read = d.last.events.find((e) => e.code === 'RECEIVE_DATA')!;
    expect(read.params).toMatchObject({ length: 3000, window_update_withheld: 'fin_received' });
    expect(renderEvent(read, 'en')).toContain("the client's FIN is in, so nothing more will come");
    expect(renderEvent(read, 'zh-CN')).toContain('FIN 已经到达');
  });

  it('a smaller window with an older SEQ than the last update is no window update in either profile: nothing is said about it', () => {
    const d = drive(
      linux(UNSCALED),
      inject('server', { flags: ACK | PSH, seq: 1001, ack: 5001, payload: base64('x'.repeat(100)) }),
      inject('server', { flags: ACK | PSH, seq: 1101, ack: 5001, payload: base64('x'.repeat(100)) }),
      inject('server', { flags: ACK, seq: 1051, ack: 5001, window: 400 }),
    );
    expect(codes(d.last.events)).not.toContain('WINDOW_SHRINK_IGNORED');
  });

  it('manual mode, rfc9293: a FIN sent by hand is the RFC\'s CLOSE and says nothing of shutdown()', () => {
    const d = drive(
      createConnection({ mode: 'manual' }),
      call('server', 'listen'),
      { type: 'send', from: 'client', segment: { flags: SYN } },
      { type: 'send', from: 'server', segment: { flags: SYN | ACK } },
      { type: 'send', from: 'client', segment: { flags: ACK } },
      { type: 'send', from: 'client', segment: { flags: ACK | FIN } },
    );
    expect(d.connection.client.state).toBe('FIN_WAIT_1');
    const closing = d.last.events.find((e) => e.code === 'CLOSE_TO_FIN_WAIT_1')!;
    expect(closing.params['shutdown']).toBeUndefined();
    expect(renderEvent(closing, 'en')).not.toContain('shutdown(SHUT_WR)');
  });
});
