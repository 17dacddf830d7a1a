/**
 * SEGMENT ARRIVES — RFC 9293 §3.10.7, in the RFC's own order.
 *
 * Read §3.10.7 beside this file: CLOSED (§3.10.7.1), LISTEN (§3.10.7.2),
 * SYN-SENT (§3.10.7.3), and the synchronized states (§3.10.7.4) in eight
 * steps: sequence number, RST, security, SYN, ACK, URG, text, FIN. Where
 * RFC 9293 + RFC 5961 (what Linux does) and RFC 793 (what most textbooks
 * teach) differ, the connection's profile chooses, and the event says which
 * rule applied. Where Linux does something the RFC leaves open, the comment
 * names the Linux function. RFC 7323's timestamps — PAWS before the first
 * step, and which segment's TSval becomes TS.Recent — are in paws.ts.
 */
import type { EventCode } from './codes';
import { followsRfc5961 } from './connection';
import { ep, record, rfc9293, signal, transition, withLinuxDifference, type Context } from './context';
import type { EventParams } from './events';
import { ackSegment, answer, pushQueued, sendAck, sendNew, type Outgoing } from './output';
import { paws, takeDuplicateTsLinux, takeTsRecent } from './paws';
import { slicePayload } from './payload';
import { ACK, FIN, RST, SYN, URG, flagsLabel, has, optionTimestamp, segEnd, segLen, type Segment, type Side } from './segment';
import { seqAdd, seqDiff, seqGt, seqInWindow, seqLe, seqLt } from './sequence';
import { acceptPeerSyn, chooseIss, deleteTcb, newTcb } from './tcb-lifecycle';
import type { State } from './state';
import { armTimer, cancelTimer, linuxMayUpdateWindow, offerWindow, offeredWindow, unreadOctets, type Endpoint, type SentSegment, type Tcb } from './tcb';
import { sampleRtt } from './rtt';
import { ackDue, ackNow, dataReceived, delaysAcks } from './delack';
import { restartRetransmission, startFinWait2Timeout, startTimeWait, timeWaitParams } from './timers';

/** Citations, built once per module: every event carries one. */
const RFC9293_3_5 = rfc9293('3.5');
const RFC9293_3_6_1 = rfc9293('3.6.1');
const RFC9293_3_8_1 = rfc9293('3.8.1');
const RFC9293_3_10_4 = rfc9293('3.10.4');
const RFC9293_3_10_7 = rfc9293('3.10.7');
const RFC9293_3_10_7_1 = rfc9293('3.10.7.1');
const RFC9293_3_10_7_2 = rfc9293('3.10.7.2');
const RFC9293_3_10_7_3 = rfc9293('3.10.7.3');
const RFC9293_3_10_7_4 = rfc9293('3.10.7.4');

const NO_DATA = { length: 0, payload: null, push: false, urgent: false };

/**
 * The event params every arriving segment carries, with `extra` after them.
 * Object.assign rather than `{ ...params, extra }`: V8 takes a slow path for
 * spreads with extra fields, and this runs for every segment.
 */
function segmentParams(seg: Segment, extra?: EventParams): EventParams {
  const params: EventParams = { flags: flagsLabel(seg.flags), seq: seg.seq, ack: seg.ack, length: seg.length, with_ack: has(seg, ACK) };
  return extra ? Object.assign(params, extra) : params;
}

function rst(seq: number): Outgoing {
  return { seq, ack: 0, flags: RST, length: 0, payload: null, urgent_pointer: 0 };
}

export function segmentArrives(ctx: Context, side: Side, seg: Segment): void {
  record(ctx, side, 'receive', 'SEGMENT_ARRIVED', RFC9293_3_10_7, segmentParams(seg), { segment: seg.id });
  switch (ep(ctx, side).state) {
    case 'CLOSED':
      return closed(ctx, side, seg);
    case 'LISTEN':
      return listen(ctx, side, seg);
    case 'SYN_SENT':
      return synSent(ctx, side, seg);
    default:
      return synchronized(ctx, side, seg);
  }
}

/** §3.10.7.1 CLOSED: "An incoming segment not containing a RST causes a RST to be sent in response." */
function closed(ctx: Context, side: Side, seg: Segment): void {
  const params = segmentParams(seg);
  if (has(seg, RST)) {
    record(ctx, side, 'receive', 'CLOSED_RST_DISCARDED', RFC9293_3_10_7_1, params, { segment: seg.id });
    return;
  }
  if (!has(seg, ACK)) {
    // "<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>": what a client sees as "connection refused".
    const ack = segEnd(seg);
    record(ctx, side, 'receive', 'CLOSED_ANSWERS_RST_ACK', RFC9293_3_10_7_1, segmentParams(seg, { rst_ack: ack }), { segment: seg.id });
    answer(ctx, side, { seq: 0, ack, flags: RST | ACK, length: 0, payload: null, urgent_pointer: 0 }, 'CLOSED_ANSWERS_RST_ACK');
    return;
  }
  // "<SEQ=SEG.ACK><CTL=RST>"
  record(ctx, side, 'receive', 'CLOSED_ANSWERS_RST', RFC9293_3_10_7_1, params, { segment: seg.id });
  answer(ctx, side, rst(seg.ack), 'CLOSED_ANSWERS_RST');
}

