/**
 * Manual mode: the caller says "endpoint X sends this segment", and tcplab
 * answers whether a conforming TCP in X's state could send exactly that now.
 * If not, every wrong field is listed with the value that would have been
 * right and why, and nothing changes. If so, the segment is sent as the act
 * it stands for: an OPEN's SYN, a SEND's data, a CLOSE's FIN, an ABORT's RST,
 * an owed answer (SYN,ACK, ACK, RST), or a retransmission.
 */
import { abort, userCall } from './calls';
import { ep, record, rfc9293, type Context } from './context';
import type { EventParams } from './events';
import {
  RESET_ANSWER,
  ackSegment,
  armRetransmission,
  buildSegment,
  isPlainAck,
  sendProbeOctet,
  transmit,
  usableWindow,
  zeroWindowProbe,
  type Outgoing,
  type WireOverrides,
} from './output';
import { payloadLength } from './payload';
import { nextUint32 } from './prng';
import { ACK, FIN, PSH, RST, SYN, URG, flagsLabel, type Flags, type Side, type TcpOption } from './segment';
import { seqAdd, seqDiff, seqLt } from './sequence';
import { isSynchronized, transmitsQueued, type State } from './state';
import { queuedOctets, windowField, type Endpoint, type OwedSegment, type Tcb } from './tcb';

/** Citations, built once per module: every event carries one. */
const RFC9293_3_8_6_1 = rfc9293('3.8.6.1');

/** A segment as the caller proposes it; omitted numbers are filled with the right values. */
export interface SegmentDraft {
  flags: Flags;
  seq?: number | null;
  ack?: number | null;
  window?: number | null;
  /** Payload length; with `payload`, must equal its decoded length. */
  length?: number | null;
  payload?: string | null;
  urgent_pointer?: number | null;
  options?: TcpOption[] | null;
}

export type ViolationField = 'flags' | 'seq' | 'ack' | 'window' | 'length' | 'urgent_pointer' | 'options';

export type ViolationCode =
  | 'FLAGS_NOT_POSSIBLE_IN_STATE'
  | 'FLAGS_OWED_ANSWER_FIRST'
  | 'FLAGS_ACK_REQUIRED'
  | 'FLAGS_ACK_NOT_ALLOWED_ON_FIRST_SYN'
  | 'FLAGS_DATA_QUEUED_FIRST'
  | 'FLAGS_RETRANSMISSION_NOT_DUE'
  | 'SEQ_MUST_BE_ISS'
  | 'SEQ_MUST_BE_SND_NXT'
  | 'SEQ_MUST_MATCH_RETRANSMITTED'
  | 'SEQ_MUST_BE_SEG_ACK'
  | 'SEQ_MUST_BE_ZERO'
  | 'SEQ_MUST_BE_SND_UNA_MINUS_ONE'
  | 'ACK_MUST_BE_IRS_PLUS_ONE'
  | 'ACK_MUST_BE_RCV_NXT'
  | 'ACK_MUST_ACK_OFFENDING_SEGMENT'
  | 'LENGTH_NOT_ALLOWED'
  | 'LENGTH_EXCEEDS_MSS'
  | 'LENGTH_EXCEEDS_WINDOW'
  | 'LENGTH_MUST_MATCH_RETRANSMITTED'
  | 'URGENT_POINTER_INVALID'
  | 'WINDOW_EXCEEDS_BUFFER'
  | 'OPTIONS_ONLY_ON_SYN';

export interface Violation {
  field: ViolationField;
  expected: number | string | null;
  actual: number | string | null;
  code: ViolationCode;
  params: EventParams;
}

/** The segment that would have been right. */
export interface ExpectedSegment {
  flags: Flags;
  seq: number;
  ack: number;
  length: number;
}

export type ManualSendResult = { ok: true } | { ok: false; violations: Violation[]; expected: ExpectedSegment | null };

