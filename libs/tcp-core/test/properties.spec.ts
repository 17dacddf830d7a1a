/**
 * Property tests for the tcp-core simulator (fast-check).
 *
 * Random scripts are generated as abstract actions ("inject a segment whose
 * seq is the receiver's RCV.NXT + 3", "deliver the 2nd segment in flight")
 * and resolved against the connection as it stands when the action runs, so
 * that shrinking keeps its meaning. Each run records the concrete inputs it
 * fed to `step`, so that the replay and JSON properties use exactly those.
 */
import fc from 'fast-check';
import {
  ACK,
  FIN,
  PSH,
  RST,
  SYN,
  URG,
  createConnection,
  isLegalTransition,
  seqAdd,
  segLen,
  seqLe,
  seqLt,
  step,
  type Connection,
  type ConnectionOptions,
  type Input,
  type Mode,
  type Profile,
  type Segment,
  type Side,
  type State,
  type StepResult,
  type TcpEvent,
} from '../src';

const MAX_U32 = 0xffff_ffff;
// linux differs from rfc9293 in its timers (RTO floor, TIME_WAIT, FIN_WAIT_2 timeout) and the reset for a second SYN: worth the same properties.
const PROFILES: readonly Profile[] = ['rfc9293', 'rfc793', 'linux'];
const MODES: readonly Mode[] = ['auto', 'manual'];
const SIDES: readonly Side[] = ['client', 'server'];

// ---------------------------------------------------------------------------
// Abstract actions and their resolution against the current connection.

type TcbField = 'rcv_nxt' | 'snd_nxt' | 'snd_una' | 'iss' | 'irs';

/** A sequence/ack number: fully random, or near a TCB variable of either endpoint. */
type NumSpec = { kind: 'random'; value: number } | { kind: 'near'; of: 'to' | 'from'; field: TcbField; offset: number };

type Action =
  | { k: 'call'; side: Side; call: 'listen' | 'connect' | 'send' | 'receive' | 'close' | 'abort' | 'status'; length: number; net: 'deliver' | 'drop' | 'hold' | null }
  | { k: 'inject'; to: Side; flags: number; seq: NumSpec; ack: NumSpec; length: number }
  | { k: 'send'; from: Side; flags: number; seq: NumSpec | null; ack: NumSpec | null; length: number | null; net: 'deliver' | 'drop' | 'hold' | null }
  | { k: 'send_owed'; from: Side; index: number }
  | { k: 'deliver'; index: number; action: 'deliver' | 'drop' | 'duplicate' }
  | { k: 'configure'; auto_deliver: boolean | undefined; loss_rate: number | undefined }
  | { k: 'advance'; ms: number };

function endpointOf(c: Connection, side: Side) {
  return side === 'client' ? c.client : c.server;
}

function other(side: Side): Side {
  return side === 'client' ? 'server' : 'client';
}

function resolveNum(c: Connection, spec: NumSpec, to: Side): number {
  if (spec.kind === 'random') return spec.value;
  const e = endpointOf(c, spec.of === 'to' ? to : other(to));
  const base = e.tcb ? e.tcb[spec.field] : 0;
  return seqAdd(base, spec.offset);
}

/** The concrete input an abstract action stands for, given the connection now. */
function resolve(c: Connection, a: Action): Input {
  switch (a.k) {
    case 'call': {
      const input: Input = { type: 'call', endpoint: a.side, call: a.call };
      if (a.call === 'send') input.data = { length: a.length };
      if (a.net !== null) input.network = a.net;
      return input;
    }
    case 'inject':
      return {
        type: 'inject',
        to: a.to,
        segment: { flags: a.flags, seq: resolveNum(c, a.seq, a.to), ack: resolveNum(c, a.ack, a.to), length: a.length },
      };
    case 'send': {
      const to = other(a.from);
      const input: Input = {
        type: 'send',
        from: a.from,
        segment: {
          flags: a.flags,
          seq: a.seq === null ? null : resolveNum(c, a.seq, to),
          ack: a.ack === null ? null : resolveNum(c, a.ack, to),
          length: a.length,
        },
      };
      if (a.net !== null) input.network = a.net;
      return input;
    }
    case 'send_owed': {
      // The answer the stack owes, sent exactly as owed (how a manual-mode user makes progress).
      const owed = endpointOf(c, a.from).owed;
      const o = owed.length > 0 ? owed[a.index % owed.length]! : null;
      // Nothing owed (always so in auto mode): a harmless STATUS instead.
      if (!o) return { type: 'call', endpoint: a.from, call: 'status' };
      return { type: 'send', from: a.from, segment: { flags: o.flags, seq: o.seq, ack: o.ack, length: o.length } };
    }
    case 'deliver': {
      const flight = c.network.in_flight;
      const id = flight.length > 0 ? flight[a.index % flight.length]!.id : a.index;
      return { type: 'deliver', segment_id: id, action: a.action };
    }
    case 'configure': {
      const input: Input = { type: 'configure_network' };
      if (a.auto_deliver !== undefined) input.auto_deliver = a.auto_deliver;
      if (a.loss_rate !== undefined) input.loss_rate = a.loss_rate;
      return input;
    }
    case 'advance':
      return { type: 'advance', ms: a.ms };
  }
}

// ---------------------------------------------------------------------------
// Generators.

const sideArb = fc.constantFrom<Side>(...SIDES);
const netArb = fc.constantFrom<'deliver' | 'drop' | 'hold' | null>(null, null, null, 'deliver', 'hold', 'drop');

const commonFlags = [SYN, SYN | ACK, ACK, ACK | PSH, FIN | ACK, RST, RST | ACK, FIN, ACK | URG, SYN | FIN, 0];
const flagsArb = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...commonFlags) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x3f }) });

const offsetArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 2, arbitrary: fc.integer({ min: -1_500, max: 1_500 }) },
  { weight: 1, arbitrary: fc.integer({ min: -70_000, max: 70_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(-(2 ** 31), 2 ** 31 - 1, 2 ** 31) },
);

const anyNumSpecArb: fc.Arbitrary<NumSpec> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('random' as const), value: fc.integer({ min: 0, max: MAX_U32 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('near' as const),
      of: fc.constantFrom<'to' | 'from'>('to', 'from'),
      field: fc.constantFrom<TcbField>('rcv_nxt', 'snd_nxt', 'snd_una', 'iss', 'irs'),
      offset: offsetArb,
    }),
  },
);

/** A number near `to`'s own view of `fields` (what a plausible segment to it would carry), or anything. */
function numSpecArb(fields: TcbField[]): fc.Arbitrary<NumSpec> {
  const natural = fc.record({ kind: fc.constant('near' as const), of: fc.constant('to' as const), field: fc.constantFrom(...fields), offset: offsetArb });
  return fc.oneof({ weight: 2, arbitrary: natural }, { weight: 1, arbitrary: anyNumSpecArb });
}
/** SEG.SEQ around the receiver's RCV.NXT; SEG.ACK around its SND.UNA..SND.NXT. */
const seqSpecArb = numSpecArb(['rcv_nxt']);
const ackSpecArb = numSpecArb(['snd_una', 'snd_nxt']);

const lengthArb = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 100 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 3000 }) });

const callArb: fc.Arbitrary<Action> = fc.record({
  k: fc.constant('call' as const),
  side: sideArb,
  call: fc.constantFrom('listen' as const, 'connect' as const, 'send' as const, 'receive' as const, 'close' as const, 'abort' as const, 'status' as const),
  length: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.constant(70_000)),
  net: netArb,
});

const injectArb: fc.Arbitrary<Action> = fc.record({
  k: fc.constant('inject' as const),
  to: sideArb,
  flags: flagsArb,
  seq: seqSpecArb,
  ack: ackSpecArb,
  length: lengthArb,
});

const draftArb: fc.Arbitrary<Action> = fc.record({
  k: fc.constant('send' as const),
  from: sideArb,
  flags: flagsArb,
  seq: fc.option(seqSpecArb, { freq: 2, nil: null }),
  ack: fc.option(ackSpecArb, { freq: 2, nil: null }),
  length: fc.option(lengthArb, { freq: 2, nil: null }),
  net: netArb,
});

const sendOwedArb: fc.Arbitrary<Action> = fc.record({ k: fc.constant('send_owed' as const), from: sideArb, index: fc.nat(4) });

const deliverArb: fc.Arbitrary<Action> = fc.record({
  k: fc.constant('deliver' as const),
  index: fc.nat(20),
  action: fc.constantFrom('deliver' as const, 'drop' as const, 'duplicate' as const),
});

const configureArb: fc.Arbitrary<Action> = fc.record({
  k: fc.constant('configure' as const),
  auto_deliver: fc.option(fc.boolean(), { nil: undefined }),
  loss_rate: fc.option(fc.oneof(fc.constantFrom(0, 0, 0.1, 0.5, 1), fc.double({ min: 0, max: 1, noNaN: true })), { nil: undefined }),
});

const advanceArb: fc.Arbitrary<Action> = fc.record({
  k: fc.constant('advance' as const),
  ms: fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 200_000 })),
});

function actionArb(mode: Mode): fc.Arbitrary<Action> {
  const common = [
    { weight: 6, arbitrary: callArb },
    { weight: 3, arbitrary: injectArb },
    { weight: 3, arbitrary: deliverArb },
    { weight: 1, arbitrary: configureArb },
    { weight: 2, arbitrary: advanceArb },
  ];
  if (mode === 'manual') common.push({ weight: 3, arbitrary: draftArb }, { weight: 3, arbitrary: sendOwedArb });
  return fc.oneof(...common);
}

const isnArb = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: MAX_U32 }), fc.integer({ min: MAX_U32 - 5_000, max: MAX_U32 }));

const endpointOptionsArb = fc.record(
  {
    isn: isnArb,
    // Zero and tiny buffers too, so that windows close and the persist timer runs (issue 11).
    window: fc.constantFrom(64240, 65535, 3000, 500, 7, 1, 0),
    mss: fc.constantFrom(1460, 536, 100),
    wscale: fc.constantFrom<number | null>(7, 0, 14, null),
    sack_permitted: fc.boolean(),
    timestamps: fc.boolean(),
  },
  { requiredKeys: ['isn'] },
);

function optionsArb(profile: Profile, mode: Mode): fc.Arbitrary<ConnectionOptions> {
  return fc.record({
    seed: fc.integer({ min: 0, max: MAX_U32 }),
    profile: fc.constant(profile),
    mode: fc.constant(mode),
    client: endpointOptionsArb,
    server: endpointOptionsArb,
    syn_retries: fc.constantFrom(6, 1),
    retries: fc.constantFrom(15, 2),
    user_timeout_ms: fc.constantFrom<number | null>(null, null, 5_000),
    auto_deliver: fc.boolean(),
    loss_rate: fc.constantFrom(0, 0, 0, 0.2),
  });
}

/** A script: options, an opening that reaches the interesting states more often, then random actions. */
interface Script {
  options: ConnectionOptions;
  actions: Action[];
}

const call = (side: Side, name: Extract<Action, { k: 'call' }>['call'], net: 'hold' | null = null, length = 0): Action => ({ k: 'call', side, call: name, length, net });
const deliverFirst: Action = { k: 'deliver', index: 0, action: 'deliver' };