/** §3.10.7.2 LISTEN. */
function listen(ctx: Context, side: Side, seg: Segment): void {
  const params = segmentParams(seg);
  // First, check for a RST: "An incoming RST segment could not be valid ... should be ignored."
  if (has(seg, RST)) {
    record(ctx, side, 'receive', 'LISTEN_RST_IGNORED', RFC9293_3_10_7_2, params, { segment: seg.id });
    return;
  }
  // Second, check for an ACK: "Any acknowledgment is bad if it arrives on a connection still in the LISTEN state."
  if (has(seg, ACK)) {
    record(ctx, side, 'receive', 'LISTEN_ACK_ANSWERED_RST', RFC9293_3_10_7_2, params, { segment: seg.id });
    answer(ctx, side, rst(seg.ack), 'LISTEN_ACK_ANSWERED_RST');
    return;
  }
  if (!has(seg, SYN)) {
    record(ctx, side, 'receive', 'LISTEN_SEGMENT_DROPPED', RFC9293_3_10_7_2, params, { segment: seg.id });
    return;
  }
  // Linux (tcp_rcv_state_process) drops a SYN that also carries FIN.
  if (has(seg, FIN)) {
    record(ctx, side, 'receive', 'LISTEN_SYN_FIN_DROPPED', RFC9293_3_10_7_2, params, { segment: seg.id });
    return;
  }
  // Third, check for a SYN: "Set RCV.NXT to SEG.SEQ+1, IRS is set to SEG.SEQ ... ISS should be selected and a SYN segment sent".
  const iss = chooseIss(ctx, side);
  const tcb = newTcb(ctx, side, iss);
  acceptPeerSyn(ctx, side, tcb, seg);
  ep(ctx, side).opened = 'passive';
  transition(
    ctx,
    side,
    'SYN_RECEIVED',
    'LISTEN_SYN_TO_SYN_RECEIVED',
    RFC9293_3_10_7_2,
    // Linux without TCP Fast Open acknowledges only the SYN of a SYN carrying data.
    segmentParams(seg, { irs: tcb.irs, rcv_nxt: tcb.rcv_nxt, iss, data_ignored: seg.length }),
    seg.id,
  );
  sendNew(ctx, side, SYN | ACK, NO_DATA, true, 'LISTEN_SYN_TO_SYN_RECEIVED');
}

/** §3.10.7.3 SYN-SENT. */
function synSent(ctx: Context, side: Side, seg: Segment): void {
  const e = ep(ctx, side);
  const tcb = e.tcb!;
  const params = segmentParams(seg);
  // First, check the ACK bit: "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset (unless the RST bit is set ...)".
  if (has(seg, ACK) && (seqLe(seg.ack, tcb.iss) || seqGt(seg.ack, tcb.snd_nxt))) {
    const detail = segmentParams(seg, { iss: tcb.iss, snd_nxt: tcb.snd_nxt });
    if (has(seg, RST)) {
      record(ctx, side, 'receive', 'SYN_SENT_BAD_ACK_RST_DROPPED', RFC9293_3_10_7_3, detail, { segment: seg.id });
      return;
    }
    record(ctx, side, 'receive', 'SYN_SENT_BAD_ACK_ANSWERED_RST', RFC9293_3_10_7_3, detail, { segment: seg.id });
    answer(ctx, side, rst(seg.ack), 'SYN_SENT_BAD_ACK_ANSWERED_RST');
    return;
  }
  // Second, check the RST bit: only an RST that acknowledges our SYN is believed (RFC 5961 §3.2 keeps this).
  if (has(seg, RST)) {
    if (has(seg, ACK)) {
      deleteTcb(ctx, side);
      transition(ctx, side, 'CLOSED', 'SYN_SENT_RST_TO_CLOSED', RFC9293_3_10_7_3, params, seg.id);
      signal(ctx, side, 'SIGNAL_CONNECTION_REFUSED');
    } else {
      record(ctx, side, 'receive', 'SYN_SENT_RST_WITHOUT_ACK_DROPPED', RFC9293_3_10_7_3, params, { segment: seg.id });
    }
    return;
  }
  // Fourth, check the SYN bit (the third, security, is not simulated).
  if (!has(seg, SYN)) {
    record(ctx, side, 'receive', 'SYN_SENT_SEGMENT_DROPPED', RFC9293_3_10_7_3, params, { segment: seg.id });
    return;
  }
  acceptPeerSyn(ctx, side, tcb, seg);
  if (has(seg, ACK)) acknowledge(ctx, e, tcb, seg.ack, seg);
  if (seqGt(tcb.snd_una, tcb.iss)) {
    // "If SND.UNA > ISS (our SYN has been ACKed), change the connection state to ESTABLISHED, form an ACK segment".
    offerWindow(tcb, e.config.window);
    transition(
      ctx,
      side,
      'ESTABLISHED',
      'SYN_SENT_SYN_ACK_TO_ESTABLISHED',
      RFC9293_3_10_7_3,
      // The RFC goes on to the text and FIN ("continue processing at the sixth step"); Linux without TCP Fast Open
      // drops both (tcp_rcv_synsent_state_process frees the segment after tcp_urg), and so the ACK covers only the SYN.
      segmentParams(seg, {
        iss: tcb.iss,
        irs: tcb.irs,
        rcv_nxt: tcb.rcv_nxt,
        snd_nxt: tcb.snd_nxt,
        data_ignored: seg.length,
        fin_ignored: has(seg, FIN),
      }),
      seg.id,
    );
    answer(ctx, side, ackSegment(tcb), 'SYN_SENT_SYN_ACK_TO_ESTABLISHED');
    pushQueued(ctx, side, true);
    return;
  }
  // "Otherwise, enter SYN-RECEIVED, form a SYN,ACK segment <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>": simultaneous open.
  e.opened = 'active';
  const synEntry = tcb.retransmission_queue[0];
  // A new entry rather than a write to this one: entries are shared with the caller's connection (cloneConnection).
  if (synEntry) {
    tcb.retransmission_queue[0] = {
      seq: synEntry.seq,
      flags: synEntry.flags | ACK,
      length: synEntry.length,
      payload: synEntry.payload,
      urgent_pointer: synEntry.urgent_pointer,
      sent_at_ms: synEntry.sent_at_ms,
      retransmitted: synEntry.retransmitted,
    };
  }
  transition(
    ctx,
    side,
    'SYN_RECEIVED',
    'SYN_SENT_SYN_TO_SYN_RECEIVED',
    RFC9293_3_10_7_3,
    segmentParams(seg, { iss: tcb.iss, irs: tcb.irs, rcv_nxt: tcb.rcv_nxt }),
    seg.id,
  );
  answer(ctx, side, { seq: tcb.iss, ack: tcb.rcv_nxt, flags: SYN | ACK, length: 0, payload: null, urgent_pointer: 0 }, 'SYN_SENT_SYN_TO_SYN_RECEIVED');
}

/** Linux's net.ipv4.tcp_invalid_ratelimit: at most one such ACK per endpoint every 500 ms. */
const OUT_OF_WINDOW_ACK_INTERVAL_MS = 500;

/**
 * The ACK sent for a segment that is dropped (out of window, acknowledging
 * unsent data) and the challenge ACKs of RFC 5961, rate-limited as RFC 5961
 * §7 advises and Linux does (tcp_oow_rate_limited): without it, two stacks
 * that disagree about the sequence space — after an injected segment, say —
 * would ACK each other for ever.
 */
