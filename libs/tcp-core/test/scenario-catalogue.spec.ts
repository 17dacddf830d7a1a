/**
 * The scenario catalogue (src/scenarios): every scenario is played with the
 * real simulator, both endpoints' states are checked after every step, and
 * the segments each scenario puts on the wire are compared with numbers
 * worked out from RFC 9293 by hand (SYN and FIN take one sequence number
 * each, data its length, all modulo 2^32).
 */
import { ACK, createConnection, seqAdd, step, tcpdumpTrace, type Connection, type Segment } from '../src';
import { SCENARIOS, createScenarioConnection, playScenario, playStep, scenario, type PlayedStep, type Scenario } from '../src/scenarios';
import { SSH_BANNER, b64, call, codes, normaliseTcpdump, readCapture, wire } from './scenario-helpers';

const IDS = [
  'three-way-handshake',
  'four-way-teardown',
  'server-closes-first',
  'three-segment-close',
  'half-close',
  'simultaneous-open',
  'simultaneous-close',
  'connection-refused',
  'rst-abort',
  'lost-syn-retransmission',
  'lost-final-ack',
  'old-duplicate-syn',
  'delayed-segment-after-close',
  'data-transfer-with-push',
  'sequence-wraparound',
];

/** The handshake with client ISN 1000 and server ISN 5000: every SYN is acknowledged with ISN + 1. */
const HANDSHAKE = ['client>server S seq=1000', 'server>client S. seq=5000 ack=1001', 'client>server . seq=1001 ack=5001'];

/**
 * Every segment each scenario puts on the wire, in order (so segment #n is
 * entry n − 1), as 'from>to flags seq=… ack=… len=…'.
 */
