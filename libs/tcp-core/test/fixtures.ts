/**
 * Fixtures for the tcp-core specs, chained as smoltcp's are (`socket_listen()`,
 * `socket_syn_received()`, `socket_established()` …): every state is reached
 * from the one before it through the public `step()` API only.
 *
 * The network never delivers by itself in these fixtures (auto_deliver off), so
 * every segment is delivered by hand and each fixture says what it leaves in
 * flight. The ISNs are fixed, so every seq/ack a spec expects is a literal:
 *
 *   client SYN          <SEQ=1000><CTL=SYN>                       client SYN_SENT
 *   server SYN,ACK      <SEQ=5000><ACK=1001><CTL=SYN,ACK>         server SYN_RECEIVED
 *   client ACK          <SEQ=1001><ACK=5001><CTL=ACK>             both ESTABLISHED
 *   client FIN,ACK      <SEQ=1001><ACK=5001>                      client FIN_WAIT_1
 *   server ACK          <SEQ=5001><ACK=1002>                      server CLOSE_WAIT, client FIN_WAIT_2
 *   server FIN,ACK      <SEQ=5001><ACK=1002>                      server LAST_ACK
 *   client ACK          <SEQ=1002><ACK=5002>                      client TIME_WAIT, server CLOSED
 */
import {
  createConnection,
  flagsFromNames,
  flagsLabel,
  step,
  type Connection,
  type ConnectionOptions,
  type FlagName,
  type Input,
  type Segment,
  type SegmentDraft,
  type Side,
  type StepResult,
  type TcpEvent,
  type TimerKind,
} from '../src';

export const CLIENT_ISS = 1000;
export const SERVER_ISS = 5000;
/** The ISNs of the seed capture (an OpenSSH connection seen in tcpdump). */
export const SEED_CLIENT_ISS = 481914174;
export const SEED_SERVER_ISS = 2737267460;
/**
 * The seed capture's endpoints. Windows 29200 and 28960 with wscale 7 give the
 * window fields 229 and 227 after the handshake (29200 / 128 and 28960 / 128, rounded up).
 */
export const SEED_OPTIONS: ConnectionOptions = {
  client: { ip: '192.168.1.63', port: 53198, isn: SEED_CLIENT_ISS, window: 29200 },
  server: { ip: '192.168.1.64', port: 22, isn: SEED_SERVER_ISS, window: 28960 },
};

/**
 * Window fields once the handshake is done: both SYNs offer wscale 7, and the
 * field is RCV.WND >> 7 rounded up (Linux __tcp_select_window): 64240 → 502,
 * 65160 → 510. A SYN carries the unscaled window (RFC 7323 §2.2).
 */
export const CLIENT_SYN_WINDOW = 64240;
export const SERVER_SYN_WINDOW = 65160;
export const CLIENT_WINDOW_FIELD = 502;
export const SERVER_WINDOW_FIELD = 510;

/** An input, or one computed from the connection as it is when its turn comes (to name a segment in flight). */
export type Step = Input | ((connection: Connection) => Input);

export interface Driven {
  connection: Connection;
  /** The result of the last input. */
  last: StepResult;
  results: StepResult[];
  /** Every segment put on the wire, injected ones included, in order. */
  segments: Segment[];
  events: TcpEvent[];
}

/** Step through `steps` in order, each from the connection the one before returned. */
export function drive(connection: Connection, ...steps: Step[]): Driven {
  if (steps.length === 0) throw new Error('drive() needs at least one step');
  const results: StepResult[] = [];
  let current = connection;
  for (const s of steps) {
    const result = step(current, typeof s === 'function' ? s(current) : s);
    results.push(result);
    current = result.connection;
  }
  return {
    connection: current,
    last: results[results.length - 1]!,
    results,
    segments: results.flatMap((r) => r.segments),
    events: results.flatMap((r) => r.events),
  };
}

/** Like drive(), for building fixtures: any refused input is a broken fixture, not a finding. */
function build(connection: Connection, ...steps: Step[]): Connection {
  const driven = drive(connection, ...steps);
  driven.results.forEach((r, i) => {
    if (!r.outcome.ok) throw new Error(`fixture step ${i} refused: ${JSON.stringify(r.outcome.error)}`);
  });
  return driven.connection;
}