function sendOutOfWindowAck(ctx: Context, side: Side, reason: EventCode): void {
  const e = ep(ctx, side);
  const last = e.oow_ack_at_ms;
  if (last !== null && ctx.conn.clock_ms - last < OUT_OF_WINDOW_ACK_INTERVAL_MS) {
    record(ctx, side, 'drop', 'OUT_OF_WINDOW_ACK_RATE_LIMITED', 'RFC 5961 §7', { last_ack_ms: last, interval_ms: OUT_OF_WINDOW_ACK_INTERVAL_MS });
    return;
  }
  e.oow_ack_at_ms = ctx.conn.clock_ms;
  sendAck(ctx, side, reason);
}

/** The reasons an owed segment is a retransmission (timers.ts, §3.10.7.4's retransmitted SYN,ACK). */
const RETRANSMISSIONS: ReadonlySet<string> = new Set(['RETRANSMISSION_TIMEOUT', 'SYN_RECEIVED_SYN_RETRANSMITTED', 'TAIL_LOSS_PROBE']);

/**
 * Take in an acceptable acknowledgment: SND.UNA ← SEG.ACK, drop what it covers
 * from the retransmission queue, and restart or stop the retransmission timer
 * (RFC 9293 §3.10.7.4 fifth; RFC 6298 §5.2–5.3).
 */
function acknowledge(ctx: Context, e: Endpoint, tcb: Tcb, ack: number, seg: Segment): number {
  const acked = seqDiff(ack, tcb.snd_una);
  // RFC 6298 §2, §3, §5.7: an RTT sample (or Karn's reason for none) and the RTO it gives, before the queue moves on.
  sampleRtt(ctx, e, tcb, ack, seg);
  tcb.snd_una = ack;
  // Keep what the ACK does not wholly cover; a plain loop rather than filter with a closure, as this runs for every ACK.
  const kept: SentSegment[] = [];
  for (const s of tcb.retransmission_queue) if (seqGt(seqAdd(s.seq, segLen(s)), ack)) kept.push(s);
  tcb.retransmission_queue = kept;
  const head = tcb.retransmission_queue[0];
  if (head && seqLt(head.seq, ack)) {
    // Partly acknowledged: keep only the unacknowledged tail for retransmission.
    // A new entry rather than a write to this one: entries are shared with the caller's connection (cloneConnection).
    const cut = seqDiff(ack, head.seq);
    const dataCut = cut - (head.flags & SYN ? 1 : 0);
    // The urgent pointer counts from the segment's seq, so it shrinks by what was cut (§3.8.5); once the urgent
    // data is all acknowledged, the tail is no longer urgent.
    const urgentPointer = Math.max(0, head.urgent_pointer - dataCut);
    tcb.retransmission_queue[0] = {
      seq: ack,
      flags: head.flags & ~SYN & (urgentPointer > 0 ? ~0 : ~URG),
      length: head.length - dataCut,
      payload: head.payload === null ? null : slicePayload(head.payload, dataCut, head.length),
      urgent_pointer: urgentPointer,
      sent_at_ms: head.sent_at_ms,
      retransmitted: head.retransmitted,
    };
  }
  // RFC 9293 §3.10.7.4 (fifth, ESTABLISHED): acknowledged segments leave the retransmission queue — and so does
  // a retransmission owed in manual mode that this ACK covers (the timer owes any tail again when it next fires);
  // otherwise a FIN, acknowledged meanwhile, could be sent from FIN_WAIT_2.
  if (e.owed.length > 0) e.owed = e.owed.filter((o) => !RETRANSMISSIONS.has(o.reason) || !seqLt(o.seq, ack));
  tcb.retries = 0;
  // The tail loss probe is answered once SND.UNA passes what was in flight when it went out (Linux tcp_process_tlp_ack).
  if (tcb.tlp_high_seq !== null && !seqLt(ack, tcb.tlp_high_seq)) tcb.tlp_high_seq = null;
  if (tcb.retransmission_queue.length === 0) {
    cancelTimer(e, 'retransmission');
    cancelTimer(e, 'loss_probe');
    cancelTimer(e, 'user_timeout');
  } else {
    restartRetransmission(ctx, e);
    // The user timeout measures time without progress, so an acknowledgment starts it again.
    const userTimeout = ctx.conn.config.user_timeout_ms;
    if (userTimeout !== null) armTimer(e, 'user_timeout', ctx.conn.clock_ms + userTimeout);
  }
  return acked;
}

/**
 * SYN-RECEIVED → ESTABLISHED; a CLOSE issued in SYN-RECEIVED while data was
 * queued waited for this moment and now moves on to FIN-WAIT-1 (§3.10.4).
 */
function enterEstablished(ctx: Context, side: Side, code: EventCode, rfc: string, params: EventParams, segmentId: number): void {
  const e = ep(ctx, side);
  // From here on the window field is scaled (RFC 7323 §2.2): offer the window rounded to the scale (tcb.ts offerWindow).
  offerWindow(e.tcb!, e.config.window);
  transition(ctx, side, 'ESTABLISHED', code, rfc, params, segmentId);
  if (e.tcb!.fin_queued) {
    transition(ctx, side, 'FIN_WAIT_1', 'CLOSE_DEFERRED_TO_FIN_WAIT_1', RFC9293_3_10_4, {}, segmentId);
  }
}

/** Our FIN has been sent and everything up to it acknowledged. */
function ourFinAcked(e: Endpoint, tcb: Tcb): boolean {
  return (
    (e.state === 'FIN_WAIT_1' || e.state === 'CLOSING' || e.state === 'LAST_ACK') &&
    !tcb.fin_queued &&
    tcb.send_queue.length === 0 &&
    tcb.snd_una === tcb.snd_nxt
  );
}

/**
 * §3.10.7.4, first step, the four cases of segment length and receive window.
 * "If the RCV.WND is zero, no segments will be acceptable, but special
 * allowance should be made to accept valid ACKs, URGs, and RSTs": a segment
 * at exactly RCV.NXT passes, and its text is trimmed away later.
 */
export function isAcceptable(tcb: Tcb, seg: { seq: number; flags: number; length: number }): boolean {
  const len = segLen(seg);
  const lo = tcb.rcv_nxt;
  const hi = seqAdd(tcb.rcv_nxt, tcb.rcv_wnd);
  if (tcb.rcv_wnd === 0) return seg.seq === lo;
  if (len === 0) return seqInWindow(seg.seq, lo, hi);
  return seqInWindow(seg.seq, lo, hi) || seqInWindow(seqAdd(seg.seq, len - 1), lo, hi);
}