const TRACES: Record<string, string[]> = {
  'three-way-handshake': HANDSHAKE,
  // The client's FIN takes 1001, so it is acknowledged with 1002; the server's FIN takes 5001 → 5002.
  'four-way-teardown': [
    ...HANDSHAKE,
    'client>server F. seq=1001 ack=5001',
    'server>client . seq=5001 ack=1002',
    'server>client F. seq=5001 ack=1002',
    'client>server . seq=1002 ack=5002',
  ],
  'server-closes-first': [
    ...HANDSHAKE,
    'server>client F. seq=5001 ack=1001',
    'client>server . seq=1001 ack=5002',
    'client>server F. seq=1001 ack=5002',
    'server>client . seq=5002 ack=1002',
  ],
  // The second and third waves share one segment.
  'three-segment-close': [...HANDSHAKE, 'client>server F. seq=1001 ack=5001', 'server>client F. seq=5001 ack=1002', 'client>server . seq=1002 ack=5002'],
  // Request 1001..1018 (18), FIN 1019; answer 5001..5019 (19) and 5020..5033 (14), FIN 5034.
  'half-close': [
    ...HANDSHAKE,
    'client>server P. seq=1001 ack=5001 len=18',
    'server>client . seq=5001 ack=1019',
    'client>server F. seq=1019 ack=5001',
    'server>client . seq=5001 ack=1020',
    'server>client P. seq=5001 ack=1020 len=19',
    'client>server . seq=1020 ack=5020',
    'server>client P. seq=5020 ack=1020 len=14',
    'client>server . seq=1020 ack=5034',
    'server>client F. seq=5034 ack=1020',
    'client>server . seq=1020 ack=5035',
  ],
  // Figure 8: each SYN_RECEIVED repeats its SYN as <SEQ=ISS><ACK=RCV.NXT>, then each side ACKs the other's SYN,ACK.
  'simultaneous-open': [
    'client>server S seq=1000',
    'server>client S seq=5000',
    'server>client S. seq=5000 ack=1001',
    'client>server S. seq=1000 ack=5001',
    'client>server . seq=1001 ack=5001',
    'server>client . seq=5001 ack=1001',
  ],
  // Figure 13: each FIN is ACKed from CLOSING's side with SND.NXT already past its own FIN.
  'simultaneous-close': [
    ...HANDSHAKE,
    'client>server F. seq=1001 ack=5001',
    'server>client F. seq=5001 ack=1001',
    'server>client . seq=5002 ack=1002',
    'client>server . seq=1002 ack=5002',
  ],
  // §3.10.7.1: no ACK on the SYN, so <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
  'connection-refused': ['client>server S seq=1000', 'server>client R. seq=0 ack=1001'],
  // §3.10.5: <SEQ=SND.NXT><CTL=RST>, with Linux's ACK of RCV.NXT.
  'rst-abort': [...HANDSHAKE, 'client>server R. seq=1001 ack=5001'],
  'lost-syn-retransmission': ['client>server S seq=1000', ...HANDSHAKE],
  'lost-final-ack': [
    ...HANDSHAKE,
    'client>server F. seq=1001 ack=5001',
    'server>client . seq=5001 ack=1002',
    'server>client F. seq=5001 ack=1002',
    'client>server . seq=1002 ack=5002',
    'server>client F. seq=5001 ack=1002',
    'client>server . seq=1002 ack=5002',
  ],
  // Figure 9. The stale SYN,ACK's ack (991) becomes the RST's seq (§3.10.7.3); the real SYN meets a fresh ISS.
  'old-duplicate-syn': [
    'client>server S seq=1000',
    'client>server S seq=990',
    'server>client S. seq=5000 ack=991',
    'client>server R seq=991',
    'server>client S. seq=2265367787 ack=1001',
    'client>server . seq=1001 ack=2265367788',
  ],
  // The held data and its retransmission are the same segment; the CLOSED server answers the late copy with
  // <SEQ=SEG.ACK><CTL=RST> = 5001. Seed 1's third and fourth draws are the new ISNs.
  'delayed-segment-after-close': [
    ...HANDSHAKE,
    'client>server P. seq=1001 ack=5001 len=10',
    'client>server P. seq=1001 ack=5001 len=10',
    'server>client . seq=5001 ack=1011',
    'client>server F. seq=1011 ack=5001',
    'server>client . seq=5001 ack=1012',
    'server>client F. seq=5001 ack=1012',
    'client>server . seq=1012 ack=5002',
    'server>client R seq=5001',
    'client>server S seq=2265367787',
    'server>client S. seq=4213581821 ack=2265367788',
    'client>server . seq=2265367788 ack=4213581822',
  ],
  // The seed capture, plus the client's ACK of the server's banner.
  'data-transfer-with-push': [
    'client>server S seq=481914174',
    'server>client S. seq=2737267460 ack=481914175',
    'client>server . seq=481914175 ack=2737267461',
    'client>server P. seq=481914175 ack=2737267461 len=21',
    'server>client . seq=2737267461 ack=481914196',
    'server>client P. seq=2737267461 ack=481914196 len=21',
    'client>server . seq=481914196 ack=2737267482',
  ],
  // 4294967295 + 1 = 0; 4294967286 + 16 = 6 (mod 2^32).
  'sequence-wraparound': [
    'client>server S seq=4294967295',
    'server>client S. seq=4294967285 ack=0',
    'client>server . seq=0 ack=4294967286',
    'server>client P. seq=4294967286 ack=0 len=16',
    'client>server . seq=0 ack=6',
    'client>server P. seq=0 ack=6 len=5',
    'server>client . seq=6 ack=5',
  ],
};

/** Play a scenario with the catalogue's own API, one playStep at a time. */
function play(s: Scenario): PlayedStep[] {
  const played: PlayedStep[] = [];
  let connection = createScenarioConnection(s);
  s.steps.forEach((_, index) => {
    const result = playStep(s, connection, index);
    played.push(result);
    connection = result.connection;
  });
  return played;
}

function byId(id: string): Scenario {
  const found = scenario(id);
  if (!found) throw new Error(`no scenario ${id}`);
  return found;
}

function traceOf(s: Scenario): Segment[] {
  return play(s).flatMap((r) => r.segments);
}

/** The connection after step `index` (0-based) of a scenario. */
function after(s: Scenario, index: number): Connection {
  return play(s)[index]!.connection;
}

const strip = (line: string): string => line.replace(/, options \[[^\]]*\]/, '');
const SCENARIO_CASES = SCENARIOS.map((s) => [s.id, s] as const);

// ---------------------------------------------------------------- the catalogue

