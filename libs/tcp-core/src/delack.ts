/**
 * The linux profile's acknowledgment policy for received data: delayed ACKs and quick-ACK mode (Linux
 * tcp_input.c tcp_event_data_recv, tcp_incr_quickack, tcp_enter_quickack_mode, __tcp_ack_snd_check,
 * tcp_send_delayed_ack; tcp_output.c tcp_event_ack_sent, tcp_event_data_sent; tcp_timer.c
 * tcp_delack_timer_handler; tcp.c __tcp_cleanup_rbuf).
 *
 * RFC 9293 §3.8.6.3 lets a receiver delay an ACK — "an ACK should not be excessively delayed; in particular, the
 * delay MUST be less than 0.5 seconds" and "there SHOULD be an ACK for at least every second full-sized segment"
 * (RFC 1122 §4.2.3.2) — but does not make it do so; the rfc9293 and rfc793 profiles acknowledge every segment at
 * once, which is what a reader of §3.10.7.4 expects to see. Linux delays, except:
 * - in quick-ACK mode: the first data of a connection, and data after a gap of more than an RTO, allow as many
 *   immediate ACKs as half the window has segments (at most 16, TCP_MAX_QUICKACKS);
 * - when more than one full-sized segment (rcv_mss, Linux's estimate of the peer's segment size) is unacknowledged;
 * - for out-of-order, duplicate or out-of-window data, and the segment that fills a gap (ICSK_ACK_NOW);
 * - for a FIN in FIN_WAIT_1 or FIN_WAIT_2 (tcp_fin sends the ACK itself).
 * Otherwise a timer sends the ACK after the ATO (40 ms at first, TCP_ATO_MIN, adapted to the gaps between
 * segments, at most 200 ms), unless a segment the endpoint sends meanwhile carries it. A connection whose
 * application answers within the ATO is interactive ("pingpong", threshold 1 in Linux 6.18): its ACKs always wait,
 * for the answer to carry them; so does the ACK of a FIN in ESTABLISHED, for the application's own FIN.
 *
 * Not modelled: ECN's quick ACKs, SACK compression of out-of-order ACKs (Linux answers the first three at once, as
 * here), and the condition in __tcp_ack_snd_check that the window must not shrink for the every-second-segment ACK:
 * tcplab's window is buffer − unread and shrinks with every octet received, where Linux's default buffer keeps the
 * window where it was (docs/linux-differences.md entry 9), so here that ACK follows RFC 1122 alone.
 */
import type { EventCode } from './codes';
import { ep, record, type Context } from './context';
import { ACK, FIN, PSH, SYN, URG, type Segment, type Side } from './segment';
import { seqDiff } from './sequence';
import { armTimer, cancelTimer, type Endpoint, type Tcb } from './tcb';

/** TCP_ATO_MIN = TCP_DELACK_MIN = HZ/25: the shortest delay, and the ATO at first. */
const ATO_MIN_MS = 40;
/** TCP_DELACK_MAX = HZ/5: the longest delay (icsk_delack_max), and the bound of an interactive connection's. */
const DELACK_MAX_MS = 200;
/** HZ/2: the bound of a bulk transfer's delay, RFC 9293's 0.5 s. */
const HALF_SECOND_MS = 500;
/** TCP_MAX_QUICKACKS. */
const MAX_QUICKACKS = 16;
/** TCP_MSS_DEFAULT and TCP_MIN_MSS, the bounds of the first rcv_mss (tcp_initialize_rcv_mss). */
const MSS_DEFAULT = 536;
const MIN_MSS = 88;
/** A TCP header without options. */
const TCP_HEADER = 20;

/** icsk_ack.pending's bits, as Linux names them (inet_connection_sock.h). */
const ACK_SCHED = 1;
const ACK_TIMER = 2;
const ACK_PUSHED = 4;
const ACK_PUSHED2 = 8;
const ACK_NOW = 16;

/** Whether the connection follows Linux's acknowledgment policy rather than RFC 9293's ACK-at-once. */
export function delaysAcks(ctx: Context): boolean {
  return ctx.conn.config.profile === 'linux';
}

