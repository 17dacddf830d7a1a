/**
 * Round-trip time estimation and the retransmission timeout — RFC 6298: the
 * first sample (§2.2), the smoothed estimate (§2.3), the minimum per profile
 * (§2.4; Linux TCP_RTO_MIN), Karn's algorithm (§3), backoff (§5.5) and its
 * collapse on a new sample, and RTT from timestamps (RFC 7323 §4). Every RTT
 * here is the simulated time between sending a segment and delivering its ACK,
 * so the expected SRTT, RTTVAR and RTO are worked out by hand from RFC 6298's
 * formulas, written beside each assertion.
 */
import { ACK, PSH, SYN, createConnection, renderEvent, step, type Connection, type ConnectionOptions, type Profile, type Side, type TcpEvent } from '../src';
import { advance, base64, call, codes as codesOf, deliverNext, drive, dropNext, established, inject, rules, send, synSent, timer } from './fixtures';

/** The RTT_MEASURED events of a run. */
function measured(events: readonly TcpEvent[], side: Side = 'client'): TcpEvent[] {
  return events.filter((e) => e.code === 'RTT_MEASURED' && e.endpoint === side);
}

/** The client sends `octets`, and its ACK comes back `rttMs` later: one RTT sample of exactly rttMs. */
function roundTrip(c: Connection, rttMs: number, octets = 'x'): Connection {
  return drive(c, send('client', octets), advance(rttMs), deliverNext('client'), deliverNext('server')).connection;
}

/** An established connection whose handshake took no simulated time: the client's first sample is R = 0. */
function establishedWith(profile: Profile, options: ConnectionOptions = {}): Connection {
  return established({ profile, ...options });
}

const NO_TIMESTAMPS: ConnectionOptions = { client: { timestamps: false }, server: { timestamps: false } };
/** Linux sends tail loss probes only with SACK (tcp_is_sack): without it, only the RTO retransmits. */
const NO_SACK: ConnectionOptions = { client: { sack_permitted: false }, server: { sack_permitted: false } };

// ---------------------------------------------------------------------------
describe('the first RTT sample (RFC 6298 §2.2)', () => {
  it('the handshake times the SYN: SYN,ACK 60 ms after the SYN → SRTT 60, RTTVAR 30, RTO max(1000, 60 + max(1, 120)) = 1000 ms (rfc9293)', () => {
    const d = drive(synSent(), advance(30), deliverNext('client'), advance(30), deliverNext('server'));
    const [sample] = measured(d.last.events);
    expect(sample?.params).toMatchObject({ sample_ms: 60, method: 'send_time', first: true, srtt_ms: 60, rttvar_ms: 30, rto_ms: 1000 });
    expect(d.connection.client.tcb).toMatchObject({ srtt_ms: 60, rttvar_ms: 30, rto_ms: 1000 });
  });

  it('the same handshake in the linux profile → RTO = SRTT + max(TCP_RTO_MIN, 4·RTTVAR) = 60 + max(200, 120) = 260 ms', () => {
    const d = drive(synSent({ profile: 'linux' }), advance(30), deliverNext('client'), advance(30), deliverNext('server'));
    expect(d.connection.client.tcb).toMatchObject({ srtt_ms: 60, rttvar_ms: 30, rto_ms: 260 });
  });

  it('the passive opener times its SYN,ACK: the ACK 50 ms after it → SRTT 50, RTTVAR 25 (linux: RTO 50 + max(200, 100) = 250 ms)', () => {
    const d = drive(synSent({ profile: 'linux' }), deliverNext('client'), advance(50), deliverNext('server'), deliverNext('client'));
    const [sample] = measured(d.last.events, 'server');
    expect(sample?.params).toMatchObject({ sample_ms: 50, first: true, srtt_ms: 50, rttvar_ms: 25, rto_ms: 250 });
  });

  it('before any sample the RTO is the initial 1 s (RFC 6298 §2.1) in every profile, and SRTT and RTTVAR are unset', () => {
    for (const profile of ['rfc9293', 'rfc793', 'linux'] as const) {
      const c = synSent({ profile });
      expect(c.client.tcb).toMatchObject({ srtt_ms: null, rttvar_ms: null, rto_ms: 1000 });
      expect(timer(c, 'client', 'retransmission')).toBe(1000);
    }
  });
});

