/**
 * Round-trip time estimation and the retransmission timeout: RFC 6298, with
 * RFC 7323 §4 for timestamps. Read RFC 6298 §2 (the estimator), §3 (Karn's
 * algorithm) and §5 (the timer) beside this file.
 *
 * Every sample comes from the simulated clock, so the estimate is as
 * deterministic as the rest of the core: an RTT is the time between a segment's
 * transmission and the ACK's arrival in simulated milliseconds.
 */
import type { ConnectionConfig } from './connection';
import { record, type Context } from './context';
import type { EventParams } from './events';
import { tsVal } from './output';
import { SYN, optionTimestamp, type Segment } from './segment';
import { seqDiff, seqLt } from './sequence';
import type { Endpoint, Tcb } from './tcb';

/** RFC 6298 §2: α = 1/8 and β = 1/4, K = 4. */
const ALPHA = 1 / 8;
const BETA = 1 / 4;
const K = 4;
/** G, the clock granularity: the simulated clock counts whole milliseconds. */
export const CLOCK_GRANULARITY_MS = 1;
/** RFC 6298 §5.7 (Linux TCP_TIMEOUT_FALLBACK): a SYN that had to be retransmitted leaves an RTO of at least 3 s. */
const SYN_TIMEOUT_FALLBACK_MS = 3_000;

/**
 * RTO from SRTT and RTTVAR, in whole milliseconds (rounded up, the safe side), never above the ceiling (§2.5).
 *
 * RFC 6298 §2.3 and §2.4: RTO = max(min, SRTT + max(G, K·RTTVAR)) — the minimum bounds the whole RTO.
 * Linux (tcp_rtt_estimator, tcp_set_rto) keeps its minimum in the variance term instead: its rttvar is at least
 * TCP_RTO_MIN, so RTO = SRTT + max(TCP_RTO_MIN, K·RTTVAR), and an RTT of 10 ms gives 210 ms, not 200 ms. (Linux
 * also lets the variance term decay only once per round trip, mdev_max: not modelled, it changes RTO only while
 * the RTT varies by more than 50 ms.)
 */
export function computeRto(config: ConnectionConfig, srtt: number, rttvar: number): number {
  const rto =
    config.profile === 'linux'
      ? srtt + Math.max(config.min_rto_ms, K * rttvar)
      : Math.max(config.min_rto_ms, srtt + Math.max(CLOCK_GRANULARITY_MS, K * rttvar));
  return Math.min(Math.ceil(rto), config.max_rto_ms);
}

/**
 * An acceptable ACK arrives that acknowledges new data (SEG.ACK > SND.UNA), before SND.UNA moves: take an RTT
 * sample if the rules allow one, update SRTT, RTTVAR and RTO (RFC 6298 §2.2, §2.3), and so reset any backoff
 * ("collapsing" RTO, §5 note). Without a sample the backed-off RTO stays (Karn's algorithm, §3), except after a
 * retransmitted SYN with no estimate yet, where §5.7 asks for 3 s.
 *
 * Which segment is timed: the oldest one this ACK covers, as Linux does (tcp_clean_rtx_queue's first_ackt), and
 * only if nothing it covers was retransmitted, since the ACK may then answer either copy (§3). Failing that,
 * with timestamps in use, RFC 7323 §4: RTT = TSval now − the ACK's TSecr, which names the transmission it echoes
 * and so is unambiguous even after a retransmission (Linux falls back to it the same way, tcp_ack_update_rtt).
 */
export function sampleRtt(ctx: Context, e: Endpoint, tcb: Tcb, ack: number, seg: Segment): void {
  const now = ctx.conn.clock_ms;
  const queue = tcb.retransmission_queue;
  const oldest = queue[0];
  const synTimedOut = tcb.retries > 0 && oldest !== undefined && (oldest.flags & SYN) !== 0;
  let retransmitted = false;
  for (const s of queue) {
    if (!seqLt(s.seq, ack)) break;
    if (s.retransmitted) retransmitted = true;
  }
  let sample: number | null = null;
  let method = 'send_time';
  // A segment stored before sent_at_ms existed has none: no sample from it.
  if (oldest && seqLt(oldest.seq, ack) && !retransmitted && oldest.sent_at_ms !== undefined) sample = now - oldest.sent_at_ms;
  else if (tcb.ts_enabled) {
    const ts = optionTimestamp(seg.options);
    // TSecr 0 echoes nothing (RFC 7323 §3.2). The echo must be of a transmission of what this ACK covers, so no
    // later than now and no earlier than its first sending: anything else (an injected segment's) is no one's TSval.
    const rtt = ts && ts.ecr !== 0 ? seqDiff(tsVal(ctx, e), ts.ecr) : -1;
    const oldestSend = oldest && oldest.sent_at_ms !== undefined ? now - oldest.sent_at_ms : Infinity;
    if (rtt >= 0 && rtt <= oldestSend) {
      sample = rtt;
      method = 'timestamp';
    }
  }
  if (sample === null) {
    // Karn: no sample; the RTO stays as the timeouts left it — but §5.7 still asks for 3 s after a retransmitted SYN.
    if (synTimedOut) tcb.rto_ms = Math.max(ctx.conn.config.rto_ms, SYN_TIMEOUT_FALLBACK_MS);
    if (retransmitted) record(ctx, e.side, 'timer', 'RTT_NOT_SAMPLED_RETRANSMITTED', 'RFC 6298 §3', { rto_ms: tcb.rto_ms, syn_fallback: synTimedOut });
    return;
  }
  updateEstimate(ctx, e, tcb, sample, method, synTimedOut);
}

function updateEstimate(ctx: Context, e: Endpoint, tcb: Tcb, r: number, method: string, synTimedOut: boolean): void {
  const config = ctx.conn.config;
  const first = tcb.srtt_ms === null || tcb.rttvar_ms === null;
  if (first) {
    // §2.2: "SRTT <- R, RTTVAR <- R/2".
    tcb.srtt_ms = r;
    tcb.rttvar_ms = r / 2;
  } else {
    // §2.3: "RTTVAR <- (1 - beta) * RTTVAR + beta * |SRTT - R'|" first, with the old SRTT, then "SRTT <- (1 - alpha) * SRTT + alpha * R'".
    tcb.rttvar_ms = (1 - BETA) * tcb.rttvar_ms! + BETA * Math.abs(tcb.srtt_ms! - r);
    tcb.srtt_ms = (1 - ALPHA) * tcb.srtt_ms! + ALPHA * r;
  }
  const previous = tcb.rto_ms;
  const computed = computeRto(config, tcb.srtt_ms, tcb.rttvar_ms);
  // §5.7: "the RTO MUST be re-initialized to 3 seconds when data transmission begins" after a SYN timed out.
  tcb.rto_ms = synTimedOut ? Math.max(computed, SYN_TIMEOUT_FALLBACK_MS) : computed;
  const params: EventParams = {
    sample_ms: r,
    method,
    first,
    srtt_ms: tcb.srtt_ms,
    rttvar_ms: tcb.rttvar_ms,
    computed_rto_ms: computed,
    rto_ms: tcb.rto_ms,
    previous_rto_ms: previous,
    min_rto_ms: config.min_rto_ms,
    granularity_ms: CLOCK_GRANULARITY_MS,
    rule: config.profile === 'linux' ? 'linux' : 'rfc6298',
    syn_fallback: synTimedOut,
  };
  record(ctx, e.side, 'timer', 'RTT_MEASURED', first ? 'RFC 6298 §2.2' : 'RFC 6298 §2.3', params);
}
