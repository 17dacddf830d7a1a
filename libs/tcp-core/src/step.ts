/**
 * stepping: `step(connection, input) → { connection, events, segments, outcome }`.
 * A pure function (after XState's `transition`): the input connection is
 * never changed, time and randomness come only from the connection's own
 * clock and PRNG state, and every effect is returned as data.
 */
import { segmentArrives } from './arrive';
import { userCall, type CallName, type CallResult, type Received, type SendData, type Status } from './calls';
import { cloneConnection, cloneSegment, type Connection } from './connection';
import { createContext, ep, record, rfc9293, type Context, type NetworkAction } from './context';
import type { TcpEvent } from './events';
import { actOnSegment, flush, type DeliveryAction } from './network';
import { flagsLabel, otherSide, type Segment, type Side } from './segment';
import { MAX_SEQ } from './sequence';
import { windowField } from './tcb';
import { fireTimer, nextDueTimer } from './timers';
import { manualSend, type ExpectedSegment, type SegmentDraft, type Violation } from './validate';
import { buildSegment } from './output';
import { payloadLength } from './payload';

/** Citations, built once per module: every event carries one. */
const RFC9293_3_8 = rfc9293('3.8');
const RFC9293_3_10_7 = rfc9293('3.10.7');
const RFC9293_3_10_8 = rfc9293('3.10.8');

export type Input =
  | { type: 'call'; endpoint: Side; call: CallName; data?: Partial<SendData> | null; network?: NetworkAction }
  | { type: 'send'; from: Side; segment: SegmentDraft; network?: NetworkAction }
  | { type: 'inject'; to: Side; segment: SegmentDraft }
  | { type: 'deliver'; segment_id: number; action: DeliveryAction }
  | { type: 'advance'; ms: number }
  | { type: 'configure_network'; auto_deliver?: boolean; loss_rate?: number };

/** Why a step changed nothing. The service maps each code to an HTTP answer. */
export type StepError =
  | { code: 'CALL_REFUSED'; error: string; text: string }
  | { code: 'SEGMENT_INVALID'; violations: Violation[]; expected: ExpectedSegment | null }
  | { code: 'SEGMENT_NOT_IN_FLIGHT'; segment_id: number }
  | { code: 'INPUT_INVALID'; field: string; reason: string };

export type Outcome = { ok: true; received?: Received; status?: Status } | { ok: false; error: StepError };

export interface StepResult {
  connection: Connection;
  events: TcpEvent[];
  /** Segments put on the wire during the step, in order. */
  segments: Segment[];
  outcome: Outcome;
}

/** Longest single clock advance: a year of simulated time is plenty for any timer here. */
const MAX_ADVANCE_MS = 365 * 24 * 3600 * 1000;

/**
 * Timers one advance fires at most. Every timer but one stops by itself
 * within a few dozen firings; the persist timer probes a zero window for as
 * long as the peer answers (RFC 9293 §3.8.6.1, MUST-36), every two minutes at
 * most — a year of that would be 262,800 probes and their answers in one
 * step. The clock then stops at the last timer fired, and the caller may
 * advance again.
 */
const MAX_TIMERS_PER_ADVANCE = 1_000;

function invalid(connection: Connection, field: string, reason: string): StepResult {
  return { connection, events: [], segments: [], outcome: { ok: false, error: { code: 'INPUT_INVALID', field, reason } } };
}

// Module-level functions rather than closures inside checkInput: it runs for every step.

function isUint(n: unknown, max: number): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= max;
}

function checkDraft(d: SegmentDraft, prefix: string): { field: string; reason: string } | null {
  if (!isUint(d.flags, 0x3f)) return { field: `${prefix}.flags`, reason: 'flags must be a set of SYN, ACK, FIN, RST, PSH, URG' };
  for (const field of ['seq', 'ack'] as const) {
    const v = d[field];
    if (v !== undefined && v !== null && !isUint(v, MAX_SEQ)) return { field: `${prefix}.${field}`, reason: `${field} must be an integer from 0 to 4294967295` };
  }
  if (d.window !== undefined && d.window !== null && !isUint(d.window, 0xffff)) return { field: `${prefix}.window`, reason: 'window must be an integer from 0 to 65535' };
  if (d.urgent_pointer !== undefined && d.urgent_pointer !== null && !isUint(d.urgent_pointer, 0xffff)) {
    return { field: `${prefix}.urgent_pointer`, reason: 'urgent_pointer must be an integer from 0 to 65535' };
  }
  if (d.length !== undefined && d.length !== null && !isUint(d.length, 0xffff)) return { field: `${prefix}.length`, reason: 'length must be an integer from 0 to 65535' };
  if (d.payload && d.length !== undefined && d.length !== null && payloadLength(d.payload) !== d.length) {
    return { field: `${prefix}.length`, reason: 'length must equal the number of payload octets' };
  }
  return null;
}