// ---------------------------------------------------------------------------
describe('later samples (RFC 6298 §2.3)', () => {
  // After a handshake of R = 0: SRTT 0, RTTVAR 0. Then R' = 100:
  //   RTTVAR = 3/4 · 0 + 1/4 · |0 − 100| = 25,  SRTT = 7/8 · 0 + 1/8 · 100 = 12.5
  // then R' = 300:
  //   RTTVAR = 3/4 · 25 + 1/4 · |12.5 − 300| = 18.75 + 71.875 = 90.625,  SRTT = 7/8 · 12.5 + 1/8 · 300 = 48.4375
  it('samples of 0, 100 and 300 ms → SRTT 12.5 then 48.4375, RTTVAR 25 then 90.625 (RTTVAR is updated first, with the old SRTT)', () => {
    const first = roundTrip(establishedWith('rfc9293'), 100);
    expect(first.client.tcb).toMatchObject({ srtt_ms: 12.5, rttvar_ms: 25 });
    const second = roundTrip(first, 300);
    expect(second.client.tcb).toMatchObject({ srtt_ms: 48.4375, rttvar_ms: 90.625 });
  });

  it('linux: RTO = SRTT + max(200, 4·RTTVAR), rounded up — 12.5 + max(200, 100) → 213 ms, then 48.4375 + max(200, 362.5) → 411 ms', () => {
    const first = roundTrip(establishedWith('linux'), 100);
    expect(first.client.tcb?.rto_ms).toBe(213);
    const second = roundTrip(first, 300);
    expect(second.client.tcb?.rto_ms).toBe(411);
  });

  it('rfc9293 and rfc793: RTO = max(1000, SRTT + max(G, 4·RTTVAR)) — 48.4375 + 362.5 is below the 1 s minimum, so 1000 ms (§2.4)', () => {
    for (const profile of ['rfc9293', 'rfc793'] as const) {
      const c = roundTrip(roundTrip(establishedWith(profile), 100), 300);
      expect(c.client.tcb?.rto_ms).toBe(1000);
    }
  });

  it('rfc9293: a long RTT lifts the RTO above the minimum — samples 0 and 2000 ms → SRTT 250, RTTVAR 500, RTO 250 + 2000 = 2250 ms', () => {
    const c = roundTrip(establishedWith('rfc9293'), 2000);
    expect(c.client.tcb).toMatchObject({ srtt_ms: 250, rttvar_ms: 500, rto_ms: 2250 });
  });

  it('the retransmission timer of the next segment runs for the computed RTO: linux (without SACK, so no loss probe) retransmits 213 ms after sending', () => {
    const c = roundTrip(establishedWith('linux', NO_SACK), 100);
    const d = drive(c, send('client', 'y'), dropNext('client'), advance(212));
    expect(d.last.segments).toEqual([]);
    const due = drive(d.connection, advance(1));
    expect(rules(due.last.events)).toEqual(['RETRANSMISSION_TIMEOUT']);
  });

  it('the event explains the computation, in English and in Chinese', () => {
    const d = drive(establishedWith('linux'), send('client', 'x'), advance(100), deliverNext('client'), deliverNext('server'));
    const [sample] = measured(d.last.events);
    expect(renderEvent(sample!, 'en')).toBe(
      "Round-trip time sample at the client: R' = 100 ms, from sending the oldest segment this ACK covers to this ACK. RFC 6298 §2.3: RTTVAR = ¾·RTTVAR + ¼·|SRTT − R'| = 25 ms, SRTT = ⅞·SRTT + ⅛·R' = 12.5 ms; RTO = SRTT + max(TCP_RTO_MIN, 4·RTTVAR) = 12.5 + max(200, 100) → 213 ms. Linux applies its 200 ms minimum to the variance term (tcp_set_rto); RFC 6298 §2.4 would round the whole RTO up to 1 s (it was 200 ms).",
    );
    expect(renderEvent(sample!, 'zh-CN')).toContain('RTO = SRTT + max(TCP_RTO_MIN, 4·RTTVAR) = 12.5 + max(200, 100) → 213 毫秒');
    const rfc = measured(drive(establishedWith('rfc9293'), send('client', 'x'), advance(100), deliverNext('client'), deliverNext('server')).last.events)[0]!;
    expect(renderEvent(rfc, 'en')).toContain('RTO = SRTT + max(G, 4·RTTVAR) = 12.5 + max(1, 100) ms, at least 1000 ms (RFC 6298 §2.4) → 1000 ms.');
  });
});

