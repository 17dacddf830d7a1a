import type { EventCode } from './codes';
import { SYN, type Segment, type Side, type TcpOption } from './segment';
import { seqGt } from './sequence';
import type { State } from './state';

/** How an endpoint is set up: its socket and what it offers in its SYN. */
export interface EndpointConfig {
  ip: string;
  port: number;
  /** ISN of the first connection; null draws it from the seeded PRNG (RFC 9293 §3.4.1). */
  isn: number | null;
  /** Receive buffer in octets: RCV.WND while nothing is waiting to be read. */
  window: number;
  /** MSS this endpoint announces (RFC 9293 §3.7.1). */
  mss: number;
  /** Window scale shift offered in the SYN (RFC 7323 §2); null offers none. */
  wscale: number | null;
  sack_permitted: boolean;
  /** Offer RFC 7323 timestamps, as Linux does by default. */
  timestamps: boolean;
  /**
   * TCP_NODELAY: no Nagle's algorithm (RFC 9293 §3.7.4, MUST-17: an application must be able to turn it off).
   * Only the linux profile applies Nagle's algorithm (linux-xmit.ts); off by default, as on Linux.
   */
  nodelay: boolean;
}

/**
 * A stretch of sequence space that was sent and is not yet acknowledged.
 * Read-only: entries are shared between a step's input and output connections (cloneConnection), so a rule replaces one instead of writing it.
 */
export interface SentSegment {
  readonly seq: number;
  readonly flags: number;
  readonly length: number;
  readonly payload: string | null;
  readonly urgent_pointer: number;
  /** When it was first sent, on the simulated clock: the start of its RTT sample (RFC 6298 §2). */
  readonly sent_at_ms: number;
  /** It has been sent again: Karn's algorithm takes no RTT sample from it (RFC 6298 §3). */
  readonly retransmitted: boolean;
}

/**
 * User data waiting to be sent, or received and waiting to be read.
 * Read-only: entries are shared between a step's input and output connections (cloneConnection), so a rule replaces one instead of writing it.
 */
export interface DataChunk {
  readonly length: number;
  readonly payload: string | null;
  readonly push: boolean;
  readonly urgent: boolean;
}

/** A segment that arrived ahead of RCV.NXT and waits for the gap to fill (RFC 9293 §3.10.7.4, seventh). */
export interface HeldSegment {
  readonly seq: number;
  readonly flags: number;
  readonly length: number;
  readonly payload: string | null;
  readonly urgent_pointer: number;
}

/**
 * The transmission control block (RFC 9293 §3.3.1), with variables named as
 * the RFC spells them. Windows are in octets; the raw header field is derived
 * from them with the negotiated scale.
 */