/** tcp_initialize_rcv_mss: a first guess at the peer's segment size, before any data came. */
export function initialRcvMss(tcb: Tcb, ownMss: number): number {
  return Math.max(Math.min(ownMss, tcb.snd_mss, Math.floor(tcb.rcv_wnd / 2), MSS_DEFAULT), MIN_MSS);
}

/** tcp_incr_quickack: as many quick ACKs as half the advertised window has segments, at least 2, at most 16. */
function incrQuickAck(tcb: Tcb): void {
  const quick = Math.min(Math.floor(tcb.rcv_wnd_sent / (2 * tcb.rcv_mss)) || 2, MAX_QUICKACKS);
  if (quick > tcb.ack_quick) tcb.ack_quick = quick;
}

/** tcp_enter_quickack_mode: after out-of-order, duplicate or out-of-window data — acknowledge at once for a while. */
function enterQuickAck(tcb: Tcb): void {
  incrQuickAck(tcb);
  tcb.ack_pingpong = false;
  tcb.ack_ato_ms = ATO_MIN_MS;
}

/** tcp_in_quickack_mode. */
function inQuickAck(tcb: Tcb): boolean {
  return tcb.ack_quick > 0 && !tcb.ack_pingpong;
}

/**
 * tcp_measure_rcv_mss: rcv_mss follows the largest segments the peer sends; a smaller one marks the ACK "pushed"
 * (the peer has no more to send for now), which a read that empties the buffer then answers at once.
 */
function measureRcvMss(tcb: Tcb, ownMss: number, seg: Segment, length: number): void {
  const lastSegSize = tcb.ack_last_seg_size;
  tcb.ack_last_seg_size = 0;
  if (length >= tcb.rcv_mss) {
    tcb.rcv_mss = Math.min(length, ownMss);
    return;
  }
  // The segment's length with its header, against TCP_MSS_DEFAULT and TCP_MIN_MSS with theirs; a segment without
  // PSH, URG or FIN (TCP_REMNANT) should be full-sized, so two of the same size give the peer's MSS.
  const header = TCP_HEADER + (tcb.ts_enabled ? 12 : 0);
  if (length + header >= MSS_DEFAULT + TCP_HEADER || (length + header >= MIN_MSS + TCP_HEADER && !(seg.flags & (FIN | URG | SYN | PSH)))) {
    tcb.ack_last_seg_size = length;
    if (length === lastSegSize) {
      tcb.rcv_mss = length;
      return;
    }
  }
  if (tcb.ack_pending & ACK_PUSHED) tcb.ack_pending |= ACK_PUSHED2;
  tcb.ack_pending |= ACK_PUSHED;
}

/**
 * tcp_event_data_recv: in-order data arrived (not a held segment taken from the out-of-order queue). An ACK is now
 * due; the ATO adapts to the time since the last data — half of it plus the gap — and a gap longer than the RTO
 * (the sender was idle) starts quick-ACK mode again, as the very first data does.
 */
export function dataReceived(ctx: Context, e: Endpoint, tcb: Tcb, seg: Segment, length: number): void {
  tcb.ack_pending |= ACK_SCHED;
  measureRcvMss(tcb, e.config.mss, seg, length);
  const now = ctx.conn.clock_ms;
  if (tcb.ack_ato_ms === 0) {
    incrQuickAck(tcb);
    tcb.ack_ato_ms = ATO_MIN_MS;
  } else {
    const gap = now - tcb.ack_lrcv_ms;
    if (gap <= ATO_MIN_MS / 2) tcb.ack_ato_ms = Math.floor(tcb.ack_ato_ms / 2) + ATO_MIN_MS / 2;
    else if (gap < tcb.ack_ato_ms) tcb.ack_ato_ms = Math.min(Math.floor(tcb.ack_ato_ms / 2) + gap, tcb.rto_ms);
    else if (gap > tcb.rto_ms) incrQuickAck(tcb);
  }
  tcb.ack_lrcv_ms = now;
}