const reliable: Action = { k: 'configure', auto_deliver: true, loss_rate: 0 };
const handshake: readonly Action[] = [reliable, call('server', 'listen'), call('client', 'connect')];
/** In manual mode the caller sends what the stack owes: the handshake's SYN,ACK and ACK. */
const owedAnswers: readonly Action[] = [
  { k: 'send_owed', from: 'server', index: 0 },
  { k: 'send_owed', from: 'client', index: 0 },
];

const OPENINGS: readonly (readonly Action[])[] = [
  [],
  // The three-way handshake (RFC 9293 §3.5, Figure 6), over whatever network the options chose.
  [call('server', 'listen'), call('client', 'connect')],
  [...handshake, ...owedAnswers],
  // A handshake, then data each way held in flight, ready to be reordered, duplicated, lost or partly acknowledged.
  [...handshake, ...owedAnswers, call('client', 'send', 'hold', 1_000), call('server', 'send', 'hold', 300)],
  // Simultaneous open (§3.5, Figure 7): both SYNs cross in flight.
  [call('client', 'connect', 'hold'), call('server', 'connect', 'hold'), deliverFirst, deliverFirst],
  // Simultaneous open with data and a CLOSE queued while in SYN-RECEIVED.
  [call('client', 'connect', 'hold'), call('server', 'connect', 'hold'), deliverFirst, call('server', 'send', null, 200), call('server', 'close'), deliverFirst],
  // Half-close (§3.6): the client's FIN held in flight, or delivered (FIN-WAIT-2 / CLOSE-WAIT).
  [...handshake, ...owedAnswers, call('client', 'close', 'hold')],
  [...handshake, ...owedAnswers, call('client', 'close'), { k: 'send_owed', from: 'server', index: 0 }],
  // Both closed: the client in TIME-WAIT (§3.6, Figure 12).
  [...handshake, ...owedAnswers, call('client', 'close'), call('server', 'close'), { k: 'send_owed', from: 'client', index: 0 }],
];

function scriptArb(profile: Profile, mode: Mode, maxActions = 30): fc.Arbitrary<Script> {
  return fc
    .record({
      options: optionsArb(profile, mode),
      opening: fc.constantFrom(...OPENINGS),
      actions: fc.array(actionArb(mode), { minLength: 1, maxLength: maxActions }),
    })
    .map(({ options, opening, actions }) => ({ options, actions: [...opening, ...actions] }));
}

// ---------------------------------------------------------------------------
// Running scripts and checking invariants.

interface Trace {
  inputs: Input[];
  /** connections[0] is the initial one; connections[i + 1] follows inputs[i]. */
  connections: Connection[];
  results: StepResult[];
}

/**
 * A step that puts this many segments on the wire is an ACK storm: once an
 * injected segment has desynchronised the two endpoints (the peer's RCV.NXT
 * past our SND.NXT), each answers the other's ACK with an ACK (§3.10.7.4
 * "send an ACK, drop the segment"), until network.ts stops the step at
 * 10,000 deliveries. The storm step itself is checked like any other; the
 * script ends there, since every later step would storm again and a run
 * would take seconds. (Legitimate steps stay far below: 70,000 octets at
 * an MSS of 88 are ~1,600 segments with their ACKs.)
 */
const STORM_SEGMENTS = 5_000;

function runScript(
  script: Script,
  check?: (before: Connection, input: Input, result: StepResult) => void,
  beforeStep?: (c: Connection, input: Input) => void,
): Trace {
  let c = createConnection(script.options);
  const trace: Trace = { inputs: [], connections: [c], results: [] };
  for (const action of script.actions) {
    const input = resolve(c, action);
    beforeStep?.(c, input);
    const result = step(c, input);
    check?.(c, input, result);
    trace.inputs.push(input);
    trace.results.push(result);
    trace.connections.push(result.connection);
    c = result.connection;
    if (result.segments.length >= STORM_SEGMENTS) break;
  }
  return trace;
}

function runInputs(c0: Connection, inputs: readonly Input[]): { connections: Connection[]; results: StepResult[] } {
  let c = c0;
  const connections: Connection[] = [];
  const results: StepResult[] = [];
  for (const input of inputs) {
    const result = step(c, input);
    results.push(result);
    connections.push(result.connection);
    c = result.connection;
  }
  return { connections, results };
}

/**
 * Strict structural equality: numbers by Object.is (so -0 differs from 0),
 * own enumerable keys must match (an `undefined`-valued key differs from a
 * missing one, as JSON would lose it). Prototypes are ignored on purpose:
 * under Jest, structuredClone builds objects of another realm.
 */
function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const rb = b as Record<string, unknown>;
  const ra = a as Record<string, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && deepEqual(ra[k], rb[k]));
}

function fail(message: string, detail: unknown): never {
  throw new Error(`${message}\n${JSON.stringify(detail, null, 1)}`);
}

function isU32(n: unknown): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_U32 && !Object.is(n, -0);
}

/** Every number in `value` (recursively) is an integer in 0..2^32-1; returns the path of the first that is not. */
/** SRTT and RTTVAR are durations, smoothed in eighths and quarters of a millisecond (RFC 6298 §2.3): not sequence numbers. */
const DURATIONS = /\.(srtt_ms|rttvar_ms)$/;

function badNumber(value: unknown, path: string): string | null {
  if (typeof value === 'number' && DURATIONS.test(path)) return Number.isFinite(value) && value >= 0 ? null : `${path} = ${String(value)}`;
  if (typeof value === 'number') return isU32(value) ? null : `${path} = ${String(value)}`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = badNumber(value[i], `${path}[${i}]`);
      if (bad) return bad;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const bad = badNumber(v, `${path}.${k}`);
      if (bad) return bad;
    }
  }
  return null;
}