/** One thing a conforming TCP in this state could send now, and how to do it. */
interface Move {
  /** Flags it must carry, and flags it may carry besides. */
  flags: Flags;
  optional: Flags;
  seq: number;
  seqCode: ViolationCode;
  ack: number | null;
  ackCode: ViolationCode;
  /** Exact payload length, or null for "1 up to the limits". */
  length: number | null;
  params: EventParams;
  apply: (ctx: Context, side: Side, draft: ResolvedDraft) => void;
}

interface ResolvedDraft {
  flags: Flags;
  seq: number;
  ack: number;
  length: number;
  payload: string | null;
  urgent_pointer: number;
  overrides: WireOverrides;
}

const DATA_FLAGS = PSH | URG;

/** The ISS an endpoint will choose at its next OPEN, found without drawing it (the PRNG state is data). */
function nextIss(ctx: Context, e: Endpoint): number {
  if (e.incarnation === 0 && e.config.isn !== null) return e.config.isn;
  return nextUint32(ctx.conn.rng).value;
}

function owedMove(o: OwedSegment, tcb: Tcb | null): Move {
  const isSynAck = (o.flags & (SYN | ACK)) === (SYN | ACK);
  const retransmission = o.reason === 'RETRANSMISSION_TIMEOUT' || o.reason === 'SYN_RECEIVED_SYN_RETRANSMITTED' || o.reason === 'TAIL_LOSS_PROBE';
  // A TCP fills in the acknowledgment when it transmits, not when the segment fell due: what arrived since counts
  // (RCV.NXT now). A reset's ack answers the segment it refuses instead.
  const ack = o.flags & ACK && !(o.flags & RST) && tcb ? tcb.rcv_nxt : o.ack;
  return {
    flags: o.flags & ~DATA_FLAGS,
    optional: o.length > 0 ? DATA_FLAGS : 0,
    seq: o.seq,
    seqCode: o.flags & RST
      ? o.seq === 0
        ? 'SEQ_MUST_BE_ZERO'
        : 'SEQ_MUST_BE_SEG_ACK'
      : retransmission
        ? 'SEQ_MUST_MATCH_RETRANSMITTED'
        : isSynAck
          ? 'SEQ_MUST_BE_ISS'
          : o.reason === 'ZERO_WINDOW_PROBE'
            ? 'SEQ_MUST_BE_SND_UNA_MINUS_ONE'
            : 'SEQ_MUST_BE_SND_NXT',
    ack: o.flags & ACK ? ack : null,
    ackCode: o.flags & RST ? 'ACK_MUST_ACK_OFFENDING_SEGMENT' : isSynAck ? 'ACK_MUST_BE_IRS_PLUS_ONE' : 'ACK_MUST_BE_RCV_NXT',
    length: o.length,
    params: { reason: o.reason, irs: tcb?.irs ?? null, iss: tcb?.iss ?? null, retransmission },
    apply: (ctx, side, d) => {
      const e = ep(ctx, side);
      e.owed = e.owed.filter((x) => x !== o);
      const out: Outgoing = { seq: o.seq, ack, flags: d.flags, length: o.length, payload: o.payload, urgent_pointer: o.urgent_pointer };
      transmit(ctx, buildSegment(ctx, side, out, o.flags & RST ? { ...RESET_ANSWER, ...d.overrides } : d.overrides), retransmission);
      armRetransmission(ctx, e, d.flags, o.length);
    },
  };
}

/** The moves a user call or the stack could make now in `e`'s state, owed answers first. */
/** The SYN that opens a connection actively, applied as the user call that sends it. */
function synMove(ctx: Context, e: Endpoint, open: Move['apply']): Move {
  return {
    flags: SYN,
    optional: 0,
    seq: nextIss(ctx, e),
    seqCode: 'SEQ_MUST_BE_ISS',
    ack: null,
    ackCode: 'ACK_MUST_BE_RCV_NXT',
    length: 0,
    params: { iss: nextIss(ctx, e), configured: e.incarnation === 0 && e.config.isn !== null },
    apply: open,
  };
}

