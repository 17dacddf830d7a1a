/**
 * Timers on the simulated clock (RFC 9293 §3.8.3, §3.8.6.1, §3.10.8). Time is an input:
 * nothing here reads a real clock. step.ts advances the clock to each due
 * timer in turn and calls fireTimer.
 */
import type { Connection } from './connection';
import { ep, record, rfc9293, signal, transition, type Context } from './context';
import type { EventParams } from './events';
import { delayedAckTimeout } from './delack';
import { answer, armLossTimer, lossProbeHasNewData, probeInterval, probeSmallWindow, sendAck, sendLossProbeData, zeroWindowProbe } from './output';
import { ACK, SYN, flagsLabel, type Side } from './segment';
import { armTimer, cancelAllTimers, cancelTimer, queuedOctets, type Endpoint, type TimerKind } from './tcb';
import { deleteTcb } from './tcb-lifecycle';

/** Citations, built once per module: every event carries one. */
const RFC9293_3_8_3 = rfc9293('3.8.3');
const RFC9293_3_8_6_1 = rfc9293('3.8.6.1');
const RFC9293_3_10_8 = rfc9293('3.10.8');

/** Timer kinds in the order they fire when due at the same instant. */
// The delayed ACK last: a segment another timer sends at the same instant carries the ACK, and no bare one is needed.
const KIND_ORDER: readonly TimerKind[] = ['retransmission', 'loss_probe', 'persist', 'user_timeout', 'time_wait', 'fin_wait_2', 'delayed_ack'];

export interface DueTimer {
  side: Side;
  kind: TimerKind;
  due_ms: number;
}

/**
 * The next timer due no later than `untilMs`: earliest first; ties go to the
 * client, then by kind, so that the order is always the same.
 */
export function nextDueTimer(conn: Connection, untilMs: number): DueTimer | null {
  let best: DueTimer | null = null;
  for (const e of [conn.client, conn.server]) {
    for (const t of e.timers) {
      if (t.due_ms > untilMs) continue;
      if (
        best === null ||
        t.due_ms < best.due_ms ||
        (t.due_ms === best.due_ms && best.side === e.side && KIND_ORDER.indexOf(t.kind) < KIND_ORDER.indexOf(best.kind))
      ) {
        best = { side: e.side, kind: t.kind, due_ms: t.due_ms };
      }
    }
  }
  return best;
}

/** RFC 6298 §5.3: restart the timer so that it expires after RTO (or the linux profile's loss probe, tlp.ts). */
export function restartRetransmission(ctx: Context, e: Endpoint): void {
  cancelTimer(e, 'retransmission');
  armLossTimer(ctx, e, e.tcb!);
}

/** Enter the 2MSL wait: "start the time-wait timer, turn off the other timers" (RFC 9293 §3.10.7.4). */
export function startTimeWait(ctx: Context, e: Endpoint): void {
  cancelAllTimers(e);
  armTimer(e, 'time_wait', ctx.conn.clock_ms + ctx.conn.config.time_wait_ms);
}

/** Shared by every rfc9293 and rfc793 TIME_WAIT event whose MSL is the same: nothing writes event params. */
const TIME_WAIT_PARAMS = new Map<number, EventParams>();

/**
 * What the TIME_WAIT events say about its length: 2 × MSL (RFC 9293 §3.4.2), or in the linux profile Linux's
 * constant TCP_TIMEWAIT_LEN, 60 s whatever the MSL, which the explanations then name.
 */
export function timeWaitParams(ctx: Context): EventParams {
  const config = ctx.conn.config;
  if (config.profile === 'linux') return { two_msl_ms: config.time_wait_ms, time_wait_fixed: true };
  let params = TIME_WAIT_PARAMS.get(config.time_wait_ms);
  if (!params) {
    params = Object.freeze({ two_msl_ms: config.time_wait_ms });
    TIME_WAIT_PARAMS.set(config.time_wait_ms, params);
  }
  return params;
}

/**
 * The linux profile's FIN_WAIT_2 timeout (tcp_fin_timeout, 60 s). Linux times out only an orphaned socket — one
 * the application has close()d, so that nobody will read what may still arrive; one that only shut down its
 * sending side (shutdown(SHUT_WR), tcplab's `shutdown`) waits in FIN_WAIT_2 for as long as it takes, as RFC 9293
 * has every connection wait. The timer starts on entering FIN_WAIT_2 (tcp_rcv_state_process) or at a close()
 * there (tcp_close), and on expiry the connection is gone without a segment (tcp_time_wait's FIN_WAIT2 substate
 * simply ends).
 */
