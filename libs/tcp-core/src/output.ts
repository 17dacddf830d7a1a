import type { EventCode } from './codes';
import { ep, peer, record, rfc9293, type Context, type WireOverrides } from './context';
import type { EventParams } from './events';
import { ACK, FIN, PSH, RST, SYN, URG, flagsLabel, segLen, type Segment, type Side, type TcpOption } from './segment';
import { seqAdd, seqDiff, seqLt } from './sequence';
import { concatPayloads, slicePayload } from './payload';
import { NAGLE_OFF, NAGLE_PUSH, burstSegments, linuxMss, nagleHolds, sizeGoal, splitPoint, urgentPending } from './linux-xmit';
import { transmitsQueued } from './state';
import { lossProbeTimeout } from './tlp';
import { segmentSent } from './delack';
import { armTimer, cancelTimer, isArmed, queuedOctets, type DataChunk, type Endpoint, type OwedSegment, type Tcb, synOptions, windowField } from './tcb';

/** Citations, built once per module: every event carries one. */
const RFC9293_3_8_1 = rfc9293('3.8.1');
const RFC9293_3_8_6_1 = rfc9293('3.8.6.1');
const RFC9293_3_10 = rfc9293('3.10');
const RFC9293_3_10_7 = rfc9293('3.10.7');

/**
 * Putting segments on the wire (RFC 9293 §3.10: the "send <SEQ=..>" lines).
 * A segment's window and options are filled from the sender's TCB here, so
 * every rule only says which seq, ack and flags it sends.
 */

export interface Outgoing {
  seq: number;
  ack: number;
  flags: number;
  length: number;
  payload: string | null;
  urgent_pointer: number;
}

export type { WireOverrides };

/** TSval: a 1 ms clock with a random offset per endpoint (RFC 7323 §5.4, as Linux since 4.13). */
export function tsVal(ctx: Context, e: Endpoint): number {
  return seqAdd(e.ts_offset, ctx.conn.clock_ms);
}

/** Shared by every segment that carries timestamps (nearly all of them); frozen, as nothing may write it. */
const NOP: TcpOption = Object.freeze({ kind: 'nop' });

function options(ctx: Context, e: Endpoint, out: Outgoing): TcpOption[] {
  const tcb = e.tcb;
  if (out.flags & SYN) {
    if (!tcb) return [];
    // A SYN,ACK offers only what the SYN offered (RFC 7323 §1.3, RFC 2018 §2), which the TCB records.
    const answering = (out.flags & ACK) !== 0;
    const config = answering
      ? {
          mss: e.config.mss,
          sack_permitted: tcb.sack_permitted,
          wscale: tcb.rcv_wscale > 0 || tcb.snd_wscale > 0 ? e.config.wscale : null,
        }
      : e.config;
    const useTs = answering ? tcb.ts_enabled : e.config.timestamps;
    return synOptions(config, useTs ? { val: tsVal(ctx, e), ecr: answering ? tcb.ts_recent : 0 } : null);
  }
  if (tcb && tcb.ts_enabled) {
    return [NOP, NOP, { kind: 'ts', val: tsVal(ctx, e), ecr: tcb.ts_recent }];
  }
  return [];
}

/** Build a segment from `side` with the sender's addresses, window and options. */
/** The default of every `overrides` parameter: shared rather than allocated per segment, as nothing writes it. */
const NO_OVERRIDES: WireOverrides = {};

export function buildSegment(ctx: Context, side: Side, out: Outgoing, given: WireOverrides = NO_OVERRIDES): Segment {
  const e = ep(ctx, side);
  const p = peer(ctx, side);
  const overrides = given === NO_OVERRIDES && ctx.wire !== null && ctx.wire.side === side ? ctx.wire.overrides : given;
  return {
    id: 0,
    from: side,
    to: p.side,
    src: { ip: e.config.ip, port: e.config.port },
    dst: { ip: p.config.ip, port: p.config.port },
    seq: out.seq,
    ack: out.ack,
    flags: out.flags,
    window: overrides.window ?? (e.tcb ? windowField(e.tcb, (out.flags & SYN) !== 0) : 0),
    urgent_pointer: out.urgent_pointer,
    length: out.length,
    payload: out.payload,
    options: overrides.options ?? options(ctx, e, out),
    sent_at_ms: ctx.conn.clock_ms,
  };
}