function possibleMoves(ctx: Context, e: Endpoint): Move[] {
  const tcb = e.tcb;
  const state = e.state;
  // An owed answer other than a bare ACK (a SYN,ACK, an RST, a retransmission) must go out first.
  const blocking = owedFirst(e);
  if (blocking) {
    // A probe the persist timer owes may also take RFC 9293's other form, one octet of new data (§3.8.6.1).
    return blocking.reason === 'ZERO_WINDOW_PROBE' && tcb ? [owedMove(blocking, tcb), probeOctetMove(tcb)] : [owedMove(blocking, tcb)];
  }

  const moves: Move[] = [];
  // OPEN, active: <SEQ=ISS><CTL=SYN> (§3.10.1); and SEND in LISTEN, which turns the passive open into an active one (§3.10.2).
  if (state === 'CLOSED') moves.push(synMove(ctx, e, (c, side) => userCall(c, side, 'connect', null)));
  if (state === 'LISTEN') moves.push(synMove(ctx, e, (c, side) => userCall(c, side, 'send', { length: 0, payload: null, push: true, urgent: false })));
  if (!tcb) return moves;

  const synchronized = isSynchronized(state);
  const established = state === 'ESTABLISHED' || state === 'CLOSE_WAIT';
  const queueEmpty = tcb.send_queue.length === 0;
  const closeable = (established || state === 'SYN_RECEIVED') && queueEmpty && !tcb.fin_queued;
  if (established && queueEmpty) {
    // SEND (§3.10.2): data at SND.NXT, acknowledging RCV.NXT; Linux sets PSH on the last segment of a write.
    moves.push({
      flags: ACK,
      optional: DATA_FLAGS,
      seq: tcb.snd_nxt,
      seqCode: 'SEQ_MUST_BE_SND_NXT',
      ack: tcb.rcv_nxt,
      ackCode: 'ACK_MUST_BE_RCV_NXT',
      length: null,
      params: {},
      apply: (c, side, d) => {
        markUrgent(c, side, d);
        userCall(c, side, 'send', { length: d.length, payload: d.payload, push: (d.flags & PSH) !== 0, urgent: false });
        clearOwedAck(c, side);
      },
    });
  }
  if (closeable) {
    // CLOSE (§3.10.4): <SEQ=SND.NXT><ACK=RCV.NXT><CTL=FIN,ACK>, with the last data if there is some. A FIN sent by
    // hand says only "no more data": the RFC's CLOSE, `shutdown`, in every profile. The linux profile's close(),
    // which may answer with RST instead, is the `close` call (calls.ts); a hand-made RST is the ABORT move below.
    moves.push({
      flags: FIN | ACK,
      optional: established ? DATA_FLAGS : 0,
      seq: tcb.snd_nxt,
      seqCode: 'SEQ_MUST_BE_SND_NXT',
      ack: tcb.rcv_nxt,
      ackCode: 'ACK_MUST_BE_RCV_NXT',
      length: established ? null : 0,
      params: {},
      apply: (c, side, d) => {
        if (d.length > 0) {
          markUrgent(c, side, d);
          ep(c, side).tcb!.send_queue.push({ length: d.length, payload: d.payload, push: (d.flags & PSH) !== 0, urgent: false });
        }
        // A FIN keeps receiving: shutdown(SHUT_WR). Only the linux profile tells it apart from close() (calls.ts).
        userCall(c, side, c.conn.config.profile === 'linux' ? 'shutdown' : 'close', null);
        clearOwedAck(c, side);
      },
    });
  }
  if (synchronized && state !== 'SYN_RECEIVED') {
    // A bare ACK at SND.NXT is always conforming once synchronized (it may repeat an earlier one).
    const ack = ackSegment(tcb);
    moves.push({
      flags: ACK,
      optional: 0,
      seq: ack.seq,
      seqCode: 'SEQ_MUST_BE_SND_NXT',
      ack: ack.ack,
      ackCode: 'ACK_MUST_BE_RCV_NXT',
      length: 0,
      params: {},
      apply: (c, side, d) => {
        transmit(c, buildSegment(c, side, { ...ackSegment(ep(c, side).tcb!) }, d.overrides));
        clearOwedAck(c, side);
      },
    });
  }
  if (state === 'SYN_RECEIVED' || state === 'ESTABLISHED' || state === 'FIN_WAIT_1' || state === 'FIN_WAIT_2' || state === 'CLOSE_WAIT') {
    // ABORT (§3.10.5): <SEQ=SND.NXT><CTL=RST>; Linux adds ACK = RCV.NXT. Either is conforming.
    moves.push({
      flags: RST,
      optional: ACK,
      seq: tcb.snd_nxt,
      seqCode: 'SEQ_MUST_BE_SND_NXT',
      ack: tcb.rcv_nxt,
      ackCode: 'ACK_MUST_BE_RCV_NXT',
      length: 0,
      params: {},
      apply: (c, side, d) => {
        abort(c, side, (d.flags & ACK) !== 0);
      },
    });
  }
  // §3.8.6.1: the peer's window is zero and nothing is in flight; a TCP with data to send probes. The caller plays
  // the application, whose data tcplab cannot see before it is sent, so in ESTABLISHED and CLOSE-WAIT a probe is
  // possible at any time; after CLOSE only while queued data waits.
  if (
    tcb.snd_wnd === 0 &&
    tcb.retransmission_queue.length === 0 &&
    transmitsQueued(state) &&
    (established || tcb.send_queue.length > 0)
  ) {
    const probe = zeroWindowProbe(tcb);
    moves.push(
      {
        flags: ACK,
        optional: 0,
        seq: probe.seq,
        seqCode: 'SEQ_MUST_BE_SND_UNA_MINUS_ONE',
        ack: probe.ack,
        ackCode: 'ACK_MUST_BE_RCV_NXT',
        length: 0,
        params: {},
        apply: (c, side, d) => {
          const t = ep(c, side).tcb!;
          recordProbe(c, side, 'old_seq', probe.seq, t.snd_una, queuedOctets(t));
          transmit(c, buildSegment(c, side, zeroWindowProbe(t), d.overrides));
          clearOwedAck(c, side);
        },
      },
      probeOctetMove(tcb),
    );
  }
  return moves;
}

