/**
 * Questions from a run of the simulator. The run is a connection's options and its inputs (a scenario, or a
 * stored session's history); every answer is read off what the simulator did — the state an endpoint moved
 * to, the numbers and flags a segment carried — never written by hand (why-questions aside, see why.ts).
 * Deterministic: the same source and seed give the same quiz.
 */
import { createConnection, type Connection, type ConnectionOptions } from '../connection';
import { edgesFrom } from '../diagram';
import { nextUint32, seedState } from '../prng';
import { tcpdumpLine } from '../render/tcpdump';
import { localized, type Localized, type Scenario } from '../scenarios/types';
import { ACK, FLAG_NAMES, flagNames, flagsLabel, FIN, SYN, segLen, type Segment, type Side } from '../segment';
import { seqAdd } from '../sequence';
import { STATES, type State } from '../state';
import { step, type Input } from '../step';
import type { Choice, Question, QuestionKind, Quiz } from './types';
import { WHY_QUESTIONS, whyTopicsFor, type WhyTopic } from './why';

export interface QuizSource {
  readonly options: ConnectionOptions;
  readonly inputs: readonly Input[];
  /** Which why-questions fit (whyTopicsFor). */
  readonly topics: readonly WhyTopic[];
}

export interface QuizRequest {
  readonly count: number;
  readonly kinds: readonly QuestionKind[];
  readonly seed: number;
}

const t = localized;
const same = (text: string): Localized => ({ en: text, 'zh-CN': text });
const SIDE: Record<Side, Localized> = { client: t('client', '客户端'), server: t('server', '服务器') };
const other = (side: Side): Side => (side === 'client' ? 'server' : 'client');

/** A seeded sequence of draws (mulberry32, as the simulator's own). */
class Draw {
  private state: number;

  constructor(seed: number) {
    this.state = seedState(seed);
  }

  uint32(): number {
    const { value, state } = nextUint32(this.state);
    this.state = state;
    return value;
  }

