/**
 * Every scenario of the catalogue, played by the real simulator and written
 * with renderPcap, read back by the real tshark (Wireshark's dissectors):
 *
 * - nothing malformed, IP and TCP checksums good;
 * - ports, tcp.seq_raw, tcp.ack_raw, flags, window and length exactly as the
 *   segments the scenario put on the wire, in the order sent;
 * - Wireshark's TCP analysis marks a retransmission and a duplicate ACK
 *   exactly where the scenario made one, and nowhere else.
 *
 * "Where the scenario made one" comes from the simulator's own data:
 *
 * - retransmissions: the segments whose send event is SEGMENT_RETRANSMITTED;
 * - duplicate ACKs: a pure ACK (ACK alone, no data) that repeats the seq, ack
 *   and window of its sender's previous segment — it acknowledges nothing new
 *   and updates nothing (RFC 5681 §2, "duplicate acknowledgment").
 *
 * The capture is the one renderPcap describes: every segment at its sender,
 * when sent (a dropped or held segment included, a delayed delivery not
 * repeated). Where Wireshark's heuristics see more than that, or where a
 * scenario injects or duplicates a segment, EXPECTED below says so, frame by
 * frame, with the reason; a new scenario fails here until it is added.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ACK, SCENARIOS, playScenario, type Scenario, type Segment } from '../src';
import { describeWithTshark, runTshark, tsharkTitle } from './tshark';
import { renderPcap } from '../src/render/pcap';

/** A scenario's capture: the segments in the order sent, and the ids the simulator sent as retransmissions. */
interface Played {
  segments: Segment[];
  retransmittedIds: Set<number>;
  injectedIds: Set<number>;
  duplicatedIds: Set<number>;
}

function play(s: Scenario): Played {
  const steps = playScenario(s);
  for (const [i, p] of steps.entries()) {
    if (!p.outcome.ok) throw new Error(`scenario ${s.id} step ${i} failed: ${JSON.stringify(p.outcome)}`);
  }
  const events = steps.flatMap((p) => p.events);
  const idsWith = (code: string): Set<number> =>
    new Set(events.filter((e) => e.code === code && e.segment_id !== null).map((e) => e.segment_id!));
  return {
    segments: steps.flatMap((p) => p.segments),
    retransmittedIds: idsWith('SEGMENT_RETRANSMITTED'),
    injectedIds: idsWith('SEGMENT_INJECTED'),
    duplicatedIds: idsWith('SEGMENT_DUPLICATED'),
  };
}

/** 1-based frame numbers of the segments with these ids. */
const framesOf = (segments: readonly Segment[], ids: ReadonlySet<number>): number[] =>
  segments.flatMap((s, i) => (ids.has(s.id) ? [i + 1] : []));

/** Frames (1-based) that are duplicate ACKs by the simulator's numbers (see the module comment). */
function duplicateAckFrames(segments: readonly Segment[]): number[] {
  const frames: number[] = [];
  segments.forEach((s, i) => {
    if (s.flags !== ACK || s.length !== 0) return;
    const previous = segments.slice(0, i).reverse().find((p) => p.from === s.from);
    if (previous && previous.seq === s.seq && previous.ack === s.ack && previous.window === s.window && (previous.flags & ACK) !== 0) frames.push(i + 1);
  });
  return frames;
}

/**
 * What Wireshark must say about each scenario, written down. `retransmissions`
 * and `duplicateAcks` are checked against the simulator's data (above) as well
 * as against tshark; `wiresharkOnly` lists what Wireshark flags as a
 * retransmission although the simulator did not retransmit, with the reason.
 * `otherAnalysis` is every other TCP analysis item tshark reports, per frame,
 * none of which is an error in the simulator or the encoding (see each reason).
 */
interface Expectation {
  retransmissions: number[];
  duplicateAcks: number[];
  wiresharkOnly?: { retransmissions: number[]; reason: string };
  otherAnalysis?: Record<number, string[]>;
  why?: string;
}

/** A new connection on the same four ports after an earlier one in the trace: Wireshark notes it, correctly. */
const REUSED = 'tcp.analysis.reused_ports';