/** A probe of one octet of new data at SND.NXT, beyond the zero window (§3.8.6.1): from the send queue, or a SEND of one octet. */
function probeOctetMove(tcb: Tcb): Move {
  return {
    flags: ACK,
    optional: DATA_FLAGS,
    seq: tcb.snd_nxt,
    seqCode: 'SEQ_MUST_BE_SND_NXT',
    ack: tcb.rcv_nxt,
    ackCode: 'ACK_MUST_BE_RCV_NXT',
    length: 1,
    params: {},
    apply: (c, side, d) => {
      const t = ep(c, side).tcb!;
      recordProbe(c, side, 'octet', t.snd_nxt, t.snd_una, queuedOctets(t));
      markUrgent(c, side, d);
      sendProbeOctet(c, side, { payload: d.payload, push: (d.flags & PSH) !== 0 });
      clearOwedAck(c, side);
    },
  };
}

function recordProbe(ctx: Context, side: Side, form: 'old_seq' | 'octet', seq: number, sndUna: number, queued: number): void {
  record(ctx, side, 'send', 'ZERO_WINDOW_PROBE', RFC9293_3_8_6_1, { form, seq, snd_una: sndUna, queued, interval_ms: null, next_interval_ms: null });
}

/**
 * A manual segment with URG says where its urgent data ends: SND.UP moves
 * there (§3.10.2), and output.ts sets URG and the pointer from SND.UP on every
 * segment that begins before it (§3.8.5).
 */