/**
 * Why an ACK is due, by the rule that made it due: data in order and a FIN in ESTABLISHED may wait (the FIN makes the
 * connection interactive: tcp_fin's inet_csk_enter_pingpong_mode); everything else — out-of-order, duplicate and
 * out-of-window data, a gap filled, a FIN in FIN_WAIT_1 or FIN_WAIT_2 — is acknowledged at once.
 */
export function ackDue(tcb: Tcb, reason: EventCode, gapFilled: boolean): void {
  tcb.ack_pending |= ACK_SCHED;
  switch (reason) {
    case 'DATA_RECEIVED':
      break;
    case 'FIN_TO_CLOSE_WAIT':
      tcb.ack_pingpong = true;
      break;
    case 'OUT_OF_ORDER_HELD':
    case 'TEXT_BEYOND_WINDOW_ACKED':
      enterQuickAck(tcb);
      tcb.ack_pending |= ACK_NOW;
      break;
    default:
      tcb.ack_pending |= ACK_NOW;
  }
  // RFC 5681 §4.2: "a TCP receiver SHOULD send an immediate ACK when ... a segment fills in all or part of a gap".
  if (gapFilled) tcb.ack_pending |= ACK_NOW;
}

/**
 * __tcp_ack_snd_check, after the segment's data went to the queue and the endpoint sent what it could (any segment
 * it sent carried the ACK): whether to acknowledge now — otherwise the delayed-ACK timer is set, or an ACK no
 * longer waits.
 */
export function ackNow(ctx: Context, side: Side, reason: EventCode): boolean {
  const e = ep(ctx, side);
  const tcb = e.tcb;
  if (!tcb || !(tcb.ack_pending & ACK_SCHED)) return false;
  if (seqDiff(tcb.rcv_nxt, tcb.rcv_wup) > tcb.rcv_mss || inQuickAck(tcb) || tcb.ack_pending & ACK_NOW) return true;
  return !delayAck(ctx, e, tcb, reason);
}

/**
 * tcp_send_delayed_ack: the timer runs for the ATO, bounded by the RTT, 200 ms and 500 ms; an earlier one stays.
 * False when the ACK should go now after all: the timer is about to expire, or the ATO is 0.
 */
function delayAck(ctx: Context, e: Endpoint, tcb: Tcb, reason: EventCode): boolean {
  let ato = tcb.ack_ato_ms;
  if (ato > ATO_MIN_MS) {
    let maxAto = tcb.ack_pingpong || tcb.ack_pending & ACK_PUSHED ? DELACK_MAX_MS : HALF_SECOND_MS;
    if (tcb.srtt_ms !== null) maxAto = Math.min(maxAto, Math.max(Math.ceil(tcb.srtt_ms), ATO_MIN_MS));
    ato = Math.min(ato, maxAto);
  }
  ato = Math.min(ato, DELACK_MAX_MS);
  const now = ctx.conn.clock_ms;
  let due = now + ato;
  if (tcb.ack_pending & ACK_TIMER) {
    const armed = delayedAckDue(e);
    // "If delack timer is about to expire, send ACK now."
    if (armed !== null && armed <= now + (ato >> 2)) return false;
    if (armed !== null && armed < due) due = armed;
  }
  // No data has come yet (a bare FIN): the ATO is 0, and Linux's timer fires at its next tick.
  if (due === now) return false;
  tcb.ack_pending |= ACK_SCHED | ACK_TIMER;
  armTimer(e, 'delayed_ack', due);
  record(ctx, e.side, 'timer', 'ACK_DELAYED', 'Linux tcp_send_delayed_ack', {
    rcv_nxt: tcb.rcv_nxt,
    delay_ms: due - now,
    ato_ms: tcb.ack_ato_ms,
    interactive: tcb.ack_pingpong,
    after_fin: reason === 'FIN_TO_CLOSE_WAIT',
  });
  return true;
}

function delayedAckDue(e: Endpoint): number | null {
  for (const t of e.timers) if (t.kind === 'delayed_ack') return t.due_ms;
  return null;
}

/**
 * tcp_delack_timer_handler: no segment carried the ACK in time. A bulk transfer's ATO doubles (up to the RTO); an
 * interactive connection whose answer did not come is interactive no longer, and its ATO starts again at 40 ms.
 * Whether the ACK is still due (timers.ts sends it).
 */