/**
 * Put a segment on the wire: give it an id, place it in flight, and decide
 * its fate — the caller's choice for an input's own segments, otherwise the
 * network's (deliver at once, or wait in flight while auto_deliver is off).
 */
export function transmit(ctx: Context, segment: Segment, retransmission = false): Segment {
  const net = ctx.conn.network;
  segment.id = net.next_segment_id++;
  const sender = ep(ctx, segment.from);
  // Last.ACK.sent (RFC 7323 §4.3), which decides whose timestamp TSecr echoes (paws.ts takeTsRecent).
  if (sender.tcb && (segment.flags & (ACK | RST)) === ACK) sender.tcb.last_ack_sent = segment.ack;
  // The linux profile's ACK policy: this segment carries any ACK that was waiting (delack.ts).
  if (ctx.conn.config.profile === 'linux') segmentSent(ctx, sender, segment);
  ctx.segments.push(segment);
  record(
    ctx,
    segment.from,
    'send',
    retransmission ? 'SEGMENT_RETRANSMITTED' : 'SEGMENT_SENT',
    retransmission ? RFC9293_3_8_1 : RFC9293_3_10,
    {
      flags: flagsLabel(segment.flags),
      seq: segment.seq,
      ack: segment.ack,
      length: segment.length,
      window: segment.window,
      with_ack: (segment.flags & ACK) !== 0,
    },
    { segment: segment.id },
  );
  const action = ctx.directAction ?? (net.auto_deliver ? 'deliver' : 'hold');
  if (action === 'drop') {
    record(ctx, null, 'drop', 'SEGMENT_DROPPED', RFC9293_3_8_1, { flags: flagsLabel(segment.flags), seq: segment.seq }, {
      segment: segment.id,
    });
    return segment;
  }
  net.in_flight.push(segment);
  if (action === 'deliver') ctx.pending.push(segment.id);
  else if (ctx.directAction === 'hold') {
    record(ctx, null, 'network', 'SEGMENT_HELD', RFC9293_3_10_7, { flags: flagsLabel(segment.flags), seq: segment.seq }, {
      segment: segment.id,
    });
  }
  return segment;
}

/**
 * Start the retransmission timer for a segment that occupies sequence space,
 * unless it runs (RFC 6298 §5.1), and the user timeout with it (RFC 9293 §3.8.3).
 */
export function armRetransmission(ctx: Context, e: Endpoint, flags: number, length: number): void {
  if (segLen({ flags, length }) === 0 || !e.tcb) return;
  // A running RTO is left alone (RFC 6298 §5.1); a loss probe is scheduled again from each new segment, as Linux
  // does after every transmission of new data (tcp_write_xmit → tcp_schedule_loss_probe).
  if (isArmed(e, 'loss_probe') || !isArmed(e, 'retransmission')) armLossTimer(ctx, e, e.tcb);
  const userTimeout = ctx.conn.config.user_timeout_ms;
  if (userTimeout !== null && !isArmed(e, 'user_timeout')) armTimer(e, 'user_timeout', ctx.conn.clock_ms + userTimeout);
}

/**
 * Arm the timer that notices a loss: the linux profile's tail loss probe when one applies (tlp.ts), else the
 * retransmission timer, to expire after RTO (RFC 6298 §5.1, §5.3).
 */
export function armLossTimer(ctx: Context, e: Endpoint, tcb: Tcb): void {
  const probe = lossProbeTimeout(ctx.conn.config, tcb);
  cancelTimer(e, 'loss_probe');
  if (probe === null) armTimer(e, 'retransmission', ctx.conn.clock_ms + tcb.rto_ms);
  else armTimer(e, 'loss_probe', ctx.conn.clock_ms + probe);
}

/**
 * The linux profile's urgent mode. While urgent data waits (tcp_urg_mode: SND.UP ahead of SND.UNA), Linux sets URG
 * and the urgent pointer on every segment it sends that begins before SND.UP (__tcp_transmit_skb) — a pure ACK or a
 * zero-window probe too, while the window holds the urgent data back — and its SEND sets SND.UP at once
 * (tcp_mark_urg, calls.ts). RFC 9293 §3.8.5 asks for the pointer on the segments that carry urgent data (sendNew);
 * the other profiles keep to that. An ABORT's or close()'s RST,ACK carries it too (tcp_send_active_reset goes through
 * tcp_transmit_skb); a reset answering a segment (tcp_v4_send_reset) does not.
 */