export interface Tcb {
  iss: number;
  irs: number;
  snd_una: number;
  snd_nxt: number;
  snd_wnd: number;
  snd_up: number;
  snd_wl1: number;
  snd_wl2: number;
  rcv_nxt: number;
  rcv_wnd: number;
  rcv_up: number;
  /** Largest window the peer has offered (RFC 9293 §3.8.6.2.1 / RFC 5961 §5 MAX.SND.WND). */
  max_snd_wnd: number;
  /** Shift applied to the peer's window field; 0 unless both SYNs carried wscale (RFC 7323 §2.2). */
  snd_wscale: number;
  /** Shift this endpoint applies to its own window field. */
  rcv_wscale: number;
  /** Largest payload this endpoint may put in one segment (the peer's MSS, less the timestamp option). */
  snd_mss: number;
  sack_permitted: boolean;
  ts_enabled: boolean;
  /** TS.Recent (RFC 7323 §4.3): the peer's last timestamp, echoed in our TSecr. */
  ts_recent: number;
  /** When TS.Recent was set, on the simulated clock: PAWS trusts it only so long (RFC 7323 §5.5; paws.ts). */
  ts_recent_at_ms: number;
  /** Last.ACK.sent (RFC 7323 §4.3; Linux's rcv_wup): the acknowledgment number this endpoint last sent. */
  last_ack_sent: number;
  send_queue: DataChunk[];
  retransmission_queue: SentSegment[];
  receive_queue: DataChunk[];
  out_of_order: HeldSegment[];
  /** CLOSE was called: a FIN goes out once the send queue is empty. */
  fin_queued: boolean;
  /**
   * The application has closed its socket (the linux profile's close(), RFC 9293 §3.6.1's "half-duplex" close;
   * Linux marks the socket SOCK_DEAD and shuts its receiving side): nothing will read what arrives from now on.
   */
  orphaned: boolean;
  /** RTO for the next retransmission: computed from SRTT and RTTVAR (rtt.ts), doubled on every timeout (RFC 6298 §5.5). */
  rto_ms: number;
  /** SRTT, the smoothed round-trip time (RFC 6298 §2); null until the first RTT sample. */
  srtt_ms: number | null;
  /** RTTVAR, the round-trip time variation (RFC 6298 §2); null until the first RTT sample. */
  rttvar_ms: number | null;
  retries: number;
  /** SND.NXT when the linux profile's tail loss probe went out (tlp.ts); null when none is outstanding. */
  tlp_high_seq: number | null;
  /** Zero-window probes sent since the window closed: the persist timer's backoff (RFC 9293 §3.8.6.1). */
  probes: number;
  /**
   * RCV.NXT when this endpoint last sent a segment, and the window (octets) that segment advertised — Linux's
   * rcv_wup and rcv_wnd: the peer may still send up to RCV.WUP + that window. The linux profile's ACK policy uses
   * them (delack.ts).
   */
  rcv_wup: number;
  rcv_wnd_sent: number;
  /** The linux profile's estimate of the peer's full segment size (Linux icsk_ack.rcv_mss, delack.ts). */
  rcv_mss: number;
  /** The linux profile's acknowledgment state (delack.ts), as Linux's icsk_ack names it: pending's bits (ACK due, timer set, …). */
  ack_pending: number;
  /** Quick ACKs left (icsk_ack.quick). */
  ack_quick: number;
  /** The ACK timeout, ATO (icsk_ack.ato): 0 until data arrives. */
  ack_ato_ms: number;
  /** The connection is interactive (icsk_ack.pingpong): its ACKs wait for the application's answer. */
  ack_pingpong: boolean;
  /** When data last arrived in order (icsk_ack.lrcvtime). */
  ack_lrcv_ms: number;
  /** The size of the last segment that may have been full-sized (icsk_ack.last_seg_size). */
  ack_last_seg_size: number;
}

export type TimerKind = 'retransmission' | 'loss_probe' | 'persist' | 'time_wait' | 'user_timeout' | 'fin_wait_2' | 'delayed_ack';

/** Read-only, like the queue entries: shared between a step's input and output connections. */
export interface Timer {
  readonly kind: TimerKind;
  readonly due_ms: number;
}

/** A segment the stack must send next, in manual mode, where the caller plays both sides. Read-only, like the queue entries. */
export interface OwedSegment {
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly length: number;
  readonly payload: string | null;
  readonly urgent_pointer: number;
  /** Why it is owed: the code of the rule that called for it. */
  readonly reason: EventCode;
}

export interface Endpoint {
  side: Side;
  config: EndpointConfig;
  state: State;
  /** How SYN_RECEIVED was reached (RFC 9293 §3.10.7.4: an RST sends a passive one back to LISTEN). */
  opened: 'passive' | 'active' | null;
  tcb: Tcb | null;
  timers: Timer[];
  owed: OwedSegment[];
  /** Offset added to the clock for TSval (RFC 7323 §5.4: randomised per connection). */
  ts_offset: number;
  /** Connections this endpoint has opened so far; the first one uses the configured ISN. */
  incarnation: number;
  /** When this endpoint last sent an out-of-window or challenge ACK (for the rate limit in arrive.ts). */
  oow_ack_at_ms: number | null;
}

/** The options an endpoint puts in its SYN or SYN,ACK, laid out in Linux's wire order. */
export function synOptions(config: Pick<EndpointConfig, 'mss' | 'sack_permitted' | 'wscale'>, ts: { val: number; ecr: number } | null): TcpOption[] {
  const options: TcpOption[] = [{ kind: 'mss', value: config.mss }];
  if (config.sack_permitted && ts) {
    options.push({ kind: 'sackOK' }, { kind: 'ts', val: ts.val, ecr: ts.ecr });
  } else if (ts) {
    options.push({ kind: 'nop' }, { kind: 'nop' }, { kind: 'ts', val: ts.val, ecr: ts.ecr });
  } else if (config.sack_permitted) {
    options.push({ kind: 'nop' }, { kind: 'nop' }, { kind: 'sackOK' });
  }
  if (config.wscale !== null) {
    options.push({ kind: 'nop' }, { kind: 'wscale', shift: config.wscale });
  }
  return options;
}

/** Bytes received and not yet read by the user. */
export function unreadOctets(tcb: Tcb): number {
  // A plain loop rather than reduce with a closure: this runs for every segment of data received.
  let sum = 0;
  for (const chunk of tcb.receive_queue) sum += chunk.length;
  return sum;
}