describe('the catalogue', () => {
  it('lists the fifteen scenarios in teaching order, each id once', () => {
    expect(SCENARIOS.map((s) => s.id)).toEqual(IDS);
    expect(new Set(SCENARIOS.map((s) => s.id)).size).toBe(SCENARIOS.length);
  });

  it('finds every listed scenario by id, and nothing for an unknown id', () => {
    for (const s of SCENARIOS) expect(scenario(s.id)).toBe(s);
    expect(scenario('four-way-handshake')).toBeUndefined();
  });

  it('fixes both ISNs in every scenario, so that every number a text quotes is stable', () => {
    for (const s of SCENARIOS) {
      expect([s.id, typeof s.options.client?.isn, typeof s.options.server?.isn, typeof s.options.seed]).toEqual([s.id, 'number', 'number', 'number']);
    }
  });

  it('gives every scenario a title, a summary and as many learning goals in English as in Chinese', () => {
    for (const s of SCENARIOS) {
      for (const text of [s.title.en, s.title['zh-CN'], s.summary.en, s.summary['zh-CN'], ...s.learning_goals.en, ...s.learning_goals['zh-CN']]) {
        expect(text.trim()).not.toBe('');
      }
      expect(s.learning_goals.en.length).toBeGreaterThan(0);
      expect(s.learning_goals['zh-CN']).toHaveLength(s.learning_goals.en.length);
    }
  });

  it('cites RFC 9293 sections as section numbers', () => {
    for (const s of SCENARIOS) {
      expect(s.rfc.length).toBeGreaterThan(0);
      for (const section of s.rfc) expect(section).toMatch(/^3(\.\d+)+$/);
    }
  });
});