export function inUrgentMode(ctx: Context, tcb: Tcb | null, out: Outgoing): Outgoing {
  if (!tcb || out.flags & (URG | SYN) || !seqLt(tcb.snd_una, tcb.snd_up) || !seqLt(out.seq, tcb.snd_up) || ctx.conn.config.profile !== 'linux') return out;
  return {
    seq: out.seq,
    ack: out.ack,
    flags: out.flags | URG,
    length: out.length,
    payload: out.payload,
    urgent_pointer: Math.min(seqDiff(tcb.snd_up, out.seq), 0xffff),
  };
}

/** Send a segment as the user's own act (a call, or a validated manual send). */
export function sendNow(ctx: Context, side: Side, out: Outgoing, overrides: WireOverrides = NO_OVERRIDES, retransmission = false): Segment {
  const marked = out.flags & RST ? out : inUrgentMode(ctx, ep(ctx, side).tcb, out);
  const segment = transmit(ctx, buildSegment(ctx, side, marked, overrides), retransmission);
  armRetransmission(ctx, ep(ctx, side), out.flags, out.length);
  return segment;
}

/**
 * A reset sent in answer to a segment goes out as Linux's tcp_v4_send_reset
 * sends it: window 0, no options (an ABORT's RST is an ordinary segment).
 */
export const RESET_ANSWER: WireOverrides = { window: 0, options: [] };

/**
 * Send what the stack itself answers (an ACK, a SYN,ACK, an RST). In manual
 * mode the caller plays the stack, so the answer is recorded as owed instead,
 * and the caller must send it, with the right numbers, next.
 */
export function answer(ctx: Context, side: Side, out: Outgoing, reason: EventCode, retransmission = false): void {
  if (ctx.conn.config.mode === 'manual') {
    owe(ctx, side, out, reason);
    return;
  }
  sendNow(ctx, side, out, out.flags & RST ? RESET_ANSWER : NO_OVERRIDES, retransmission);
}

function owe(ctx: Context, side: Side, out: Outgoing, reason: EventCode): void {
  const e = ep(ctx, side);
  const item: OwedSegment = {
    seq: out.seq,
    ack: out.ack,
    flags: out.flags,
    length: out.length,
    payload: out.payload,
    urgent_pointer: out.urgent_pointer,
    reason,
  };
  const isPureAck = isPlainAck(item);
  // A newer ACK supersedes an older one: only the latest acknowledgment is owed.
  const existing = e.owed.findIndex((o) => (isPureAck && isPlainAck(o)) || (!isPureAck && o.seq === out.seq && o.flags === out.flags));
  if (existing >= 0) e.owed.splice(existing, 1);
  e.owed.push(item);
  record(ctx, side, 'owe', 'ANSWER_OWED', RFC9293_3_10_7, {
    flags: flagsLabel(out.flags),
    seq: out.seq,
    ack: out.ack,
    length: out.length,
    with_ack: (out.flags & ACK) !== 0,
  });
}

/**
 * An owed bare acknowledgment: a newer one replaces it, and any segment the
 * endpoint sends carries it. A zero-window probe has the same shape but is
 * not one: it must go out as itself.
 */
export function isPlainAck(o: OwedSegment): boolean {
  return o.flags === ACK && o.length === 0 && o.reason !== 'ZERO_WINDOW_PROBE';
}

/** <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>: the acknowledgment the RFC sends in so many places. */
export function ackSegment(tcb: Tcb): Outgoing {
  return { seq: tcb.snd_nxt, ack: tcb.rcv_nxt, flags: ACK, length: 0, payload: null, urgent_pointer: 0 };
}

export function sendAck(ctx: Context, side: Side, reason: EventCode): void {
  const tcb = ep(ctx, side).tcb;
  if (tcb) answer(ctx, side, ackSegment(tcb), reason);
}

/**
 * Allocate sequence space for a new SYN, FIN or data segment at SND.NXT,
 * remember it for retransmission, and send it (RFC 9293 §3.10.2, §3.10.4).
 */
