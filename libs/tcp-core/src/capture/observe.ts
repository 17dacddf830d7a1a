/**
 * Replay one captured connection through tcp-core as an observer of both
 * ends, with manual mode as the oracle: every captured segment is proposed as
 * `step(conn, { type: 'send', from, segment })`. A conforming segment is
 * applied and delivered; one that is not is reported with the simulator's
 * violations, then injected into its receiver so the replay goes on.
 *
 * Who is the client: the sender of the first SYN (without ACK); else the
 * receiver of the first SYN,ACK; else (the capture starts mid-connection) the
 * endpoint with the higher port — servers listen on the lower, well-known
 * port — and on equal ports the sender of the first captured segment.
 *
 * Captures that do not start with the SYN are given a starting point through
 * the public API only: synthesized segments (marked `synthesized`) — the SYN
 * (when the capture starts at the SYN,ACK), or SYN, SYN,ACK and ACK derived
 * from the first numbers seen (mid-connection). What the capture cannot tell
 * (window scale, MSS) is then assumed as permissive as possible (wscale 14,
 * MSS 65495), so that only real contradictions show up as anomalies.
 *
 * The observer's applications read everything as soon as it arrives, so that
 * receive windows never fill up because nobody reads. The clock only moves
 * when a captured retransmission needs its timer to have fired.
 *
 * Besides the report, the result carries the replay itself: the options it
 * started from and every input it applied, in order (the listen call, each
 * send or inject — synthesized segments included —, the observer's receive
 * calls, the clock advances), each with the events and segments it produced.
 * `createConnection(options)` followed by `step()` of every input gives the
 * final `connection` exactly, so a connection can be stored as a session whose
 * history replays.
 */
import { createConnection, endpoint, type Connection, type ConnectionOptions, type EndpointOptions } from '../connection';
import type { TcpEvent } from '../events';
import {
  ACK,
  FIN,
  RST,
  SYN,
  flagNames,
  otherSide,
  optionMss,
  optionSackPermitted,
  optionTimestamp,
  optionWscale,
  segLen,
  type Address,
  type FlagName,
  type Segment,
  type Side,
  type TcpOption,
} from '../segment';
import { seqAdd, seqDiff, seqGt, seqLt } from '../sequence';
import type { State } from '../state';
import { step, type Input, type StepResult } from '../step';
import type { SegmentDraft, Violation } from '../validate';
import type { NetworkAction } from '../context';
import type { CapturedSegment } from './types';

/** Assumed for what a capture without the handshake cannot tell. */
const SYNTH_MSS = 65495;
const SYNTH_WSCALE = 14;
const SYNTH_WINDOW = 65535;
/** Linux's default MSS when the SYN carries none (RFC 9293 §3.7.1: 536). */
const DEFAULT_MSS = 536;

export type AnomalyKind = 'invalid_segment' | 'missing_segment' | 'not_simulated';

export interface Anomaly {
  kind: AnomalyKind;
  text: string;
  /** For invalid_segment: what the simulator found wrong (validate.ts codes), with the values it expected. */
  violations?: Violation[];
}

export interface StatePair {
  client: State | null;
  server: State | null;
}

export interface ObservedSegment {
  /** Position in the connection's captured segments; null for a synthesized one. */
  index: number | null;
  /** Packet or line number in the capture; null for a synthesized one. */
  frame: number | null;
  synthesized: boolean;
  time_us: number | null;
  from: Side;
  flags: FlagName[];
  seq: number;
  ack: number;
  length: number;
  window: number;
  role: string;
  states_before: StatePair;
  states_after: StatePair;
  anomalies: Anomaly[];
}

/** One input the replay applied, with what it produced: one entry of a session's history. */
export interface ObservedStep {
  input: Input;
  events: TcpEvent[];
  segments: Segment[];
}

export interface ObservedConnection {
  client: Address;
  server: Address;
  /** How the capture begins: with the client's SYN, with the server's SYN,ACK, or somewhere after. */
  start: 'handshake' | 'after_syn' | 'mid_connection';
  one_direction: boolean;
  /** False when the replay could not be set up at all: roles then come from the flags only, states are null. */
  simulated: boolean;
  segments: ObservedSegment[];
  notes: string[];
  /** What the replay started from (manual mode): `createConnection(options)`. */
  options: ConnectionOptions;
  /** Every input the replay applied, in order, with its events and segments; failed attempts are not in it. */
  history: ObservedStep[];
  /** The replay's final connection: `history` stepped from `options` gives exactly this. */
  connection: Connection;
}