/** The part of an acceptable segment that begins at RCV.NXT and does not exceed the window (§3.10.7.4). */
interface Trimmed {
  seq: number;
  flags: number;
  length: number;
  payload: string | null;
  /** Octets cut off because they lie beyond the receive window. */
  beyondWindow?: number;
}

function trimToWindow(tcb: Tcb, seg: Segment): Trimmed {
  // The usual case, a segment that starts at RCV.NXT and fits the window, is the segment itself (nothing writes it).
  if (seg.seq === tcb.rcv_nxt && (seg.length === 0 || seqDiff(seqAdd(seg.seq, seg.length), seqAdd(tcb.rcv_nxt, tcb.rcv_wnd)) <= 0)) return seg;
  let { seq, flags, length, payload } = seg;
  if (seqLt(seq, tcb.rcv_nxt)) {
    let cut = seqDiff(tcb.rcv_nxt, seq);
    if (flags & SYN) {
      flags &= ~SYN;
      cut -= 1;
    }
    const dataCut = Math.min(cut, length);
    payload = payload === null ? null : slicePayload(payload, dataCut, length);
    length -= dataCut;
    seq = tcb.rcv_nxt;
  }
  const over = seqDiff(seqAdd(seq, length), seqAdd(tcb.rcv_nxt, tcb.rcv_wnd));
  if (length > 0 && over > 0) {
    // Text beyond the window is cut, and a FIN behind it with it.
    const keep = Math.max(0, length - over);
    payload = payload === null ? null : slicePayload(payload, 0, keep);
    const beyondWindow = length - keep;
    return { seq, flags: flags & ~FIN, length: keep, payload, beyondWindow };
  }
  return { seq, flags, length, payload };
}

