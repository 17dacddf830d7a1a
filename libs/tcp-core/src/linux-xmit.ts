/**
 * The linux profile's sending rules: when Linux 6.x holds queued data back and how it cuts it into segments
 * (tcp_sendmsg_locked, tcp_write_xmit and the helpers they call, net/ipv4/tcp.c and tcp_output.c). RFC 9293
 * asks for sender-side silly window avoidance (§3.8.6.2.1, MUST-38) and recommends Nagle's algorithm (§3.7.4,
 * SHLD-7) without fixing either one's details; Linux's choices, checked against the kernel by the differential
 * suite (test/linux/cases.ts), are:
 *
 * - Nagle's algorithm with Minshall's variant (tcp_nagle_test, tcp_minshall_check): a segment smaller than the
 *   MSS at the end of the queue waits while an earlier *small* segment is unacknowledged — not while any data
 *   is — unless the socket has TCP_NODELAY, the segment carries the FIN, or urgent data is pending.
 * - Silly window avoidance by whole queue entries (tcp_snd_wnd_test): Linux's send queue holds buffers (skbs)
 *   that each application write fills up to a size goal, and a buffer goes out only if its first MSS (or all of
 *   it, when smaller) fits in the peer's window; a buffer larger than the window is cut at an MSS boundary, and
 *   at the window's edge only as Nagle's algorithm allows (tcp_mss_split_point).
 * - Segments of at most half the peer's largest window when that is small (tcp_bound_to_half_wnd, applied to
 *   the MSS by tcp_sync_mss and to the buffers' size goal by tcp_xmit_size_goal).
 *
 * This file decides; output.ts sends. tcplab's send queue entries play Linux's buffers in this profile (auto mode
 * only: in manual mode the caller decides what goes out, and any segment a TCP could send is accepted).
 */
import type { Tcb } from './tcb';
import { seqLt } from './sequence';

/** TCP_MSS_DEFAULT (RFC 1122's 536): below a largest window of this, segments are bounded by the whole window. */
const MSS_DEFAULT = 536;

/**
 * The largest buffer the device can take in one go (GSO_LEGACY_MAX_SIZE). sk_setup_caps takes a few hundred
 * octets of headers off, which would matter only with a peer whose window exceeds 128 KB.
 */
const GSO_MAX_SIZE = 65_536;

/** tcp_tso_autosize's floor (net.ipv4.tcp_min_tso_segs). */
const MIN_TSO_SEGS = 2;

/**
 * TCP_INIT_CWND. tcplab has no congestion control; the pacing rate that sizes Linux's bursts is computed from
 * the initial congestion window, which is what it is in every short exchange the suite compares.
 */
const INIT_CWND = 10;

/** Linux's nonagle bits (include/net/tcp.h): TCP_NODELAY sets OFF; PUSH sends every buffer but the last at once. */
export const NAGLE_OFF = 1;
export const NAGLE_PUSH = 4;

/** 20 octets of header, and the timestamp option's 12 when in use (tp->tcp_header_len). */
function headerLength(tcb: Tcb): number {
  return tcb.ts_enabled ? 32 : 20;
}

/**
 * tcp_bound_to_half_wnd: "when peer uses tiny windows, there is no use in packetizing to sub-MSS pieces for the
 * sake of SWS" — a size is cut to half the peer's largest window (the whole of it below 536 octets), but never
 * below 68 octets of packet.
 */
function boundToHalfWindow(tcb: Tcb, size: number): number {
  const cutoff = tcb.max_snd_wnd > MSS_DEFAULT ? tcb.max_snd_wnd >> 1 : tcb.max_snd_wnd;
  return cutoff > 0 && size > cutoff ? Math.max(cutoff, 68 - headerLength(tcb)) : size;
}

/** mss_now: the largest payload of one segment, the MSS bounded by half the peer's largest window (tcp_sync_mss). */
export function linuxMss(tcb: Tcb): number {
  return boundToHalfWindow(tcb, tcb.snd_mss);
}

/**
 * How much one buffer takes from the application's writes (tcp_xmit_size_goal): a whole number of MSS up to
 * half the peer's largest window and the device's limit, at least one MSS; an urgent write's buffers hold one
 * MSS each (tcp_send_mss: large_allowed is off with MSG_OOB).
 */
export function sizeGoal(tcb: Tcb, mss: number, urgent: boolean): number {
  if (urgent) return mss;
  return Math.max(Math.floor(boundToHalfWindow(tcb, GSO_MAX_SIZE) / mss) * mss, mss);
}

/**
 * How many MSS one transmission may carry (tcp_tso_autosize): about a millisecond's worth at the pacing rate —
 * 200 % of cwnd · MSS / SRTT in slow start (tcp_update_pacing_rate) — plus a bonus on short paths, at least
 * two. Over the suite's 10 and 400 ms round trips that is two; tcplab's own simulations, whose round trip is
 * usually 0 ms, send a whole buffer at once. Linux takes the minimum RTT for the bonus; tcplab has SRTT.
 */
export function burstSegments(tcb: Tcb, mss: number): number {
  if (tcb.srtt_ms === null) return Math.floor(GSO_MAX_SIZE / mss);
  const srttUs = Math.max(tcb.srtt_ms * 1000, 1);
  let bytes = ((2 * INIT_CWND * mss) / srttUs) * 1_000_000 / 1024;
  const r = Math.floor(srttUs / 512);
  if (r < 32) bytes += GSO_MAX_SIZE / 2 ** r;
  return Math.max(Math.floor(Math.min(bytes, GSO_MAX_SIZE) / mss), MIN_TSO_SEGS);
}

/**
 * tcp_minshall_check: an earlier segment smaller than the MSS is still unacknowledged (Linux keeps its end in
 * snd_sml; the retransmission queue holds the same segments).
 */
function smallSegmentInFlight(tcb: Tcb, mss: number): boolean {
  for (const s of tcb.retransmission_queue) if (s.length > 0 && s.length < mss) return true;
  return false;
}

/** tcp_urg_mode: urgent data is queued or not yet acknowledged; Nagle's algorithm stands aside for it. */
export function urgentPending(tcb: Tcb): boolean {
  return seqLt(tcb.snd_una, tcb.snd_up);
}

/**
 * tcp_nagle_check for a segment of `length` octets: held if it is smaller than the MSS and Nagle's algorithm
 * is on (nonagle 0) while a small segment is unacknowledged. The callers leave out the cases tcp_nagle_test
 * lets through first (PUSH, urgent data, a FIN).
 */
export function nagleHolds(tcb: Tcb, length: number, mss: number, nonagle: number): boolean {
  return length < mss && nonagle === 0 && smallSegmentInFlight(tcb, mss);
}

/**
 * tcp_mss_split_point: how much of a buffer larger than one MSS goes out now, given `usable` octets of window:
 * at most `burst` MSS; where the window cuts the buffer short, up to the window's edge — but not the last piece
 * smaller than an MSS there if Nagle's algorithm would hold it.
 */
export function splitPoint(tcb: Tcb, length: number, usable: number, mss: number, burst: number, last: boolean, nonagle: number): number {
  const maxLen = mss * burst;
  if (maxLen <= usable && !last) return maxLen;
  const needed = Math.min(length, usable);
  if (maxLen <= needed) return maxLen;
  const partial = needed % mss;
  if (partial !== 0 && nagleHolds(tcb, partial, mss, nonagle)) return needed - partial;
  return needed;
}