export function sendNew(
  ctx: Context,
  side: Side,
  flags: number,
  data: { length: number; payload: string | null; push: boolean },
  auto: boolean,
  reason: EventCode,
): void {
  const tcb = ep(ctx, side).tcb!;
  // RFC 9293 §3.8.5: every segment that begins before SND.UP carries URG and a pointer to the octet after the
  // urgent data (MUST-62), however many segments that data spans (MUST-31): a 3,000-octet urgent write leaves
  // Linux with pointers 3000, 1552, 104 at MSS 1448 (tcp_transmit_skb: snd_up − seq, at most 0xffff).
  const urgent = data.length > 0 && seqLt(tcb.snd_nxt, tcb.snd_up);
  const withFlags = flags | (data.push ? PSH : 0) | (urgent ? URG : 0);
  const out: Outgoing = {
    seq: tcb.snd_nxt,
    ack: withFlags & ACK ? tcb.rcv_nxt : 0,
    flags: withFlags,
    length: data.length,
    payload: data.payload,
    urgent_pointer: urgent ? Math.min(seqDiff(tcb.snd_up, tcb.snd_nxt), 0xffff) : 0,
  };
  tcb.retransmission_queue.push({
    seq: out.seq,
    flags: out.flags,
    length: out.length,
    payload: out.payload,
    urgent_pointer: out.urgent_pointer,
    sent_at_ms: ctx.conn.clock_ms,
    retransmitted: false,
  });
  tcb.snd_nxt = seqAdd(tcb.snd_nxt, segLen(out));
  if (auto) answer(ctx, side, out, reason);
  else sendNow(ctx, side, out);
}

/** Does the send window allow another octet? SND.UNA + SND.WND − SND.NXT (RFC 9293 §3.8.6). */
export function usableWindow(tcb: Tcb): number {
  return Math.max(0, tcb.snd_wnd - ((tcb.snd_nxt - tcb.snd_una) >>> 0));
}

/**
 * The linux profile's sender rules apply (linux-xmit.ts): in auto mode only. In manual mode the caller decides
 * what goes out, and any segment a conforming TCP could send is accepted (validate.ts).
 */
export function linuxSender(ctx: Context): boolean {
  return ctx.conn.config.profile === 'linux' && ctx.conn.config.mode === 'auto';
}

/**
 * Send what the send queue holds, as far as the peer's window and MSS allow,
 * then the FIN if CLOSE was called and the queue is empty (RFC 9293 §3.10.4:
 * "queue this until all preceding SENDs have been segmentized"), in the
 * states that transmit (TRANSMITS_QUEUED in state.ts). Linux puts the FIN on
 * the last data segment when both wait together. The linux profile holds
 * back what Linux holds back (linuxTransmit).
 */
export function pushQueued(ctx: Context, side: Side, auto: boolean): void {
  const e = ep(ctx, side);
  const tcb = e.tcb;
  if (!tcb || !transmitsQueued(e.state)) return;
  if (linuxSender(ctx)) linuxTransmit(ctx, e, tcb, auto, nagleMode(e), false);
  else segmentizeQueued(ctx, side, tcb, auto);
  if (tcb.send_queue.length === 0 && tcb.fin_queued && finFits(tcb)) {
    tcb.fin_queued = false;
    sendNew(ctx, side, ACK | FIN, { length: 0, payload: null, push: false }, auto, 'FIN_QUEUED_SENT');
  }
  persist(ctx, e, tcb);
}

/** RFC 9293's segmentation: every SEND's data in segments of at most the MSS, as much as the window takes now. */
function segmentizeQueued(ctx: Context, side: Side, tcb: Tcb, auto: boolean): void {
  while (tcb.send_queue.length > 0) {
    const usable = usableWindow(tcb);
    if (usable === 0) break;
    const chunk = tcb.send_queue[0]!;
    const length = Math.min(chunk.length, tcb.snd_mss, usable);
    const whole = length === chunk.length;
    const payload = chunk.payload === null ? null : slicePayload(chunk.payload, 0, length);
    // An urgent SEND's data is urgent to its last octet (§3.10.2: "SND.UP <- SND.NXT" once it is segmentized).
    markUrgent(tcb, chunk);
    if (whole) tcb.send_queue.shift();
    else {
      // The rest goes back as a new chunk: entries are shared with the caller's connection (cloneConnection).
      const rest = chunk.length - length;
      tcb.send_queue[0] = {
        length: rest,
        payload: chunk.payload === null ? null : slicePayload(chunk.payload, length, length + rest),
        push: chunk.push,
        urgent: chunk.urgent,
      };
    }
    const last = tcb.send_queue.length === 0;
    // The FIN rides on the last data only if the window has an octet left for it too (see finFits).
    const fin = last && tcb.fin_queued && length < usable;
    if (fin) tcb.fin_queued = false;
    sendNew(ctx, side, ACK | (fin ? FIN : 0), { length, payload, push: whole && chunk.push }, auto, 'DATA_QUEUED_SENT');
  }
}

