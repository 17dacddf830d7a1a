/**
 * PAWS and TS.Recent — RFC 7323 §5.3 (R1–R3), §4.3 (TS.Recent, Last.ACK.sent)
 * and §5.5 (outdated timestamps), in every profile that negotiated
 * timestamps, and where the linux profile follows Linux instead (paws.ts).
 * The kernel agrees with the linux profile's cases in test/linux/cases.ts
 * ("PAWS: …"); the expectations here are worked out from the RFC's rules.
 */
import { ACK, PSH, RST, SYN, optionTimestamp, step, createConnection, type Connection, type Input, type Profile, type Segment, type TcpOption } from '../src';
import { advance, base64, bothSynSent, call, deliverNext, drive, established, inject, rules, send, sentBy } from './fixtures';

/** The TSval `side` would send now: its offset plus the clock (RFC 7323 §5.4). */
function tsNow(c: Connection, side: 'client' | 'server'): number {
  return ((side === 'client' ? c.client : c.server).ts_offset + c.clock_ms) >>> 0;
}

function ts(val: number, ecr: number): TcpOption[] {
  return [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'ts', val, ecr }];
}

/** Established (ISNs 1000 and 5000) after 100 ms more: the server's TS.Recent is the client's third-handshake TSval. */
function establishedLater(profile: Profile): Connection {
  return drive(established({ profile }), advance(100)).connection;
}

/** The client's data segment at 1001 as the server receives it, with a TSval `ticks` older than the server's TS.Recent. */
function olderData(c: Connection, ticks: number): Input {
  const tsRecent = c.server.tcb!.ts_recent;
  return inject('server', { flags: ACK | PSH, seq: 1001, ack: 5001, payload: base64('abc'), options: ts((tsRecent - ticks) >>> 0, tsNow(c, 'server')) });
}

/**
 * A manual-mode connection (ISNs 1000 and 5000) through the SYN and SYN,ACK: `go` sends each move by hand and
 * expects it accepted; `now` is the connection as it stands.
 */
function manualHandshake(): { go: (input: Input) => Segment[]; now: () => Connection } {
  let c = createConnection({ mode: 'manual', client: { isn: 1000 }, server: { isn: 5000 } });
  const go = (input: Input): Segment[] => {
    const r = step(c, input);
    expect(r.outcome).toEqual({ ok: true });
    c = r.connection;
    return r.segments;
  };
  go(call('server', 'listen'));
  go({ type: 'send', from: 'client', segment: { flags: SYN } });
  go({ type: 'send', from: 'server', segment: { flags: SYN | ACK } });
  return { go, now: () => c };
}

