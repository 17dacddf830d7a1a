/**
 * Timestamps on arrival — RFC 7323 §5.3 (PAWS, rules R1–R3), §4.3 (TS.Recent)
 * and §5.5 (outdated timestamps). Read §5.3 beside this file.
 *
 * R1, PAWS: a segment whose TSval is older than TS.Recent is an old duplicate
 * — it was sent before the segment TS.Recent came from — and is not
 * acceptable, whatever its sequence number: it gets an ACK and is dropped.
 * An RST is exempt. R3: an acceptable segment that does not skip ahead of
 * what was acknowledged (SEG.SEQ ≤ Last.ACK.sent) and is not older updates
 * TS.Recent, which every segment then echoes in TSecr.
 *
 * RFC 7323 is not tied to a profile: every profile applies it once both SYNs
 * carried the option. The `linux` profile does what Linux 6.x does where the
 * kernel chooses otherwise (tcp_validate_incoming, tcp_paws_check,
 * tcp_disordered_ack_check, tcp_replace_ts_recent; TIME_WAIT and a passive
 * SYN_RECEIVED: tcp_paws_reject), and each such event says so.
 */
import { record, type Context } from './context';
import { ACK, FIN, RST, SYN, flagsLabel, has, segLen, type Segment } from './segment';
import { seqAdd, seqDiff, seqGt, seqLt } from './sequence';
import { linuxMayUpdateWindow, type Endpoint, type Tcb } from './tcb';

/** RFC 7323 §5.5: after 24 days without a new timestamp, TS.Recent is too old to judge by (the peer's clock may have wrapped its sign bit). */
const RFC_TS_RECENT_LIFETIME_MS = 24 * 24 * 60 * 60 * 1000;
/** Linux TCP_PAWS_WRAP = INT_MAX / USEC_PER_SEC seconds (≈ 36 min, for a peer whose clock might tick in µs); it was 24 days before Linux 6.7. */
const LINUX_TS_RECENT_LIFETIME_MS = 2_147_000;
/** Linux TCP_PAWS_WINDOW: an established socket lets a TSval one tick older than TS.Recent pass (tcp_validate_incoming). */
const LINUX_PAWS_WINDOW = 1;
/** Linux TCP_PAWS_MSL: TIME_WAIT and a passive SYN_RECEIVED believe an RST with an older TSval only this long after TS.Recent was set (tcp_paws_reject). */
const LINUX_PAWS_MSL_MS = 60_000;

/** What PAWS makes of an arriving segment: it passes, or it is dropped with or without an ACK. */
export type PawsVerdict = 'pass' | 'drop' | 'drop_and_ack';

/** TS.Recent can still judge an arriving TSval: set recently enough (RFC 7323 §5.5), and, for Linux, not 0 (tcp_paws_check). */
function tsRecentValid(ctx: Context, tcb: Tcb): boolean {
  const linux = ctx.conn.config.profile === 'linux';
  if (linux && tcb.ts_recent === 0) return false;
  return ctx.conn.clock_ms - tcb.ts_recent_at_ms < (linux ? LINUX_TS_RECENT_LIFETIME_MS : RFC_TS_RECENT_LIFETIME_MS);
}

/**
 * Linux keeps TIME_WAIT and a passively opened SYN_RECEIVED in small sockets of their own (inet_timewait_sock,
 * request_sock) that judge timestamps with tcp_paws_reject: no one-tick allowance, and RSTs are judged too.
 */
function inMiniSocket(e: Endpoint): boolean {
  return e.state === 'TIME_WAIT' || (e.state === 'SYN_RECEIVED' && e.opened === 'passive');
}

/**
 * R1, before the sequence number check (R2) — Linux too applies it first ("RFC1323: H1. Apply PAWS check
 * first", tcp_validate_incoming). Records what it decides; the caller sends the ACK.
 */