function markUrgent(tcb: Tcb, chunk: DataChunk): void {
  if (!chunk.urgent) return;
  const end = seqAdd(tcb.snd_nxt, chunk.length);
  if (seqLt(tcb.snd_up, end)) tcb.snd_up = end;
}

/** Linux's nonagle for an endpoint's own pushes: off with TCP_NODELAY (tcp_sock_set_nodelay), else Nagle's algorithm. */
function nagleMode(e: Endpoint): number {
  return e.config.nodelay ? NAGLE_OFF : 0;
}

/**
 * SEND in the linux profile, as tcp_sendmsg_locked writes: the data fills the send queue's last entry (one of
 * Linux's buffers, which takes writes until it is sent) up to the size goal, then new entries. A buffer filled in
 * the middle of a write goes out at once if it is the queue's head (tcp_push_one); after half the peer's largest
 * window without PSH, the buffer gets PSH and everything queued goes (forced_push). At the end of the write the
 * last buffer gets PSH (tcp_mark_push) — unless the SEND asks for none, MSG_MORE's half — urgent data sets SND.UP
 * to the end of the write (tcp_mark_urg), and the queue goes out as far as the rules allow (tcp_push).
 */
export function linuxWrite(ctx: Context, side: Side, data: DataChunk): void {
  const e = ep(ctx, side);
  const tcb = e.tcb!;
  if (data.length === 0) return;
  const mss = linuxMss(tcb);
  const goal = sizeGoal(tcb, mss, data.urgent);
  const queue = tcb.send_queue;
  let writeSeq = seqAdd(tcb.snd_nxt, queuedOctets(tcb));
  // Linux's pushed_seq: where the last PSH was marked. tcplab does not keep it between SENDs; the previous SEND's
  // PSH left it at this one's start, unless that SEND had push off.
  let pushedSeq = writeSeq;
  let copied = 0;
  while (copied < data.length) {
    const tail = queue[queue.length - 1];
    let copy: number;
    if (tail && tail.length < goal && !tail.urgent && (tail.payload === null) === (data.payload === null)) {
      copy = Math.min(goal - tail.length, data.length - copied);
      // A write that continues a buffer takes its PSH away; the end of the write marks it again.
      queue[queue.length - 1] = { length: tail.length + copy, payload: joined(tail.payload, data.payload, copied, copy), push: copied === 0 ? false : tail.push, urgent: false };
    } else {
      copy = Math.min(goal, data.length - copied);
      queue.push({ length: copy, payload: joined(null, data.payload, copied, copy), push: false, urgent: false });
    }
    copied += copy;
    writeSeq = seqAdd(writeSeq, copy);
    if (copied === data.length || data.urgent) continue;
    // A full buffer with more of the write to come.
    const sincePush = seqDiff(writeSeq, pushedSeq);
    if (sincePush > tcb.max_snd_wnd >> 1) {
      queue[queue.length - 1] = { ...queue[queue.length - 1]!, push: true };
      pushedSeq = writeSeq;
      record(ctx, side, 'send', 'PUSH_FORCED', LINUX_TCP_SENDMSG, { since_push: sincePush, max_snd_wnd: tcb.max_snd_wnd });
      linuxTransmit(ctx, e, tcb, false, NAGLE_PUSH, false);
    } else if (queue.length === 1) linuxTransmit(ctx, e, tcb, false, NAGLE_PUSH, true);
  }
  if (data.push) queue[queue.length - 1] = { ...queue[queue.length - 1]!, push: true };
  if (data.urgent) tcb.snd_up = writeSeq;
  linuxTransmit(ctx, e, tcb, false, nagleMode(e), false);
  persist(ctx, e, tcb);
}

/** `base` followed by octets from..from+length of `more`, as one payload (null: unspecified content). */
function joined(base: string | null, more: string | null, from: number, length: number): string | null {
  if (more === null) return null;
  const piece = slicePayload(more, from, from + length);
  return base === null ? piece : concatPayloads([base, piece]);
}

const LINUX_TCP_SENDMSG = 'Linux tcp_sendmsg_locked';
const LINUX_TCP_WRITE_XMIT = 'Linux tcp_write_xmit';
const RFC9293_3_7_4 = rfc9293('3.7.4');
const RFC9293_3_8_6_2_1 = rfc9293('3.8.6.2.1');