describe('PAWS (RFC 7323 §5.3 R1)', () => {
  it.each(['rfc9293', 'rfc793', 'linux'] as const)(
    'an old duplicate with an older TSval is dropped by PAWS and answered with an ACK, though its sequence number is the expected one (%s)',
    (profile) => {
      const c = establishedLater(profile);
      const d = drive(c, olderData(c, 100));
      expect(rules(d.events)).toEqual(['PAWS_REJECTED']);
      expect(d.connection.server.tcb).toMatchObject({ rcv_nxt: 1001, receive_queue: [], ts_recent: c.server.tcb!.ts_recent });
      expect(sentBy(d.segments, 'server').map((s) => [s.flags, s.seq, s.ack])).toEqual([[ACK, 5001, 1001]]);
    },
  );

  it('a RST is not subject to PAWS: a RST with an older TSval at RCV.NXT resets the connection', () => {
    const c = establishedLater('rfc9293');
    const d = drive(c, inject('server', { flags: RST, seq: 1001, options: ts(1, 0) }));
    expect(rules(d.events)).toContain('RST_RESETS_CONNECTION');
    expect(d.connection.server.state).toBe('CLOSED');
  });

  it('a TSval one tick older than TS.Recent: the RFC profiles drop it, Linux lets it pass (TCP_PAWS_WINDOW) and keeps TS.Recent', () => {
    const rfc = establishedLater('rfc9293');
    expect(rules(drive(rfc, olderData(rfc, 1)).events)).toEqual(['PAWS_REJECTED']);
    const linux = establishedLater('linux');
    const d = drive(linux, olderData(linux, 1));
    expect(rules(d.events)).toContain('DATA_RECEIVED');
    expect(d.connection.server.tcb!.ts_recent).toBe(linux.server.tcb!.ts_recent);
  });

  it('TS.Recent too old to judge by (RFC 7323 §5.5: 24 days idle; Linux TCP_PAWS_WRAP: 2,147 s) lets an older TSval in, and it becomes TS.Recent', () => {
    for (const [profile, idleMs] of [['rfc9293', 24 * 24 * 3600 * 1000], ['linux', 2_147_000]] as const) {
      const fresh = drive(establishedLater(profile), advance(idleMs - 200)).connection;
      expect(rules(drive(fresh, olderData(fresh, 100)).events)).toEqual(['PAWS_REJECTED']);
      const stale = drive(establishedLater(profile), advance(idleMs)).connection;
      const d = drive(stale, olderData(stale, 100));
      expect(rules(d.events)).toContain('DATA_RECEIVED');
      expect(d.connection.server.tcb!.ts_recent).toBe((stale.server.tcb!.ts_recent - 100) >>> 0);
    }
  });

  it('an old bare ACK below RCV.NXT: RFC 7323 answers it with an ACK, Linux drops it without one (tcp_disordered_ack_check)', () => {
    const oldAck = (c: Connection): Input => inject('server', { flags: ACK, seq: 1000, ack: 5001, options: ts((c.server.tcb!.ts_recent - 100) >>> 0, 0) });
    const rfc = establishedLater('rfc9293');
    expect(rules(drive(rfc, oldAck(rfc)).events)).toEqual(['PAWS_REJECTED']);
    const linux = establishedLater('linux');
    const d = drive(linux, oldAck(linux));
    expect(rules(d.events)).toEqual(['PAWS_OLD_ACK_DROPPED']);
    expect(d.segments.filter((s) => s.from === 'server')).toEqual([]);
  });

  it('a duplicate ACK a few ms late: Linux lets it pass as merely reordered (tcp_disordered_ack_check), RFC 7323 drops it with an ACK', () => {
    const dupAck = (c: Connection): Input =>
      inject('server', { flags: ACK, seq: 1001, ack: 5001, window: c.server.tcb!.snd_wnd >> c.server.tcb!.snd_wscale, options: ts((c.server.tcb!.ts_recent - 5) >>> 0, 0) });
    const linux = establishedLater('linux');
    const d = drive(linux, dupAck(linux));
    expect(rules(d.events)).toEqual(['PAWS_DISORDERED_ACK_ACCEPTED', 'ACK_DUPLICATE_IGNORED']);
    const rfc = establishedLater('rfc9293');
    expect(rules(drive(rfc, dupAck(rfc)).events)).toEqual(['PAWS_REJECTED']);
  });

  it('manual mode: a segment with an older TSval is a move a TCP may make; the receiver drops it by PAWS and owes an ACK', () => {
    const { go, now } = manualHandshake();
    go(advance(50));
    go({ type: 'send', from: 'client', segment: { flags: ACK } });
    const old = (now().server.tcb!.ts_recent - 50) >>> 0;
    const r = step(now(), { type: 'send', from: 'client', segment: { flags: ACK | PSH, length: 10, options: ts(old, now().client.tcb!.ts_recent) } });
    expect(r.outcome).toEqual({ ok: true });
    expect(r.events.filter((e) => e.endpoint === 'server').map((e) => e.code)).toEqual(['SEGMENT_ARRIVED', 'PAWS_REJECTED', 'ANSWER_OWED']);
    expect(r.connection.server.owed).toMatchObject([{ flags: ACK, seq: 5001, ack: 1001, reason: 'PAWS_REJECTED' }]);
  });
});