// ---- inputs -----------------------------------------------------------------

export function call(endpoint: Side, name: 'listen' | 'connect' | 'receive' | 'close' | 'shutdown' | 'abort' | 'status'): Input {
  return { type: 'call', endpoint, call: name };
}

/** SEND of the given text (PSH set, as Linux does for every write). */
export function send(endpoint: Side, octets: string, options: { urgent?: boolean } = {}): Input {
  return { type: 'call', endpoint, call: 'send', data: { payload: base64(octets), urgent: options.urgent ?? false } };
}

export function inject(to: Side, segment: SegmentDraft): Input {
  return { type: 'inject', to, segment };
}

export function advance(ms: number): Input {
  return { type: 'advance', ms };
}

function actOnFirst(action: 'deliver' | 'drop', which: (s: Segment) => boolean): (c: Connection) => Input {
  return (c) => {
    const segment = c.network.in_flight.find(which);
    if (!segment) throw new Error(`no segment in flight to ${action}`);
    return { type: 'deliver', segment_id: segment.id, action };
  };
}

/** Deliver the oldest segment in flight (from `from`, if given). */
export function deliverNext(from?: Side): (c: Connection) => Input {
  return actOnFirst('deliver', (s) => from === undefined || s.from === from);
}

/** Deliver the oldest segment in flight that `which` picks. */
export function deliverWhere(which: (s: Segment) => boolean): (c: Connection) => Input {
  return actOnFirst('deliver', which);
}

/** Drop the oldest segment in flight (from `from`, if given). */
export function dropNext(from?: Side): (c: Connection) => Input {
  return actOnFirst('drop', (s) => from === undefined || s.from === from);
}

// ---- fixtures, each built from the one before --------------------------------

/** Fixed ISNs (client 1000, server 5000) unless the options say otherwise. */
function withIsns(options: ConnectionOptions): ConnectionOptions {
  return {
    ...options,
    client: { isn: CLIENT_ISS, ...options.client },
    server: { isn: SERVER_ISS, ...options.server },
  };
}

/** Both endpoints CLOSED; the network holds every segment until told. */
export function closed(options: ConnectionOptions = {}): Connection {
  return build(createConnection(withIsns(options)), { type: 'configure_network', auto_deliver: false });
}

/** Server LISTEN, client CLOSED. Nothing in flight. */
export function listening(options: ConnectionOptions = {}): Connection {
  return build(closed(options), call('server', 'listen'));
}

/** listening + client OPEN: client SYN_SENT. In flight: client SYN <SEQ=1000>. */
export function synSent(options: ConnectionOptions = {}): Connection {
  return build(listening(options), call('client', 'connect'));
}

/** synSent + the SYN delivered: server SYN_RECEIVED (passive), client SYN_SENT. In flight: server SYN,ACK <SEQ=5000><ACK=1001>. */
export function synReceived(options: ConnectionOptions = {}): Connection {
  return build(synSent(options), deliverNext('client'));
}

/** synReceived + the SYN,ACK and the client's ACK delivered: both ESTABLISHED. Nothing in flight. */
export function established(options: ConnectionOptions = {}): Connection {
  return build(synReceived(options), deliverNext('server'), deliverNext('client'));
}

/** established + client CLOSE: client FIN_WAIT_1, server ESTABLISHED. In flight: client FIN,ACK <SEQ=1001><ACK=5001>. */
export function finWait1(options: ConnectionOptions = {}): Connection {
  return build(established(options), call('client', 'close'));
}

/** finWait1 + the FIN and its ACK delivered: client FIN_WAIT_2, server CLOSE_WAIT. Nothing in flight. */
export function finWait2(options: ConnectionOptions = {}): Connection {
  return build(finWait1(options), deliverNext('client'), deliverNext('server'));
}

/** The same connection seen from the server, the passive closer: CLOSE_WAIT (client FIN_WAIT_2). */
export function closeWait(options: ConnectionOptions = {}): Connection {
  return finWait2(options);
}