function markUrgent(ctx: Context, side: Side, d: ResolvedDraft): void {
  if (!(d.flags & URG)) return;
  const tcb = ep(ctx, side).tcb!;
  const end = seqAdd(d.seq, d.urgent_pointer);
  if (seqLt(tcb.snd_up, end)) tcb.snd_up = end;
}

function owedFirst(e: Endpoint): OwedSegment | undefined {
  return e.owed.find((o) => !isPlainAck(o));
}

function clearOwedAck(ctx: Context, side: Side): void {
  const e = ep(ctx, side);
  e.owed = e.owed.filter((o) => !isPlainAck(o));
}

/**
 * The move the caller meant: its flags match; a given seq prefers the move at
 * that seq. An exact length beats "any length", and earlier moves (owed
 * answers) win ties.
 */
function matchMove(moves: Move[], draft: SegmentDraft, length: number): Move | null {
  const matching = moves.filter((m) => (draft.flags & ~m.optional) === m.flags);
  const bySeq = draft.seq === undefined || draft.seq === null ? [] : matching.filter((m) => m.seq === draft.seq);
  const pool = bySeq.length > 0 ? bySeq : matching;
  return pool.find((m) => m.length === length) ?? pool.find((m) => m.length === null) ?? pool[0] ?? null;
}


export function manualSend(ctx: Context, side: Side, draft: SegmentDraft): ManualSendResult {
  const e = ep(ctx, side);
  const moves = possibleMoves(ctx, e);
  const length = draft.length ?? (draft.payload ? payloadLength(draft.payload) : 0);
  const move = matchMove(moves, draft, length);
  if (!move) {
    return { ok: false, violations: [flagsViolation(e, moves, draft.flags, e.state)], expected: expectedSegment(e, moves, null, length) };
  }
  const seq = draft.seq ?? move.seq;
  const ack = draft.ack ?? move.ack ?? 0;
  const urgentPointer = draft.urgent_pointer ?? (draft.flags & URG ? urgentDefault(e.tcb, seq, length) : 0);
  const violations = moveViolations(e, move, draft, seq, ack, length, urgentPointer);
  if (violations.length > 0) return { ok: false, violations, expected: expectedSegment(e, moves, move, length) };

  const overrides: WireOverrides = {};
  if (draft.window !== undefined && draft.window !== null) overrides.window = draft.window;
  if (draft.options) overrides.options = draft.options;
  // The caller's window and options reach the segment whichever user call sends it.
  ctx.wire = { side, overrides };
  move.apply(ctx, side, {
    flags: draft.flags,
    seq,
    ack: draft.flags & ACK ? ack : 0,
    length,
    payload: draft.payload ?? null,
    urgent_pointer: urgentPointer,
    overrides,
  });
  ctx.wire = null;
  return { ok: true };
}

/** Every field of `draft` that a conforming TCP making `move` would not send. */
function moveViolations(e: Endpoint, move: Move, draft: SegmentDraft, seq: number, ack: number, length: number, urgentPointer: number): Violation[] {
  const violations: Violation[] = [];
  const tcb = e.tcb;
  const side = e.side;
  const state = e.state;
  if (seq !== move.seq) {
    violations.push({
      field: 'seq',
      expected: move.seq,
      actual: seq,
      code: move.seqCode,
      params: { ...move.params, side, state, snd_nxt: tcb?.snd_nxt ?? null, snd_una: tcb?.snd_una ?? null, iss: tcb?.iss ?? move.seq },
    });
  }
  if (move.ack !== null && draft.flags & ACK && ack !== move.ack) {
    violations.push({
      field: 'ack',
      expected: move.ack,
      actual: ack,
      code: move.ackCode,
      params: { ...move.params, side, state, rcv_nxt: tcb?.rcv_nxt ?? null, irs: tcb?.irs ?? null },
    });
  }
  violations.push(...lengthViolations(e, move, draft, length));
  const urgent = urgentViolation(tcb, draft.flags, seq, urgentPointer);
  if (urgent) violations.push(urgent);
  const window = windowViolation(e, draft);
  if (window) violations.push(window);
  if (draft.options && !(draft.flags & SYN) && draft.options.some((o) => o.kind === 'mss' || o.kind === 'wscale' || o.kind === 'sackOK')) {
    violations.push({ field: 'options', expected: null, actual: draft.options.map((o) => o.kind).join(','), code: 'OPTIONS_ONLY_ON_SYN', params: {} });
  }
  return violations;
}