export function startFinWait2Timeout(ctx: Context, e: Endpoint): void {
  const timeout = ctx.conn.config.fin_timeout_ms;
  if (timeout !== null && e.tcb?.orphaned) armTimer(e, 'fin_wait_2', ctx.conn.clock_ms + timeout);
}

export function fireTimer(ctx: Context, side: Side, kind: TimerKind): void {
  const e = ep(ctx, side);
  e.timers = e.timers.filter((t) => t.kind !== kind);
  switch (kind) {
    case 'retransmission':
      return retransmissionTimeout(ctx, side);
    case 'loss_probe':
      return tailLossProbe(ctx, side);
    case 'persist':
      return persistTimeout(ctx, side);
    case 'time_wait':
      // RFC 9293 §3.10.8: "If the time-wait timeout expires on a connection, delete the TCB, enter the CLOSED state".
      deleteTcb(ctx, side);
      transition(ctx, side, 'CLOSED', 'TIME_WAIT_EXPIRED', RFC9293_3_10_8, timeWaitParams(ctx));
      return;
    case 'fin_wait_2':
      deleteTcb(ctx, side);
      transition(ctx, side, 'CLOSED', 'FIN_WAIT_2_TIMEOUT', 'Linux tcp_fin_timeout', { fin_timeout_ms: ctx.conn.config.fin_timeout_ms });
      return;
    case 'delayed_ack':
      // The linux profile's delayed ACK (delack.ts): no segment carried it within the ATO.
      if (delayedAckTimeout(ctx, side)) sendAck(ctx, side, 'DELAYED_ACK_TIMEOUT');
      return;
    case 'user_timeout': {
      // RFC 9293 §3.10.8: "flush all queues, signal the user ..., delete the TCB, enter the CLOSED state".
      deleteTcb(ctx, side);
      transition(ctx, side, 'CLOSED', 'USER_TIMEOUT_EXPIRED', RFC9293_3_10_8, { user_timeout_ms: ctx.conn.config.user_timeout_ms });
      signal(ctx, side, 'SIGNAL_USER_TIMEOUT');
      return;
    }
  }
}

/**
 * RFC 9293 §3.10.8 RETRANSMISSION TIMEOUT: "send the segment at the front of
 * the retransmission queue again, reinitialize the retransmission timer".
 * RFC 6298 §5.5 doubles the RTO each time; after the retry limit the
 * connection is given up (§3.8.3 R2), silently, as Linux does (tcp_write_err).
 */
function retransmissionTimeout(ctx: Context, side: Side): void {
  const e = ep(ctx, side);
  const tcb = e.tcb;
  const head = tcb?.retransmission_queue[0];
  if (!tcb || !head) return;
  const config = ctx.conn.config;
  const passive = e.state === 'SYN_RECEIVED' && e.opened === 'passive';
  const limit = head.flags & SYN ? (passive ? config.synack_retries : config.syn_retries) : config.retries;
  if (tcb.retries >= limit) {
    deleteTcb(ctx, side);
    // A passive SYN_RECEIVED whose SYN,ACK was never answered goes back to listening (Linux drops the request).
    transition(ctx, side, passive ? 'LISTEN' : 'CLOSED', 'RETRANSMISSION_LIMIT', RFC9293_3_8_3, { retries: limit });
    if (!passive) signal(ctx, side, 'SIGNAL_CONNECTION_TIMED_OUT');
    return;
  }
  tcb.retries += 1;
  // Karn's algorithm (RFC 6298 §3): an ACK for this stretch may answer either copy, so no RTT sample will come from it.
  // A new entry rather than a write: entries are shared with the caller's connection (cloneConnection).
  if (!head.retransmitted) tcb.retransmission_queue[0] = { ...head, retransmitted: true };
  record(ctx, side, 'timer', 'RETRANSMISSION_TIMEOUT', RFC9293_3_10_8, {
    flags: flagsLabel(head.flags),
    seq: head.seq,
    rto_ms: tcb.rto_ms,
    attempt: tcb.retries,
    next_rto_ms: Math.min(tcb.rto_ms * 2, config.max_rto_ms),
  });
  tcb.rto_ms = Math.min(tcb.rto_ms * 2, config.max_rto_ms);
  restartRetransmission(ctx, e);
  const ack = head.flags & ACK ? tcb.rcv_nxt : 0;
  answer(ctx, side, { seq: head.seq, ack, flags: head.flags, length: head.length, payload: head.payload, urgent_pointer: head.urgent_pointer }, 'RETRANSMISSION_TIMEOUT', true);
}