/** tcp_snd_wnd_test: what of a buffer must fit in the window before it goes — its first MSS, all of it with its FIN when smaller. */
function firstToFit(tcb: Tcb, chunk: DataChunk, mss: number): number {
  const fin = tcb.send_queue.length === 1 && tcb.fin_queued;
  return chunk.length > mss ? mss : chunk.length + (fin ? 1 : 0);
}

/**
 * Whether the linux profile's tail loss probe sends new data rather than the last segment again (RFC 8985 §7.3: "If
 * a previously unsent segment exists AND the receive window allows new data to be sent"; Linux
 * tcp_send_loss_probe): a buffer waits, held by Nagle's algorithm, and its first MSS fits the window.
 */
export function lossProbeHasNewData(ctx: Context, tcb: Tcb): boolean {
  if (!linuxSender(ctx) || tcb.send_queue.length === 0) return false;
  return firstToFit(tcb, tcb.send_queue[0]!, linuxMss(tcb)) <= usableWindow(tcb);
}

/** The loss probe's new data: one segment, Nagle's algorithm off (tcp_write_xmit(…, TCP_NAGLE_OFF, 2, …): a quota of one). */
export function sendLossProbeData(ctx: Context, side: Side): void {
  const e = ep(ctx, side);
  linuxTransmit(ctx, e, e.tcb!, true, NAGLE_OFF, true, 1);
}

/**
 * tcp_write_xmit for the linux profile: send the queue's buffers in order while the rules of linux-xmit.ts let
 * them go, and say why the first one that stays stays. `nonagle` is Linux's: 0 (Nagle's algorithm), NAGLE_OFF
 * (TCP_NODELAY) or NAGLE_PUSH (a buffer filled in the middle of a write); `pushOne` sends one buffer at most, and
 * `burstLimit`, if given, caps the segments one transmission may carry (the loss probe's quota of one).
 */
function linuxTransmit(ctx: Context, e: Endpoint, tcb: Tcb, auto: boolean, nonagle: number, pushOne: boolean, burstLimit?: number): void {
  const mss = linuxMss(tcb);
  const burst = burstLimit ?? burstSegments(tcb, mss);
  let sent = false;
  while (tcb.send_queue.length > 0) {
    growHead(tcb, burst * mss);
    const chunk = tcb.send_queue[0]!;
    // An empty SEND queued before ESTABLISHED: Linux queues nothing for a write of no octets.
    if (chunk.length === 0) {
      tcb.send_queue.shift();
      continue;
    }
    // Data queued before ESTABLISHED keeps RFC 9293's urgent mark (calls.ts); a linux write sets SND.UP itself.
    markUrgent(tcb, chunk);
    const last = tcb.send_queue.length === 1;
    const fin = last && tcb.fin_queued;
    const usable = usableWindow(tcb);
    const first = firstToFit(tcb, chunk, mss);
    if (first > usable) {
      // A zero window holds data in every profile (the persist timer's business); a small one only in Linux's.
      if (usable > 0) record(ctx, e.side, 'send', 'SEND_HELD_WINDOW', RFC9293_3_8_6_2_1, { queued: queuedOctets(tcb), needed: first, usable, snd_wnd: tcb.snd_wnd });
      return;
    }
    let length = chunk.length;
    if (chunk.length <= mss) {
      // tcp_nagle_test: buffers before the last go at once, as do urgent data and a FIN.
      if (!fin && !urgentPending(tcb) && nagleHolds(tcb, chunk.length, mss, last ? nonagle : NAGLE_PUSH)) {
        record(ctx, e.side, 'send', 'SEND_HELD_NAGLE', RFC9293_3_7_4, { queued: queuedOctets(tcb), length: chunk.length, mss });
        return;
      }
    } else length = urgentPending(tcb) ? mss : splitPoint(tcb, chunk.length, usable, mss, burst, last, nonagle);
    if (!sent && mss < tcb.snd_mss) record(ctx, e.side, 'send', 'SEGMENTS_HALF_WINDOW', LINUX_TCP_WRITE_XMIT, { mss, snd_mss: tcb.snd_mss, max_snd_wnd: tcb.max_snd_wnd });
    sent = true;
    sendFromHead(ctx, e.side, tcb, length, mss, fin && length === chunk.length, auto, 'DATA_QUEUED_SENT');
    if (pushOne) return;
  }
}

/**
 * tcp_grow_skb: a head buffer shorter than one transmission takes data from the next one; PSH comes along only
 * with the next buffer's last octet.
 */