describe('step texts', () => {
  const allTexts = (s: Scenario): string[] => [
    s.title.en,
    s.title['zh-CN'],
    s.summary.en,
    s.summary['zh-CN'],
    ...s.learning_goals.en,
    ...s.learning_goals['zh-CN'],
    ...s.steps.flatMap((st) => [st.text.en, st.text['zh-CN']]),
  ];

  it('explain every step in English and in Chinese', () => {
    for (const s of SCENARIOS) {
      s.steps.forEach((st, index) => {
        expect([s.id, index, st.text.en.trim().length > 0, st.text['zh-CN'].trim().length > 0]).toEqual([s.id, index, true, true]);
        // The Chinese text is a translation, not the English copied over.
        expect(st.text['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
      });
    }
  });

  it('never contain "undefined" or "NaN"', () => {
    for (const s of SCENARIOS) {
      for (const text of allTexts(s)) expect(text).not.toMatch(/undefined|NaN/);
    }
  });

  it('quote the same seq= and ack= numbers in both languages', () => {
    const quotes = (text: string): string[] => [...new Set([...text.matchAll(/\b(?:seq|ack)=\d+(?::\d+)?/g)].map((m) => m[0]))].sort();
    for (const s of SCENARIOS) {
      s.steps.forEach((st, index) => {
        expect([s.id, index, quotes(st.text['zh-CN'])]).toEqual([s.id, index, quotes(st.text.en)]);
      });
    }
  });

  it('quote only seq= and ack= numbers that a segment of the scenario really carries', () => {
    for (const s of SCENARIOS) {
      const trace = traceOf(s);
      for (const text of allTexts(s)) {
        for (const m of text.matchAll(/\b(seq|ack)=(\d+)(?::(\d+))?/g)) {
          const [quote, field, value, end] = m;
          const carried = trace.some((seg) =>
            field === 'seq'
              ? seg.seq === Number(value) && (end === undefined || seqAdd(seg.seq, seg.length) === Number(end))
              : (seg.flags & ACK) !== 0 && seg.ack === Number(value),
          );
          expect([s.id, quote, carried]).toEqual([s.id, quote, true]);
        }
      }
    }
  });
});

// ---------------------------------------------------------------- playing every scenario

describe.each(SCENARIO_CASES)('scenario %s', (id, s) => {
  it('plays to its end with every step accepted and both endpoints in the expected states after each step', () => {
    const actual = play(s).map((r, index) => ({
      index,
      outcome: r.outcome.ok ? 'ok' : r.outcome.error,
      client: r.connection.client.state,
      server: r.connection.server.state,
    }));
    expect(actual).toEqual(s.steps.map((st, index) => ({ index, outcome: 'ok', ...st.expect })));
  });

  it('puts on the wire exactly the segments worked out by hand, numbered in order', () => {
    const trace = traceOf(s);
    expect(trace.map(wire)).toEqual(TRACES[id]);
    expect(trace.map((seg) => seg.id)).toEqual(trace.map((_, i) => i + 1));
  });

  it('returns each step with its own text', () => {
    play(s).forEach((r, index) => expect(r.text).toEqual(s.steps[index]!.text));
  });

  it('is deterministic: playing it twice gives identical results', () => {
    expect(play(s)).toEqual(play(s));
  });

  it('continues the same way from a JSON copy of any connection, as the service stores them', () => {
    let connection = createScenarioConnection(s);
    s.steps.forEach((_, index) => {
      const direct = playStep(s, connection, index);
      const stored = playStep(s, JSON.parse(JSON.stringify(connection)) as Connection, index);
      expect(stored).toEqual(direct);
      connection = direct.connection;
    });
  });

  it('never changes the connection it is given', () => {
    let connection = createScenarioConnection(s);
    s.steps.forEach((_, index) => {
      const before = JSON.stringify(connection);
      const result = playStep(s, connection, index);
      expect(JSON.stringify(connection)).toBe(before);
      connection = result.connection;
    });
  });
});

describe('the player', () => {
  it('starts from createConnection(options)', () => {
    for (const s of SCENARIOS) expect(createScenarioConnection(s)).toEqual(createConnection(s.options));
  });

  it('playScenario gives the same results as playStep one step at a time', () => {
    for (const s of SCENARIOS) expect(playScenario(s)).toEqual(play(s));
  });

  it('refuses a step index outside the scenario', () => {
    const s = byId('connection-refused');
    expect(() => playStep(s, createScenarioConnection(s), 3)).toThrow(RangeError);
    expect(() => playStep(s, createScenarioConnection(s), -1)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------- exact numbers, scenario by scenario

describe('three-way-handshake', () => {
  it('acknowledges each SYN with ISN + 1: SYN,ACK ack 1001, third segment ack 5001', () => {
    const [syn, synAck, ack] = traceOf(byId('three-way-handshake'));
    expect(synAck!.ack).toBe(syn!.seq + 1);
    expect(ack!.ack).toBe(synAck!.seq + 1);
    expect(ack!.seq).toBe(1001);
    expect(after(byId('three-way-handshake'), 4).server.tcb).toMatchObject({ iss: 5000, irs: 1000, snd_nxt: 5001, rcv_nxt: 1001 });
  });
});

describe('four-way-teardown', () => {
  it('keeps the client in TIME_WAIT for exactly 2MSL = 60000 ms', () => {
    const s = byId('four-way-teardown');
    expect(after(s, 9).client.timers).toEqual([{ kind: 'time_wait', due_ms: 60_000 }]);
    expect(after(s, 11).clock_ms).toBe(59_999);
    expect(after(s, 12).clock_ms).toBe(60_000);
    expect(after(s, 12).client.tcb).toBeNull();
  });
});

describe('server-closes-first', () => {
  it('leaves the server, the active closer, in TIME_WAIT with a 60000 ms timer, and the client without one', () => {
    const c = after(byId('server-closes-first'), 10);
    expect(c.server.timers).toEqual([{ kind: 'time_wait', due_ms: 60_000 }]);
    expect(c.client.tcb).toBeNull();
  });
});

describe('three-segment-close', () => {
  it('closes with three segments, FIN,ACK · FIN,ACK · ACK, and the client never enters FIN_WAIT_2', () => {
    const s = byId('three-segment-close');
    expect(tcpdumpTrace(traceOf(s).slice(3)).map(strip)).toEqual([
      'IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [F.], seq 1001, ack 5001, win 502, length 0',
      'IP 10.0.0.2.80 > 10.0.0.1.49152: Flags [F.], seq 5001, ack 1002, win 510, length 0',
      'IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [.], ack 5002, win 502, length 0',
    ]);
    expect(s.steps.map((st) => st.expect.client)).not.toContain('FIN_WAIT_2');
  });

  it('owes the ACK of the FIN until the server sends FIN,ACK, which pays it', () => {
    const s = byId('three-segment-close');
    expect(after(s, 4).server.owed).toMatchObject([{ seq: 5001, ack: 1002, flags: ACK, reason: 'FIN_TO_CLOSE_WAIT' }]);
    expect(after(s, 5).server.owed).toEqual([]);
  });
});

describe('half-close', () => {
  it('hands the 18-octet request to the server in CLOSE_WAIT and the 33-octet answer to the client in FIN_WAIT_2', () => {
    const played = play(byId('half-close'));
    expect(played[11]!.outcome).toEqual({ ok: true, received: { length: 18, payload: b64('GET / HTTP/1.0\r\n\r\n') } });
    expect(played[18]!.outcome).toEqual({ ok: true, received: { length: 33, payload: b64('HTTP/1.0 200 OK\r\n\r\nHello, world!\n') } });
  });

  it('refuses a SEND from the client in FIN_WAIT_2: its direction is closed', () => {
    const c = after(byId('half-close'), 18);
    expect(c.client.state).toBe('FIN_WAIT_2');
    const refused = step(c, call('client', 'send', { data: { length: 1 } }));
    expect(refused.outcome).toEqual({ ok: false, error: { code: 'CALL_REFUSED', error: 'CONNECTION_CLOSING', text: 'error: connection closing' } });
  });
});

describe('simultaneous-open', () => {
  it('takes both ends through SYN_RECEIVED, and each SYN,ACK is <SEQ=ISS><ACK=peer ISN + 1>', () => {
    const s = byId('simultaneous-open');
    expect(s.steps[3]!.expect).toEqual({ client: 'SYN_RECEIVED', server: 'SYN_RECEIVED' });
    const c = after(s, 7);
    expect(c.client.tcb).toMatchObject({ iss: 1000, irs: 5000, snd_una: 1001, rcv_nxt: 5001 });
    expect(c.server.tcb).toMatchObject({ iss: 5000, irs: 1000, snd_una: 5001, rcv_nxt: 1001 });
    expect(c.network.in_flight).toEqual([]);
  });
});

describe('simultaneous-close', () => {
  it('takes both ends through CLOSING into TIME_WAIT, both timers due at 60000 ms', () => {
    const s = byId('simultaneous-close');
    expect(s.steps[8]!.expect).toEqual({ client: 'CLOSING', server: 'CLOSING' });
    const c = after(s, 10);
    expect(c.client.timers).toEqual([{ kind: 'time_wait', due_ms: 60_000 }]);
    expect(c.server.timers).toEqual([{ kind: 'time_wait', due_ms: 60_000 }]);
  });
});

describe('connection-refused', () => {
  it('answers the SYN with RST,ACK seq 0 ack 1001, and the client reports "connection refused"', () => {
    const s = byId('connection-refused');
    expect(tcpdumpTrace(traceOf(s))[1]).toBe('IP 10.0.0.2.80 > 10.0.0.1.49152: Flags [R.], seq 0, ack 1001, win 0, length 0');
    expect(codes(play(s)[2]!, 'client')).toEqual(['SEGMENT_ARRIVED', 'SYN_SENT_RST_TO_CLOSED', 'SIGNAL_CONNECTION_REFUSED']);
  });
});

describe('rst-abort', () => {
  it('sends RST,ACK <SEQ=SND.NXT 1001><ACK=RCV.NXT 5001>, resets the server, and leaves no timer anywhere', () => {
    const played = play(byId('rst-abort'));
    const rst = played[5]!.segments[0]!;
    expect([rst.seq, rst.ack]).toEqual([1001, 5001]);
    expect(codes(played[6]!, 'server')).toEqual(['SEGMENT_ARRIVED', 'RST_RESETS_CONNECTION', 'SIGNAL_CONNECTION_RESET']);
    const c = played[6]!.connection;
    expect([c.client.timers, c.server.timers, c.client.tcb, c.server.tcb]).toEqual([[], [], null, null]);
  });
});

describe('lost-syn-retransmission', () => {
  it('retransmits the same SYN seq 1000 at exactly 1000 ms, and the handshake completes then', () => {
    const played = play(byId('lost-syn-retransmission'));
    expect(played[1]!.connection.client.timers).toEqual([{ kind: 'retransmission', due_ms: 1000 }]);
    expect(played[2]!.segments.map((seg) => seg.sent_at_ms)).toEqual([1000, 1000, 1000]);
    expect(tcpdumpTrace(played[2]!.segments.slice(0, 1), { time: true }).map(strip)).toEqual([
      '00:00:01.000000 IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [S], seq 1000, win 64240, length 0',
    ]);
    expect(codes(played[2]!, 'client').slice(0, 2)).toEqual(['RETRANSMISSION_TIMEOUT', 'SEGMENT_RETRANSMITTED']);
  });
});

describe('lost-final-ack', () => {
  it('retransmits the FIN at 1000 ms; TIME_WAIT ACKs it again and restarts 2MSL, ending at 61000 ms, not 60000', () => {
    const s = byId('lost-final-ack');
    const played = play(s);
    expect(played[11]!.segments.map((seg) => [wire(seg), seg.sent_at_ms])).toEqual([['server>client F. seq=5001 ack=1002', 1000]]);
    expect(codes(played[12]!, 'client')).toContain('TIME_WAIT_FIN_ACKED_AGAIN');
    expect(played[12]!.connection.client.timers).toEqual([{ kind: 'time_wait', due_ms: 61_000 }]);
    expect(played[14]!.connection.clock_ms).toBe(60_999);
    expect(played[15]!.connection.clock_ms).toBe(61_000);
  });
});

describe('old-duplicate-syn', () => {
  it('answers the stale SYN,ACK (ack 991) with RST seq 991, win 0, and the server goes back to LISTEN', () => {
    const played = play(byId('old-duplicate-syn'));
    expect(tcpdumpTrace(played[3]!.segments)).toEqual(['IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [R], seq 991, win 0, length 0']);
    expect(codes(played[4]!, 'server')).toContain('RST_SYN_RECEIVED_TO_LISTEN');
    expect(played[4]!.connection.server.tcb).toBeNull();
  });

  it('opens the real connection with a fresh server ISN: SYN,ACK seq 2265367787 ack 1001', () => {
    const c = after(byId('old-duplicate-syn'), 7);
    expect(c.server.tcb).toMatchObject({ iss: 2265367787, irs: 1000, rcv_nxt: 1001, snd_una: 2265367788 });
    expect(c.network.in_flight).toEqual([]);
  });
});

describe('delayed-segment-after-close', () => {
  it('answers the late segment from the CLOSED server with RST seq 5001, which TIME_WAIT (RCV.NXT 5002) drops', () => {
    const played = play(byId('delayed-segment-after-close'));
    expect(codes(played[6]!, 'server')).toEqual(['SEGMENT_ARRIVED', 'CLOSED_ANSWERS_RST', 'SEGMENT_SENT']);
    expect(codes(played[6]!, 'client')).toEqual(['SEGMENT_ARRIVED', 'SEQ_UNACCEPTABLE_RST_DROPPED']);
    expect(played[6]!.connection.client.timers).toEqual([{ kind: 'time_wait', due_ms: 61_000 }]);
  });

  it('starts the new connection with an empty network and new ISNs', () => {
    const played = play(byId('delayed-segment-after-close'));
    expect(played[7]!.connection.network.in_flight).toEqual([]);
    expect(played[9]!.connection.client.tcb).toMatchObject({ iss: 2265367787, irs: 4213581821 });
  });
});

describe('data-transfer-with-push', () => {
  const played = (): PlayedStep[] => play(byId('data-transfer-with-push'));

  it('puts the six segments of the seed capture on the wire, line for line', () => {
    const lines = tcpdumpTrace(played().flatMap((r) => r.segments).slice(0, 6)).map(normaliseTcpdump);
    expect(lines).toEqual(readCapture('seed-ssh-handshake.tcpdump-S.txt').map(normaliseTcpdump));
  });

  it('sends each 21-octet banner with PSH: seq 481914175:481914196 and 2737267461:2737267482', () => {
    const [client, server] = [played()[5]!.segments[0]!, played()[8]!.segments[0]!];
    expect(strip(tcpdumpTrace([client])[0]!)).toBe('IP 192.168.1.63.53198 > 192.168.1.64.22: Flags [P.], seq 481914175:481914196, ack 2737267461, win 229, length 21');
    expect(strip(tcpdumpTrace([server])[0]!)).toBe('IP 192.168.1.64.22 > 192.168.1.63.53198: Flags [P.], seq 2737267461:2737267482, ack 481914196, win 227, length 21');
    expect([client.payload, server.payload]).toEqual([b64(SSH_BANNER), b64(SSH_BANNER)]);
  });

  it("shows the windows the texts explain: win 229 after the handshake, 227 and 228 with 21 octets unread", () => {
    expect(played().flatMap((r) => r.segments).map((seg) => seg.window)).toEqual([29200, 28960, 229, 229, 227, 227, 228]);
  });
});

describe('sequence-wraparound', () => {
  it('acknowledges the SYN at 4294967295 with 0, and data 4294967286:6 with ack 6', () => {
    const trace = traceOf(byId('sequence-wraparound'));
    expect(tcpdumpTrace(trace).map(strip).slice(3, 5)).toEqual([
      'IP 10.0.0.2.80 > 10.0.0.1.49152: Flags [P.], seq 4294967286:6, ack 0, win 510, length 16',
      'IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [.], ack 6, win 502, length 0',
    ]);
    expect(after(byId('sequence-wraparound'), 10).server.tcb).toMatchObject({ snd_una: 6, snd_nxt: 6, rcv_nxt: 5 });
  });

  it('prints the data as seq 1:17 and 1:6 in tcpdump\'s relative numbering, as the last step says', () => {
    const lines = tcpdumpTrace(traceOf(byId('sequence-wraparound')), { numbering: 'relative' }).map(strip);
    expect(lines[3]).toContain('seq 1:17');
    expect(lines[5]).toContain('seq 1:6');
  });
});