  below(n: number): number {
    return this.uint32() % n;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

/** True when some input names sequence numbers itself: the run only makes sense with the ISNs it was written for. */
function pinsNumbers(inputs: readonly Input[]): boolean {
  return inputs.some((input) => (input.type === 'send' || input.type === 'inject') && (input.segment.seq !== null || (input.segment.ack !== null && input.segment.ack !== 0)));
}

/**
 * A scenario as a quiz source. The seed draws new ISNs, a new client port and new windows, so that every student
 * can get other numbers for the same exchange — unless the scenario's inputs name sequence numbers, or its ISNs
 * sit near the 2^32 wrap on purpose: then its own numbers stay.
 */
export function scenarioQuizSource(scenario: Scenario, seed: number): QuizSource {
  const draw = new Draw(seed ^ 0x5eed);
  const nearWrap = [scenario.options.client?.isn, scenario.options.server?.isn].some((isn) => typeof isn === 'number' && isn > 2 ** 32 - 2 ** 20);
  const keepNumbers = pinsNumbers(scenario.steps.map((s) => s.input)) || nearWrap;
  const windows = [14600, 29200, 64240, 65535];
  const options: ConnectionOptions = keepNumbers
    ? scenario.options
    : {
        ...scenario.options,
        client: { ...scenario.options.client, isn: draw.uint32(), port: 32768 + draw.below(28232), window: windows[draw.below(windows.length)]! },
        server: { ...scenario.options.server, isn: draw.uint32(), window: windows[draw.below(windows.length)]! },
      };
  return { options, inputs: scenario.steps.map((s) => s.input), topics: whyTopicsFor(scenario.id) };
}

/** What the run did, step by step. */
interface Run {
  readonly segments: ReadonlyArray<{ readonly segment: Segment; readonly step: number }>;
  readonly transitions: ReadonlyArray<{ readonly step: number; readonly side: Side; readonly from: State; readonly to: State; readonly cause: Localized; readonly segmentsBefore: number }>;
}

/** What made an endpoint change state, in words a student can act on; null when it cannot be told simply. */
function describeCause(input: Input, side: Side, segment: Segment | null): Localized | null {
  if (segment) return t(`receives ${tcpdumpLine(segment)}`, `收到报文段 ${tcpdumpLine(segment)}`);
  if (input.type === 'call' && input.endpoint === side) return t(`its application calls ${input.call.toUpperCase()}`, `其应用程序调用 ${input.call.toUpperCase()}`);
  if (input.type === 'advance') return t(`then ${input.ms} ms pass (its timers may expire)`, `随后经过了 ${input.ms} 毫秒(其定时器可能超时)`);
  return null;
}

function runOf(source: QuizSource): Run {
  let connection: Connection = createConnection(source.options);
  const segments: Array<{ segment: Segment; step: number }> = [];
  const transitions: Array<{ step: number; side: Side; from: State; to: State; cause: Localized; segmentsBefore: number }> = [];
  source.inputs.forEach((input, index) => {
    const before = segments.length;
    const result = step(connection, input);
    // Every segment sent before a transition is context for it; the step's own segments come after.
    const known = new Map<number, Segment>(segments.map((s) => [s.segment.id, s.segment]));
    for (const s of connection.network.in_flight) known.set(s.id, s);
    for (const s of result.segments) known.set(s.id, s);
    for (const event of result.events) {
      if (event.kind !== 'transition' || !event.endpoint || !event.from_state || !event.to_state) continue;
      const segment = event.segment_id !== null ? (known.get(event.segment_id) ?? null) : null;
      const cause = describeCause(input, event.endpoint, segment);
      if (!cause) continue;
      // One cause can move an endpoint twice (SYN_RECEIVED → ESTABLISHED → CLOSE_WAIT on an ACK with FIN): the
      // question is where it ends up.
      const last = transitions[transitions.length - 1];
      if (last && last.step === index && last.side === event.endpoint && last.to === event.from_state && last.cause.en === cause.en) {
        transitions[transitions.length - 1] = { ...last, to: event.to_state };
        continue;
      }
      transitions.push({ step: index, side: event.endpoint, from: event.from_state, to: event.to_state, cause, segmentsBefore: before });
    }
    for (const segment of result.segments) segments.push({ segment, step: index });
    connection = result.connection;
  });
  return { segments, transitions };
}

const contextOf = (run: Run, count: number): string[] => run.segments.slice(0, count).map((s) => tcpdumpLine(s.segment));

/** Distractor states: where the diagram could plausibly have gone instead, then any other state. */
function stateChoices(from: State, to: State, draw: Draw): { choices: Choice[]; index: number } {
  const near = [...new Set([...edgesFrom(from).map((e) => e.to), ...edgesFrom(to).map((e) => e.to), from])].filter((s) => s !== to);
  const rest = draw.shuffle(STATES.filter((s) => s !== to && !near.includes(s)));
  const wrong = [...draw.shuffle(near), ...rest].slice(0, 3);
  const all = draw.shuffle([to, ...wrong]);
  return {
    choices: all.map((s) => ({ text: same(s), feedback: s === to ? null : t(`Not ${s}.`, `不是 ${s}。`) })),
    index: all.indexOf(to),
  };
}

type Candidate = Omit<Question, 'id' | 'diagram'>;

/** Kinds whose question is about the moment after the context: a drawing of it helps (order's would give it away). */
const DRAWN: readonly QuestionKind[] = ['next_state', 'ack_number', 'seq_number', 'wrong_field'];

function nextStateQuestions(run: Run, draw: Draw): Candidate[] {
  return run.transitions.map((tr) => {
    const { choices, index } = stateChoices(tr.from, tr.to, draw);
    return {
      kind: 'next_state',
      prompt: t(
        `The ${SIDE[tr.side].en} is in ${tr.from} and ${tr.cause.en}. Which state does it move to?`,
        `${SIDE[tr.side]['zh-CN']}处于 ${tr.from} 状态,${tr.cause['zh-CN']}。它进入哪个状态?`,
      ),
      context: contextOf(run, tr.segmentsBefore),
      choices,
      answer: { type: 'choice', index },
      explanation: t(`${tr.from} → ${tr.to}: this is the edge of the state diagram the simulator took (RFC 9293 §3.3.2).`, `${tr.from} → ${tr.to}:这是模拟器在状态图中走的那条边(RFC 9293 §3.3.2)。`),
      source: { step: tr.step, segment_id: null },
    };
  });
}

/** The segment at `index` acknowledges exactly the end of the peer's last segment shown before it. */
function ackFollows(run: Run, index: number): boolean {
  const s = run.segments[index]!.segment;
  const peer = lastFrom(run, index, other(s.from));
  return (s.flags & ACK) !== 0 && peer !== null && seqAdd(peer.seq, segLen(peer)) === s.ack;
}

/** The segment at `index` continues its sender's sequence from its previous segment shown (not a first SYN, not a retransmission). */
function seqFollows(run: Run, index: number): boolean {
  const s = run.segments[index]!.segment;
  const previous = lastFrom(run, index, s.from);
  return previous !== null && seqAdd(previous.seq, segLen(previous)) === s.seq;
}

/** The segment's place in the run, and the last segment before it from `side`. */
function lastFrom(run: Run, index: number, side: Side): Segment | null {
  for (let i = index - 1; i >= 0; i--) if (run.segments[i]!.segment.from === side) return run.segments[i]!.segment;
  return null;
}

function describeSegment(s: Segment): Localized {
  const flags = flagsLabel(s.flags);
  return t(
    `the ${SIDE[s.from].en} sends a segment with flags ${flags}${s.length > 0 ? ` and ${s.length} octets of data` : ''}`,
    `${SIDE[s.from]['zh-CN']}发送一个标志位为 ${flags}${s.length > 0 ? `、携带 ${s.length} 字节数据` : ''}的报文段`,
  );
}

function ackQuestions(run: Run): Candidate[] {
  const out: Candidate[] = [];
  run.segments.forEach(({ segment: s, step: stepIndex }, index) => {
    const peer = lastFrom(run, index, other(s.from));
    if (!(s.flags & ACK) || !peer) return;
    // Only when the answer follows from the segments shown: a peer segment still in flight (crossing FINs, a
    // loss) would make the ack depend on what the context does not tell.
    if (!ackFollows(run, index)) return;
    const because = t(
      `the ${SIDE[peer.from].en}'s last segment had seq ${peer.seq} and occupied ${segLen(peer)} sequence number(s)${peer.flags & (SYN | FIN) ? ' (SYN and FIN count one each)' : ''}, so the next one expected is ${peer.seq} + ${segLen(peer)} = ${s.ack}.`,
      `${SIDE[peer.from]['zh-CN']}上一个报文段的序列号是 ${peer.seq},占用 ${segLen(peer)} 个序列号${peer.flags & (SYN | FIN) ? '(SYN 和 FIN 各占一个)' : ''},所以期望的下一个序列号是 ${peer.seq} + ${segLen(peer)} = ${s.ack}。`,
    );
    out.push({
      kind: 'ack_number',
      prompt: t(`After the segments shown, ${describeSegment(s).en}. What acknowledgment number does it carry?`, `在上述报文段之后,${describeSegment(s)['zh-CN']}。它的确认号是多少?`),
      context: contextOf(run, index),
      choices: null,
      answer: { type: 'number', value: s.ack },
      explanation: t(`ack = ${s.ack}: ${because.en}`, `确认号为 ${s.ack}:${because['zh-CN']}`),
      source: { step: stepIndex, segment_id: s.id },
    });
  });
  return out;
}

function seqQuestions(run: Run): Candidate[] {
  const out: Candidate[] = [];
  run.segments.forEach(({ segment: s, step: stepIndex }, index) => {
    const previous = lastFrom(run, index, s.from);
    // The first segment of a side carries its ISN, which nothing before it shows; a retransmission repeats a seq.
    if (!previous || !seqFollows(run, index)) return;
    out.push({
      kind: 'seq_number',
      prompt: t(`After the segments shown, ${describeSegment(s).en}. What sequence number does it carry?`, `在上述报文段之后,${describeSegment(s)['zh-CN']}。它的序列号是多少?`),
      context: contextOf(run, index),
      choices: null,
      answer: { type: 'number', value: s.seq },
      explanation: t(
        `seq = ${s.seq}: the ${SIDE[s.from].en}'s previous segment had seq ${previous.seq} and occupied ${segLen(previous)} sequence number(s), so this one starts at ${previous.seq} + ${segLen(previous)} = ${s.seq}.`,
        `序列号为 ${s.seq}:${SIDE[s.from]['zh-CN']}上一个报文段的序列号是 ${previous.seq},占用 ${segLen(previous)} 个序列号,所以这个报文段从 ${previous.seq} + ${segLen(previous)} = ${s.seq} 开始。`,
      ),
      source: { step: stepIndex, segment_id: s.id },
    });
  });
  return out;
}

function flagQuestions(run: Run): Candidate[] {
  return run.segments.map(({ segment: s, step: stepIndex }, index) => {
    const names = flagNames(s.flags);
    const numbers = `seq ${s.seq}${s.flags & ACK ? `, ack ${s.ack}` : ''}, ${s.length} octets of data`;
    return {
      kind: 'flags',
      prompt: t(
        `After the segments shown, the ${SIDE[s.from].en} sends the next segment (${numbers}). Which flags does it carry? Choose all that apply.`,
        `在上述报文段之后,${SIDE[s.from]['zh-CN']}发送下一个报文段(序列号 ${s.seq}${s.flags & ACK ? `,确认号 ${s.ack}` : ''},数据 ${s.length} 字节)。它带有哪些标志位?选出所有正确项。`,
      ),
      context: contextOf(run, index),
      choices: FLAG_NAMES.map((f) => ({ text: same(f), feedback: null })),
      answer: { type: 'choices', indices: FLAG_NAMES.flatMap((f, i) => (names.includes(f) ? [i] : [])) },
      explanation: t(`The segment was ${tcpdumpLine(s)} — flags ${names.join(', ')}.`, `这个报文段是 ${tcpdumpLine(s)},标志位为 ${names.join('、')}。`),
      source: { step: stepIndex, segment_id: s.id },
    };
  });
}

const FIELDS = ['seq', 'ack', 'flags', 'window'] as const;
const FIELD_NAMES: Record<(typeof FIELDS)[number], Localized> = {
  seq: t('the sequence number', '序列号'),
  ack: t('the acknowledgment number', '确认号'),
  flags: t('the flags', '标志位'),
  window: t('the window', '窗口'),
};

function wrongFieldQuestions(run: Run, draw: Draw): Candidate[] {
  const out: Candidate[] = [];
  run.segments.forEach(({ segment: s, step: stepIndex }, index) => {
    if (index === 0 || !(s.flags & ACK)) return;
    // Only a field the context lets one check: seq where it continues the sender's sequence (tcpdump shows it only
    // on segments that occupy sequence space), ack where it acknowledges the peer's last segment shown; any window
    // is one a TCP may advertise.
    const fields: Array<'seq' | 'ack' | 'flags'> = [
      ...((s.length > 0 || s.flags & (SYN | FIN)) && seqFollows(run, index) ? (['seq'] as const) : []),
      ...(ackFollows(run, index) ? (['ack'] as const) : []),
      'flags',
    ];
    const field = fields[draw.below(fields.length)]!;
    const delta = 1 + draw.below(3);
    const wrong: Segment =
      field === 'seq'
        ? { ...s, seq: seqAdd(s.seq, delta) }
        : field === 'ack'
          ? { ...s, ack: seqAdd(s.ack, draw.below(2) === 0 ? delta : -delta) }
          : { ...s, flags: s.flags & ~ACK };
    const correct = field === 'seq' ? String(s.seq) : field === 'ack' ? String(s.ack) : flagsLabel(s.flags);
    const shown = field === 'seq' ? String(wrong.seq) : field === 'ack' ? String(wrong.ack) : flagsLabel(wrong.flags);
    const answer = FIELDS.indexOf(field);
    out.push({
      kind: 'wrong_field',
      prompt: t(
        `After the segments shown, the ${SIDE[s.from].en} sends: ${tcpdumpLine(wrong)}. One field is wrong. Which?`,
        `在上述报文段之后,${SIDE[s.from]['zh-CN']}发送:${tcpdumpLine(wrong)}。其中一个字段是错的,是哪一个?`,
      ),
      context: contextOf(run, index),
      choices: FIELDS.map((f, i) => ({
        text: FIELD_NAMES[f],
        feedback: i === answer ? null : t(`${FIELD_NAMES[f].en} is right here.`, `这里的${FIELD_NAMES[f]['zh-CN']}是对的。`),
      })),
      answer: { type: 'choice', index: answer },
      explanation: t(
        `${FIELD_NAMES[field].en} should be ${correct}, not ${shown}: a conforming TCP sent ${tcpdumpLine(s)}.`,
        `${FIELD_NAMES[field]['zh-CN']}应为 ${correct},而不是 ${shown}:合规的 TCP 发送的是 ${tcpdumpLine(s)}。`,
      ),
      source: { step: stepIndex, segment_id: s.id },
    });
  });
  return out;
}

/** Ordering: the handshake's segments, or the teardown's (first FIN to the last segment), shuffled. */
function orderQuestions(run: Run, draw: Draw): Candidate[] {
  const all = run.segments.map((s) => s.segment);
  const out: Candidate[] = [];
  const handshake = all.slice(0, 3);
  const [syn, synAck, ack] = handshake;
  if (syn?.flags === SYN && synAck?.flags === (SYN | ACK) && ack && !(ack.flags & SYN) && hasOneOrder(handshake)) {
    out.push(orderQuestion(run, handshake, 0, t('the three-way handshake', '三次握手'), draw));
  }
  const firstFin = all.findIndex((s) => (s.flags & FIN) !== 0);
  const teardown = firstFin >= 0 ? all.slice(firstFin) : [];
  if (teardown.length >= 3 && teardown.length <= 6 && hasOneOrder(teardown)) {
    out.push(orderQuestion(run, teardown, firstFin, t('the teardown', '连接释放(挥手)'), draw));
  }
  return out;
}

/**
 * Whether the segments can be put in order from what they show: no two alike, each answer acknowledging the
 * segment before it (crossing segments, as in a simultaneous open or close, could go either way), and a side's two
 * segments in a row only as the passive closer's ACK followed by its FIN.
 */
function hasOneOrder(segments: readonly Segment[]): boolean {
  if (new Set(segments.map((s) => tcpdumpLine(s))).size !== segments.length) return false;
  return segments.every((b, i) => {
    const a = segments[i - 1];
    if (!a) return true;
    if (a.from === b.from) return a.flags === ACK && a.length === 0 && (b.flags & FIN) !== 0;
    return (b.flags & ACK) !== 0 && b.ack === seqAdd(a.seq, segLen(a));
  });
}

function orderQuestion(run: Run, segments: Segment[], first: number, what: Localized, draw: Draw): Candidate {
  const lines = segments.map((s) => tcpdumpLine(s));
  let shown = draw.shuffle(lines.map((_, i) => i));
  if (shown.every((v, i) => v === i)) shown = [...shown.slice(1), shown[0]!];
  return {
    kind: 'order',
    prompt: t(`Put the segments of ${what.en} in the order they were sent.`, `把${what['zh-CN']}的报文段按发送顺序排列。`),
    context: contextOf(run, first),
    choices: shown.map((i) => ({ text: same(lines[i]!), feedback: null })),
    // For each position in the right order, which shown choice goes there.
    answer: { type: 'order', indices: lines.map((_, right) => shown.indexOf(right)) },
    explanation: t(`In order:\n${lines.join('\n')}`, `正确顺序:\n${lines.join('\n')}`),
    source: { step: run.segments[first]!.step, segment_id: segments[0]!.id },
  };
}

function whyQuestions(topics: readonly WhyTopic[], draw: Draw): Candidate[] {
  return WHY_QUESTIONS.filter((q) => topics.includes(q.topic)).map((q) => {
    const options = draw.shuffle([{ text: q.correct, feedback: null as Localized | null }, ...q.wrong.map((w) => ({ text: w.text, feedback: w.feedback }))]);
    return {
      kind: 'why',
      prompt: q.prompt,
      context: [],
      choices: options,
      answer: { type: 'choice', index: options.findIndex((o) => o.text === q.correct) },
      explanation: q.explanation,
      source: { step: 0, segment_id: null },
    };
  });
}

/**
 * Up to `count` questions of the requested kinds, taken in turn from each kind (and at random within it) so that
 * a quiz mixes them; fewer when the run offers fewer.
 */
export function generateQuiz(source: QuizSource, request: QuizRequest): Quiz {
  const draw = new Draw(request.seed);
  const run = runOf(source);
  const byKind: Record<QuestionKind, Candidate[]> = {
    next_state: nextStateQuestions(run, draw),
    ack_number: ackQuestions(run),
    seq_number: seqQuestions(run),
    flags: flagQuestions(run),
    wrong_field: wrongFieldQuestions(run, draw),
    order: orderQuestions(run, draw),
    why: whyQuestions(source.topics, draw),
  };
  const pools = request.kinds.map((kind) => draw.shuffle(byKind[kind]));
  const picked: Candidate[] = [];
  for (let round = 0; picked.length < request.count && pools.some((p) => p.length > 0); round++) {
    for (const pool of pools) {
      const next = pool.shift();
      if (next && picked.length < request.count) picked.push(next);
    }
  }
  return {
    seed: request.seed,
    options: source.options,
    inputs: source.inputs,
    // A drawing exists when a step before the question's put a segment on the wire.
    questions: picked.map((q, i) => ({ id: `q${i + 1}`, ...q, diagram: DRAWN.includes(q.kind) && run.segments.some((s) => s.step < q.source.step) })),
  };
}