export function delayedAckTimeout(ctx: Context, side: Side): boolean {
  const tcb = ep(ctx, side).tcb;
  if (!tcb || !(tcb.ack_pending & ACK_SCHED)) return false;
  const ato = tcb.ack_ato_ms;
  if (!tcb.ack_pingpong) tcb.ack_ato_ms = Math.min(ato * 2, tcb.rto_ms);
  else {
    tcb.ack_pingpong = false;
    tcb.ack_ato_ms = ATO_MIN_MS;
  }
  record(ctx, side, 'timer', 'DELAYED_ACK_TIMEOUT', 'Linux tcp_delack_timer_handler', { rcv_nxt: tcb.rcv_nxt, ato_ms: ato, next_ato_ms: tcb.ack_ato_ms });
  return true;
}

/**
 * Every segment the endpoint sends (tcp_transmit_skb): one with ACK carries the acknowledgment that was due, so the
 * delayed-ACK timer stops and one quick ACK is used (tcp_event_ack_sent, tcp_dec_quickack_mode); the window it
 * advertises is remembered with RCV.NXT (tcp_select_window: rcv_wnd, rcv_wup); and data sent within the ATO of
 * the last data received is an answer — the connection is interactive (tcp_event_data_sent).
 */
export function segmentSent(ctx: Context, e: Endpoint, segment: Segment): void {
  const tcb = e.tcb;
  if (!tcb) return;
  if (segment.flags & ACK) {
    if (tcb.ack_quick > 0 && tcb.ack_pending & ACK_SCHED) {
      tcb.ack_quick -= 1;
      if (tcb.ack_quick === 0) tcb.ack_ato_ms = ATO_MIN_MS;
    }
    if (tcb.ack_pending & ACK_TIMER) cancelTimer(e, 'delayed_ack');
    tcb.ack_pending = 0;
  }
  tcb.rcv_wup = tcb.rcv_nxt;
  tcb.rcv_wnd_sent = segment.flags & SYN ? segment.window : segment.window * (1 << tcb.rcv_wscale);
  if (segment.length > 0 && ctx.conn.clock_ms - tcb.ack_lrcv_ms < tcb.ack_ato_ms) tcb.ack_pingpong = true;
}

/**
 * __tcp_cleanup_rbuf, after a read of `copied` octets: send the ACK that waits if more than a full segment is
 * unacknowledged or the read emptied a buffer holding a small ("pushed") segment; otherwise announce the window
 * only if it at least doubles what the peer may still send ("lots" means "at least twice"), and not after the
 * peer's FIN. Returns the rule that sends the ACK, or null.
 */
export function ackAfterRead(e: Endpoint, tcb: Tcb, copied: number, windowClamp: number): 'DELAYED_ACK_AFTER_READ' | 'WINDOW_UPDATE' | null {
  if (copied === 0) return null;
  if (tcb.ack_pending & ACK_SCHED) {
    const pushed = tcb.ack_pending & ACK_PUSHED2 || (tcb.ack_pending & ACK_PUSHED && !tcb.ack_pingpong);
    if (seqDiff(tcb.rcv_nxt, tcb.rcv_wup) > tcb.rcv_mss || (pushed && tcb.out_of_order.length === 0)) return 'DELAYED_ACK_AFTER_READ';
  }
  if (!receivesMore(e)) return null;
  const windowNow = Math.max(0, tcb.rcv_wnd_sent - seqDiff(tcb.rcv_nxt, tcb.rcv_wup));
  if (2 * windowNow > windowClamp) return null;
  return tcb.rcv_wnd > 0 && tcb.rcv_wnd >= 2 * windowNow ? 'WINDOW_UPDATE' : null;
}

/** Before the peer's FIN (RCV_SHUTDOWN): "do not send window open ACK in states, where we will not receive more". */
function receivesMore(e: Endpoint): boolean {
  return e.state === 'ESTABLISHED' || e.state === 'FIN_WAIT_1' || e.state === 'FIN_WAIT_2' || e.state === 'SYN_RECEIVED';
}