/**
 * The segment to show as right: the move the caller meant, with the caller's
 * length or else as much of it as one segment may carry now; failing that the
 * other moves, nearest in length first — always one that the same rules
 * accept as it stands, so that it never contradicts the violations beside it.
 */
function expectedSegment(e: Endpoint, moves: readonly Move[], meant: Move | null, length: number): ExpectedSegment | null {
  const tcb = e.tcb;
  const others = meant ? moves.filter((m) => m !== meant) : moves;
  const candidates = [
    ...(meant ? [expectedOf(meant, length, null), expectedOf(meant, length, tcb)] : []),
    ...others.flatMap((m) => [expectedOf(m, length, null), expectedOf(m, length, tcb)]),
  ];
  // A stable sort: among the other moves, those nearest in length to what the caller sent come first.
  const ordered = meant ? [...candidates.slice(0, 2), ...candidates.slice(2).sort((a, b) => Math.abs(a.length - length) - Math.abs(b.length - length))] : candidates;
  return ordered.find((x) => isAccepted(e, moves, x)) ?? null;
}

/** A move as a segment of the caller's length; with `fit`, cut to what one segment may carry now (MSS, usable window; data at least one octet). */
function expectedOf(move: Move, length: number, fit: Tcb | null): ExpectedSegment {
  let fits = length;
  if (move.length === null && fit) {
    fits = Math.min(length, fit.snd_mss, usableWindow(fit));
    if (!(move.flags & FIN)) fits = Math.max(1, fits);
  }
  return { flags: move.flags, seq: move.seq, ack: move.ack ?? 0, length: move.length ?? fits };
}

function isAccepted(e: Endpoint, moves: readonly Move[], x: ExpectedSegment): boolean {
  const draft: SegmentDraft = { flags: x.flags, seq: x.seq, ack: x.ack, length: x.length };
  const move = matchMove([...moves], draft, x.length);
  return move !== null && moveViolations(e, move, draft, x.seq, x.ack, x.length, 0).length === 0;
}

/** Where the urgent data ends, when the caller leaves the pointer out: this segment's end, or SND.UP if that is later. */
function urgentDefault(tcb: Tcb | null, seq: number, length: number): number {
  const pending = tcb && seqLt(seq, tcb.snd_up) ? seqDiff(tcb.snd_up, seq) : 0;
  return Math.min(Math.max(length, pending), 0xffff);
}

/**
 * RFC 9293 §3.8.5: the urgent pointer is the offset from SEG.SEQ of the octet
 * after the urgent data, which may lie in a later segment (MUST-31): so any
 * positive offset, but never short of urgent data announced before (SND.UP).
 */
function urgentViolation(tcb: Tcb | null, flags: Flags, seq: number, urgentPointer: number): Violation | null {
  if (!(flags & URG)) return null;
  const announced = tcb && seqLt(seq, tcb.snd_up) ? Math.min(seqDiff(tcb.snd_up, seq), 0xffff) : 0;
  const least = Math.max(1, announced);
  if (urgentPointer >= least) return null;
  return { field: 'urgent_pointer', expected: least, actual: urgentPointer, code: 'URGENT_POINTER_INVALID', params: { least, snd_up: tcb?.snd_up ?? null } };
}

/**
 * A window field offers buffer space (RFC 9293 §3.8.6): no more than the
 * endpoint has free now, as its own window field would say (unscaled in a SYN,
 * RFC 7323 §2.2) — else the peer may send what must then be dropped. Less is
 * allowed: a real TCP may offer less than its buffer.
 */
