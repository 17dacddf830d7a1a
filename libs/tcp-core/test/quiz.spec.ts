import {
  ACK,
  seqAdd,
  segLen,
  createConnection,
  diagramDataUri,
  questionDiagram,
  FLAG_NAMES,
  flagNames,
  generateQuiz,
  QUESTION_KINDS,
  SCENARIOS,
  scenario,
  scenarioQuizSource,
  step,
  tcpdumpLine,
  WHY_QUESTIONS,
  type Question,
  type QuizSource,
  type Segment,
  type TcpEvent,
} from '../src';
import { byClass, parseXml } from './svg-reader';

/**
 * Every generated question's answer, checked against an independent replay of its run through the simulator:
 * the test steps the same inputs itself and reads the answer off the segments and events, without the
 * generator's code.
 */

interface Replay {
  segments: Segment[];
  eventsByStep: TcpEvent[][];
}

function replay(source: QuizSource): Replay {
  let connection = createConnection(source.options);
  const segments: Segment[] = [];
  const eventsByStep: TcpEvent[][] = [];
  for (const input of source.inputs) {
    const result = step(connection, input);
    segments.push(...result.segments);
    eventsByStep.push(result.events);
    connection = result.connection;
  }
  return { segments, eventsByStep };
}

const text = (q: Question, i: number): string => q.choices![i]!.text.en;

/** The answer the replay gives for the question, in the question's own terms. */
function checkAgainstReplay(q: Question, run: Replay): void {
  const segment = q.source.segment_id === null ? null : run.segments.find((s) => s.id === q.source.segment_id)!;
  const index = segment ? run.segments.indexOf(segment) : -1;
  switch (q.kind) {
    case 'ack_number': {
      expect(q.answer).toEqual({ type: 'number', value: segment!.ack });
      expect(segment!.flags & ACK).toBeTruthy();
      expect(q.context).toEqual(run.segments.slice(0, index).map((s) => tcpdumpLine(s)));
      // Derivable from the context: the peer's last segment shown ends exactly where the ack points.
      const peer = run.segments.slice(0, index).reverse().find((s) => s.from !== segment!.from)!;
      expect(seqAdd(peer.seq, segLen(peer))).toBe(segment!.ack);
      break;
    }
    case 'seq_number':
      expect(q.answer).toEqual({ type: 'number', value: segment!.seq });
      expect(q.context).toEqual(run.segments.slice(0, index).map((s) => tcpdumpLine(s)));
      break;
    case 'flags': {
      if (q.answer.type !== 'choices') throw new Error('flags answer');
      expect(q.answer.indices.map((i) => text(q, i))).toEqual(FLAG_NAMES.filter((f) => flagNames(segment!.flags).includes(f)));
      break;
    }
    case 'wrong_field': {
      if (q.answer.type !== 'choice') throw new Error('wrong_field answer');
      const shown = /sends: (IP .*?)\. One field/.exec(q.prompt.en)![1]!;
      const truth = tcpdumpLine(segment!);
      expect(shown).not.toBe(truth);
      const field = (['seq', 'ack', 'flags', 'window'] as const)[q.answer.index]!;
      // Every field but the answered one is as the simulator sent it.
      const part = (line: string, name: 'seq' | 'ack' | 'flags' | 'win'): string | undefined =>
        name === 'flags' ? /Flags \[([^\]]*)\]/.exec(line)?.[1] : new RegExp(`${name} (\\d+)`).exec(line)?.[1];
      for (const name of ['seq', 'ack', 'flags', 'win'] as const) {
        // Without its ACK flag a segment shows no ack field at all, as tcpdump prints it.
        if (field === 'flags' && name === 'ack') {
          expect(part(shown, 'ack')).toBeUndefined();
          continue;
        }
        const differs = part(shown, name) !== part(truth, name);
        expect({ name, differs }).toEqual({ name, differs: name === field || (name === 'win' && field === 'window') });
      }
      break;
    }
    case 'next_state': {
      if (q.answer.type !== 'choice') throw new Error('next_state answer');
      const moved = run.eventsByStep[q.source.step]!.filter((e) => e.kind === 'transition').map((e) => `${e.from_state}->${e.to_state}`);
      const [, from] = /is in (\w+)/.exec(q.prompt.en)!;
      expect(moved).toContain(`${from}->${text(q, q.answer.index)}`);
      expect(new Set(q.choices!.map((c) => c.text.en)).size).toBe(4);
      break;
    }
    case 'order': {
      if (q.answer.type !== 'order') throw new Error('order answer');
      const ordered = q.answer.indices.map((i) => text(q, i));
      const start = run.segments.findIndex((s) => tcpdumpLine(s) === ordered[0]);
      expect(ordered).toEqual(run.segments.slice(start, start + ordered.length).map((s) => tcpdumpLine(s)));
      expect(q.choices!.map((c) => c.text.en)).not.toEqual(ordered);
      break;
    }
    case 'why': {
      if (q.answer.type !== 'choice') throw new Error('why answer');
      const bank = WHY_QUESTIONS.find((w) => w.prompt.en === q.prompt.en)!;
      expect(q.choices![q.answer.index]!.text).toEqual(bank.correct);
      break;
    }
  }
}