export function paws(ctx: Context, e: Endpoint, tcb: Tcb, seg: Segment, tsVal: number): PawsVerdict {
  const linux = ctx.conn.config.profile === 'linux';
  const mini = linux && inMiniSocket(e);
  // How many ticks older than TS.Recent the segment's TSval is (compared modulo 2^32, RFC 7323 §5.2).
  const older = seqDiff(tcb.ts_recent, tsVal);
  if (older <= (linux && !mini ? LINUX_PAWS_WINDOW : 0) || !tsRecentValid(ctx, tcb)) return 'pass';
  const params = {
    flags: flagsLabel(seg.flags),
    seq: seg.seq,
    ack: seg.ack,
    length: seg.length,
    with_ack: has(seg, ACK),
    ts_val: tsVal,
    ts_recent: tcb.ts_recent,
    older,
    rule: linux ? 'linux' : 'rfc7323',
  };
  const at = { segment: seg.id };
  if (has(seg, RST)) {
    // R1 applies only "if the RST bit is not set" — a reset's "cleanup function should take precedence over
    // timestamps", as Linux's tcp_paws_reject quotes RFC 1323.
    // Linux's small sockets believe it only once TS.Recent is a minute old (tcp_paws_reject, TCP_PAWS_MSL).
    if (mini && ctx.conn.clock_ms - tcb.ts_recent_at_ms < LINUX_PAWS_MSL_MS) {
      record(ctx, e.side, 'drop', 'PAWS_RST_DROPPED', 'Linux tcp_paws_reject', { ...params, state: e.state }, at);
      return 'drop';
    }
    return 'pass';
  }
  if (linux && !mini && (seg.flags & (ACK | SYN | FIN)) === ACK && seg.length === 0) {
    // tcp_disordered_ack_check: a bare ACK is judged more kindly than data.
    if (seqLt(seg.seq, tcb.rcv_nxt)) {
      // "Old ACK are common, ... do not send a dupack."
      record(ctx, e.side, 'drop', 'PAWS_OLD_ACK_DROPPED', 'Linux tcp_disordered_ack_check', { ...params, rcv_nxt: tcb.rcv_nxt }, at);
      return 'drop';
    }
    // A duplicate ACK that says nothing new and only came late (by less than 1.2 RTO, tcp_tsval_replay) is let through.
    const replayWindow = Math.floor((tcb.rto_ms * 1200) / 1000);
    if (seg.seq === tcb.rcv_nxt && seg.ack === tcb.snd_una && !linuxMayUpdateWindow(tcb, seg) && older <= replayWindow) {
      record(ctx, e.side, 'receive', 'PAWS_DISORDERED_ACK_ACCEPTED', 'Linux tcp_disordered_ack_check', { ...params, replay_window: replayWindow }, at);
      return 'pass';
    }
  }
  record(ctx, e.side, 'drop', 'PAWS_REJECTED', 'RFC 7323 §5.3', { ...params, state: e.state, rcv_nxt: tcb.rcv_nxt }, at);
  return 'drop_and_ack';
}

/**
 * R3 (§4.3): "If SEG.TSval >= TS.Recent and SEG.SEQ =< Last.ACK.sent then SEG.TSval is copied to TS.Recent",
 * for an acceptable segment only — the caller calls it where its profile has judged that: the RFC right after
 * the sequence number check, Linux once the ACK field has been found acceptable (tcp_ack). Last.ACK.sent
 * (Linux's rcv_wup) rather than RCV.NXT: of segments that arrive before the ACK goes out, TSecr echoes the
 * earliest, which is what makes an RTT sample cover a delayed ACK's wait (§4.3).
 */
export function takeTsRecent(ctx: Context, tcb: Tcb, seg: Segment, tsVal: number): void {
  // A segment with text or FIN while RCV.WND = 0 is not acceptable (RFC 9293 §3.10.7.4's table), though its ACK is
  // still read; Linux refuses it too (tcp_sequence: its end lies beyond the window while unread data waits).
  if (tcb.rcv_wnd === 0 && segLen(seg) > 0) return;
  if (seqGt(seg.seq, tcb.last_ack_sent)) return;
  if (seqLt(tsVal, tcb.ts_recent) && tsRecentValid(ctx, tcb)) return;
  tcb.ts_recent = tsVal;
  tcb.ts_recent_at_ms = ctx.conn.clock_ms;
}

/**
 * Linux's acceptability test (tcp_sequence) asks only SEG.SEQ + SEG.LEN ≥ RCV.WUP, so a duplicate that ends at
 * RCV.NXT passes it where RFC 9293's table finds it unacceptable, and it updates TS.Recent (tcp_replace_ts_recent)
 * before its text is found old and answered with an ACK (tcp_data_queue). The `linux` profile takes its
 * timestamp; the rest of it is answered and dropped as an unacceptable segment (docs/linux-differences.md).
 */
export function takeDuplicateTsLinux(ctx: Context, tcb: Tcb, seg: Segment, tsVal: number): void {
  // A SYN gets a challenge ACK before Linux looks at its timestamp (tcp_validate_incoming, syn_challenge).
  if (ctx.conn.config.profile !== 'linux' || has(seg, SYN)) return;
  const end = seqAdd(seg.seq, segLen(seg));
  if (seqLt(end, tcb.last_ack_sent) || seqGt(end, tcb.rcv_nxt)) return;
  takeTsRecent(ctx, tcb, seg, tsVal);
}