function windowViolation(e: Endpoint, draft: SegmentDraft): Violation | null {
  if (draft.window === undefined || draft.window === null) return null;
  const syn = (draft.flags & SYN) !== 0;
  const most = e.tcb ? windowField(e.tcb, syn) : Math.min(e.config.window, 0xffff);
  if (draft.window <= most) return null;
  const shift = syn || !e.tcb ? 0 : e.tcb.rcv_wscale;
  return { field: 'window', expected: most, actual: draft.window, code: 'WINDOW_EXCEEDS_BUFFER', params: { rcv_wnd: e.tcb?.rcv_wnd ?? e.config.window, wscale: shift } };
}

function lengthViolations(e: Endpoint, move: Move, draft: SegmentDraft, length: number): Violation[] {
  const tcb = e.tcb;
  const out: Violation[] = [];
  if (move.length !== null && length !== move.length) {
    out.push({
      field: 'length',
      expected: move.length,
      actual: length,
      code: move.params['retransmission'] ? 'LENGTH_MUST_MATCH_RETRANSMITTED' : 'LENGTH_NOT_ALLOWED',
      params: { flags: flagsLabel(move.flags), state: e.state },
    });
    return out;
  }
  if (move.length === null && tcb) {
    if (length > tcb.snd_mss) {
      out.push({ field: 'length', expected: tcb.snd_mss, actual: length, code: 'LENGTH_EXCEEDS_MSS', params: { snd_mss: tcb.snd_mss } });
    } else if (length > usableWindow(tcb)) {
      out.push({
        field: 'length',
        expected: usableWindow(tcb),
        actual: length,
        code: 'LENGTH_EXCEEDS_WINDOW',
        params: { snd_una: tcb.snd_una, snd_wnd: tcb.snd_wnd, snd_nxt: tcb.snd_nxt },
      });
    } else if (length === 0 && !(move.flags & FIN)) {
      out.push({ field: 'length', expected: 1, actual: 0, code: 'LENGTH_NOT_ALLOWED', params: { flags: flagsLabel(draft.flags), state: e.state } });
    }
  }
  return out;
}

/** Why these flags are not a move this endpoint can make now. */
function flagsViolation(e: Endpoint, moves: Move[], flags: Flags, state: State): Violation {
  const blocking = owedFirst(e);
  const allowed = [...new Set(moves.map((m) => flagsLabel(m.flags)))].join(' | ');
  let code: ViolationCode = 'FLAGS_NOT_POSSIBLE_IN_STATE';
  const unacknowledged = e.tcb?.retransmission_queue.some((sent) => (sent.flags & ~DATA_FLAGS) === (flags & ~DATA_FLAGS)) ?? false;
  if (blocking) code = 'FLAGS_OWED_ANSWER_FIRST';
  // A TCP repeats a segment only when its retransmission timer expires (RFC 6298 §5.4): advance the clock.
  else if (unacknowledged) code = 'FLAGS_RETRANSMISSION_NOT_DUE';
  else if (!(flags & ACK) && !(flags & RST) && isSynchronized(state)) code = 'FLAGS_ACK_REQUIRED';
  else if (flags & SYN && flags & ACK && state === 'CLOSED') code = 'FLAGS_ACK_NOT_ALLOWED_ON_FIRST_SYN';
  else if (e.tcb && queuedOctets(e.tcb) > 0 && (state === 'ESTABLISHED' || state === 'CLOSE_WAIT')) code = 'FLAGS_DATA_QUEUED_FIRST';
  return {
    field: 'flags',
    expected: blocking ? flagsLabel(blocking.flags) : moves[0] ? flagsLabel(moves[0].flags) : null,
    actual: flagsLabel(flags),
    code,
    params: { side: e.side, state, allowed, owed: blocking ? flagsLabel(blocking.flags) : null, owed_reason: blocking?.reason ?? null },
  };
}