describe('generateQuiz', () => {
  it.each(SCENARIOS.map((s) => [s.id]))('every question of "%s" (all kinds, seed 1) has the answer an independent replay gives', (id) => {
    const source = scenarioQuizSource(scenario(id)!, 1);
    const quiz = generateQuiz(source, { count: 500, kinds: QUESTION_KINDS, seed: 1 });
    const run = replay(source);
    expect(quiz.questions.length).toBeGreaterThan(5);
    for (const q of quiz.questions) checkAgainstReplay(q, run);
  });

  it('the three-way handshake yields every kind, each question with an explanation in English and Chinese', () => {
    const quiz = generateQuiz(scenarioQuizSource(scenario('three-way-handshake')!, 7), { count: 100, kinds: QUESTION_KINDS, seed: 7 });
    expect(new Set(quiz.questions.map((q) => q.kind))).toEqual(new Set(QUESTION_KINDS));
    for (const q of quiz.questions) {
      expect(q.explanation.en.length).toBeGreaterThan(10);
      expect(q.explanation['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
      expect(q.prompt['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('the seed draws other ISNs, ports and windows for the same exchange; the same seed gives the same quiz', () => {
    const handshake = scenario('three-way-handshake')!;
    const a = generateQuiz(scenarioQuizSource(handshake, 1), { count: 6, kinds: ['ack_number'], seed: 1 });
    const again = generateQuiz(scenarioQuizSource(handshake, 1), { count: 6, kinds: ['ack_number'], seed: 1 });
    const b = generateQuiz(scenarioQuizSource(handshake, 2), { count: 6, kinds: ['ack_number'], seed: 2 });
    expect(again).toEqual(a);
    expect(a.options.client!.isn).not.toBe(b.options.client!.isn);
    expect(a.options.client!.port).not.toBe(b.options.client!.port);
    expect(a.questions.map((q) => q.answer)).not.toEqual(b.questions.map((q) => q.answer));
    // The same structure: the SYN,ACK's ack is the client's ISN + 1 in both.
    for (const quiz of [a, b]) {
      const synAck = quiz.questions.find((q) => q.prompt.en.includes('flags SYN,ACK'))!;
      expect(synAck.answer).toEqual({ type: 'number', value: (quiz.options.client!.isn! + 1) >>> 0 });
    }
  });

  it('a scenario whose inputs name sequence numbers keeps its own numbers', () => {
    const old = scenario('old-duplicate-syn')!;
    expect(scenarioQuizSource(old, 99).options).toEqual(old.options);
  });

  it('asks at most `count` questions, of the requested kinds only, mixing them in turn', () => {
    const quiz = generateQuiz(scenarioQuizSource(scenario('four-way-teardown')!, 3), { count: 5, kinds: ['next_state', 'ack_number'], seed: 3 });
    expect(quiz.questions.map((q) => q.kind)).toEqual(['next_state', 'ack_number', 'next_state', 'ack_number', 'next_state']);
    expect(quiz.questions.map((q) => q.id)).toEqual(['q1', 'q2', 'q3', 'q4', 'q5']);
  });

  it('never asks for a number the context cannot give: no seq question about a side\'s first segment (its ISN)', () => {
    const source = scenarioQuizSource(scenario('three-way-handshake')!, 5);
    const quiz = generateQuiz(source, { count: 100, kinds: ['seq_number'], seed: 5 });
    const isns = [source.options.client!.isn, source.options.server!.isn];
    for (const q of quiz.questions) expect(isns).not.toContain(q.answer.type === 'number' ? q.answer.value : -1);
  });
});

describe('questions with one right answer', () => {
  it('no ordering question where segments cross or repeat: a simultaneous open, a retransmitted SYN, a simultaneous close', () => {
    for (const id of ['simultaneous-open', 'lost-syn-retransmission', 'simultaneous-close']) {
      const quiz = generateQuiz(scenarioQuizSource(scenario(id)!, 1), { count: 100, kinds: ['order'], seed: 1 });
      const handshakeOrTeardown = quiz.questions.map((q) => q.prompt.en);
      if (id === 'simultaneous-open' || id === 'lost-syn-retransmission') expect(handshakeOrTeardown.filter((p) => p.includes('handshake'))).toEqual([]);
      if (id === 'simultaneous-close') expect(handshakeOrTeardown.filter((p) => p.includes('teardown'))).toEqual([]);
    }
    const plain = generateQuiz(scenarioQuizSource(scenario('four-way-teardown')!, 1), { count: 100, kinds: ['order'], seed: 1 });
    expect(plain.questions.map((q) => q.prompt.en)).toEqual([
      'Put the segments of the three-way handshake in the order they were sent.',
      'Put the segments of the teardown in the order they were sent.',
    ]);
  });

  it('no wrong-field question about a seq the context cannot tell (a side\'s first SYN)', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const source = scenarioQuizSource(scenario('three-way-handshake')!, seed);
      const quiz = generateQuiz(source, { count: 100, kinds: ['wrong_field'], seed });
      for (const q of quiz.questions) {
        const flagsShown = /Flags \[([^\]]*)\]/.exec(q.prompt.en)![1];
        if (flagsShown === 'S.') expect(q.answer).not.toEqual({ type: 'choice', index: 0 });
      }
    }
  });
});

describe('questionDiagram', () => {
  it('draws, for the kinds it helps, one arrow per segment sent before the question\'s step, and none for order or why', () => {
    const source = scenarioQuizSource(scenario('four-way-teardown')!, 8);
    const quiz = generateQuiz(source, { count: 200, kinds: QUESTION_KINDS, seed: 8 });
    const drawn = quiz.questions.filter((q) => q.diagram);
    expect(drawn.length).toBeGreaterThan(5);
    for (const q of quiz.questions) {
      const svg = questionDiagram(quiz, q, 'en');
      if (['order', 'why', 'flags'].includes(q.kind) || q.context.length === 0) {
        expect({ id: q.id, svg }).toEqual({ id: q.id, svg: null });
        continue;
      }
      // The run's segments sent by the steps before the question's.
      const before = replayInputs(source, q.source.step);
      if (before === 0) {
        expect(svg).toBeNull();
        continue;
      }
      expect(byClass(parseXml(svg!), 'arrow')).toHaveLength(before);
      expect(before).toBeLessThanOrEqual(q.context.length);
    }
  });

  it('a data: URI holds the SVG as base64', () => {
    const uri = diagramDataUri('<svg xmlns="http://www.w3.org/2000/svg">é</svg>');
    expect(uri.startsWith('data:image/svg+xml;base64,')).toBe(true);
    expect(Buffer.from(uri.split(',')[1]!, 'base64').toString('utf8')).toBe('<svg xmlns="http://www.w3.org/2000/svg">é</svg>');
  });
});

/** How many segments the first `steps` inputs put on the wire. */
function replayInputs(source: QuizSource, steps: number): number {
  let connection = createConnection(source.options);
  let count = 0;
  for (const input of source.inputs.slice(0, steps)) {
    const result = step(connection, input);
    count += result.segments.length;
    connection = result.connection;
  }
  return count;
}