/** §3.10.7.4: SYN-RECEIVED and the synchronized states. */
function synchronized(ctx: Context, side: Side, seg: Segment): void {
  const e = ep(ctx, side);
  const tcb = e.tcb!;
  const rfc5961 = followsRfc5961(ctx.conn.config.profile);
  const linux = ctx.conn.config.profile === 'linux';
  const at = { segment: seg.id };
  // RFC 7323: once both SYNs carried timestamps, PAWS and TS.Recent read every segment's (paws.ts).
  const ts = tcb.ts_enabled ? optionTimestamp(seg.options) : null;

  // Linux (tcp_check_req): a retransmission of the SYN that opened a passive SYN-RECEIVED gets the SYN,ACK again.
  if (e.state === 'SYN_RECEIVED' && e.opened === 'passive' && (seg.flags & (SYN | ACK | RST)) === SYN && seg.seq === tcb.irs) {
    record(ctx, side, 'receive', 'SYN_RECEIVED_SYN_RETRANSMITTED', RFC9293_3_8_1, segmentParams(seg, { iss: tcb.iss, rcv_nxt: tcb.rcv_nxt }), at);
    // Sent twice now: Karn's algorithm (RFC 6298 §3) takes no RTT sample from the SYN,ACK. A new entry: entries are shared.
    const synAck = tcb.retransmission_queue[0];
    if (synAck && !synAck.retransmitted) tcb.retransmission_queue[0] = { ...synAck, retransmitted: true };
    answer(ctx, side, { seq: tcb.iss, ack: tcb.rcv_nxt, flags: SYN | ACK, length: 0, payload: null, urgent_pointer: 0 }, 'SYN_RECEIVED_SYN_RETRANSMITTED', true);
    return;
  }
  // Simultaneous open (§3.5, Figure 8): the peer's SYN,ACK repeats the SYN we already took in and acknowledges ours.
  // Linux (tcp_validate_incoming) lets exactly this SYN pass; the RFC's step order would ACK and drop it.
  if (
    e.state === 'SYN_RECEIVED' &&
    e.opened === 'active' &&
    (seg.flags & (SYN | ACK | RST)) === (SYN | ACK) &&
    seqAdd(seg.seq, 1) === tcb.rcv_nxt &&
    seg.ack === tcb.snd_nxt
  ) {
    // Taken in, so its TSval is TS.Recent from now on (RFC 7323 §4.3), as Linux has it.
    if (ts) takeTsRecent(ctx, tcb, seg, ts.val);
    acknowledge(ctx, e, tcb, seg.ack, seg);
    updateWindow(tcb, seg, true);
    enterEstablished(ctx, side, 'SIMULTANEOUS_OPEN_TO_ESTABLISHED', RFC9293_3_5, segmentParams(seg, { rcv_nxt: tcb.rcv_nxt }), seg.id);
    sendAck(ctx, side, 'SIMULTANEOUS_OPEN_TO_ESTABLISHED');
    pushQueued(ctx, side, true);
    return;
  }

  // RFC 7323 §5.3 R1 comes before the sequence number (R2): an old duplicate known by its timestamp, not acceptable.
  if (ts) {
    const verdict = paws(ctx, e, tcb, seg, ts.val);
    if (verdict === 'drop_and_ack') {
      // As for any segment that is not acceptable. TIME_WAIT restarts its timer for a segment with ACK, as below; Linux
      // for any segment PAWS rejects (tcp_timewait_state_process: paws_reject || th->ack).
      if (e.state === 'TIME_WAIT' && (ctx.conn.config.profile === 'linux' || has(seg, ACK))) startTimeWait(ctx, e);
      sendOutOfWindowAck(ctx, side, 'PAWS_REJECTED');
    }
    if (verdict !== 'pass') return;
  }

  // First, check the sequence number.
  if (!isAcceptable(tcb, seg)) {
    const detail = segmentParams(seg, { rcv_nxt: tcb.rcv_nxt, rcv_wnd: tcb.rcv_wnd, end: segEnd(seg) });
    if (has(seg, RST)) {
      // RFC 5961 §3.2 (1): "If the RST bit is set and the sequence number is outside the current receive window, silently drop".
      record(ctx, side, 'receive', 'SEQ_UNACCEPTABLE_RST_DROPPED', RFC9293_3_10_7_4, detail, at);
      return;
    }
    if (e.state === 'TIME_WAIT' && has(seg, ACK)) {
      // "The only thing that can arrive in this state is a retransmission of the remote FIN.
      // Acknowledge it, and restart the 2 MSL timeout." (Linux: tcp_timewait_state_process.)
      startTimeWait(ctx, e);
      record(ctx, side, 'receive', has(seg, FIN) ? 'TIME_WAIT_FIN_ACKED_AGAIN' : 'TIME_WAIT_SEGMENT_ACKED_AGAIN', RFC9293_3_10_7_4, segmentParams(seg, {
        rcv_nxt: tcb.rcv_nxt,
        rcv_wnd: tcb.rcv_wnd,
        end: segEnd(seg),
        ...timeWaitParams(ctx),
      }), at);
      sendOutOfWindowAck(ctx, side, 'TIME_WAIT_FIN_ACKED_AGAIN');
      return;
    }
    if (ts) takeDuplicateTsLinux(ctx, tcb, seg, ts.val);
    // Text that was received before: Linux reports it with a D-SACK block where SACK is in use (RFC 2883).
    const duplicate = tcb.sack_permitted && seg.length > 0 && seqLe(seqAdd(seg.seq, seg.length), tcb.rcv_nxt);
    record(ctx, side, 'receive', 'SEQ_UNACCEPTABLE_ACKED', RFC9293_3_10_7_4, duplicate ? withLinuxDifference(ctx, 16, detail) : detail, at);
    sendOutOfWindowAck(ctx, side, 'SEQ_UNACCEPTABLE_ACKED');
    return;
  }
  const text = trimToWindow(tcb, seg);
  // RFC 7323 §5.3 R3: the segment is acceptable, so its timestamp may become TS.Recent (Linux waits for the ACK field, below).
  if (ts && !linux) takeTsRecent(ctx, tcb, seg, ts.val);

  // Second, check the RST bit.
  if (has(seg, RST)) {
    if (rfc5961 && seg.seq !== tcb.rcv_nxt) {
      // RFC 5961 §3.2 (3): in the window but not exactly RCV.NXT: a challenge ACK, and drop.
      record(ctx, side, 'receive', 'RST_CHALLENGE_ACK', 'RFC 5961 §3.2', segmentParams(seg, { rcv_nxt: tcb.rcv_nxt }), at);
      sendOutOfWindowAck(ctx, side, 'RST_CHALLENGE_ACK');
      return;
    }
    resetByPeer(ctx, side, seg, rfc5961 ? 'exact' : 'in_window');
    return;
  }

  // Third, check security: not simulated (no IP security compartments here).

  // Fourth, check the SYN bit: RFC 9293 (RFC 5961 §4.2) looks at it "irrespective of the sequence number", so a SYN
  // just below RCV.NXT is not trimmed away with the old octet it occupies; RFC 793 looks only at a SYN in the window.
  if ((rfc5961 ? seg.flags : text.flags) & SYN) {
    if (e.state === 'SYN_RECEIVED' && e.opened === 'passive') {
      // "If the connection was initiated with a passive OPEN, then return this connection to the LISTEN state and return."
      deleteTcb(ctx, side);
      if (ctx.conn.config.profile === 'linux') {
        // Linux (tcp_check_req, embryonic_reset) also answers the SYN with a reset, as a CLOSED port would (§3.10.7.1).
        const reset: Outgoing = has(seg, ACK)
          ? rst(seg.ack)
          : { seq: 0, ack: segEnd(seg), flags: RST | ACK, length: 0, payload: null, urgent_pointer: 0 };
        transition(ctx, side, 'LISTEN', 'SYN_RECEIVED_SYN_RESET_TO_LISTEN', 'Linux tcp_check_req', segmentParams(seg, { rst_seq: reset.seq, rst_ack: reset.ack }), seg.id);
        answer(ctx, side, reset, 'SYN_RECEIVED_SYN_RESET_TO_LISTEN');
        return;
      }
      transition(ctx, side, 'LISTEN', 'SYN_RECEIVED_SYN_TO_LISTEN', RFC9293_3_10_7_4, segmentParams(seg), seg.id);
      return;
    }
    if (rfc5961) {
      // RFC 5961 §4.2: "irrespective of the exact sequence number, TCP endpoints MUST send a 'challenge ACK'".
      record(ctx, side, 'receive', 'SYN_CHALLENGE_ACK', 'RFC 5961 §4.2', segmentParams(seg, { rcv_nxt: tcb.rcv_nxt, snd_nxt: tcb.snd_nxt }), at);
      sendOutOfWindowAck(ctx, side, 'SYN_CHALLENGE_ACK');
      return;
    }
    // RFC 793: "If the SYN is in the window it is an error, send a reset ... enter the CLOSED state".
    const reset = rst(tcb.snd_nxt);
    deleteTcb(ctx, side);
    transition(ctx, side, 'CLOSED', 'SYN_IN_WINDOW_RESET', 'RFC 793 §3.9', segmentParams(seg, { rst_seq: reset.seq }), seg.id);
    answer(ctx, side, reset, 'SYN_IN_WINDOW_RESET');
    signal(ctx, side, 'SIGNAL_CONNECTION_RESET');
    return;
  }

  // Linux takes TS.Recent only from a segment that got this far and whose ACK is acceptable (tcp_ack,
  // tcp_replace_ts_recent): not from an RST or SYN answered with a challenge ACK, nor one with an old ACK.
  if (ts && linux && has(seg, ACK) && seqLe(tcb.snd_una, seg.ack) && seqLe(seg.ack, tcb.snd_nxt)) takeTsRecent(ctx, tcb, seg, ts.val);

  // Fifth, check the ACK field.
  if (!has(seg, ACK)) {
    record(ctx, side, 'receive', 'ACK_BIT_OFF_DROPPED', RFC9293_3_10_7_4, segmentParams(seg), at);
    return;
  }
  const finNow = (text.flags & FIN) !== 0 && text.seq === tcb.rcv_nxt;
  if (e.state === 'SYN_RECEIVED') {
    if (!(seqLt(tcb.snd_una, seg.ack) && seqLe(seg.ack, tcb.snd_nxt))) {
      // "If the segment acknowledgment is not acceptable, form a reset segment <SEQ=SEG.ACK><CTL=RST>".
      record(ctx, side, 'receive', 'SYN_RECEIVED_BAD_ACK_RST', RFC9293_3_10_7_4, segmentParams(seg, { snd_una: tcb.snd_una, snd_nxt: tcb.snd_nxt }), at);
      answer(ctx, side, rst(seg.ack), 'SYN_RECEIVED_BAD_ACK_RST');
      return;
    }
    acknowledge(ctx, e, tcb, seg.ack, seg);
    updateWindow(tcb, seg, true);
    // Linux's passive opener starts its largest window from this ACK, not the SYN (tcp_create_openreq_child).
    if (ctx.conn.config.profile === 'linux' && e.opened === 'passive') tcb.max_snd_wnd = tcb.snd_wnd;
    enterEstablished(ctx, side, 'SYN_RECEIVED_ACK_TO_ESTABLISHED', RFC9293_3_10_7_4, segmentParams(seg, { iss: tcb.iss }), seg.id);
  } else {
    if (rfc5961 && seqLt(seg.ack, seqAdd(tcb.snd_una, -tcb.max_snd_wnd))) {
      // RFC 5961 §5.2: an ACK older than SND.UNA − MAX.SND.WND is a possible blind injection: challenge ACK, drop.
      record(ctx, side, 'receive', 'ACK_TOO_OLD_CHALLENGE_ACK', 'RFC 5961 §5.2', segmentParams(seg, { snd_una: tcb.snd_una, max_snd_wnd: tcb.max_snd_wnd }), at);
      sendOutOfWindowAck(ctx, side, 'ACK_TOO_OLD_CHALLENGE_ACK');
      return;
    }
    if (seqGt(seg.ack, tcb.snd_nxt)) {
      // "If the ACK acks something not yet sent (SEG.ACK > SND.NXT), then send an ACK, drop the segment, and return."
      record(ctx, side, 'receive', 'ACK_OF_UNSENT_DATA', RFC9293_3_10_7_4, segmentParams(seg, { snd_nxt: tcb.snd_nxt }), at);
      sendOutOfWindowAck(ctx, side, 'ACK_OF_UNSENT_DATA');
      return;
    }
    const sndWndBefore = tcb.snd_wnd;
    const sndUnaBefore = tcb.snd_una;
    const advances = seqLt(tcb.snd_una, seg.ack);
    if (advances) {
      const acked = acknowledge(ctx, e, tcb, seg.ack, seg);
      // segmentParams(seg, { acked, ... }) written out: this runs for nearly every ACK, and Object.assign is slow.
      const params: EventParams = {
        flags: flagsLabel(seg.flags),
        seq: seg.seq,
        ack: seg.ack,
        length: seg.length,
        with_ack: has(seg, ACK),
        acked,
        snd_una_before: sndUnaBefore,
        snd_una: tcb.snd_una,
      };
      record(ctx, side, 'receive', 'ACK_ADVANCES_SND_UNA', RFC9293_3_10_7_4, params, at);
    }
    if (seqLe(tcb.snd_una, seg.ack)) {
      if (ctx.conn.config.profile === 'linux') linuxUpdateWindow(ctx, side, tcb, seg, sndUnaBefore);
      else updateWindow(tcb, seg, false);
    }
    if (!advances && seg.ack === tcb.snd_una) nothingNewAcked(ctx, side, seg, tcb, sndWndBefore);
  }

  switch (e.state) {
    case 'FIN_WAIT_1':
      // "if the FIN segment is now acknowledged, then enter FIN-WAIT-2" — unless this very segment
      // carries the peer's FIN, in which case step eight goes straight to TIME-WAIT.
      if (ourFinAcked(e, tcb) && !finNow) {
        transition(ctx, side, 'FIN_WAIT_2', 'FIN_WAIT_1_ACK_TO_FIN_WAIT_2', RFC9293_3_10_7_4, segmentParams(seg, { snd_nxt: tcb.snd_nxt }), seg.id);
        startFinWait2Timeout(ctx, e);
      }
      break;
    case 'CLOSING':
      // "In addition to the processing for the ESTABLISHED state, if the ACK acknowledges our FIN, then enter the
      // TIME-WAIT state; otherwise, ignore the segment." ESTABLISHED's processing includes sending what the window
      // now allows: data queued before CLOSE, then the FIN (TRANSMITS_QUEUED in state.ts).
      if (ourFinAcked(e, tcb)) {
        transition(ctx, side, 'TIME_WAIT', 'CLOSING_ACK_TO_TIME_WAIT', RFC9293_3_10_7_4, segmentParams(seg, timeWaitParams(ctx)), seg.id);
        startTimeWait(ctx, e);
      } else pushQueued(ctx, side, true);
      return;
    case 'LAST_ACK':
      // "If our FIN is now acknowledged, delete the TCB, enter the CLOSED state, and return." Until then, as in CLOSING,
      // the data and FIN queued at CLOSE go out as the window allows.
      if (ourFinAcked(e, tcb)) {
        deleteTcb(ctx, side);
        transition(ctx, side, 'CLOSED', 'LAST_ACK_ACK_TO_CLOSED', RFC9293_3_10_7_4, segmentParams(seg), seg.id);
      } else pushQueued(ctx, side, true);
      return;
    default:
      break;
  }

  // Sixth, check the URG bit.
  if (seg.flags & URG && (e.state === 'ESTABLISHED' || e.state === 'FIN_WAIT_1' || e.state === 'FIN_WAIT_2')) {
    const up = seqAdd(seg.seq, seg.urgent_pointer);
    if (seqGt(up, tcb.rcv_up)) tcb.rcv_up = up;
    record(ctx, side, 'receive', 'URGENT_DATA_SIGNALLED', RFC9293_3_10_7_4, segmentParams(seg, { rcv_up: tcb.rcv_up }), at);
  }

  // Seventh, process the segment text; eighth, check the FIN bit.
  if (tcb.orphaned && (e.state === 'FIN_WAIT_1' || e.state === 'FIN_WAIT_2') && (text.length > 0 || text.beyondWindow)) {
    // The linux profile's close() left nobody to read new data: RFC 9293 §3.6.1, "if new data is received after
    // CLOSE is called, its TCP implementation SHOULD send an RST to show that data was lost" (SHLD-2). Linux
    // (tcp_rcv_state_process, RCV_SHUTDOWN; tcp_timewait_state_process in the FIN_WAIT2 substate) resets and answers
    // the segment as a closed port would (tcp_v4_send_reset: <SEQ=SEG.ACK><CTL=RST>).
    deleteTcb(ctx, side);
    transition(ctx, side, 'CLOSED', 'DATA_AFTER_CLOSE_RESET', RFC9293_3_6_1, segmentParams(seg, { rst_seq: seg.ack }), seg.id);
    answer(ctx, side, rst(seg.ack), 'DATA_AFTER_CLOSE_RESET');
    return;
  }
  let ackNeeded: EventCode | null = null;
  if (text.beyondWindow) {
    // Text the window has no room for is not acceptable: acknowledge what is expected, so that a
    // zero-window probe learns the window (§3.8.6.1; Linux tcp_data_queue sends an immediate ACK).
    record(ctx, side, 'receive', 'TEXT_BEYOND_WINDOW_ACKED', RFC9293_3_10_7_4, withLinuxDifference(ctx, 7, segmentParams(seg, {
      dropped: text.beyondWindow,
      rcv_nxt: tcb.rcv_nxt,
      rcv_wnd: tcb.rcv_wnd,
    })), at);
    ackNeeded = 'TEXT_BEYOND_WINDOW_ACKED';
  }
  let gapFilled = false;
  if (text.length > 0 || text.flags & FIN) {
    if (text.seq !== tcb.rcv_nxt) {
      // "Segments with higher beginning sequence numbers may be held for later processing" — with a duplicate ACK.
      if (receivesText(e)) {
        tcb.out_of_order.push({ seq: text.seq, flags: text.flags, length: text.length, payload: text.payload, urgent_pointer: 0 });
        record(ctx, side, 'receive', 'OUT_OF_ORDER_HELD', RFC9293_3_10_7_4, segmentParams(seg, { rcv_nxt: tcb.rcv_nxt }), at);
        ackNeeded = 'OUT_OF_ORDER_HELD';
      }
    } else {
      const holding = tcb.out_of_order.length > 0;
      ackNeeded = takeInOrder(ctx, side, text, seg);
      // Held segments that now begin at (or before) RCV.NXT are processed in turn.
      for (let held = nextHeld(tcb); held && ep(ctx, side).tcb === tcb; held = nextHeld(tcb)) {
        const piece = trimHeld(tcb, held);
        if (piece.length > 0 || piece.flags & FIN) ackNeeded = takeInOrder(ctx, side, piece, null, seg.id) ?? ackNeeded;
      }
      gapFilled = holding && tcb.out_of_order.length === 0;
    }
  }
  if (!delaysAcks(ctx)) {
    if (ackNeeded && ep(ctx, side).tcb) sendAck(ctx, side, ackNeeded);
    pushQueued(ctx, side, true);
    return;
  }
  // The linux profile (delack.ts): Linux sends what it can first (tcp_data_snd_check), and a segment it sends carries
  // the ACK; then tcp_ack_snd_check acknowledges at once, or sets the delayed-ACK timer.
  if (ackNeeded && ep(ctx, side).tcb) ackDue(tcb, ackNeeded, gapFilled);
  pushQueued(ctx, side, true);
  if (ackNeeded && ackNow(ctx, side, ackNeeded)) sendAck(ctx, side, ackNeeded);
}