describe('TS.Recent (RFC 7323 §4.3, §5.3 R3)', () => {
  it('manual mode fills in TSval from the clock and TSecr = TS.Recent, and of two segments that arrive before the ACK, TSecr echoes the first (SEG.SEQ ≤ Last.ACK.sent)', () => {
    const { go, now } = manualHandshake();
    go({ type: 'send', from: 'client', segment: { flags: ACK } });
    go(advance(10));
    const [first] = go({ type: 'send', from: 'client', segment: { flags: ACK | PSH, length: 10 } });
    go(advance(10));
    const [second] = go({ type: 'send', from: 'client', segment: { flags: ACK | PSH, length: 10 } });
    expect(optionTimestamp(first!.options)).toEqual({ val: tsNow(now(), 'client') - 10, ecr: now().client.tcb!.ts_recent });
    expect(optionTimestamp(second!.options)!.val).toBe(tsNow(now(), 'client'));
    go(advance(5));
    const [ack] = go({ type: 'send', from: 'server', segment: { flags: ACK } });
    expect(ack!.ack).toBe(1021);
    expect(optionTimestamp(ack!.options)).toEqual({ val: tsNow(now(), 'server'), ecr: optionTimestamp(first!.options)!.val });
  });

  it('the SYN,ACK of a simultaneous open sets TS.Recent: the ACK that answers it echoes its TSval, not the SYN\'s', () => {
    // The server's SYN leaves at 0 ms; its SYN,ACK answers the client's SYN at 30 ms, so the two TSvals differ by 30.
    const d = drive(bothSynSent(), advance(30), deliverNext('client'), deliverNext('server'), deliverNext('server'));
    const synAck = d.segments.find((s) => s.from === 'server' && s.flags === (SYN | ACK))!;
    const ackOfIt = sentBy(d.last.segments, 'client');
    expect(d.connection.client.state).toBe('ESTABLISHED');
    expect(optionTimestamp(synAck.options)!.val).toBe(tsNow(d.connection, 'server'));
    expect(ackOfIt.map((s) => [s.flags, optionTimestamp(s.options)!.ecr])).toEqual([[ACK, optionTimestamp(synAck.options)!.val]]);
  });

  it.each(['rfc9293', 'linux'] as const)('a 1-octet probe into a zero window is not acceptable and does not update TS.Recent (%s)', (profile) => {
    const full = drive(established({ profile, server: { window: 4, wscale: null } }), send('client', 'abcd'), deliverNext('client'), advance(20)).connection;
    expect(full.server.tcb!.rcv_wnd).toBe(0);
    const d = drive(full, inject('server', { flags: ACK | PSH, seq: 1005, ack: 5001, payload: base64('e'), options: ts(tsNow(full, 'client'), 0) }));
    expect(rules(d.events)).toContain('TEXT_BEYOND_WINDOW_ACKED');
    expect(d.connection.server.tcb!.ts_recent).toBe(full.server.tcb!.ts_recent);
  });

  it('an old duplicate ending at RCV.NXT: the linux profile takes its TSval as Linux does (tcp_sequence), rfc9293 finds it unacceptable and keeps TS.Recent', () => {
    for (const profile of ['rfc9293', 'linux'] as const) {
      const c = drive(established({ profile }), send('client', 'abc'), deliverNext('client'), advance(20)).connection;
      const newer = tsNow(c, 'client');
      const d = drive(c, inject('server', { flags: ACK | PSH, seq: 1001, ack: 5001, payload: base64('abc'), options: ts(newer, 0) }));
      expect(rules(d.events)).toEqual(['SEQ_UNACCEPTABLE_ACKED']);
      expect(d.connection.server.tcb!.ts_recent).toBe(profile === 'linux' ? newer : c.server.tcb!.ts_recent);
    }
  });

  it('a SYN below RCV.NXT answered with a challenge ACK: rfc9293 takes its TSval (R3: it is acceptable), linux does not (tcp_ack never sees it)', () => {
    for (const profile of ['rfc9293', 'linux'] as const) {
      const c = drive(established({ profile }), send('client', 'abc'), deliverNext('client'), advance(20)).connection;
      const newer = tsNow(c, 'client');
      const d = drive(c, inject('server', { flags: SYN | ACK | PSH, seq: 1003, ack: 5001, payload: base64('cd'), options: ts(newer, 0) }));
      expect(rules(d.events)).toEqual(['SYN_CHALLENGE_ACK']);
      expect(d.connection.server.tcb!.ts_recent).toBe(profile === 'linux' ? c.server.tcb!.ts_recent : newer);
    }
  });
});