/** Checks the input's numbers before anything runs, so that the rules only ever see valid values. */
function checkInput(input: Input): { field: string; reason: string } | null {
  switch (input.type) {
    case 'call': {
      const data = input.data;
      if (data?.length !== undefined && !isUint(data.length, 1 << 30)) return { field: 'data.length', reason: 'length must be a non-negative integer' };
      if (data?.payload && data.length !== undefined && payloadLength(data.payload) !== data.length) {
        return { field: 'data.length', reason: 'length must equal the number of payload octets' };
      }
      return null;
    }
    case 'send':
    case 'inject':
      return checkDraft(input.segment, 'segment');
    case 'advance':
      return isUint(input.ms, MAX_ADVANCE_MS) ? null : { field: 'ms', reason: `ms must be an integer from 0 to ${MAX_ADVANCE_MS}` };
    case 'configure_network':
      if (input.loss_rate !== undefined && !(input.loss_rate >= 0 && input.loss_rate <= 1)) return { field: 'loss_rate', reason: 'loss_rate must be between 0 and 1' };
      return null;
    case 'deliver':
      return null;
  }
}

function sendData(data: Partial<SendData> | null | undefined): SendData {
  const payload = data?.payload ?? null;
  const length = data?.length ?? (payload ? payloadLength(payload) : 0);
  return { length, payload, push: data?.push ?? true, urgent: data?.urgent ?? false };
}

export function step(connection: Connection, input: Input): StepResult {
  const problem = checkInput(input);
  if (problem) return invalid(connection, problem.field, problem.reason);
  const ctx = createContext(cloneConnection(connection), 'network' in input ? (input.network ?? null) : null);
  const outcome = run(ctx, input);
  if (!outcome.ok) {
    // Nothing changes: the original connection is returned, with the events that explain why.
    return { connection, events: ctx.events, segments: [], outcome };
  }
  ctx.directAction = null;
  flush(ctx);
  return { connection: ctx.conn, events: ctx.events, segments: ctx.segments, outcome };
}

function run(ctx: Context, input: Input): Outcome {
  switch (input.type) {
    case 'call': {
      const result: CallResult = userCall(ctx, input.endpoint, input.call, input.call === 'send' ? sendData(input.data) : null);
      if (!result.ok) return { ok: false, error: { code: 'CALL_REFUSED', error: result.error, text: callErrorText(ctx) } };
      return result;
    }
    case 'send': {
      const result = manualSend(ctx, input.from, input.segment);
      return result.ok ? { ok: true } : { ok: false, error: { code: 'SEGMENT_INVALID', violations: result.violations, expected: result.expected } };
    }
    case 'inject':
      inject(ctx, input.to, input.segment);
      return { ok: true };
    case 'deliver':
      ctx.directAction = null;
      return actOnSegment(ctx, input.segment_id, input.action)
        ? { ok: true }
        : { ok: false, error: { code: 'SEGMENT_NOT_IN_FLIGHT', segment_id: input.segment_id } };
    case 'advance':
      ctx.directAction = null;
      advance(ctx, input.ms);
      return { ok: true };
    case 'configure_network':
      if (input.auto_deliver !== undefined) ctx.conn.network.auto_deliver = input.auto_deliver;
      if (input.loss_rate !== undefined) ctx.conn.network.loss_rate = input.loss_rate;
      record(ctx, null, 'network', 'NETWORK_CONFIGURED', RFC9293_3_8, {
        auto_deliver: ctx.conn.network.auto_deliver,
        loss_rate: ctx.conn.network.loss_rate,
      });
      return { ok: true };
  }
}

function callErrorText(ctx: Context): string {
  const last = ctx.events[ctx.events.length - 1];
  return String(last?.params['text'] ?? '');
}

/**
 * A segment arrives at `to` from the network, whatever the peer's state: an
 * old duplicate, a forged RST. It carries the peer's addresses; numbers the
 * caller leaves out default to what the peer would send now.
 */
function inject(ctx: Context, to: Side, draft: SegmentDraft): void {
  const from = otherSide(to);
  const sender = ep(ctx, from).tcb;
  const segment = buildSegment(
    ctx,
    from,
    {
      seq: draft.seq ?? sender?.snd_nxt ?? 0,
      ack: draft.ack ?? sender?.rcv_nxt ?? 0,
      flags: draft.flags,
      length: draft.length ?? (draft.payload ? payloadLength(draft.payload) : 0),
      payload: draft.payload ?? null,
      urgent_pointer: draft.urgent_pointer ?? 0,
    },
    { window: draft.window ?? (sender ? windowField(sender, false) : 0), options: draft.options ?? [] },
  );
  segment.id = ctx.conn.network.next_segment_id++;
  ctx.segments.push(segment);
  record(ctx, null, 'network', 'SEGMENT_INJECTED', RFC9293_3_10_7, { flags: flagsLabel(segment.flags), seq: segment.seq, ack: segment.ack, to }, {
    segment: segment.id,
  });
  ctx.directAction = null;
  segmentArrives(ctx, to, cloneSegment(segment));
}

/** Advance the clock by `ms`, firing every timer that falls due on the way, in time order (§3.10.8). */
function advance(ctx: Context, ms: number): void {
  const from = ctx.conn.clock_ms;
  const until = from + ms;
  let fired = 0;
  for (let due = nextDueTimer(ctx.conn, until); due; due = nextDueTimer(ctx.conn, until)) {
    if (fired === MAX_TIMERS_PER_ADVANCE) {
      record(ctx, null, 'timer', 'ADVANCE_CUT_SHORT', RFC9293_3_10_8, { requested_ms: ms, advanced_ms: ctx.conn.clock_ms - from, timers: fired });
      return;
    }
    fired += 1;
    ctx.conn.clock_ms = due.due_ms;
    fireTimer(ctx, due.side, due.kind);
    flush(ctx);
  }
  ctx.conn.clock_ms = until;
}