const same = (a: Address, b: Address): boolean => a.ip === b.ip && a.port === b.port;
const label = (a: Address): string => `${a.ip}.${a.port}`;

function chooseEnds(segments: readonly CapturedSegment[]): { client: Address; server: Address; rule: string } {
  const syn = segments.find((s) => (s.flags & (SYN | ACK)) === SYN);
  if (syn) return { client: syn.src, server: syn.dst, rule: 'the client is the sender of the first SYN' };
  const synAck = segments.find((s) => (s.flags & (SYN | ACK)) === (SYN | ACK));
  if (synAck) return { client: synAck.dst, server: synAck.src, rule: 'no SYN captured: the client is the receiver of the first SYN,ACK' };
  const first = segments[0]!;
  if (first.src.port < first.dst.port) return { client: first.dst, server: first.src, rule: 'no SYN captured: the server is the endpoint with the lower port' };
  return {
    client: first.src,
    server: first.dst,
    rule: first.src.port === first.dst.port ? 'no SYN captured, equal ports: the client is the sender of the first segment' : 'no SYN captured: the server is the endpoint with the lower port',
  };
}

function configFromSyn(s: CapturedSegment): EndpointOptions {
  return {
    ip: s.src.ip,
    port: s.src.port,
    isn: s.seq,
    window: s.window,
    mss: optionMss(s.options) ?? DEFAULT_MSS,
    wscale: optionWscale(s.options),
    sack_permitted: optionSackPermitted(s.options),
    timestamps: optionTimestamp(s.options) !== null,
  };
}

function synthConfig(address: Address, isn: number | null, timestamps: boolean, wscale: number | null): EndpointOptions {
  // The largest buffer the assumed scale can advertise, as permissive as the rest: any captured window fits.
  const window = wscale === null ? SYNTH_WINDOW : SYNTH_WINDOW * 2 ** wscale;
  return { ip: address.ip, port: address.port, isn, window, mss: SYNTH_MSS, wscale, sack_permitted: true, timestamps };
}

function synthSynOptions(config: EndpointOptions, tsVal: number, tsEcr: number): TcpOption[] {
  const options: TcpOption[] = [{ kind: 'mss', value: config.mss ?? SYNTH_MSS }, { kind: 'sackOK' }];
  if (config.timestamps) options.push({ kind: 'ts', val: tsVal, ecr: tsEcr });
  if (config.wscale !== null && config.wscale !== undefined) options.push({ kind: 'nop' }, { kind: 'wscale', shift: config.wscale });
  return options;
}

/** What each captured segment is for, from the flags and what the simulator did with it. */
function roleOf(
  s: { flags: number; length: number; window: number },
  from: Side,
  before: Connection,
  after: Connection,
  previousWindow: number | undefined,
  retransmission: boolean,
): string {
  const to = otherSide(from);
  const senderBefore = endpoint(before, from).state;
  const receiverBefore = endpoint(before, to).state;
  const receiverAfter = endpoint(after, to).state;
  if (s.flags & RST) return 'RST';
  if (retransmission) return `retransmission${s.flags & SYN ? ` (${s.flags & ACK ? 'SYN,ACK' : 'SYN'})` : s.flags & FIN ? ' (FIN)' : ''}`;
  if ((s.flags & (SYN | ACK)) === SYN) return '1st handshake (SYN)';
  if (s.flags & SYN) return '2nd handshake (SYN,ACK)';
  if (s.flags & FIN) {
    if (senderBefore === 'CLOSE_WAIT') return 'FIN from the passive closer';
    if (receiverBefore === 'FIN_WAIT_1' || receiverBefore === 'FIN_WAIT_2') return 'FIN (simultaneous close)';
    return 'FIN from the active closer';
  }
  if (receiverBefore === 'SYN_RECEIVED' && receiverAfter === 'ESTABLISHED') return s.length > 0 ? '3rd handshake (ACK) with data' : '3rd handshake (ACK)';
  if (s.length > 0) return 'data';
  if (!(s.flags & ACK)) return 'segment without ACK';
  if (receiverBefore === 'LAST_ACK' && receiverAfter === 'CLOSED') return 'last ACK';
  if ((receiverBefore === 'FIN_WAIT_1' || receiverBefore === 'CLOSING') && receiverAfter !== receiverBefore) return 'ACK of FIN';
  const unaBefore = endpoint(before, to).tcb?.snd_una;
  const unaAfter = endpoint(after, to).tcb?.snd_una;
  if (unaBefore !== undefined && unaAfter !== undefined && seqGt(unaAfter, unaBefore)) return 'ACK of data';
  if (senderBefore === 'TIME_WAIT' || senderBefore === 'CLOSE_WAIT') {
    // The ACK of the peer's FIN: the peer's state moved on (FIN_WAIT_2, TIME_WAIT) or was already there.
    return 'ACK of FIN';
  }
  if (previousWindow !== undefined && previousWindow !== s.window) return 'window update';
  return 'duplicate ACK';
}