/**
 * The raw 16-bit window field this endpoint advertises. In a SYN it is never
 * scaled (RFC 7323 §2.2); afterwards it is RCV.WND >> shift, rounded up as
 * Linux does (__tcp_select_window aligns to 1 << shift), which is why the
 * seed capture shows `win 229` for a 29,200-octet window with wscale 7.
 */
export function windowField(tcb: Tcb, syn: boolean): number {
  if (syn) return Math.min(tcb.rcv_wnd, 0xffff);
  const shift = tcb.rcv_wscale;
  // 1 << shift is 2^shift: the shift is at most 14 (RFC 7323 §2.3, clamped in acceptPeerSyn).
  const scaled = shift === 0 ? tcb.rcv_wnd : Math.ceil(tcb.rcv_wnd / (1 << shift));
  return Math.min(scaled, 0xffff);
}

/**
 * Offer the window again with `free` octets of buffer left (RFC 9293 §3.8.6).
 * With window scaling the field is the window shifted right, and Linux rounds
 * the offer up rather than let the low bits be lost (__tcp_select_window:
 * ALIGN(free_space, 1 << rcv_wscale)) — and keeps the rounded value as its
 * window, so RCV.WND, which acceptance and trimming use, is exactly what the
 * field advertises (RFC 7323 §2.4): a peer that fills it loses nothing. The
 * right edge may still move left by less than 2^shift as data is taken, as
 * the seed capture shows (win 229, then 228 after 21 octets: RFC 7323
 * Appendix F explains why no rounding can avoid that).
 */
export function offerWindow(tcb: Tcb, free: number): void {
  const shift = tcb.rcv_wscale;
  if (free <= 0) tcb.rcv_wnd = 0;
  else if (shift === 0) tcb.rcv_wnd = free < 0xffff ? free : 0xffff;
  else {
    // 1 << shift is 2^shift (at most 2^14, RFC 7323 §2.3); the product stays below 2^30, a plain number.
    const fields = Math.ceil(free / (1 << shift));
    tcb.rcv_wnd = (fields < 0xffff ? fields : 0xffff) * (1 << shift);
  }
}

/** Octets of SEND data the endpoint has not yet put on the wire. */
export function queuedOctets(tcb: Tcb): number {
  let sum = 0;
  for (const chunk of tcb.send_queue) sum += chunk.length;
  return sum;
}

export function armTimer(e: Endpoint, kind: TimerKind, dueMs: number): void {
  cancelTimer(e, kind);
  e.timers.push({ kind, due_ms: dueMs });
}

// Plain loops rather than findIndex/some with a closure: these run for nearly every segment, over a handful of timers.

export function cancelTimer(e: Endpoint, kind: TimerKind): void {
  const timers = e.timers;
  for (let i = 0; i < timers.length; i++) {
    if (timers[i]!.kind === kind) {
      // Move the later timers down and pop, rather than splice(), which allocates an array of the removed entries.
      for (let j = i + 1; j < timers.length; j++) timers[j - 1] = timers[j]!;
      timers.pop();
      return;
    }
  }
}

export function isArmed(e: Endpoint, kind: TimerKind): boolean {
  for (const t of e.timers) if (t.kind === kind) return true;
  return false;
}

export function cancelAllTimers(e: Endpoint): void {
  e.timers.length = 0;
}

/** The window a segment offers, in octets: RFC 7323 §2.3 shifts the window field of a segment without SYN by the peer's scale. */
export function offeredWindow(tcb: Tcb, seg: Segment): number {
  // 1 << snd_wscale is 2^snd_wscale (at most 2^14, RFC 7323 §2.3); the product is a plain number, so it cannot overflow.
  return seg.flags & SYN ? seg.window : seg.window * (1 << tcb.snd_wscale);
}

/**
 * Linux tcp_may_update_window: the segment may move the send window — it acknowledges new data (beyond SND.UNA as it
 * was before the segment: `sndUnaBefore` once SND.UNA has moved), has a newer SEQ
 * than the last update, or the same SEQ with a larger window or a zero one. RFC 9293 §3.10.7.4 also takes the same
 * SEQ's smaller window (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK).
 */
export function linuxMayUpdateWindow(tcb: Tcb, seg: Segment, sndUnaBefore: number = tcb.snd_una): boolean {
  const offered = offeredWindow(tcb, seg);
  return seqGt(seg.ack, sndUnaBefore) || seqGt(seg.seq, tcb.snd_wl1) || (seg.seq === tcb.snd_wl1 && (offered > tcb.snd_wnd || offered === 0));
}