// ---------------------------------------------------------------------------
describe("Karn's algorithm and backoff (RFC 6298 §3, §5.5)", () => {
  it('the ACK of retransmitted data gives no sample: RTT_NOT_SAMPLED_RETRANSMITTED, and the doubled RTO stays', () => {
    const c = establishedWith('rfc9293', NO_TIMESTAMPS);
    const d = drive(c, send('client', 'x'), dropNext('client'), advance(1000), advance(40), deliverNext('client'), deliverNext('server'));
    expect(rules(d.last.events)).toEqual(['RTT_NOT_SAMPLED_RETRANSMITTED', 'ACK_ADVANCES_SND_UNA']);
    expect(d.connection.client.tcb).toMatchObject({ srtt_ms: 0, rttvar_ms: 0, rto_ms: 2000 });
  });

  it('the next sample collapses the backed-off RTO: 2000 ms → 1000 ms (rfc9293), the event names the old value', () => {
    const c = establishedWith('rfc9293', NO_TIMESTAMPS);
    const backedOff = drive(c, send('client', 'x'), dropNext('client'), advance(1040), deliverNext('client'), deliverNext('server')).connection;
    const d = drive(backedOff, send('client', 'y'), advance(10), deliverNext('client'), deliverNext('server'));
    const [sample] = measured(d.last.events);
    expect(sample?.params).toMatchObject({ sample_ms: 10, previous_rto_ms: 2000, rto_ms: 1000 });
    expect(d.connection.client.tcb?.rto_ms).toBe(1000);
  });

  it('each timeout doubles the RTO from the computed one: linux without SACK 200 → 400 → 800 ms (retransmissions at 200, 600, 1400 ms)', () => {
    const c = establishedWith('linux', NO_SACK);
    const d = drive(c, send('client', 'x'), dropNext('client'), advance(200), dropNext('client'), advance(400), dropNext('client'), advance(800));
    const at = d.events.filter((e) => e.code === 'RETRANSMISSION_TIMEOUT').map((e) => [e.at_ms, e.params['rto_ms']]);
    expect(at).toEqual([
      [200, 200],
      [600, 400],
      [1400, 800],
    ]);
  });

  it('with timestamps the ACK of a retransmission is timed by its TSecr (RFC 7323 §4): R = 30 ms from the retransmission, not 1030 from the original', () => {
    const c = establishedWith('rfc9293');
    const d = drive(c, send('client', 'x'), dropNext('client'), advance(1000), advance(30), deliverNext('client'), deliverNext('server'));
    const [sample] = measured(d.last.events);
    expect(sample?.params).toMatchObject({ sample_ms: 30, method: 'timestamp' });
    expect(rules(d.last.events)).not.toContain('RTT_NOT_SAMPLED_RETRANSMITTED');
  });

  it('a TSecr that echoes no transmission of the acknowledged data (older than its first sending) gives no sample', () => {
    const c = establishedWith('rfc9293');
    const lost = drive(c, send('client', 'x'), dropNext('client'), advance(1000), advance(30)).connection;
    // The client's TSval now is its offset plus the clock (RFC 7323 §5.4); 5 s ago it had sent nothing of this data.
    const fiveSecondsAgo = (lost.client.ts_offset + lost.clock_ms - 5000) >>> 0;
    // The server's TSval is its clock's, as it would send it: an older one would be dropped by PAWS (RFC 7323 §5.3).
    const serverNow = (lost.server.ts_offset + lost.clock_ms) >>> 0;
    const d = drive(lost, dropNext('client'), inject('client', { flags: ACK, seq: 5001, ack: 1002, options: [{ kind: 'ts', val: serverNow, ecr: fiveSecondsAgo }] }));
    expect(rules(d.last.events)).toContain('RTT_NOT_SAMPLED_RETRANSMITTED');
    expect(d.connection.client.tcb).toMatchObject({ srtt_ms: 0, rto_ms: 2000 });
  });

  it('a SYN retransmitted and answered without timestamps leaves an RTO of 3 s for the data (RFC 6298 §5.7)', () => {
    const d = drive(synSent(NO_TIMESTAMPS), dropNext('client'), advance(1000), deliverNext('client'), deliverNext('server'));
    expect(d.connection.client.state).toBe('ESTABLISHED');
    expect(d.connection.client.tcb).toMatchObject({ srtt_ms: null, rto_ms: 3000 });
  });
});

// ---------------------------------------------------------------------------
describe('the minimum RTO per profile (RFC 6298 §2.4; Linux TCP_RTO_MIN)', () => {
  it.each([
    ['rfc9293', 1000],
    ['rfc793', 1000],
    ['linux', 200],
  ] as const)('%s: after a handshake with no delay, unacknowledged data is retransmitted %i ms after it was sent', (profile, rto) => {
    const c = establishedWith(profile);
    const early = drive(c, send('client', 'x'), dropNext('client'), advance(rto - 1));
    expect(early.last.segments).toEqual([]);
    const due = drive(early.connection, advance(1));
    expect(due.last.segments.map((s) => [s.from, s.seq, s.length])).toEqual([['client', 1001, 1]]);
  });

  it('manual mode (linux): a retransmission is refused at 199 ms and accepted at 200 ms, when the RTO timer fires', () => {
    const data = { flags: ACK | PSH, payload: base64('x') };
    const opened = drive(
      createConnection({ mode: 'manual', profile: 'linux', client: { isn: 1000 }, server: { isn: 5000 } }),
      call('server', 'listen'),
      call('client', 'connect'),
      { type: 'send', from: 'server', segment: { flags: SYN | ACK } },
      { type: 'send', from: 'client', segment: { flags: ACK } },
      { type: 'send', from: 'client', segment: data, network: 'drop' },
      advance(199),
    );
    const early = step(opened.connection, { type: 'send', from: 'client', segment: { ...data, seq: 1001 } });
    expect(early.outcome.ok ? [] : early.outcome.error.code === 'SEGMENT_INVALID' && early.outcome.error.violations.map((v) => v.code)).toEqual(['SEQ_MUST_BE_SND_NXT']);
    const due = drive(opened.connection, advance(1), { type: 'send', from: 'client', segment: { ...data, seq: 1001 } });
    expect(due.last.outcome).toEqual({ ok: true });
    expect(codesOf(due.last.events)).toContain('SEGMENT_RETRANSMITTED');
  });
});