/**
 * An acceptable ACK that acknowledges nothing new: "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be
 * updated" — one that changed the window is a window update, not a duplicate ACK (RFC 5681 §2 counts a duplicate
 * only if the window is unchanged).
 */
function nothingNewAcked(ctx: Context, side: Side, seg: Segment, tcb: Tcb, sndWndBefore: number): void {
  if (tcb.snd_wnd !== sndWndBefore) {
    record(ctx, side, 'receive', 'WINDOW_UPDATE_RECEIVED', RFC9293_3_10_7_4, segmentParams(seg, { snd_wnd_before: sndWndBefore, snd_wnd: tcb.snd_wnd }), { segment: seg.id });
  } else if (segLen(seg) === 0) {
    record(ctx, side, 'receive', 'ACK_DUPLICATE_IGNORED', RFC9293_3_10_7_4, segmentParams(seg, { snd_una: tcb.snd_una }), { segment: seg.id });
  }
}

/** ESTABLISHED, FIN-WAIT-1 and FIN-WAIT-2 take in text; the states after a FIN "should not" see any (§3.10.7.4 seventh). */
function receivesText(e: Endpoint): boolean {
  return e.state === 'ESTABLISHED' || e.state === 'FIN_WAIT_1' || e.state === 'FIN_WAIT_2';
}

