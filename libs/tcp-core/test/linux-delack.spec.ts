/**
 * The linux profile's acknowledgment policy (delack.ts): quick ACKs at the start, delayed ACKs after them, an ACK
 * for every second full-sized segment, the delayed-ACK timer, piggybacking, a FIN in ESTABLISHED, and the window
 * update after a read. The Linux kernel itself is the oracle in test/linux (cases.ts); these pin the rules down.
 */
import { ACK, FIN, PSH, renderEvent, type Connection } from '../src';
import { CLIENT_ISS, SERVER_ISS, advance, call, drive, established, inject, rules, send, sentBy, timer } from './fixtures';

const FULL = 1448;

/** The client (the peer) sends `length` octets at `seq` (relative to its ISN + 1) to the server, which is Linux. */
function data(seq: number, length: number, flags = ACK | PSH) {
  return inject('server', { flags, seq: CLIENT_ISS + 1 + seq, ack: SERVER_ISS + 1, length, payload: null });
}

/** The server's segments of a step: [flags, ack relative to the client's ISN + 1, length]. */
function serverSent(d: { last: { segments: readonly import('../src').Segment[] } }): Array<[number, number, number]> {
  return sentBy(d.last.segments, 'server').map((s) => [s.flags, s.ack - CLIENT_ISS - 1, s.length]);
}

/** `n` full-sized segments from the peer, each answered by the server at once (its quick ACKs). */
function afterQuickAcks(c: Connection, n: number, length = FULL): Connection {
  let at = c;
  for (let i = 0; i < n; i++) {
    const d = drive(at, data(i * length, length));
    expect(serverSent(d)).toEqual([[ACK, (i + 1) * length, 0]]);
    at = d.connection;
  }
  return at;
}

describe('the linux profile: delayed ACKs (Linux tcp_send_delayed_ack; RFC 9293 §3.8.6.3)', () => {
  it('quick ACKs at the start: the first 16 data segments (TCP_MAX_QUICKACKS) are each acknowledged at once', () => {
    afterQuickAcks(established({ profile: 'linux' }), 16);
  });

  it('a delayed ACK after the quick-ACK budget: the 17th segment is not acknowledged at once, the timer is set for 40 ms', () => {
    const c = afterQuickAcks(established({ profile: 'linux' }), 16);
    const d = drive(c, data(16 * FULL, FULL));
    expect(serverSent(d)).toEqual([]);
    expect(rules(d.last.events)).toEqual(['DATA_RECEIVED', 'ACK_DELAYED']);
    expect(timer(d.connection, 'server', 'delayed_ack')).toBe(d.connection.clock_ms + 40);
    const delayed = d.last.events.find((e) => e.code === 'ACK_DELAYED')!;
    expect(renderEvent(delayed, 'en')).toContain('Linux does not acknowledge this data at once');
    expect(renderEvent(delayed, 'en')).toContain('RFC 9293 §3.8.6.3 allows this delay');
    expect(renderEvent(delayed, 'zh-CN')).toContain('tcp_send_delayed_ack');
  });

  it('the timer\'s ACK: 40 ms later the delayed-ACK timer sends ACK ack=RCV.NXT on its own', () => {
    const c = afterQuickAcks(established({ profile: 'linux' }), 16);
    const delayed = drive(c, data(16 * FULL, FULL), advance(39));
    expect(serverSent(delayed)).toEqual([]);
    const d = drive(delayed.connection, advance(1));
    expect(rules(d.last.events)).toEqual(['DELAYED_ACK_TIMEOUT']);
    expect(serverSent(d)).toEqual([[ACK, 17 * FULL, 0]]);
    expect(timer(d.connection, 'server', 'delayed_ack')).toBeNull();
    expect(renderEvent(d.last.events[0]!, 'en')).toContain('its delayed-ACK timer expires');
  });

  it('an ACK for every second full-sized segment: the 18th segment is acknowledged at once, with the 17th', () => {
    const c = afterQuickAcks(established({ profile: 'linux' }), 16);
    const d = drive(c, data(16 * FULL, FULL), data(17 * FULL, FULL));
    expect(serverSent(d)).toEqual([[ACK, 18 * FULL, 0]]);
    expect(timer(d.connection, 'server', 'delayed_ack')).toBeNull();
  });

  it('piggybacking cancels it: data the application sends within the delay carries the ACK, and no bare ACK follows', () => {
    const c = afterQuickAcks(established({ profile: 'linux' }), 16);
    const d = drive(c, data(16 * FULL, FULL), send('server', 'answer'));
    expect(serverSent(d)).toEqual([[ACK | PSH, 17 * FULL, 6]]);
    expect(timer(d.connection, 'server', 'delayed_ack')).toBeNull();
    expect(serverSent(drive(d.connection, advance(100)))).toEqual([]);
  });

  it('an interactive connection: once the application has answered within the ATO, even early data waits for the answer', () => {
    const c = established({ profile: 'linux' });
    const asked = drive(c, data(0, 10), send('server', 'answer'));
    const d = drive(asked.connection, data(10, 10));
    expect(serverSent(d)).toEqual([]);
    expect(d.last.events.find((e) => e.code === 'ACK_DELAYED')?.params).toMatchObject({ interactive: true });
  });

  it('a FIN in ESTABLISHED: the ACK waits for the application\'s own FIN, which carries it (CLOSE_WAIT → LAST_ACK)', () => {
    const c = drive(established({ profile: 'linux' }), data(0, 100));
    const d = drive(c.connection, data(100, 0, ACK | FIN));
    expect(serverSent(d)).toEqual([]);
    expect(d.connection.server.state).toBe('CLOSE_WAIT');
    const delayed = d.last.events.find((e) => e.code === 'ACK_DELAYED')!;
    expect(renderEvent(delayed, 'en')).toContain("Linux does not acknowledge the FIN at once here");
    const closed = drive(d.connection, call('server', 'receive'), call('server', 'close'));
    expect(serverSent(closed)).toEqual([[ACK | FIN, 101, 0]]);
    expect(timer(closed.connection, 'server', 'delayed_ack')).toBeNull();
  });

  it('out-of-order data is acknowledged at once (a duplicate ACK), and so is the segment that fills the gap', () => {
    const c = afterQuickAcks(established({ profile: 'linux' }), 16);
    const ahead = drive(c, data(17 * FULL, FULL));
    expect(serverSent(ahead)).toEqual([[ACK, 16 * FULL, 0]]);
    const filled = drive(ahead.connection, data(16 * FULL, FULL));
    expect(serverSent(filled)).toEqual([[ACK, 18 * FULL, 0]]);
  });

  it('rfc9293: every segment is acknowledged at once, the 17th too', () => {
    let c = established();
    for (let i = 0; i < 17; i++) {
      const d = drive(c, data(i * FULL, FULL));
      expect(serverSent(d)).toEqual([[ACK, (i + 1) * FULL, 0]]);
      c = d.connection;
    }
  });
});