// ---------------------------------------------------------------------------
describe('the linux profile: tail loss probe (RFC 8985 §7, Linux tcp_schedule_loss_probe)', () => {
  it('one segment in flight: PTO = min(2·SRTT + 200, RTO) = min(0 + 200, 200) → the probe at 200 ms, then the RTO 200 ms later, not doubled, then doubled', () => {
    const d = drive(establishedWith('linux'), send('client', 'x'), dropNext('client'), advance(200), dropNext('client'), advance(200), dropNext('client'), advance(400));
    const at = d.events.filter((e) => e.code === 'TAIL_LOSS_PROBE' || e.code === 'RETRANSMISSION_TIMEOUT').map((e) => [e.code, e.at_ms]);
    expect(at).toEqual([
      ['TAIL_LOSS_PROBE', 200],
      ['RETRANSMISSION_TIMEOUT', 400],
      ['RETRANSMISSION_TIMEOUT', 800],
    ]);
  });

  it('two segments in flight: PTO = 2·SRTT + 2 = 2·12.5 + 2 = 27 ms, and the probe repeats the last segment, seq 1003', () => {
    // TCP_NODELAY: with Nagle's algorithm the second 1-octet segment would wait for the first one's ACK.
    const c = roundTrip(establishedWith('linux', { client: { nodelay: true } }), 100);
    const d = drive(c, send('client', 'a'), dropNext('client'), send('client', 'b'), dropNext('client'), advance(26));
    expect(d.last.events.map((e) => e.code)).not.toContain('TAIL_LOSS_PROBE');
    const probe = drive(d.connection, advance(1));
    expect(rules(probe.last.events)).toEqual(['TAIL_LOSS_PROBE']);
    expect(probe.last.segments.map((s) => [s.from, s.seq, s.length])).toEqual([['client', 1003, 1]]);
    expect(timer(probe.connection, 'client', 'retransmission')).toBe(probe.connection.clock_ms + 213);
  });

  it('new data held by Nagle\'s algorithm goes first: the probe is the held segment, seq 1003, not the last one in flight again (RFC 8985 §7.3, tcp_send_loss_probe)', () => {
    const c = roundTrip(establishedWith('linux'), 100);
    const d = drive(c, send('client', 'a'), dropNext('client'), send('client', 'b'));
    expect(d.last.events.map((e) => e.code)).toContain('SEND_HELD_NAGLE');
    const probe = drive(d.connection, advance(timer(d.connection, 'client', 'loss_probe')! - d.connection.clock_ms));
    expect(rules(probe.last.events)).toContain('TAIL_LOSS_PROBE');
    expect(probe.last.segments.map((s) => [s.from, s.seq, s.length])).toEqual([['client', 1003, 1]]);
    const tlp = probe.last.events.find((e) => e.code === 'TAIL_LOSS_PROBE')!;
    expect(tlp.params).toMatchObject({ new_data: true, seq: 1003 });
    expect(renderEvent(tlp, 'en')).toContain('a segment not yet sent goes first when the window takes it');
    expect(renderEvent(tlp, 'zh-CN')).toContain('先发送尚未发送过的报文段');
    // The probe covers the new data: the RTO runs from now, and no second probe until an ACK.
    expect(probe.connection.client.tcb!.tlp_high_seq).toBe(1004);
  });

  it('rfc9293 sends no probe: the first retransmission comes with the RTO', () => {
    const d = drive(establishedWith('rfc9293'), send('client', 'x'), dropNext('client'), advance(1000));
    expect(rules(d.last.events)).toEqual(['RETRANSMISSION_TIMEOUT']);
  });

  it('the probe is explained, in English and in Chinese', () => {
    const d = drive(establishedWith('linux'), send('client', 'x'), dropNext('client'), advance(200));
    const probe = d.last.events.find((e) => e.code === 'TAIL_LOSS_PROBE')!;
    expect(renderEvent(probe, 'en')).toContain('RFC 9293 and RFC 6298 retransmit only when the RTO expires');
    expect(renderEvent(probe, 'zh-CN')).toContain('尾部丢失探测');
  });
});