/**
 * RFC 9293 §3.8.6.1: the persist timer expires while the peer's window is
 * still zero and data waits — send a zero-window probe (output.ts
 * zeroWindowProbe) and set the timer again at twice the interval. The timer
 * was set only while nothing was in flight, and pushQueued stops it when that
 * changes, so the conditions still hold here.
 */
function persistTimeout(ctx: Context, side: Side): void {
  const e = ep(ctx, side);
  const tcb = e.tcb!;
  const interval = probeInterval(ctx, tcb);
  // The linux profile sends data into a window that is open but too small for its next segment.
  if (probeSmallWindow(ctx, side, interval)) return;
  tcb.probes += 1;
  const next = probeInterval(ctx, tcb);
  armTimer(e, 'persist', ctx.conn.clock_ms + next);
  const probe = zeroWindowProbe(tcb);
  record(ctx, side, 'timer', 'ZERO_WINDOW_PROBE', RFC9293_3_8_6_1, {
    form: 'old_seq',
    seq: probe.seq,
    snd_una: tcb.snd_una,
    queued: queuedOctets(tcb),
    interval_ms: interval,
    next_interval_ms: next,
  });
  answer(ctx, side, probe, 'ZERO_WINDOW_PROBE');
}

/**
 * The linux profile's tail loss probe (tlp.ts, RFC 8985 §7.3): send new data if some waits and the window takes it,
 * else the last segment in flight again, so that its ACK (or SACK) reveals a loss at the tail sooner than the RTO
 * would. No backoff and no retry is counted; the RTO timer runs again from now. Karn's algorithm takes no RTT
 * sample from a repeated segment.
 */
function tailLossProbe(ctx: Context, side: Side): void {
  const e = ep(ctx, side);
  const tcb = e.tcb;
  const queue = tcb?.retransmission_queue;
  const last = queue?.[queue.length - 1];
  if (!tcb || !queue || !last) return;
  // Set before anything is sent, so that the data probe's own transmission arms the RTO, not another probe.
  tcb.tlp_high_seq = tcb.snd_nxt;
  if (lossProbeHasNewData(ctx, tcb)) {
    record(ctx, side, 'timer', 'TAIL_LOSS_PROBE', 'RFC 8985 §7.3', {
      flags: flagsLabel(ACK),
      seq: tcb.snd_nxt,
      srtt_ms: tcb.srtt_ms,
      in_flight: queue.length,
      rto_ms: tcb.rto_ms,
      new_data: true,
    });
    armTimer(e, 'retransmission', ctx.conn.clock_ms + tcb.rto_ms);
    sendLossProbeData(ctx, side);
    // tlp_high_seq: what was sent up to the probe, its new data included.
    tcb.tlp_high_seq = tcb.snd_nxt;
    return;
  }
  // A new entry rather than a write: entries are shared with the caller's connection (cloneConnection).
  if (!last.retransmitted) queue[queue.length - 1] = { ...last, retransmitted: true };
  record(ctx, side, 'timer', 'TAIL_LOSS_PROBE', 'RFC 8985 §7.3', {
    flags: flagsLabel(last.flags),
    seq: last.seq,
    srtt_ms: tcb.srtt_ms,
    in_flight: queue.length,
    rto_ms: tcb.rto_ms,
  });
  armTimer(e, 'retransmission', ctx.conn.clock_ms + tcb.rto_ms);
  const ack = last.flags & ACK ? tcb.rcv_nxt : 0;
  answer(ctx, side, { seq: last.seq, ack, flags: last.flags, length: last.length, payload: last.payload, urgent_pointer: last.urgent_pointer }, 'TAIL_LOSS_PROBE', true);
}