describe('the linux profile: the window update after a read (Linux tcp_cleanup_rbuf; RFC 9293 §3.8.6.2.2)', () => {
  const small = { profile: 'linux' as const, server: { window: 4000, wscale: null } };

  it('window update after read only when the window doubles: 2500 of 4000 open → none, though RFC 9293 would send one', () => {
    const c = drive(established(small), data(0, 1500));
    expect(serverSent(c)).toEqual([[ACK, 1500, 0]]);
    const d = drive(c.connection, call('server', 'receive'));
    expect(serverSent(d)).toEqual([]);
    const read = d.last.events.find((e) => e.code === 'RECEIVE_DATA')!;
    expect(renderEvent(read, 'en')).toContain('Linux does not announce it yet');
    expect(renderEvent(read, 'zh-CN')).toContain('tcp_cleanup_rbuf');
    const rfc = drive(drive(established({ server: { window: 4000, wscale: null } }), data(0, 1500)).connection, call('server', 'receive'));
    expect(rules(rfc.last.events)).toEqual(['RECEIVE_DATA', 'WINDOW_UPDATE']);
  });

  it('window update after read when the window at least doubles: 1000 of 4000 open → 4000, announced', () => {
    const c = drive(established(small), data(0, 1500), data(1500, 1500));
    expect(serverSent(c)).toEqual([[ACK, 3000, 0]]);
    const d = drive(c.connection, call('server', 'receive'));
    expect(rules(d.last.events)).toEqual(['RECEIVE_DATA', 'WINDOW_UPDATE']);
    expect(sentBy(d.last.segments, 'server').map((s) => s.window)).toEqual([4000]);
    expect(renderEvent(d.last.events[1]!, 'en')).toContain('at least twice');
  });
});