const EXPECTED: Record<string, Expectation> = {
  'three-way-handshake': { retransmissions: [], duplicateAcks: [] },
  'four-way-teardown': { retransmissions: [], duplicateAcks: [] },
  'server-closes-first': { retransmissions: [], duplicateAcks: [] },
  'three-segment-close': { retransmissions: [], duplicateAcks: [] },
  'half-close': { retransmissions: [], duplicateAcks: [] },
  'simultaneous-open': {
    retransmissions: [],
    duplicateAcks: [],
    wiresharkOnly: {
      retransmissions: [3, 4],
      reason:
        'Each SYN,ACK repeats its sender’s SYN with seq = ISS (RFC 9293 §3.10.7.3, SYN-SENT: "form a SYN,ACK segment <SEQ=ISS><ACK=RCV.NXT>"), ' +
        'so it re-sends sequence number 5000 (3) and 1000 (4) already seen in frames 2 and 1. The simulator sends it by the rule, not by a ' +
        'timer (SEGMENT_SENT), which is right; Wireshark’s heuristic calls any repeated sequence space a retransmission.',
    },
    // Each closing ACK repeats the ack of its sender's SYN,ACK with a different window (the SYN's unscaled field,
    // then the scaled one: RFC 7323 §2.2) and nothing else: by Wireshark's rule a window update, not a duplicate ACK.
    otherAnalysis: { 5: ['tcp.analysis.window_update'], 6: ['tcp.analysis.window_update'] },
  },
  'simultaneous-close': { retransmissions: [], duplicateAcks: [] },
  'connection-refused': { retransmissions: [], duplicateAcks: [] },
  'rst-abort': { retransmissions: [], duplicateAcks: [] },
  'lost-syn-retransmission': { retransmissions: [2], duplicateAcks: [], why: 'frame 1 is the SYN the network dropped, frame 2 its retransmission after the 1 s RTO' },
  'lost-final-ack': {
    retransmissions: [8],
    duplicateAcks: [9],
    why:
      'frame 7, the last ACK, is lost; the server retransmits its FIN (8) and the client in TIME_WAIT acknowledges it again (9, RFC 9293 §3.10.7.4) ' +
      'with the same seq 1002, ack 5002 and window as frame 7: a duplicate ACK, because the capture at the sender holds the lost one',
  },
  'old-duplicate-syn': {
    retransmissions: [],
    duplicateAcks: [],
    why:
      'frame 2 is the injected old SYN seq=990 (SEGMENT_INJECTED): a different ISN, so not a retransmission of frame 1 but, for Wireshark, a new ' +
      'session on the same ports. The real SYN (frame 1) is delivered late but sent once, so it appears once.',
    // Wireshark keeps one conversation per four-tuple and restarts it at the old SYN (2). The SYN,ACK to the real SYN
    // (5) then has a fresh ISN (a new session again) and ack=1001 although the SYN it last saw from the client is 990:
    // it reads that as data acknowledged in the SYN (TFO), as segments it did not see, and as out of order. The ACK
    // (6) from seq 1001 likewise follows a client SYN it tracked at 990. All of this is Wireshark's tracking of two
    // SYNs with different ISNs on one four-tuple; every number is RFC 9293 Figure 9's.
    otherAnalysis: {
      2: [REUSED],
      5: ['tcp.analysis.ack_lost_segment', 'tcp.analysis.out_of_order', REUSED, 'tcp.analysis.tfo_ack'],
      6: ['tcp.analysis.lost_segment'],
    },
  },
  'delayed-segment-after-close': {
    retransmissions: [5],
    duplicateAcks: [],
    why:
      'frame 4 is the data the network holds; it is sent once, so captured once, and its late delivery is not a new frame. Frame 5 is its ' +
      'retransmission after the RTO. Frame 11 is the CLOSED server’s RST <SEQ=SEG.ACK> for the late copy, frame 12 the new connection’s SYN.',
    otherAnalysis: { 12: [REUSED] },
  },
  'data-transfer-with-push': { retransmissions: [], duplicateAcks: [] },
  'sequence-wraparound': { retransmissions: [], duplicateAcks: [] },
};

describe('the scenario catalogue: expectations written down for every scenario', () => {
  it('EXPECTED covers exactly the scenarios in SCENARIOS', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(SCENARIOS.map((s) => s.id).sort());
  });

  it.each(SCENARIOS.map((s) => [s.id, s] as const))('%s: EXPECTED agrees with the simulator’s own data', (id, s) => {
    const { segments, retransmittedIds, injectedIds, duplicatedIds } = play(s);
    const e = EXPECTED[id]!;
    expect(framesOf(segments, retransmittedIds)).toEqual(e.retransmissions);
    expect(duplicateAckFrames(segments)).toEqual(e.duplicateAcks);
    // The network's own copies: no scenario duplicates a segment today; one that does must be examined and written down here.
    expect(framesOf(segments, duplicatedIds)).toEqual([]);
    expect(framesOf(segments, injectedIds)).toEqual(id === 'old-duplicate-syn' ? [2] : []);
    // The capture holds every segment once, in the order the network numbered them.
    expect(segments.map((x) => x.id)).toEqual(segments.map((_, i) => i + 1));
  });
});

// ---------------------------------------------------------------- the real tshark

const TSHARK_TITLE = tsharkTitle('tshark reads every scenario’s capture as the simulator played it');


const HEADER_FIELDS = [
  'frame.number',
  'ip.src',
  'ip.dst',
  'ip.checksum.status',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.seq_raw',
  'tcp.ack_raw',
  'tcp.flags',
  'tcp.window_size_value',
  'tcp.len',
  'tcp.checksum.status',
] as const;