/** Property (b): SND.UNA =< SND.NXT (and not SND.NXT < SND.UNA), mod 2^32, and every TCB and segment number is a uint32. */
function checkTcbInvariants(c: Connection, input: Input): void {
  for (const side of SIDES) {
    const e = endpointOf(c, side);
    const tcb = e.tcb;
    if (!tcb) continue;
    // At a distance of exactly 2^31, seqLe holds both ways (RFC 1982 leaves it undefined), so ask that the reverse does not.
    if (!seqLe(tcb.snd_una, tcb.snd_nxt) || seqLt(tcb.snd_nxt, tcb.snd_una)) fail(`${side}: SND.UNA > SND.NXT after ${JSON.stringify(input)}`, { state: e.state, snd_una: tcb.snd_una, snd_nxt: tcb.snd_nxt });
    const bad = badNumber(tcb, `${side}.tcb`);
    if (bad) fail(`${side}: TCB number out of range after ${JSON.stringify(input)}: ${bad}`, { state: e.state });
  }
  const badSeg = badNumber(c.network.in_flight, 'network.in_flight');
  if (badSeg) fail(`segment number out of range after ${JSON.stringify(input)}: ${badSeg}`, {});
}

/**
 * The retransmission queue holds exactly the sequence space sent and not yet
 * acknowledged, SND.UNA up to SND.NXT, in order and without gaps (RFC 9293
 * §3.3.1, §3.7); and within one connection (same incarnation) SND.UNA,
 * SND.NXT and RCV.NXT only move forward (RCV.NXT once the peer's SYN is in).
 */
function checkSequenceSpace(before: Connection, input: Input, after: Connection): void {
  for (const side of SIDES) {
    const e = endpointOf(after, side);
    const tcb = e.tcb;
    if (!tcb) continue;
    let at = tcb.snd_una;
    for (const s of tcb.retransmission_queue) {
      if (s.seq !== at) fail(`${side}: retransmission queue does not continue at ${at} (found ${s.seq}) after ${JSON.stringify(input)}`, { state: e.state, snd_una: tcb.snd_una, snd_nxt: tcb.snd_nxt, queue: tcb.retransmission_queue });
      at = seqAdd(at, segLen(s));
    }
    if (at !== tcb.snd_nxt) {
      fail(`${side}: retransmission queue ends at ${at}, not SND.NXT ${tcb.snd_nxt}, after ${JSON.stringify(input)}`, { state: e.state, snd_una: tcb.snd_una, queue: tcb.retransmission_queue });
    }
    const b = endpointOf(before, side);
    if (!b.tcb || b.incarnation !== e.incarnation) continue;
    const fields = b.state === 'SYN_SENT' ? (['snd_una', 'snd_nxt'] as const) : (['snd_una', 'snd_nxt', 'rcv_nxt'] as const);
    for (const f of fields) {
      if (seqLt(tcb[f], b.tcb[f])) fail(`${side}: ${f.toUpperCase()} went back from ${b.tcb[f]} to ${tcb[f]} after ${JSON.stringify(input)}`, { from: b.state, to: e.state });
    }
  }
}

function checkSegments(segments: readonly Segment[], input: Input): void {
  const bad = badNumber(
    segments.map((s) => ({ seq: s.seq, ack: s.ack, window: s.window, length: s.length, urgent_pointer: s.urgent_pointer })),
    'segments',
  );
  if (bad) fail(`sent segment number out of range after ${JSON.stringify(input)}: ${bad}`, {});
  for (const s of segments) {
    if (s.window > 0xffff || s.urgent_pointer > 0xffff || s.length > 0xffff) fail(`16-bit header field out of range after ${JSON.stringify(input)}`, s);
  }
}

/** Property (c): transitions are edges of the diagram, and they account for every state change of each endpoint. */
function checkTransitions(before: Connection, input: Input, result: StepResult): void {
  const after = result.connection;
  for (const ev of result.events) {
    if (ev.kind !== 'transition') continue;
    if (ev.from_state === null || ev.to_state === null || !isLegalTransition(ev.from_state, ev.to_state)) {
      fail(`illegal transition ${ev.from_state} -> ${ev.to_state} (${ev.code}) after ${JSON.stringify(input)}`, ev);
    }
  }
  for (const side of SIDES) {
    let state: State = endpointOf(before, side).state;
    for (const ev of result.events) {
      if (ev.kind !== 'transition' || ev.endpoint !== side) continue;
      if (ev.from_state !== state) fail(`${side}: transition event from ${ev.from_state} but the endpoint was in ${state} (${ev.code}) after ${JSON.stringify(input)}`, ev);
      state = ev.to_state!;
    }
    const final = endpointOf(after, side).state;
    if (state !== final) {
      fail(`${side}: state changed ${endpointOf(before, side).state} -> ${final} but transition events end in ${state} after ${JSON.stringify(input)}`, result.events.map(brief));
    }
  }
}

/** RFC 9293 §3.10.4: a new FIN is sent only after CLOSE (FIN-WAIT-1, LAST-ACK) — or retransmitted in CLOSING. */
const FIN_STATES: ReadonlySet<State | null> = new Set<State | null>(['FIN_WAIT_1', 'CLOSING', 'LAST_ACK']);

function checkFinStates(input: Input, result: StepResult): void {
  for (const ev of result.events) {
    if (ev.kind !== 'send' || typeof ev.params['flags'] !== 'string') continue;
    if (!(ev.params['flags'] as string).split(',').includes('FIN')) continue;
    if (!FIN_STATES.has(ev.from_state)) {
      fail(`${ev.endpoint} sent a FIN in ${ev.from_state} after ${JSON.stringify(input)}`, result.events.map(brief));
    }
  }
}