function growHead(tcb: Tcb, size: number): void {
  const queue = tcb.send_queue;
  while (queue.length > 1 && queue[0]!.length < size) {
    const head = queue[0]!;
    const next = queue[1]!;
    if (head.urgent !== next.urgent || (head.payload === null) !== (next.payload === null)) return;
    const take = Math.min(size - head.length, next.length);
    const whole = take === next.length;
    queue[0] = { length: head.length + take, payload: joined(head.payload, next.payload, 0, take), push: head.push || (whole && next.push), urgent: head.urgent };
    if (whole) queue.splice(1, 1);
    else queue[1] = { length: next.length - take, payload: next.payload === null ? null : slicePayload(next.payload, take, next.length), push: next.push, urgent: next.urgent };
  }
}

/**
 * Send `length` octets from the head buffer as segments of at most `mss`, as the device cuts one transmission
 * (GSO): PSH, and the FIN when `fin`, on the last segment only, and only if it ends the buffer; the rest of a
 * buffer keeps its PSH (tcp_fragment).
 */
function sendFromHead(ctx: Context, side: Side, tcb: Tcb, length: number, mss: number, fin: boolean, auto: boolean, reason: EventCode, probe = false): void {
  const chunk = tcb.send_queue[0]!;
  const whole = length === chunk.length;
  if (whole) tcb.send_queue.shift();
  else {
    tcb.send_queue[0] = {
      length: chunk.length - length,
      payload: chunk.payload === null ? null : slicePayload(chunk.payload, length, chunk.length),
      push: chunk.push,
      urgent: chunk.urgent,
    };
  }
  if (fin) tcb.fin_queued = false;
  for (let at = 0; at < length; at += mss) {
    const size = Math.min(mss, length - at);
    const end = at + size === length;
    const payload = chunk.payload === null ? null : slicePayload(chunk.payload, at, at + size);
    sendNew(ctx, side, ACK | (end && fin ? FIN : 0), { length: size, payload, push: end && (probe || (whole && chunk.push)) }, auto, reason);
  }
}

/**
 * A FIN occupies a sequence number (RFC 9293 §3.3.1), so it waits for an octet of usable window as data does: a
 * receiver whose window is zero finds any segment with SEG.LEN > 0 unacceptable (§3.10.7.4, first) and would drop
 * it. Linux holds it the same way (tcp_snd_wnd_test counts the FIN in end_seq) and probes the window meanwhile.
 */
export function finFits(tcb: Tcb): boolean {
  return usableWindow(tcb) > 0;
}

/**
 * RFC 9293 §3.8.6.1: data (or a FIN) waits, the peer's window is zero, and nothing is in
 * flight whose acknowledgment could tell us when it opens — the window update
 * itself may be lost. The persist timer then probes (MUST-36), the first time
 * after one RTO and each time after twice the interval before (SHLD-29,
 * SHLD-30), up to the RTO ceiling; it stops, and its backoff starts over, once
 * the window opens or data is in flight again.
 */
function persist(ctx: Context, e: Endpoint, tcb: Tcb): void {
  // The linux profile also holds data back from a window that is open but too small for it (linux-xmit.ts), and
  // Linux probes then too: its probe timer runs whenever data waits with nothing in flight (tcp_check_probe_timer).
  const windowHolds = tcb.snd_wnd === 0 || linuxSender(ctx);
  if ((tcb.send_queue.length > 0 || tcb.fin_queued) && windowHolds && tcb.retransmission_queue.length === 0) {
    if (isArmed(e, 'persist')) return;
    const interval = probeInterval(ctx, tcb);
    armTimer(e, 'persist', ctx.conn.clock_ms + interval);
    const queued = queuedOctets(tcb);
    const params: EventParams = queued > 0 ? { queued, interval_ms: interval } : { queued, interval_ms: interval, fin_waiting: true };
    if (tcb.snd_wnd > 0) params['usable'] = usableWindow(tcb);
    record(ctx, e.side, 'timer', 'PERSIST_TIMER_STARTED', RFC9293_3_8_6_1, params);
    return;
  }
  if (tcb.probes === 0 && e.timers.length === 0 && e.owed.length === 0) return;
  tcb.probes = 0;
  cancelTimer(e, 'persist');
  // A probe owed in manual mode is not needed any more either.
  if (e.owed.length > 0) e.owed = e.owed.filter((o) => o.reason !== 'ZERO_WINDOW_PROBE');
}