/**
 * Steps seven and eight for a piece that begins exactly at RCV.NXT: of the arriving segment `arriving`, or of a held
 * one (null). Returns the rule that makes an ACK due, if any.
 */
function takeInOrder(ctx: Context, side: Side, piece: Trimmed, arriving: Segment | null, segmentId = arriving!.id): EventCode | null {
  const e = ep(ctx, side);
  const tcb = e.tcb!;
  let ackNeeded: EventCode | null = null;
  if (piece.length > 0) {
    if (receivesText(e)) {
      // "Once the TCP endpoint takes responsibility for the data, it advances RCV.NXT over the data accepted,
      // and adjusts RCV.WND as appropriate to the current buffer availability."
      tcb.receive_queue.push({ length: piece.length, payload: piece.payload, push: false, urgent: false });
      tcb.rcv_nxt = seqAdd(tcb.rcv_nxt, piece.length);
      offerWindow(tcb, e.config.window - unreadOctets(tcb));
      record(ctx, side, 'receive', 'DATA_RECEIVED', RFC9293_3_10_7_4, withLinuxDifference(ctx, 9, {
        seq: piece.seq,
        end: seqAdd(piece.seq, piece.length),
        length: piece.length,
        rcv_nxt: tcb.rcv_nxt,
        rcv_wnd: tcb.rcv_wnd,
      }), { segment: segmentId });
      ackNeeded = 'DATA_RECEIVED';
      if (arriving && delaysAcks(ctx)) dataReceived(ctx, e, tcb, arriving, piece.length);
    } else {
      record(ctx, side, 'receive', 'TEXT_AFTER_FIN_IGNORED', RFC9293_3_10_7_4, { length: piece.length }, { segment: segmentId });
    }
  }
  if (piece.flags & FIN) ackNeeded = finArrives(ctx, side, segmentId);
  return ackNeeded;
}

/**
 * Eighth, check the FIN bit: "signal the user 'connection closing' ...,
 * advance RCV.NXT over the FIN, and send an acknowledgment for the FIN."
 */