function brief(ev: TcpEvent): string {
  return `${ev.endpoint ?? 'net'} ${ev.kind} ${ev.code} ${ev.from_state}->${ev.to_state} ${JSON.stringify(ev.params)}`;
}

// ---------------------------------------------------------------------------
// Counterexamples fast-check found against the core at commit becee9a, kept
// as fixed examples so that every run tries them first (regression tests).

/**
 * An ACK exactly 2^31 beyond SND.UNA = SND.NXT. When seqDiff returned -2^31
 * for both orders, "SND.UNA < SEG.ACK =< SND.NXT" held, so the RFC 793
 * profile (which has no RFC 5961 §5.2 check before it) took the ACK as new
 * and moved SND.UNA half the sequence space past SND.NXT; the send window
 * then never opened again.
 */
function ackHalfSpaceAhead(profile: Profile, mode: Mode): Script {
  return {
    options: { seed: 0, profile, mode, client: { isn: 1000 }, server: { isn: 5000 } },
    actions: [
      ...handshake,
      ...(mode === 'manual' ? owedAnswers : []),
      { k: 'inject', to: 'client', flags: ACK, seq: { kind: 'near', of: 'to', field: 'rcv_nxt', offset: 0 }, ack: { kind: 'near', of: 'to', field: 'snd_una', offset: 2 ** 31 }, length: 0 },
    ],
  };
}

/**
 * A simultaneous open (both SYNs held in flight), the server SENDs and
 * CLOSEs while in SYN-RECEIVED (CLOSE deferred, §3.10.4); the client's
 * SYN,ACK then completed the open and the server sent its data with FIN
 * while staying in ESTABLISHED (and a later CLOSE sent a second FIN).
 */
function deferredCloseInSimultaneousOpen(profile: Profile, mode: Mode): Script {
  return {
    options: { seed: 0, profile, mode, auto_deliver: false, client: { isn: 1000 }, server: { isn: 5000 } },
    actions:
      mode === 'auto'
        ? [call('client', 'connect', 'hold'), call('server', 'connect', 'hold'), deliverFirst, call('server', 'send', null, 200), call('server', 'close'), deliverFirst, deliverFirst, deliverFirst]
        : [
            call('client', 'connect', 'hold'),
            call('server', 'connect', 'hold'),
            deliverFirst,
            call('server', 'send', null, 200),
            call('server', 'close'),
            deliverFirst,
            // The caller sends the SYN,ACKs each side owes, delivers them, then the data and FIN the server owes.
            { k: 'send_owed', from: 'server', index: 0 },
            { k: 'send_owed', from: 'client', index: 0 },
            deliverFirst,
            deliverFirst,
            { k: 'send_owed', from: 'server', index: 1 },
          ],
  };
}

/**
 * The client's FIN is retransmitted after its RTO (owed, in manual mode) and then acknowledged before the caller
 * sends the retransmission: the owed FIN stayed owed, and went out from FIN_WAIT_2 (found with seeds 1244043747
 * and 662093772).
 */
function finRetransmissionOwedAfterItsAck(profile: Profile, mode: Mode): Script {
  return {
    options: { seed: 0, profile, mode, client: { isn: 0 }, server: { isn: 4294962295 } },
    actions: [
      { k: 'configure', auto_deliver: true, loss_rate: 0 },
      call('server', 'listen'),
      call('client', 'connect'),
      { k: 'send_owed', from: 'server', index: 0 },
      { k: 'send_owed', from: 'client', index: 0 },
      call('client', 'close'),
      { k: 'advance', ms: 1000 },
      call('server', 'send', null, 0),
      { k: 'send_owed', from: 'client', index: 0 },
    ],
  };
}

// ---------------------------------------------------------------------------

/** Kept modest so that the whole file runs in well under 20 s. */
const NUM_RUNS = 100;
/** The JSON and replay properties run each script two or three times over. */
const NUM_RUNS_REPLAY = 50;

