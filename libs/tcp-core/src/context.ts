import type { EventCode } from './codes';
import { endpoint, type Connection } from './connection';
import type { EventKind, EventParams, LinuxDifference, TcpEvent } from './events';
import { nextUint32, nextUnit } from './prng';
import { otherSide, type Segment, type Side, type TcpOption } from './segment';
import type { State } from './state';
import type { Endpoint } from './tcb';

/** What happens to the segments an input puts on the wire itself (its answers follow the network's policy). */
export type NetworkAction = 'deliver' | 'drop' | 'hold';

/**
 * The working copy of one step. `step()` clones the connection into it,
 * the rules mutate the copy and record what happened, and `step()` returns
 * the copy with the record: the caller's connection is never touched.
 */
export interface Context {
  conn: Connection;
  events: TcpEvent[];
  /** Segments put on the wire during this step, in order. */
  segments: Segment[];
  /** Ids of segments to deliver before the step ends. */
  pending: number[];
  /** Set while an input's own segments are sent; null once answers are being sent. */
  directAction: NetworkAction | null;
  /**
   * The window and options a manual-mode caller gave for the segment it sends:
   * they go on the wire whatever the user call behind the segment (OPEN, SEND,
   * CLOSE, ABORT) would have put there. Set only while that segment is sent.
   */
  wire: { side: Side; overrides: WireOverrides } | null;
}

/** The header fields a caller may set on a segment instead of the sender's TCB. */
export interface WireOverrides {
  window?: number;
  options?: TcpOption[];
}

export function createContext(conn: Connection, directAction: NetworkAction | null): Context {
  return { conn, events: [], segments: [], pending: [], directAction, wire: null };
}

export function ep(ctx: Context, side: Side): Endpoint {
  return endpoint(ctx.conn, side);
}

export function peer(ctx: Context, side: Side): Endpoint {
  return endpoint(ctx.conn, otherSide(side));
}

export interface EventDetail {
  from?: State | null;
  to?: State | null;
  segment?: number | null;
}

/**
 * The defaults of record()'s `params` and `detail`: shared rather than
 * allocated per event. Nothing writes an event's params; the freeze makes
 * sure that stays so, as every event without params shares this one.
 */
const NO_PARAMS: EventParams = Object.freeze({});
const NO_DETAIL: EventDetail = {};

export function record(
  ctx: Context,
  side: Side | null,
  kind: EventKind,
  code: EventCode,
  rfc: string,
  params: EventParams = NO_PARAMS,
  detail: EventDetail = NO_DETAIL,
): void {
  const state = side === null ? null : ep(ctx, side).state;
  ctx.events.push({
    at_ms: ctx.conn.clock_ms,
    endpoint: side,
    kind,
    from_state: detail.from === undefined ? state : detail.from,
    to_state: detail.to === undefined ? state : detail.to,
    segment_id: detail.segment ?? null,
    code,
    params,
    rfc,
  });
}

/**
 * Move an endpoint to a new state and record the rule that did it. Every
 * state change in the core goes through here, so the events show every
 * transition (checked against the state diagram by a property test).
 */
export function transition(
  ctx: Context,
  side: Side,
  to: State,
  code: EventCode,
  rfc: string,
  params: EventParams = NO_PARAMS,
  segment: number | null = null,
): void {
  const e = ep(ctx, side);
  const from = e.state;
  e.state = to;
  record(ctx, side, from === to ? 'receive' : 'transition', code, rfc, params, { from, to, segment });
}

/**
 * `params` (an event's own, made for it), marked in the linux profile with the entry of docs/linux-differences.md
 * that applies to the event: the profile follows Linux there only as far as tcplab models it, and the explanation
 * says what Linux does.
 */
export function withLinuxDifference(ctx: Context, entry: LinuxDifference, params: EventParams): EventParams {
  if (ctx.conn.config.profile === 'linux') params['linux_difference'] = entry;
  return params;
}

export function drawUint32(ctx: Context): number {
  const { value, state } = nextUint32(ctx.conn.rng);
  ctx.conn.rng = state;
  return value;
}

export function drawUnit(ctx: Context): number {
  const { value, state } = nextUnit(ctx.conn.rng);
  ctx.conn.rng = state;
  return value;
}

/** Citations built so far, one per section: every event carries one, so they are not rebuilt each time. */
const RFC9293_CITATIONS = new Map<string, string>();

/** RFC 9293 §3.5 cites the RFC for every rule; this keeps the spelling in one place. */
export function rfc9293(section: string): string {
  let citation = RFC9293_CITATIONS.get(section);
  if (citation === undefined) {
    citation = `RFC 9293 §${section}`;
    RFC9293_CITATIONS.set(section, citation);
  }
  return citation;
}

const SIGNAL_RFC = rfc9293('3.10.7');

/** The RFC's "signal the user ...": an error-kind event the application would see (ECONNRESET and friends). */
export function signal(ctx: Context, side: Side, code: EventCode): void {
  record(ctx, side, 'error', code, SIGNAL_RFC);
}