function finArrives(ctx: Context, side: Side, segmentId: number): EventCode {
  const e = ep(ctx, side);
  const tcb = e.tcb!;
  tcb.rcv_nxt = seqAdd(tcb.rcv_nxt, 1);
  const { state, code } = afterFin(e, tcb);
  transition(ctx, side, state, code, RFC9293_3_10_7_4, { rcv_nxt: tcb.rcv_nxt, snd_nxt: tcb.snd_nxt, ...timeWaitParams(ctx) }, segmentId);
  if (state === 'TIME_WAIT') startTimeWait(ctx, e);
  signal(ctx, side, 'SIGNAL_CONNECTION_CLOSING');
  return code;
}

function afterFin(e: Endpoint, tcb: Tcb): { state: State; code: EventCode } {
  switch (e.state) {
    case 'SYN_RECEIVED':
    case 'ESTABLISHED':
      return { state: 'CLOSE_WAIT', code: 'FIN_TO_CLOSE_WAIT' };
    case 'FIN_WAIT_1':
      // "If our FIN has been ACKed (perhaps in this segment), then enter TIME-WAIT ...; otherwise, enter the CLOSING state."
      return ourFinAcked(e, tcb)
        ? { state: 'TIME_WAIT', code: 'FIN_WAIT_1_FIN_ACK_TO_TIME_WAIT' }
        : { state: 'CLOSING', code: 'FIN_WAIT_1_FIN_TO_CLOSING' };
    case 'FIN_WAIT_2':
      return { state: 'TIME_WAIT', code: 'FIN_WAIT_2_FIN_TO_TIME_WAIT' };
    case 'TIME_WAIT':
      // "Remain in the TIME-WAIT state. Restart the 2 MSL time-wait timeout."
      return { state: 'TIME_WAIT', code: 'TIME_WAIT_FIN_ACKED_AGAIN' };
    default:
      // CLOSE-WAIT, CLOSING, LAST-ACK: "Remain in the ... state."
      return { state: e.state, code: 'FIN_REPEATED' };
  }
}

function updateWindow(tcb: Tcb, seg: Segment, force: boolean): void {
  // "If (SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)), set SND.WND <- SEG.WND ..."
  if (force || seqLt(tcb.snd_wl1, seg.seq) || (tcb.snd_wl1 === seg.seq && seqLe(tcb.snd_wl2, seg.ack))) {
    const scaled = offeredWindow(tcb, seg);
    tcb.snd_wnd = scaled;
    tcb.snd_wl1 = seg.seq;
    tcb.snd_wl2 = seg.ack;
    tcb.max_snd_wnd = Math.max(tcb.max_snd_wnd, scaled);
  }
}

/**
 * The linux profile's window update (tcp_may_update_window): a segment that acknowledges new data or has a newer SEQ
 * sets the window; one with the SEQ of the last update only if its window grows or is 0. RFC 9293 §3.10.7.4 also
 * takes such a segment's smaller window (SND.WL2 =< SEG.ACK); Linux keeps the larger one it had.
 */
function linuxUpdateWindow(ctx: Context, side: Side, tcb: Tcb, seg: Segment, sndUnaBefore: number): void {
  if (linuxMayUpdateWindow(tcb, seg, sndUnaBefore)) {
    updateWindow(tcb, seg, true);
    return;
  }
  // Where RFC 9293 would have taken the smaller window and Linux does not, say so.
  const offered = offeredWindow(tcb, seg);
  if (tcb.snd_wl1 === seg.seq && seqLe(tcb.snd_wl2, seg.ack) && offered < tcb.snd_wnd) {
    record(ctx, side, 'receive', 'WINDOW_SHRINK_IGNORED', 'Linux tcp_may_update_window', segmentParams(seg, { snd_wnd: tcb.snd_wnd, offered }), { segment: seg.id });
  }
}

function nextHeld(tcb: Tcb): Trimmed | null {
  // Nearly always nothing is held: skip allocating the closure then.
  if (tcb.out_of_order.length === 0) return null;
  const i = tcb.out_of_order.findIndex((h) => seqLe(h.seq, tcb.rcv_nxt));
  if (i < 0) return null;
  const [held] = tcb.out_of_order.splice(i, 1);
  return held!;
}

function trimHeld(tcb: Tcb, held: Trimmed): Trimmed {
  const cut = seqDiff(tcb.rcv_nxt, held.seq);
  if (cut <= 0) return held;
  const dataCut = Math.min(cut, held.length);
  const finGone = cut > held.length;
  return {
    seq: tcb.rcv_nxt,
    flags: finGone ? held.flags & ~FIN : held.flags,
    length: held.length - dataCut,
    payload: held.payload === null ? null : slicePayload(held.payload, dataCut, held.length),
  };
}

/** §3.10.7.4, second step: what an accepted RST does in each state. */
function resetByPeer(ctx: Context, side: Side, seg: Segment, rule: 'exact' | 'in_window'): void {
  const e = ep(ctx, side);
  const params = segmentParams(seg, { rule, rcv_nxt: e.tcb!.rcv_nxt });
  const rfc = rule === 'exact' ? 'RFC 5961 §3.2' : 'RFC 793 §3.9';
  if (e.state === 'SYN_RECEIVED') {
    const passive = e.opened === 'passive';
    deleteTcb(ctx, side);
    if (passive) {
      // "If this connection was initiated with a passive OPEN ..., then return this connection to LISTEN state".
      transition(ctx, side, 'LISTEN', 'RST_SYN_RECEIVED_TO_LISTEN', rfc, params, seg.id);
    } else {
      transition(ctx, side, 'CLOSED', 'RST_SYN_RECEIVED_TO_CLOSED', rfc, params, seg.id);
      signal(ctx, side, 'SIGNAL_CONNECTION_REFUSED');
    }
    return;
  }
  const abortsUser = e.state === 'ESTABLISHED' || e.state === 'FIN_WAIT_1' || e.state === 'FIN_WAIT_2' || e.state === 'CLOSE_WAIT';
  deleteTcb(ctx, side);
  transition(ctx, side, 'CLOSED', abortsUser ? 'RST_RESETS_CONNECTION' : 'RST_CLOSES_CONNECTION', rfc, params, seg.id);
  if (abortsUser) signal(ctx, side, 'SIGNAL_CONNECTION_RESET');
}