function flagsOnlyRole(s: CapturedSegment): string {
  if (s.flags & RST) return 'RST';
  if ((s.flags & (SYN | ACK)) === SYN) return '1st handshake (SYN)';
  if (s.flags & SYN) return '2nd handshake (SYN,ACK)';
  if (s.flags & FIN) return 'FIN';
  if (s.length > 0) return 'data';
  return 'ACK';
}

function draftOf(s: CapturedSegment): SegmentDraft {
  const draft: SegmentDraft = { flags: s.flags, window: s.window, length: s.length, options: s.options };
  if (!s.seq_inferred) draft.seq = s.seq;
  if (s.flags & ACK) draft.ack = s.ack;
  if (s.payload !== null) draft.payload = s.payload;
  if (s.flags & 0x20) draft.urgent_pointer = s.urgent_pointer;
  return draft;
}

function violationText(v: Violation): string {
  return `${v.code}: ${v.field} ${v.actual ?? '(none)'}, expected ${v.expected ?? '(none)'}`;
}

export function observe(segments: readonly CapturedSegment[]): ObservedConnection {
  const notes: string[] = [];
  if (segments.length === 0) {
    const options: ConnectionOptions = { mode: 'manual', seed: 0 };
    return {
      client: { ip: '', port: 0 },
      server: { ip: '', port: 0 },
      start: 'mid_connection',
      one_direction: false,
      simulated: false,
      segments: [],
      notes: ['no segments'],
      options,
      history: [],
      connection: createConnection(options),
    };
  }
  const { client, server, rule } = chooseEnds(segments);
  notes.push(rule);
  const sideOf = (s: CapturedSegment): Side => (same(s.src, client) ? 'client' : 'server');
  const fromClient = segments.filter((s) => sideOf(s) === 'client');
  const fromServer = segments.filter((s) => sideOf(s) === 'server');
  const oneDirection = fromClient.length === 0 || fromServer.length === 0;
  if (oneDirection) notes.push(`only one direction captured (${fromClient.length > 0 ? `${label(client)} → ${label(server)}` : `${label(server)} → ${label(client)}`})`);

  const first = segments[0]!;
  const start: ObservedConnection['start'] =
    (first.flags & (SYN | ACK)) === SYN ? 'handshake' : (first.flags & (SYN | ACK)) === (SYN | ACK) ? 'after_syn' : 'mid_connection';
  if (start === 'after_syn') notes.push('capture starts after the SYN: the SYN is synthesized from the SYN,ACK');
  if (start === 'mid_connection') {
    notes.push(
      `capture starts mid-connection: a handshake is synthesized from the first numbers seen, with window scale ${SYNTH_WSCALE} and MSS ${SYNTH_MSS} assumed (the capture does not show them)`,
    );
  }

  const out: ObservedSegment[] = [];
  const nextSeq: Partial<Record<Side, number>> = {};
  const lastWindow: Partial<Record<Side, number>> = {};
  /** The TSval each side sent last in the capture so far: what a segment synthesized for it carries. */
  const lastTs: Partial<Record<Side, number>> = {};
  const hasTs = (list: CapturedSegment[]): boolean => list.some((s) => optionTimestamp(s.options) !== null);

  // ---------------------------------------------------------------- the starting point
  const clientSyn = start === 'handshake' ? first : undefined;
  const serverSynAck = fromServer.find((s) => (s.flags & (SYN | ACK)) === (SYN | ACK));
  /** Where a direction's numbers start when its SYN was not captured: its first seq, or the peer's first ack of it, whichever comes first. */
  const startOf = (side: Side): number | null => {
    for (const s of segments) {
      if (sideOf(s) === side && !s.seq_inferred) return s.seq;
      if (sideOf(s) !== side && s.flags & ACK) return s.ack;
    }
    for (const s of segments) if (sideOf(s) === side) return s.seq;
    return null;
  };
  let clientConfig: EndpointOptions;
  if (clientSyn) clientConfig = configFromSyn(clientSyn);
  else if (start === 'after_syn') {
    clientConfig = synthConfig(client, seqAdd(first.ack, -1), optionTimestamp(first.options) !== null, optionWscale(first.options) !== null ? SYNTH_WSCALE : null);
  } else {
    const s = startOf('client');
    clientConfig = synthConfig(client, s === null ? null : seqAdd(s, -1), hasTs(fromClient) || hasTs(fromServer), SYNTH_WSCALE);
  }
  let serverConfig: EndpointOptions;
  if (serverSynAck) serverConfig = configFromSyn(serverSynAck);
  else if (start === 'mid_connection') {
    const s = startOf('server');
    serverConfig = synthConfig(server, s === null ? null : seqAdd(s, -1), hasTs(fromClient) || hasTs(fromServer), SYNTH_WSCALE);
  } else {
    // The SYN,ACK was not captured: its ISN is what the client's first ACK acknowledges, less one.
    const ackOfSyn = fromClient.find((s) => s.flags & ACK && !(s.flags & SYN));
    serverConfig = { ip: server.ip, port: server.port, isn: ackOfSyn ? seqAdd(ackOfSyn.ack, -1) : null, ...(clientSyn ? { wscale: optionWscale(clientSyn.options) } : {}) };
  }

  /**
   * The largest window a side offers in the capture, in octets. Its buffer is
   * at least that: manual mode refuses a window larger than the sender's
   * buffer, and Linux grows the window it offers as data flows
   * (tcp_grow_window), past what its SYN offered.
   */
  const largestOffer = (list: CapturedSegment[], own: EndpointOptions, peer: EndpointOptions): number => {
    const shift = own.wscale !== null && own.wscale !== undefined && peer.wscale !== null && peer.wscale !== undefined ? Math.min(own.wscale, 14) : 0;
    let most = 0;
    for (const x of list) most = Math.max(most, x.flags & SYN ? x.window : x.window * 2 ** shift);
    return most;
  };
  const clientBuffer = Math.max(clientConfig.window ?? 0, largestOffer(fromClient, clientConfig, serverConfig));
  const serverBuffer = Math.max(serverConfig.window ?? 0, largestOffer(fromServer, serverConfig, clientConfig));
  if (clientBuffer > 0) clientConfig = { ...clientConfig, window: clientBuffer };
  if (serverBuffer > 0) serverConfig = { ...serverConfig, window: serverBuffer };

  const options: ConnectionOptions = { mode: 'manual', seed: 0, client: clientConfig, server: serverConfig };
  let conn = createConnection(options);
  const history: ObservedStep[] = [];
  const states = (c: Connection): StatePair => ({ client: c.client.state, server: c.server.state });
  /**
   * The TSval a synthesized segment from `side` carries: that side's clock as the capture shows it (its last TSval,
   * or its first one), so that PAWS does not take the captured segments after it for old duplicates (RFC 7323 §5.3);
   * for a side the capture never shows with a timestamp, the replay's own clock.
   */
  const tsOf = (side: Side): number =>
    lastTs[side] ??
    (side === 'client' ? fromClient : fromServer).map((s) => optionTimestamp(s.options)?.val).find((v) => v !== undefined) ??
    (endpoint(conn, side).ts_offset + conn.clock_ms) >>> 0;
  /** The options of a synthesized segment other than a SYN: the timestamp, once both SYNs carried one (RFC 7323 §3.2). */
  const synthOptions = (side: Side): TcpOption[] | undefined => {
    const tcb = endpoint(conn, side).tcb;
    return tcb?.ts_enabled ? [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'ts', val: tsOf(side), ecr: tcb.ts_recent }] : undefined;
  };

  /** Every change to `conn` goes through here, so that `history` replays to it. */
  const commit = (input: Input, r: StepResult): void => {
    conn = r.connection;
    history.push({ input, events: r.events, segments: r.segments });
  };
  /** Step `input`; applied (and recorded) only when it succeeds. */
  const apply = (input: Input): StepResult => {
    const r = step(conn, input);
    if (r.outcome.ok) commit(input, r);
    return r;
  };

  const synthesize = (from: Side, draft: SegmentDraft, role: string, network: NetworkAction = 'deliver'): StepResult => {
    const before = conn;
    const r = apply({ type: 'send', from, segment: draft, network });
    if (r.outcome.ok) {
      drain(otherSide(from));
      const wire = r.segments.find((x) => x.from === from);
      const seq = wire?.seq ?? draft.seq ?? 0;
      out.push({
        index: null,
        frame: null,
        synthesized: true,
        time_us: null,
        from,
        flags: flagNames(draft.flags),
        seq,
        ack: wire?.ack ?? draft.ack ?? 0,
        length: draft.length ?? 0,
        window: wire?.window ?? draft.window ?? 0,
        role,
        states_before: states(before),
        states_after: states(conn),
        anomalies: [],
      });
      const end = seqAdd(seq, segLen({ flags: draft.flags, length: draft.length ?? 0 }));
      if (nextSeq[from] === undefined || seqGt(end, nextSeq[from]!)) nextSeq[from] = end;
    }
    return r;
  };
  /** The observer's application reads whatever has arrived, so that windows reflect the capture, not an idle reader. */
  const drain = (side: Side): void => {
    if ((endpoint(conn, side).tcb?.receive_queue.length ?? 0) === 0) return;
    apply({ type: 'call', endpoint: side, call: 'receive' });
  };

  let simulated = true;
  const serverRefuses = fromServer[0] !== undefined && (fromServer[0].flags & RST) !== 0 && !serverSynAck;
  if (!serverRefuses) apply({ type: 'call', endpoint: 'server', call: 'listen' });
  if (start !== 'handshake') {
    const clientTs = tsOf('client');
    const serverTs = tsOf('server');
    const ok =
      clientConfig.isn !== null &&
      synthesize('client', { flags: SYN, seq: clientConfig.isn, window: SYNTH_WINDOW, length: 0, options: synthSynOptions(clientConfig, clientTs, 0) }, 'synthesized 1st handshake (SYN)')
        .outcome.ok &&
      (start === 'after_syn' ||
        (serverConfig.isn !== null &&
          synthesize(
            'server',
            { flags: SYN | ACK, seq: serverConfig.isn, ack: seqAdd(clientConfig.isn!, 1), window: SYNTH_WINDOW, length: 0, options: synthSynOptions(serverConfig, serverTs, clientTs) },
            'synthesized 2nd handshake (SYN,ACK)',
          ).outcome.ok &&
          synthesize(
            'client',
            {
              flags: ACK,
              seq: seqAdd(clientConfig.isn!, 1),
              ack: seqAdd(serverConfig.isn!, 1),
              window: SYNTH_WINDOW,
              length: 0,
              options: clientConfig.timestamps ? [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'ts', val: clientTs, ecr: serverTs }] : [],
            },
            'synthesized 3rd handshake (ACK)',
          ).outcome.ok));
    if (!ok) {
      simulated = false;
      notes.push('the replay could not be given a starting point: roles come from the flags only, and states are unknown');
    }
  }

  // ---------------------------------------------------------------- the captured segments
  segments.forEach((s, index) => {
    const from = sideOf(s);
    const to = otherSide(from);
    const anomalies: Anomaly[] = [];
    const report = (role: string, before: StatePair, after: StatePair): void => {
      out.push({
        index,
        frame: s.frame,
        synthesized: false,
        time_us: s.time_us,
        from,
        flags: flagNames(s.flags),
        seq: s.seq,
        ack: s.ack,
        length: s.length,
        window: s.window,
        role,
        states_before: before,
        states_after: after,
        anomalies,
      });
    };
    const end = seqAdd(s.seq, segLen(s));
    const retransmission = !s.seq_inferred && segLen(s) > 0 && nextSeq[from] !== undefined && seqLt(s.seq, nextSeq[from]!);

    if (!simulated) {
      report(retransmission ? 'retransmission' : flagsOnlyRole(s), { client: null, server: null }, { client: null, server: null });
    } else {
      fillGaps(s, from, to, anomalies, retransmission);
      if (oneDirection) impliedPeer(s, from, to);
      const before = conn;
      const lost = lostDownstream(index);
      const send: Input = lost ? { type: 'send', from, segment: draftOf(s), network: 'drop' } : { type: 'send', from, segment: draftOf(s) };
      let r = step(conn, send);
      /** What to commit if the segment is finally accepted: the send, or a clock advance and the send. */
      let accepted: Array<[Input, StepResult]> = [[send, r]];
      if (!r.outcome.ok && retransmission) {
        const resent = retransmit(s, from);
        if (resent) {
          accepted = resent;
          r = resent[resent.length - 1]![1];
        }
      }
      if (!r.outcome.ok && oneDirection && r.outcome.error.code === 'SEGMENT_INVALID' && r.outcome.error.violations.some((v) => v.code === 'LENGTH_EXCEEDS_WINDOW')) {
        // Nobody was seen acknowledging: assume the peer acknowledged everything sent so far.
        const tcb = endpoint(conn, from).tcb!;
        synthesize(to, { flags: ACK, ack: tcb.snd_nxt, length: 0 }, 'synthesized ACK (direction not captured)');
        r = step(conn, send);
        accepted = [[send, r]];
      }
      /** The step that delivered the segment to its receiver: the send, or the injection of a segment it refused. */
      let arrived = r;
      if (r.outcome.ok) {
        for (const [input, result] of accepted) commit(input, result);
      } else {
        const error = r.outcome.error;
        const violations = error.code === 'SEGMENT_INVALID' ? error.violations : [];
        anomalies.push({
          kind: 'invalid_segment',
          text:
            error.code === 'SEGMENT_INVALID'
              ? `a conforming TCP in ${endpoint(conn, from).state} could not send this segment: ${violations.map(violationText).join('; ')}; it is injected into the ${to} as it arrived`
              : `the simulator refused the segment (${error.code}); it is injected into the ${to}`,
          violations,
        });
        arrived = apply({ type: 'inject', to, segment: draftOf(s) });
      }
      drain(to);
      const role = roleOf(s, from, before, conn, lastWindow[from], retransmission);
      // Not an anomaly — the receiver did what RFC 7323 §5.3 asks — but worth saying: its timestamp made it an old duplicate.
      const paws = arrived.events.some((e) => e.endpoint === to && (e.code === 'PAWS_REJECTED' || e.code === 'PAWS_OLD_ACK_DROPPED'));
      const said = paws ? `${role} (an old duplicate by its timestamp: dropped by PAWS, RFC 7323 §5.3)` : role;
      report(lost && r.outcome.ok ? `${said} (lost after the capture point, retransmitted later)` : said, states(before), states(conn));
    }
    if (!s.seq_inferred && (nextSeq[from] === undefined || seqGt(end, nextSeq[from]!))) nextSeq[from] = end;
    lastWindow[from] = s.window;
    const ts = optionTimestamp(s.options);
    if (ts) lastTs[from] = ts.val;
  });

  /**
   * A gap in a direction's sequence numbers, or an ack of octets never seen:
   * a segment is missing from the capture. It is reported, and synthesized
   * (delivered if the receiver later acknowledged it, lost if the sender
   * later retransmits it) so that the replay stays in step.
   */
  function fillGaps(s: CapturedSegment, from: Side, to: Side, anomalies: Anomaly[], retransmission: boolean): void {
    if (!s.seq_inferred && !retransmission && nextSeq[from] !== undefined && seqGt(s.seq, nextSeq[from]!)) {
      const gap = seqDiff(s.seq, nextSeq[from]!);
      anomalies.push({ kind: 'missing_segment', text: `missing segment: ${gap} octet(s) of sequence space from the ${from}, ${nextSeq[from]}:${s.seq}, are not in the capture` });
      fill(from, nextSeq[from]!, gap, segments.indexOf(s));
    }
    if (s.flags & ACK && !(s.flags & SYN) && nextSeq[to] !== undefined && seqGt(s.ack, nextSeq[to]!)) {
      const gap = seqDiff(s.ack, nextSeq[to]!);
      anomalies.push({ kind: 'missing_segment', text: `missing segment: ack ${s.ack} acknowledges ${gap} octet(s) from the ${to} (${nextSeq[to]}:${s.ack}) that are not in the capture` });
      fill(to, nextSeq[to]!, gap, segments.indexOf(s), 'deliver');
    }
  }

  function fill(side: Side, seq: number, gap: number, at: number, forced?: NetworkAction): void {
    const tcb = endpoint(conn, side).tcb;
    if (!tcb || tcb.snd_nxt !== seq) return;
    const later = segments.slice(at + 1).filter((x) => sideOf(x) === side);
    const isFin = gap === 1 && later.every((x) => x.length === 0) && !later.some((x) => x.flags & FIN);
    const resent = later.some((x) => x.seq === seq && segLen(x) > 0);
    const network: NetworkAction = forced ?? (resent ? 'drop' : 'deliver');
    const role = `synthesized missing ${isFin ? 'FIN' : 'data'} (${network === 'drop' ? 'lost, later retransmitted' : 'not captured'})`;
    if (isFin) {
      synthesize(side, { flags: FIN | ACK, seq, ack: tcb.rcv_nxt, length: 0, options: synthOptions(side) }, role, network);
      return;
    }
    let left = gap;
    let at2 = seq;
    while (left > 0) {
      const chunk = Math.min(left, endpoint(conn, side).tcb?.snd_mss ?? left, 0xffff);
      const r = synthesize(side, { flags: ACK, seq: at2, ack: endpoint(conn, side).tcb!.rcv_nxt, length: chunk, options: synthOptions(side) }, role, network);
      if (!r.outcome.ok) return;
      left -= chunk;
      at2 = seqAdd(at2, chunk);
    }
  }

  /**
   * A capture taken at the sender sees segments that are lost further on: the
   * sender retransmits one before anything from the receiver acknowledges it,
   * and the receiver's acks meanwhile (duplicates, for what arrived after it)
   * are right only if it never arrived. Such a segment is replayed as sent and
   * dropped, so that those acks are not taken for anomalies.
   */
  function lostDownstream(at: number): boolean {
    const s = segments[at]!;
    if (s.seq_inferred || segLen(s) === 0) return false;
    const from = sideOf(s);
    for (const later of segments.slice(at + 1)) {
      if (sideOf(later) === from) {
        if (later.seq === s.seq && segLen(later) > 0) return true;
      } else if (later.flags & ACK && seqGt(later.ack, s.seq)) return false;
    }
    return false;
  }

  /** One direction only: the segments the other side must have sent for this one to make sense. */
  function impliedPeer(s: CapturedSegment, from: Side, to: Side): void {
    const me = endpoint(conn, from);
    const peer = endpoint(conn, to);
    if (me.state === 'SYN_SENT' && s.flags & ACK && !(s.flags & SYN) && peer.state === 'SYN_RECEIVED' && peer.tcb) {
      synthesize(to, { flags: SYN | ACK, seq: peer.tcb.iss, ack: peer.tcb.rcv_nxt, length: 0 }, 'synthesized 2nd handshake (SYN,ACK) (direction not captured)');
    } else if (me.state === 'SYN_RECEIVED' && !(s.flags & (SYN | RST)) && peer.tcb && me.tcb) {
      synthesize(to, { flags: ACK, seq: peer.tcb.snd_nxt, ack: me.tcb.snd_nxt, length: 0 }, 'synthesized 3rd handshake (ACK) (direction not captured)');
    }
  }

  /**
   * A captured retransmission: let the sender's retransmission timer fire, then propose the segment again.
   * Both steps, to be committed together if the segment is accepted; null (nothing changes) if not.
   */
  function retransmit(s: CapturedSegment, from: Side): Array<[Input, StepResult]> | null {
    const timer = endpoint(conn, from).timers.find((t) => t.kind === 'retransmission');
    const head = endpoint(conn, from).tcb?.retransmission_queue[0];
    if (!timer || !head || head.seq !== s.seq) return null;
    const advance: Input = { type: 'advance', ms: Math.max(0, timer.due_ms - conn.clock_ms) };
    const advanced = step(conn, advance);
    if (!advanced.outcome.ok) return null;
    const send: Input = { type: 'send', from, segment: draftOf(s) };
    const r = step(advanced.connection, send);
    return r.outcome.ok ? [[advance, advanced], [send, r]] : null;
  }

  const final = out[out.length - 1];
  if (simulated && final) notes.push(`states at the end of the capture: client ${final.states_after.client}, server ${final.states_after.server}`);
  return { client, server, start, one_direction: oneDirection, simulated, segments: out, notes, options, history, connection: conn };
}