/**
 * The linux profile's persist timer when the window is open but too small for the next buffer (tcp_write_wakeup):
 * send what fits — at most an MSS, with PSH — rather than a zero-window probe. This is RFC 9293 §3.8.6.2.1's
 * override timeout, after which a sender avoiding silly windows sends what it can. Once that data is in flight
 * its retransmission timer takes over, and the persist timer stops (persist). False when this does not apply.
 */
export function probeSmallWindow(ctx: Context, side: Side, intervalMs: number): boolean {
  const e = ep(ctx, side);
  const tcb = e.tcb!;
  const chunk = tcb.send_queue[0];
  const usable = usableWindow(tcb);
  if (!linuxSender(ctx) || !chunk || usable === 0) return false;
  const mss = linuxMss(tcb);
  const fin = tcb.send_queue.length === 1 && tcb.fin_queued;
  // What fits of the buffer, at most an MSS; all of it (with its FIN) only if all of it fits.
  const length = usable < chunk.length + (fin ? 1 : 0) || chunk.length > mss ? Math.min(usable, mss, chunk.length) : chunk.length;
  // Linux marks the buffer PSH before it cuts it, so both the probe and the rest carry it.
  tcb.send_queue[0] = { ...chunk, push: true };
  record(ctx, side, 'timer', 'WINDOW_PROBE_WITH_DATA', RFC9293_3_8_6_2_1, { length, usable, queued: queuedOctets(tcb), interval_ms: intervalMs });
  sendFromHead(ctx, side, tcb, length, mss, fin && length === chunk.length && length < usable, true, 'WINDOW_PROBE_WITH_DATA', true);
  persist(ctx, e, tcb);
  return true;
}

/** RTO × 2^probes, at most the RTO ceiling (RFC 9293 §3.8.6.1 SHLD-30; Linux tcp_probe0_when). */
export function probeInterval(ctx: Context, tcb: Tcb): number {
  return Math.min(tcb.rto_ms * 2 ** tcb.probes, ctx.conn.config.max_rto_ms);
}

/**
 * The zero-window probe the persist timer sends: <SEQ=SND.UNA−1><ACK=RCV.NXT><CTL=ACK>,
 * no data, as Linux sends it (tcp_xmit_probe_skb). An old sequence number is
 * unacceptable to any receiver, which must answer with an ACK carrying its
 * window (§3.10.7.4 first step); and as it takes no sequence space, a probe
 * never counts as a retransmission, so the connection stays open for as long
 * as the peer answers (MUST-36). RFC 9293 also allows one octet of new data
 * beyond the window: manual mode accepts both (validate.ts).
 */
export function zeroWindowProbe(tcb: Tcb): Outgoing {
  return { seq: seqAdd(tcb.snd_una, -1), ack: tcb.rcv_nxt, flags: ACK, length: 0, payload: null, urgent_pointer: 0 };
}

/**
 * The other probe of §3.8.6.1, "one octet of new data" sent beyond the zero
 * window: the first octet of the send queue, or `data` when the queue is empty
 * (a manual-mode SEND of one octet). It takes sequence space, so from here its
 * retransmission timer repeats it until an ACK covers it.
 */
export function sendProbeOctet(ctx: Context, side: Side, data: { payload: string | null; push: boolean }): void {
  const tcb = ep(ctx, side).tcb!;
  const chunk = tcb.send_queue[0];
  if (!chunk) {
    sendNew(ctx, side, ACK, { length: 1, payload: data.payload, push: data.push }, false, 'ZERO_WINDOW_PROBE');
    persist(ctx, ep(ctx, side), tcb);
    return;
  }
  if (chunk.urgent) {
    const end = seqAdd(tcb.snd_nxt, chunk.length);
    if (seqLt(tcb.snd_up, end)) tcb.snd_up = end;
  }
  const payload = chunk.payload === null ? null : slicePayload(chunk.payload, 0, 1);
  if (chunk.length === 1) tcb.send_queue.shift();
  else {
    tcb.send_queue[0] = {
      length: chunk.length - 1,
      payload: chunk.payload === null ? null : slicePayload(chunk.payload, 1, chunk.length),
      push: chunk.push,
      urgent: chunk.urgent,
    };
  }
  sendNew(ctx, side, ACK, { length: 1, payload, push: chunk.length === 1 && chunk.push }, false, 'ZERO_WINDOW_PROBE');
  persist(ctx, ep(ctx, side), tcb);
}