/** closeWait + server CLOSE: server LAST_ACK, client FIN_WAIT_2. In flight: server FIN,ACK <SEQ=5001><ACK=1002>. */
export function lastAck(options: ConnectionOptions = {}): Connection {
  return build(closeWait(options), call('server', 'close'));
}

/**
 * lastAck + the server's FIN delivered: client TIME_WAIT (entered at 0 ms),
 * server still LAST_ACK. In flight: client ACK <SEQ=1002><ACK=5002>.
 */
export function timeWait(options: ConnectionOptions = {}): Connection {
  return build(lastAck(options), deliverNext('server'));
}

/**
 * finWait1 + server CLOSE, and the two FINs cross: both CLOSING.
 * In flight: server ACK <SEQ=5002><ACK=1002>, then client ACK <SEQ=1002><ACK=5002>.
 */
export function closing(options: ConnectionOptions = {}): Connection {
  return build(finWait1(options), call('server', 'close'), deliverNext('client'), deliverNext('server'));
}

/** Both endpoints OPEN actively: both SYN_SENT. In flight: client SYN <SEQ=1000>, then server SYN <SEQ=5000>. */
export function bothSynSent(options: ConnectionOptions = {}): Connection {
  return build(closed(options), call('client', 'connect'), call('server', 'connect'));
}

/**
 * bothSynSent + the client's SYN delivered: server SYN_RECEIVED reached from
 * SYN_SENT (simultaneous open), client SYN_SENT.
 * In flight: server SYN <SEQ=5000>, then server SYN,ACK <SEQ=5000><ACK=1001>.
 */
export function simultaneousSynReceived(options: ConnectionOptions = {}): Connection {
  return build(bothSynSent(options), deliverNext('client'));
}

// ---- reading results ----------------------------------------------------------

export function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

export function text(payload: string | null | undefined): string | null {
  return payload === null || payload === undefined ? null : Buffer.from(payload, 'base64').toString('utf8');
}

export function codes(events: readonly TcpEvent[]): string[] {
  return events.map((e) => e.code);
}

/** Codes that only say a segment moved (sent, arrived, injected, dropped, held) or the network was configured. */
const BOOKKEEPING = new Set<string>([
  'SEGMENT_INJECTED',
  'SEGMENT_ARRIVED',
  'SEGMENT_SENT',
  'SEGMENT_RETRANSMITTED',
  'SEGMENT_DROPPED',
  'SEGMENT_HELD',
  'SEGMENT_DUPLICATED',
  'NETWORK_CONFIGURED',
]);

/** The codes of the rules that fired, in order, without the bookkeeping around them. */
export function rules(events: readonly TcpEvent[]): string[] {
  return codes(events).filter((c) => !BOOKKEEPING.has(c));
}

/** The segments `side` put on the wire. */
export function sentBy(segments: readonly Segment[], side: Side): Segment[] {
  return segments.filter((s) => s.from === side);
}

export interface ExpectedSegment {
  from: Side;
  flags: FlagName[];
  seq: number;
  ack: number;
  length?: number;
  window?: number;
}

/**
 * The fields a segment is judged by. Flags are compared as the exact bit set
 * (flagsFromNames), rendered as "SYN,ACK" so that a failure reads like tcpdump.
 */
function shape(segment: Segment, expected: ExpectedSegment): Record<string, unknown> {
  return {
    from: segment.from,
    flags: flagsLabel(segment.flags),
    seq: segment.seq,
    ack: segment.ack,
    ...(expected.length !== undefined ? { length: segment.length } : {}),
    ...(expected.window !== undefined ? { window: segment.window } : {}),
  };
}

/** Exactly these segments, in this order. */
export function expectSegments(segments: readonly Segment[], expected: readonly ExpectedSegment[]): void {
  expect(segments.map((s, i) => shape(s, expected[i] ?? { from: s.from, flags: [], seq: 0, ack: 0 }))).toEqual(
    expected.map((e) => ({ ...e, flags: flagsLabel(flagsFromNames(e.flags)) })),
  );
}

export function states(connection: Connection): { client: string; server: string } {
  return { client: connection.client.state, server: connection.server.state };
}

export function timer(connection: Connection, side: Side, kind: TimerKind): number | null {
  return connection[side].timers.find((t) => t.kind === kind)?.due_ms ?? null;
}
