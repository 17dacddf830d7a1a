import { drawUint32, ep, type Context } from './context';
import { optionMss, optionSackPermitted, optionTimestamp, optionWscale, type Segment, type Side } from './segment';
import { seqAdd } from './sequence';
import { cancelAllTimers, type Tcb } from './tcb';
import { initialRcvMss } from './delack';

/** RFC 7323 §2.3: a shift above 14 is used as 14. */
const MAX_WSCALE = 14;
/** TCP options a segment carries once timestamps are on: NOP, NOP, TS (RFC 7323 Appendix A). */
const TIMESTAMP_OPTION_OCTETS = 12;
/** RFC 9293 §3.7.1: without an MSS option, assume 536. */
const DEFAULT_MSS = 536;

/**
 * The ISN of a new connection (RFC 9293 §3.4.1). The first connection of an
 * endpoint uses the configured ISN, if any; every later one draws from the
 * seeded PRNG, as a real stack picks a fresh ISN for every connection.
 */
export function chooseIss(ctx: Context, side: Side): number {
  const e = ep(ctx, side);
  const configured = e.incarnation === 0 ? e.config.isn : null;
  e.incarnation += 1;
  return configured ?? drawUint32(ctx);
}

/** A TCB for a connection that has just sent (or is about to send) its SYN: SND.UNA = SND.NXT = ISS. */
export function newTcb(ctx: Context, side: Side, iss: number): Tcb {
  const e = ep(ctx, side);
  const tcb: Tcb = {
    iss,
    irs: 0,
    snd_una: iss,
    snd_nxt: iss,
    snd_wnd: 0,
    snd_up: iss,
    snd_wl1: 0,
    snd_wl2: 0,
    rcv_nxt: 0,
    rcv_wnd: e.config.window,
    rcv_up: 0,
    max_snd_wnd: 0,
    snd_wscale: 0,
    rcv_wscale: 0,
    snd_mss: DEFAULT_MSS,
    sack_permitted: false,
    ts_enabled: false,
    ts_recent: 0,
    ts_recent_at_ms: 0,
    last_ack_sent: 0,
    send_queue: [],
    retransmission_queue: [],
    receive_queue: [],
    out_of_order: [],
    fin_queued: false,
    orphaned: false,
    rto_ms: ctx.conn.config.rto_ms,
    srtt_ms: null,
    rttvar_ms: null,
    tlp_high_seq: null,
    retries: 0,
    probes: 0,
    rcv_wup: 0,
    rcv_wnd_sent: e.config.window,
    rcv_mss: 0,
    ack_pending: 0,
    ack_quick: 0,
    ack_ato_ms: 0,
    ack_pingpong: false,
    ack_lrcv_ms: 0,
    ack_last_seg_size: 0,
  };
  e.tcb = tcb;
  return tcb;
}

/**
 * Record what the peer's SYN says: IRS and RCV.NXT (RFC 9293 §3.10.7.2/3), its
 * window (never scaled in a SYN, RFC 7323 §2.2), and which options both sides
 * offered and so are in force: window scaling and timestamps only when both
 * SYNs carried them (RFC 7323 §1.3), the peer's MSS (RFC 9293 §3.7.1).
 */
export function acceptPeerSyn(ctx: Context, side: Side, tcb: Tcb, syn: Segment): void {
  const own = ep(ctx, side).config;
  tcb.irs = syn.seq;
  tcb.rcv_nxt = seqAdd(syn.seq, 1);
  tcb.rcv_up = tcb.rcv_nxt;
  const peerShift = optionWscale(syn.options);
  const scaling = peerShift !== null && own.wscale !== null;
  tcb.snd_wscale = scaling ? Math.min(peerShift, MAX_WSCALE) : 0;
  tcb.rcv_wscale = scaling ? Math.min(own.wscale!, MAX_WSCALE) : 0;
  const peerTs = optionTimestamp(syn.options);
  tcb.ts_enabled = own.timestamps && peerTs !== null;
  tcb.ts_recent = peerTs?.val ?? 0;
  tcb.ts_recent_at_ms = ctx.conn.clock_ms;
  // Nothing acknowledged yet: the SYN,ACK or ACK about to go out acknowledges the SYN.
  tcb.last_ack_sent = tcb.rcv_nxt;
  tcb.rcv_wup = tcb.rcv_nxt;
  tcb.sack_permitted = own.sack_permitted && optionSackPermitted(syn.options);
  const peerMss = optionMss(syn.options) ?? DEFAULT_MSS;
  tcb.snd_mss = Math.min(peerMss, own.mss) - (tcb.ts_enabled ? TIMESTAMP_OPTION_OCTETS : 0);
  tcb.rcv_mss = initialRcvMss(tcb, own.mss);
  tcb.snd_wnd = syn.window;
  tcb.max_snd_wnd = syn.window;
  tcb.snd_wl1 = syn.seq;
  tcb.snd_wl2 = syn.ack;
}

/** "Delete the TCB, enter the CLOSED state" (RFC 9293 §3.10): queues, timers and owed answers go with it. */
export function deleteTcb(ctx: Context, side: Side): void {
  const e = ep(ctx, side);
  e.tcb = null;
  e.opened = null;
  e.owed = [];
  cancelAllTimers(e);
}