describe.each(PROFILES.flatMap((profile) => MODES.map((mode) => [profile, mode] as const)))('tcp-core properties (%s, %s mode)', (profile, mode) => {
  it('step never throws on any sequence of inputs', () => {
    fc.assert(
      fc.property(scriptArb(profile, mode), (script) => {
        runScript(script);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('after every step SND.UNA =< SND.NXT (mod 2^32, never the reverse) and every TCB and segment number is an integer in 0..2^32-1', () => {
    fc.assert(
      fc.property(scriptArb(profile, mode), (script) => {
        runScript(script, (_before, input, result) => {
          checkTcbInvariants(result.connection, input);
          checkSegments(result.segments, input);
        });
      }),
      { numRuns: NUM_RUNS, examples: [[ackHalfSpaceAhead(profile, mode)]] },
    );
  });

  it('the retransmission queue covers exactly SND.UNA..SND.NXT, and SND.UNA, SND.NXT and RCV.NXT never move back', () => {
    fc.assert(
      fc.property(scriptArb(profile, mode), (script) => {
        runScript(script, (before, input, result) => checkSequenceSpace(before, input, result.connection));
      }),
      { numRuns: NUM_RUNS, examples: [[ackHalfSpaceAhead(profile, mode)]] },
    );
  });

  it('every transition event is an edge of the state diagram, and transition events explain every state change', () => {
    fc.assert(
      fc.property(scriptArb(profile, mode), (script) => {
        runScript(script, (before, input, result) => checkTransitions(before, input, result));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a FIN is only ever sent from FIN_WAIT_1, CLOSING or LAST_ACK (after CLOSE)', () => {
    fc.assert(
      fc.property(scriptArb(profile, mode), (script) => {
        runScript(script, (_before, input, result) => checkFinStates(input, result));
      }),
      { numRuns: NUM_RUNS, examples: [[deferredCloseInSimultaneousOpen(profile, mode)], [finRetransmissionOwedAfterItsAck(profile, mode)]] },
    );
  });

  if (mode === 'manual') {
    it('a refused segment’s `expected`, sent as it stands, is accepted (issue 11, defect 6)', () => {
      fc.assert(
        fc.property(scriptArb(profile, mode), (script) => {
          runScript(script, (before, input, result) => {
            if (input.type !== 'send' || result.outcome.ok || result.outcome.error.code !== 'SEGMENT_INVALID') return;
            const expected = result.outcome.error.expected;
            if (expected === null) return;
            const again = step(before, { type: 'send', from: input.from, segment: expected });
            if (!again.outcome.ok) fail(`expected ${JSON.stringify(expected)} after refusing ${JSON.stringify(input)} is refused in turn`, again.outcome.error);
          });
        }),
        { numRuns: NUM_RUNS },
      );
    });
  }

  it('step never mutates the connection it is given', () => {
    fc.assert(
      fc.property(scriptArb(profile, mode), (script) => {
        let snapshot: Connection | null = null;
        runScript(
          script,
          (before, input) => {
            if (!deepEqual(before, snapshot)) fail(`step mutated its input connection on ${JSON.stringify(input)}`, { before: snapshot, after: before });
          },
          (c) => {
            snapshot = structuredClone(c);
          },
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a connection round-tripped through JSON continues exactly as the original', () => {
    fc.assert(
      fc.property(scriptArb(profile, mode), fc.nat(), (script, cut) => {
        const trace = runScript(script);
        const k = cut % (trace.inputs.length + 1);
        const c = trace.connections[k]!;
        const revivedConnection = JSON.parse(JSON.stringify(c)) as Connection;
        if (!deepEqual(revivedConnection, c)) fail(`the connection after input ${k} does not survive a JSON round trip`, { original: c, revived: revivedConnection });
        const rest = trace.inputs.slice(k);
        const original = runInputs(c, rest);
        const revived = runInputs(revivedConnection, rest);
        if (!deepEqual(revived, original)) {
          const i = original.results.findIndex((r, j) => !deepEqual(r, revived.results[j]));
          fail(`JSON round trip at input ${k} diverges at remaining input ${i}: ${JSON.stringify(rest[i])}`, {
            original: original.results[i],
            revived: revived.results[i],
          });
        }
      }),
      { numRuns: NUM_RUNS_REPLAY },
    );
  });

  it('replaying the same inputs from the same options gives identical connections and events', () => {
    fc.assert(
      fc.property(scriptArb(profile, mode), (script) => {
        const first = runScript(script);
        const again = runInputs(createConnection(script.options), first.inputs);
        if (!deepEqual(createConnection(script.options), first.connections[0])) fail('createConnection is not deterministic', script.options);
        first.results.forEach((r, i) => {
          const a = again.results[i]!;
          for (const key of ['connection', 'events', 'segments', 'outcome'] as const) {
            if (!deepEqual(a[key], r[key])) fail(`replay differs in ${key} at input ${i}: ${JSON.stringify(first.inputs[i])}`, { first: r[key], replay: a[key] });
          }
        });
      }),
      { numRuns: NUM_RUNS_REPLAY },
    );
  });
});

// ---------------------------------------------------------------------------
// (g) Over a reliable network every connection that both sides close ends CLOSED.

type LifeOp = { k: 'send'; side: Side; length: number } | { k: 'receive'; side: Side };

const lifeOpArb: fc.Arbitrary<LifeOp> = fc.oneof(
  fc.record({ k: fc.constant('send' as const), side: sideArb, length: fc.integer({ min: 0, max: 5_000 }) }),
  fc.record({ k: fc.constant('receive' as const), side: sideArb }),
);

interface Lifecycle {
  options: ConnectionOptions;
  opening: LifeOp[];
  first: Side;
  /** Hold the first FIN in flight until the second CLOSE: a simultaneous close (RFC 9293 §3.6, Figure 13). */
  simultaneous: boolean;
  halfClosed: LifeOp[];
  extraMs: number;
}

function lifecycleArb(profile: Profile): fc.Arbitrary<Lifecycle> {
  return fc.record({
    options: fc.record({
      seed: fc.integer({ min: 0, max: MAX_U32 }),
      profile: fc.constant(profile),
      mode: fc.constant<Mode>('auto'),
      auto_deliver: fc.constant(true),
      loss_rate: fc.constant(0),
      client: fc.record({ isn: isnArb }),
      server: fc.record({ isn: isnArb }),
    }),
    opening: fc.array(lifeOpArb, { maxLength: 10 }),
    first: sideArb,
    simultaneous: fc.boolean(),
    halfClosed: fc.array(lifeOpArb, { maxLength: 6 }),
    extraMs: fc.integer({ min: 1, max: 100_000 }),
  });
}

interface LifecycleRun {
  c: Connection;
  log: string[];
  /** Octets each side's SEND calls accepted, and octets each side's RECEIVE calls returned. */
  sent: Record<Side, number>;
  received: Record<Side, number>;
  resets: number;
}

function runLifecycle(l: Lifecycle): LifecycleRun {
  let c = createConnection(l.options);
  const run: LifecycleRun = { c, log: [], sent: { client: 0, server: 0 }, received: { client: 0, server: 0 }, resets: 0 };
  const go = (input: Input): StepResult => {
    const r = step(c, input);
    run.log.push(`${JSON.stringify(input)} -> client ${r.connection.client.state}, server ${r.connection.server.state}`);
    if (input.type === 'call' && r.outcome.ok) {
      if (input.call === 'send') run.sent[input.endpoint] += input.data?.length ?? 0;
      if (input.call === 'receive') run.received[input.endpoint] += r.outcome.received?.length ?? 0;
    }
    run.resets += r.segments.filter((s) => s.flags & RST).length;
    c = r.connection;
    return r;
  };
  const receiveAll = (): void => {
    for (const side of SIDES) if (endpointOf(c, side).tcb) go({ type: 'call', endpoint: side, call: 'receive' });
  };
  const perform = (op: LifeOp): void => {
    if (op.k === 'send') go({ type: 'call', endpoint: op.side, call: 'send', data: { length: op.length } });
    else go({ type: 'call', endpoint: op.side, call: 'receive' });
  };
  go({ type: 'call', endpoint: 'server', call: 'listen' });
  go({ type: 'call', endpoint: 'client', call: 'connect' });
  l.opening.forEach(perform);
  receiveAll();
  const second = other(l.first);
  if (l.simultaneous) {
    // shutdown on both sides, the RFC's CLOSE: in the linux profile close() is Linux's, and an orphaned socket answers
    // data that arrives after it — the other side's segment Nagle's algorithm held until its FIN — with RST.
    const r = go({ type: 'call', endpoint: l.first, call: 'shutdown', network: 'hold' });
    go({ type: 'call', endpoint: second, call: 'shutdown' });
    for (const s of r.segments) go({ type: 'deliver', segment_id: s.id, action: 'deliver' });
  } else {
    // shutdown, the RFC's CLOSE: the side still open may go on sending; the closer still reads (a half-close, §3.6).
    go({ type: 'call', endpoint: l.first, call: 'shutdown' });
    l.halfClosed.filter((op) => op.k === 'receive' || op.side === second).forEach(perform);
    receiveAll();
    go({ type: 'call', endpoint: second, call: 'close' });
  }
  receiveAll();
  go({ type: 'advance', ms: 2 * c.config.msl_ms + l.extraMs });
  run.c = c;
  return run;
}

describe.each(PROFILES)('tcp-core lifecycle over a reliable network (%s)', (profile) => {
  it('after both sides CLOSE and 2×MSL passes, both endpoints are CLOSED, every octet sent was received, and no RST was sent', () => {
    fc.assert(
      fc.property(lifecycleArb(profile), (l) => {
        const { c, log, sent, received, resets } = runLifecycle(l);
        if (c.client.state !== 'CLOSED' || c.server.state !== 'CLOSED') {
          fail(`not both CLOSED: client ${c.client.state}, server ${c.server.state}`, log);
        }
        expect(c.network.in_flight).toEqual([]);
        expect({ client: received.client, server: received.server }).toEqual({ client: sent.server, server: sent.client });
        expect(resets).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});

// ---------------------------------------------------------------------------
// (h) Flow control engaged (issue 11, "Tests also"): small and tiny buffers, window scales and MSS, SENDs larger
// than the window, readers that read late. Liveness: over a reliable network, with a reader, every SEND is
// delivered and both sides reach CLOSED — windows that close open again through the window update or, when that is
// not sent, through the persist timer's probes (RFC 9293 §3.8.6.1).

type FlowOp = { k: 'send'; side: Side; length: number } | { k: 'receive'; side: Side } | { k: 'advance'; ms: number };

const flowOpArb: fc.Arbitrary<FlowOp> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('send' as const), side: sideArb, length: fc.integer({ min: 1, max: 4_000 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('receive' as const), side: sideArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 5_000 }) }) },
);

const flowEndpointArb = fc.record({
  isn: isnArb,
  window: fc.oneof(fc.constantFrom(1, 2, 7, 100, 1000, 3000), fc.integer({ min: 1, max: 200_000 })),
  mss: fc.constantFrom(1460, 536, 100, 88),
  wscale: fc.constantFrom<number | null>(null, 0, 2, 7, 14),
  sack_permitted: fc.boolean(),
  timestamps: fc.boolean(),
  // TCP_NODELAY: only the linux profile applies Nagle's algorithm; the others ignore it.
  nodelay: fc.boolean(),
});

interface FlowLifecycle {
  options: ConnectionOptions;
  ops: FlowOp[];
  first: Side;
  halfClosed: FlowOp[];
}

/**
 * The linux profile's endpoints: windows of at least 48 octets. Below that a window is smaller than Linux's
 * smallest segment (tcp_bound_to_half_wnd keeps 68 octets of packet), so data moves only by the persist timer's
 * probes, one window's worth per RTO — live, but thousands of rounds for this property's SENDs.
 */
const linuxFlowEndpointArb = flowEndpointArb.chain((e) =>
  fc.oneof(fc.constantFrom(48, 100, 1000, 2944, 3000), fc.integer({ min: 48, max: 200_000 })).map((window) => ({ ...e, window })),
);

function flowLifecycleArb(profile: Profile): fc.Arbitrary<FlowLifecycle> {
  const endpointArb = profile === 'linux' ? linuxFlowEndpointArb : flowEndpointArb;
  return fc.record({
    options: fc.record({
      seed: fc.integer({ min: 0, max: MAX_U32 }),
      profile: fc.constant(profile),
      mode: fc.constant<Mode>('auto'),
      auto_deliver: fc.constant(true),
      loss_rate: fc.constant(0),
      client: endpointArb,
      server: endpointArb,
    }),
    ops: fc.array(flowOpArb, { maxLength: 8 }),
    first: sideArb,
    halfClosed: fc.array(flowOpArb, { maxLength: 4 }),
  });
}

/** Longer than the longest persist interval (the 120 s RTO ceiling): every wait lets a probe go out. */
const PAST_ANY_PROBE_MS = 130_000;

/**
 * `settledClose`: every SEND is delivered before the first CLOSE, and the side still open sends nothing after it,
 * so that the linux profile's FIN_WAIT_2 timeout (60 s) is not reached while the other side still has data for a
 * slow reader (see below).
 */
function runFlowLifecycle(l: FlowLifecycle, settledClose = false): LifecycleRun {
  let c = createConnection(l.options);
  const run: LifecycleRun = { c, log: [], sent: { client: 0, server: 0 }, received: { client: 0, server: 0 }, resets: 0 };
  const go = (input: Input): void => {
    const r = step(c, input);
    run.log.push(`${JSON.stringify(input)} -> client ${r.connection.client.state}, server ${r.connection.server.state}`);
    checkTransitions(c, input, r);
    checkSequenceSpace(c, input, r.connection);
    checkFinStates(input, r);
    if (input.type === 'call' && r.outcome.ok) {
      if (input.call === 'send') run.sent[input.endpoint] += input.data?.length ?? 0;
      if (input.call === 'receive') run.received[input.endpoint] += r.outcome.received?.length ?? 0;
    }
    run.resets += r.segments.filter((s) => s.flags & RST).length;
    c = r.connection;
  };
  const perform = (op: FlowOp): void => {
    if (op.k === 'send') go({ type: 'call', endpoint: op.side, call: 'send', data: { length: op.length } });
    else if (op.k === 'receive') go({ type: 'call', endpoint: op.side, call: 'receive' });
    else go({ type: 'advance', ms: op.ms });
  };
  const waiting = (): number =>
    SIDES.reduce((n, side) => {
      const tcb = endpointOf(c, side).tcb;
      if (!tcb) return n;
      return n + tcb.send_queue.reduce((m, q) => m + q.length, 0) + tcb.retransmission_queue.length + tcb.receive_queue.length + (tcb.fin_queued ? 1 : 0);
    }, 0);
  /** A reader on both sides until nothing waits anywhere; when nothing moves, time passes so that a probe goes out. */
  const settle = (): void => {
    for (let round = 0; waiting() > 0; round++) {
      if (round > 20_000) fail('no progress: data or a FIN still waits after 20,000 rounds', run.log.slice(-40));
      const before = waiting();
      for (const side of SIDES) if (endpointOf(c, side).tcb && endpointOf(c, side).state !== 'CLOSE_WAIT') go({ type: 'call', endpoint: side, call: 'receive' });
      for (const side of SIDES) if (endpointOf(c, side).state === 'CLOSE_WAIT' && endpointOf(c, side).tcb!.receive_queue.length > 0) go({ type: 'call', endpoint: side, call: 'receive' });
      if (waiting() >= before) go({ type: 'advance', ms: PAST_ANY_PROBE_MS });
    }
  };
  go({ type: 'call', endpoint: 'server', call: 'listen' });
  go({ type: 'call', endpoint: 'client', call: 'connect' });
  l.ops.forEach(perform);
  const second = other(l.first);
  if (settledClose) settle();
  // shutdown, the RFC's CLOSE (a half-close, §3.6): the closer still reads what the other side sends.
  go({ type: 'call', endpoint: l.first, call: 'shutdown' });
  l.halfClosed.filter((op) => op.k !== 'send' || (op.side === second && !settledClose)).forEach(perform);
  settle();
  go({ type: 'call', endpoint: second, call: 'close' });
  settle();
  go({ type: 'advance', ms: 2 * c.config.msl_ms + 1 });
  run.c = c;
  return run;
}

/**
 * Not the linux profile: its FIN_WAIT_2 timeout gives up on a peer that is still sending 60 s after our FIN was
 * acknowledged — a slow reader behind a zero window here — as Linux gives up on an orphaned socket
 * (tcp_fin_timeout). Liveness holds only for the RFC's FIN_WAIT_2, which waits for as long as it takes.
 */
describe.each(PROFILES.filter((p) => p !== 'linux'))('tcp-core flow control over a reliable network (%s)', (profile) => {
  it('with small windows, scales, MSS, large SENDs and late readers, every SEND is delivered and both sides reach CLOSED without an RST', () => {
    fc.assert(
      fc.property(flowLifecycleArb(profile), (l) => {
        const { c, log, sent, received, resets } = runFlowLifecycle(l);
        if (c.client.state !== 'CLOSED' || c.server.state !== 'CLOSED') fail(`not both CLOSED: client ${c.client.state}, server ${c.server.state}`, log.slice(-40));
        expect(c.network.in_flight).toEqual([]);
        expect({ client: received.client, server: received.server }).toEqual({ client: sent.server, server: sent.client });
        expect(resets).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
});

/**
 * The linux profile holds data back where RFC 9293 sends it (Nagle's algorithm, silly window avoidance, segments of
 * half a small window: linux-xmit.ts), and its persist timer sends into a window too small to use. Liveness must
 * hold all the same: every SEND is delivered, with and without TCP_NODELAY. The first CLOSE comes once everything
 * sent so far has arrived (see runFlowLifecycle), since a FIN_WAIT_2 that lasts 60 s times out in this profile.
 */
describe('tcp-core flow control over a reliable network (linux)', () => {
  it('with small windows, scales, MSS, Nagle on or off, large SENDs and late readers, every SEND is delivered and both sides reach CLOSED without an RST', () => {
    fc.assert(
      fc.property(flowLifecycleArb('linux'), (l) => {
        const { c, log, sent, received, resets } = runFlowLifecycle(l, true);
        if (c.client.state !== 'CLOSED' || c.server.state !== 'CLOSED') fail(`not both CLOSED: client ${c.client.state}, server ${c.server.state}`, log.slice(-40));
        expect(c.network.in_flight).toEqual([]);
        expect({ client: received.client, server: received.server }).toEqual({ client: sent.server, server: sent.client });
        expect(resets).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
});