/** Every TCP analysis item Wireshark 3.x/4.x can set on a frame (besides the umbrella tcp.analysis.flags). */
const ANALYSIS_FIELDS = [
  'tcp.analysis.retransmission',
  'tcp.analysis.fast_retransmission',
  'tcp.analysis.spurious_retransmission',
  'tcp.analysis.duplicate_ack',
  'tcp.analysis.lost_segment',
  'tcp.analysis.ack_lost_segment',
  'tcp.analysis.out_of_order',
  'tcp.analysis.window_update',
  'tcp.analysis.window_full',
  'tcp.analysis.zero_window',
  'tcp.analysis.zero_window_probe',
  'tcp.analysis.zero_window_probe_ack',
  'tcp.analysis.keep_alive',
  'tcp.analysis.keep_alive_ack',
  'tcp.analysis.reused_ports',
  'tcp.analysis.tfo_syn',
  'tcp.analysis.tfo_ack',
  'tcp.analysis.tfo_ignored',
] as const;

const FIELDS = [...HEADER_FIELDS, 'tcp.analysis.flags', ...ANALYSIS_FIELDS] as const;
type Field = (typeof FIELDS)[number];
type Row = Record<Field, string>;

describeWithTshark(TSHARK_TITLE, () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tcplab-scenario-pcap-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });


  function dissect(id: string, segments: readonly Segment[]): { rows: Row[]; malformed: string[] } {
    const file = join(dir, `${id}.pcap`);
    writeFileSync(file, renderPcap(segments));
    const rows = runTshark(file, ['-T', 'fields', '-E', 'separator=|', '-E', 'aggregator=;', '-E', 'occurrence=f', ...FIELDS.flatMap((f) => ['-e', f])])
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const values = line.split('|');
        return Object.fromEntries(FIELDS.map((f, i) => [f, values[i] ?? ''])) as Row;
      });
    const malformed = runTshark(file, ['-Y', '_ws.malformed || _ws.expert.severity >= error']).split('\n').filter((l) => l !== '');
    return { rows, malformed };
  }

  const headers = (row: Row): Record<string, string> => ({
    ...Object.fromEntries(HEADER_FIELDS.map((f) => [f, row[f]])),
    'tcp.flags': String(Number(row['tcp.flags'])), // tshark prints 0x0012; compared as a number
  });

  const expectedHeaders = (segments: readonly Segment[]): Record<string, string>[] =>
    segments.map((s, i) => ({
      'frame.number': String(i + 1),
      'ip.src': s.src.ip,
      'ip.dst': s.dst.ip,
      'ip.checksum.status': '1', // 1 = Good
      'tcp.srcport': String(s.src.port),
      'tcp.dstport': String(s.dst.port),
      'tcp.seq_raw': String(s.seq),
      'tcp.ack_raw': String(s.ack),
      'tcp.flags': String(s.flags),
      'tcp.window_size_value': String(s.window),
      'tcp.len': String(s.length),
      'tcp.checksum.status': '1',
    }));

  const framesWith = (rows: readonly Row[], field: Field): number[] => rows.filter((r) => r[field] !== '').map((r) => Number(r['frame.number']));

  it.each(SCENARIOS.map((s) => [s.id, s] as const))('%s', (id, s) => {
    const { segments } = play(s);
    const e = EXPECTED[id]!;
    const { rows, malformed } = dissect(id, segments);

    expect(rows.map(headers)).toEqual(expectedHeaders(segments));
    expect(malformed).toEqual([]);

    const retransmissions = [...e.retransmissions, ...(e.wiresharkOnly?.retransmissions ?? [])].sort((a, b) => a - b);
    expect(framesWith(rows, 'tcp.analysis.retransmission')).toEqual(retransmissions);
    expect(framesWith(rows, 'tcp.analysis.duplicate_ack')).toEqual(e.duplicateAcks);
    // A timer retransmission, never a fast or spurious one: no scenario has three duplicate ACKs or a needless resend.
    expect(framesWith(rows, 'tcp.analysis.fast_retransmission')).toEqual([]);
    expect(framesWith(rows, 'tcp.analysis.spurious_retransmission')).toEqual([]);

    // Every other analysis item, frame by frame, as written down; nothing else.
    const other: Record<number, string[]> = {};
    for (const row of rows) {
      const items = ANALYSIS_FIELDS.filter(
        (f) => row[f] !== '' && f !== 'tcp.analysis.retransmission' && f !== 'tcp.analysis.duplicate_ack' && f !== 'tcp.analysis.fast_retransmission' && f !== 'tcp.analysis.spurious_retransmission',
      );
      if (items.length > 0) other[Number(row['frame.number'])] = [...items].sort();
    }
    expect(other).toEqual(e.otherAnalysis ?? {});
    const flagged = new Set([...retransmissions, ...e.duplicateAcks, ...Object.keys(other).map(Number).filter((n) => other[n]!.some((f) => f.startsWith('tcp.analysis.')))]);
    expect(framesWith(rows, 'tcp.analysis.flags')).toEqual([...flagged].sort((a, b) => a - b));
  }, 60_000);
});
