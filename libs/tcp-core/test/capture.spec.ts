/**
 * Capture import (src/capture): tcpdump text, libpcap and pcapng read back to
 * segments, split into connections, and replayed through tcp-core as an
 * observer of both ends with manual mode as the oracle.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import {
  createConnection,
  renderPcap,
  step,
  tcpdumpTrace,
  type Connection,
  type Input,
  type Segment,
  type State,
} from '../src';
import {
  analyzeCapture,
  detectCaptureFormat,
  observe,
  parseCapture,
  parsePcapng,
  parseTcpdumpText,
  splitConnections,
  type CapturedSegment,
} from '../src/capture';
import { SEED_CLIENT, SEED_SERVER, SSH_BANNER, b64, readCapture } from './scenario-helpers';

const SEED_S = readCapture('seed-ssh-handshake.tcpdump-S.txt');
/** The second seed excerpt (a verbatim copy of /work/shared/fixtures/seed-ssh-traffic.tcpdump-S.txt). */
const traffic = (): string => readFileSync(join(__dirname, 'fixtures', 'seed-ssh-traffic.tcpdump-S.txt'), 'utf8');

/** The fields every format carries, for comparing parses. */
const numbers = (s: CapturedSegment): unknown => ({ src: s.src, dst: s.dst, flags: s.flags, seq: s.seq, ack: s.ack, window: s.window, length: s.length, options: s.options });

// ---------------------------------------------------------------- a simulated session, one segment at a time

interface Recorded {
  segment: Segment;
  /** Both states once this segment has arrived. */
  after: [State, State];
}

/**
 * The seed connection with automatic answers but manual delivery: every
 * segment is delivered as soon as it is on the wire, oldest first, and both
 * states are recorded after each arrival. Handshake, both banners, an active
 * close by the client, the server's close.
 */
function simulatedSession(): Recorded[] {
  let c: Connection = createConnection({ seed: 1, client: SEED_CLIENT, server: SEED_SERVER, auto_deliver: false });
  const recorded: Recorded[] = [];
  const run = (input: Input): void => {
    const r = step(c, input);
    expect(r.outcome).toEqual({ ok: true });
    c = r.connection;
    while (c.network.in_flight.length > 0) {
      const segment = c.network.in_flight[0]!;
      const d = step(c, { type: 'deliver', segment_id: segment.id, action: 'deliver' });
      expect(d.outcome).toEqual({ ok: true });
      c = d.connection;
      recorded.push({ segment, after: [c.client.state, c.server.state] });
    }
  };
  run({ type: 'call', endpoint: 'server', call: 'listen' });
  run({ type: 'call', endpoint: 'client', call: 'connect' });
  run({ type: 'call', endpoint: 'client', call: 'send', data: { payload: b64(SSH_BANNER) } });
  run({ type: 'call', endpoint: 'server', call: 'send', data: { payload: b64(SSH_BANNER) } });
  run({ type: 'call', endpoint: 'client', call: 'close' });
  run({ type: 'call', endpoint: 'server', call: 'close' });
  return recorded;
}

// ---------------------------------------------------------------- tcpdump text

describe('tcpdump text', () => {
  it('the seed capture (-n -S, tcpdump 4.9 service names) replays as the three-way handshake and two banners, without anomalies', () => {
    const report = analyzeCapture(SEED_S.join('\n'));
    expect(report.format).toBe('tcpdump');
    expect(report.unparsed_lines).toEqual([]);
    expect(report.connections).toHaveLength(1);
    const c = report.connections[0]!;
    expect(c.client).toEqual({ ip: '192.168.1.63', port: 53198 });
    expect(c.server).toEqual({ ip: '192.168.1.64', port: 22 });
    expect(c.start).toBe('handshake');
    expect(c.segments.map((s) => [s.from, s.role])).toEqual([
      ['client', '1st handshake (SYN)'],
      ['server', '2nd handshake (SYN,ACK)'],
      ['client', '3rd handshake (ACK)'],
      ['client', 'data'],
      ['server', 'ACK of data'],
      ['server', 'data'],
    ]);
    expect(c.segments.flatMap((s) => s.anomalies)).toEqual([]);
    expect(c.segments.map((s) => s.synthesized)).toEqual(Array(6).fill(false));
    expect(c.segments.map((s) => [s.states_after.client, s.states_after.server])).toEqual([
      ['SYN_SENT', 'SYN_RECEIVED'],
      ['ESTABLISHED', 'SYN_RECEIVED'],
      ['ESTABLISHED', 'ESTABLISHED'],
      ['ESTABLISHED', 'ESTABLISHED'],
      ['ESTABLISHED', 'ESTABLISHED'],
      ['ESTABLISHED', 'ESTABLISHED'],
    ]);
    expect(c.segments[0]!.states_before).toEqual({ client: 'CLOSED', server: 'LISTEN' });
    expect(c.segments.map((s) => [s.seq, s.ack, s.length])).toEqual([
      [481914174, 0, 0],
      [2737267460, 481914175, 0],
      [481914175, 2737267461, 0],
      [481914175, 2737267461, 21],
      [2737267461, 481914196, 0],
      [2737267461, 481914196, 21],
    ]);
  });

  it('reads every field of a line: time, ports by name, flags, seq range, ack, win, options, length', () => {
    const parsed = parseTcpdumpText(SEED_S.join('\n'));
    expect(parsed.segments[0]).toEqual({
      frame: 1,
      time_us: (17 * 3600 + 23 * 60 + 9) * 1_000_000 + 889821,
      src: { ip: '192.168.1.63', port: 53198 },
      dst: { ip: '192.168.1.64', port: 22 },
      seq: 481914174,
      ack: 0,
      flags: 0x02,
      window: 29200,
      urgent_pointer: 0,
      length: 0,
      options: [{ kind: 'mss', value: 1460 }, { kind: 'sackOK' }, { kind: 'ts', val: 547753, ecr: 0 }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }],
      payload: null,
    });
    // The pure ACK prints no seq: it is inferred from the direction's next sequence number.
    expect(parsed.segments[2]).toMatchObject({ seq: 481914175, ack: 2737267461, seq_inferred: true });
  });

  it('the same six segments without -S (relative numbers) give the identical absolute numbers, with or without the time column, names or numbers', () => {
    const absolute = parseTcpdumpText(SEED_S.join('\n')).segments.map(numbers);
    const session = simulatedSession().map((r) => r.segment).slice(0, 6);
    const relative = tcpdumpTrace(session, { numbering: 'relative' });
    expect(relative[2]).toContain('ack 1,');
    expect(relative[3]).toContain('seq 1:22, ack 1,');
    const masked = (list: unknown[]): unknown[] => list.map((s) => ({ ...(s as object), options: undefined }));
    expect(masked(parseTcpdumpText(relative.join('\n')).segments.map(numbers))).toEqual(masked(absolute));
    const named = tcpdumpTrace(session, { numbering: 'relative', time: true }).map((l) => l.replace(/\.22([ :])/g, '.ssh$1'));
    expect(masked(parseTcpdumpText(named.join('\n')).segments.map(numbers))).toEqual(masked(absolute));

    // And the real capture, hand-converted to relative numbering as tcpdump 4.9 prints it without -S.
    const handRelative = SEED_S.map((l, i) =>
      i === 2
        ? l.replace('ack 2737267461,', 'ack 1,')
        : i === 3
          ? l.replace('seq 481914175:481914196, ack 2737267461,', 'seq 1:22, ack 1,')
          : i === 4
            ? l.replace('ack 481914196,', 'ack 22,')
            : i === 5
              ? l.replace('seq 2737267461:2737267482, ack 481914196,', 'seq 1:22, ack 22,')
              : l,
    );
    expect(handRelative[2]).toContain('Flags [.], ack 1, win 229');
    expect(handRelative[3]).toContain('seq 1:22, ack 1,');
    expect(handRelative[5]).toContain('seq 1:22, ack 22,');
    expect(parseTcpdumpText(handRelative.join('\n')).segments.map(numbers)).toEqual(absolute);
    expect(analyzeCapture(handRelative.join('\n')).connections[0]!.segments.flatMap((s) => s.anomalies)).toEqual([]);
  });

  it('a whole relative session, teardown included, replays without anomalies', () => {
    const session = simulatedSession().map((r) => r.segment);
    const report = analyzeCapture(tcpdumpTrace(session, { numbering: 'relative', time: true }).join('\n'));
    expect(report.connections).toHaveLength(1);
    expect(report.connections[0]!.segments.flatMap((s) => s.anomalies)).toEqual([]);
    expect(report.connections[0]!.segments.map((s) => [s.seq, s.ack])).toEqual(session.map((s) => [s.seq, s.flags & 0x10 ? s.ack : 0]));
  });

  it('reports garbage lines with their line numbers and skips packets that are not IPv4 TCP, without throwing', () => {
    const text = [
      'tcpdump: verbose output suppressed, use -v or -vv for full protocol decode',
      SEED_S[0]!,
      'this is not a packet',
      '',
      '17:23:09.889900 IP6 fe80::1.546 > ff02::1:2.547: dhcp6 solicit',
      '17:23:09.889901 IP 192.168.1.1.53 > 192.168.1.63.40000: 12345 1/0/0 A 1.2.3.4 (48)',
      '17:23:09.889902 IP 192.168.1.64.nosuchservice > 192.168.1.63.53198: Flags [S.], seq 1, ack 2, win 5, length 0',
      '17:23:09.889903 IP 192.168.1.64.22 > 192.168.1.63.53198: Flags [S.], seq 1, ack 2, length 0',
      SEED_S[1]!,
    ].join('\n');
    const parsed = parseCapture(text);
    expect(parsed.segments.map((s) => s.frame)).toEqual([2, 9]);
    expect(parsed.unparsed_lines.map((u) => [u.line, u.reason])).toEqual([
      [1, 'not a tcpdump packet line'],
      [3, 'not a tcpdump packet line'],
      [7, 'unknown port or service name "nosuchservice"'],
      [8, 'no "win" field'],
    ]);
    expect(parsed.skipped_packets).toEqual([
      { frame: 5, reason: 'IP6 is not IPv4' },
      { frame: 6, reason: 'not a TCP segment' },
    ]);
    expect(() => analyzeCapture('\u0000garbage\n\n\u00ff')).not.toThrow();
  });

  it('the second seed excerpt starts mid-connection: it says so, synthesizes a starting point, and finds nothing wrong', () => {
    const report = analyzeCapture(traffic());
    expect(report.connections).toHaveLength(1);
    const c = report.connections[0]!;
    expect(c.start).toBe('mid_connection');
    expect(c.client).toEqual({ ip: '192.168.1.63', port: 53198 });
    expect(c.notes.some((n) => n.includes('capture starts mid-connection'))).toBe(true);
    const synthesized = c.segments.filter((s) => s.synthesized);
    expect(synthesized.map((s) => s.role)).toEqual(['synthesized 1st handshake (SYN)', 'synthesized 2nd handshake (SYN,ACK)', 'synthesized 3rd handshake (ACK)']);
    const real = c.segments.filter((s) => !s.synthesized);
    expect(real.map((s) => s.frame)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(real.map((s) => s.role)).toEqual(['data', 'data', 'ACK of data', 'data', 'data', 'ACK of data']);
    expect(real.flatMap((s) => s.anomalies)).toEqual([]);
    expect(real.every((s) => s.states_after.client === 'ESTABLISHED' && s.states_after.server === 'ESTABLISHED')).toBe(true);
  });

  it('a segment with a TSval older than its receiver\'s TS.Recent is named an old duplicate dropped by PAWS, and is no anomaly', () => {
    // New data by its sequence number, but its TSval 547700 is older than the 547755 the server has seen (RFC 7323 §5.3).
    const old = '17:23:09.899000 IP 192.168.1.63.53198 > 192.168.1.64.ssh: Flags [P.], seq 481914196:481914201, ack 2737267482, win 229, options [nop,nop,TS val 547700 ecr 550580], length 5';
    const c = analyzeCapture([...SEED_S, old].join('\n')).connections[0]!;
    const last = c.segments[c.segments.length - 1]!;
    expect(last.role).toBe('data (an old duplicate by its timestamp: dropped by PAWS, RFC 7323 §5.3)');
    expect(c.segments.flatMap((s) => s.anomalies)).toEqual([]);
    expect(c.connection.server.tcb).toMatchObject({ rcv_nxt: 481914196 });
  });

  it('a segment removed from the capture is reported as missing, and the replay stays in step', () => {
    const withoutBanner = SEED_S.filter((_, i) => i !== 3).join('\n');
    const c = analyzeCapture(withoutBanner).connections[0]!;
    const ackOfBanner = c.segments.find((s) => s.frame === 4)!;
    expect(ackOfBanner.anomalies.map((a) => a.kind)).toEqual(['missing_segment']);
    expect(ackOfBanner.anomalies[0]!.text).toContain('21 octet(s) from the client (481914175:481914196)');
    expect(ackOfBanner.role).toBe('ACK of data');
    const filler = c.segments.filter((s) => s.synthesized);
    expect(filler.map((s) => [s.from, s.seq, s.length])).toEqual([['client', 481914175, 21]]);
    expect(c.segments.flatMap((s) => s.anomalies).map((a) => a.kind)).toEqual(['missing_segment']);

    // A hole in a sender's own sequence numbers: the first banner gone, then more data from the client.
    const session = simulatedSession().map((r) => r.segment);
    const lines = tcpdumpTrace(session.filter((s) => !(s.from === 'client' && s.length === 21)));
    const hole = analyzeCapture(lines.join('\n')).connections[0]!;
    expect(hole.segments.flatMap((s) => s.anomalies).filter((a) => a.kind === 'missing_segment')).toHaveLength(1);
    expect(hole.segments.flatMap((s) => s.anomalies).filter((a) => a.kind !== 'missing_segment')).toEqual([]);
    expect(hole.segments[hole.segments.length - 1]!.states_after).toEqual({ client: 'TIME_WAIT', server: 'CLOSED' });
  });

  it('a capture at the sender with a segment lost downstream: the receiver’s duplicate ACK is no anomaly, the lost segment is replayed as dropped (issue 11)', () => {
    // tcplab as oracle: the client's first 21 octets are dropped after leaving it, the next 21 arrive out of order and
    // the server answers with a duplicate ACK 481914175; after one RTO the client retransmits the first 21.
    let c: Connection = createConnection({ seed: 1, client: SEED_CLIENT, server: SEED_SERVER, auto_deliver: false });
    const wire: Segment[] = [];
    const go = (input: Input): void => {
      const r = step(c, input);
      expect(r.outcome).toEqual({ ok: true });
      wire.push(...r.segments);
      c = r.connection;
    };
    const deliverAll = (): void => {
      while (c.network.in_flight.length > 0) go({ type: 'deliver', segment_id: c.network.in_flight[0]!.id, action: 'deliver' });
    };
    go({ type: 'call', endpoint: 'server', call: 'listen' });
    go({ type: 'call', endpoint: 'client', call: 'connect' });
    deliverAll();
    go({ type: 'call', endpoint: 'client', call: 'send', data: { payload: b64(SSH_BANNER) } });
    go({ type: 'deliver', segment_id: c.network.in_flight[0]!.id, action: 'drop' });
    go({ type: 'call', endpoint: 'client', call: 'send', data: { payload: b64(SSH_BANNER) } });
    deliverAll();
    go({ type: 'advance', ms: 1000 });
    deliverAll();
    expect(c.server.tcb).toMatchObject({ rcv_nxt: 481914175 + 42 });

    const observed = analyzeCapture(tcpdumpTrace(wire).join('\n')).connections[0]!;
    expect(observed.segments.flatMap((x) => x.anomalies)).toEqual([]);
    expect(observed.segments.filter((x) => x.from === 'client' && x.length === 21).map((x) => [x.seq, x.role])).toEqual([
      [481914175, 'data (lost after the capture point, retransmitted later)'],
      [481914196, 'data'],
      [481914175, 'retransmission'],
    ]);
    expect(observed.connection.server.tcb).toMatchObject({ rcv_nxt: 481914175 + 42 });
  });

  it('a segment no conforming TCP could send is an anomaly with the violations, and is injected so that the replay goes on', () => {
    const lines = [...SEED_S];
    lines[4] = lines[4]!.replace('ack 481914196', 'ack 481914190');
    const c = analyzeCapture(lines.join('\n')).connections[0]!;
    const bad = c.segments[4]!;
    expect(bad.anomalies).toHaveLength(1);
    expect(bad.anomalies[0]!.kind).toBe('invalid_segment');
    expect(bad.anomalies[0]!.violations!.map((v) => [v.code, v.expected, v.actual])).toEqual([['ACK_MUST_BE_RCV_NXT', 481914196, 481914190]]);
    expect(c.segments[5]!.anomalies).toEqual([]);
    expect(c.segments[5]!.states_after).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' });
  });

  it('a capture of one direction only says so and still annotates the handshake and the data', () => {
    const clientOnly = SEED_S.filter((l) => l.includes('53198 > ')).join('\n');
    const c = analyzeCapture(clientOnly).connections[0]!;
    expect(c.one_direction).toBe(true);
    expect(c.notes).toContain('only one direction captured (192.168.1.63.53198 → 192.168.1.64.22)');
    expect(c.segments.filter((s) => !s.synthesized).map((s) => s.role)).toEqual(['1st handshake (SYN)', '3rd handshake (ACK)', 'data']);
    expect(c.segments.filter((s) => !s.synthesized).flatMap((s) => s.anomalies)).toEqual([]);
  });
});

// ---------------------------------------------------------------- libpcap

/** The same file with other magic / byte order: header fields rewritten, frames untouched. */
function rewritePcap(bytes: Uint8Array, bigEndian: boolean, nanos: boolean): Uint8Array {
  const src = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint8Array(bytes);
  const dst = new DataView(out.buffer);
  dst.setUint32(0, nanos ? 0xa1b23c4d : 0xa1b2c3d4, !bigEndian);
  dst.setUint16(4, 2, !bigEndian);
  dst.setUint16(6, 4, !bigEndian);
  for (const at of [8, 12, 16, 20]) dst.setUint32(at, src.getUint32(at, true), !bigEndian);
  for (let at = 24; at < bytes.length; ) {
    const incl = src.getUint32(at + 8, true);
    dst.setUint32(at, src.getUint32(at, true), !bigEndian);
    dst.setUint32(at + 4, src.getUint32(at + 4, true) * (nanos ? 1000 : 1), !bigEndian);
    dst.setUint32(at + 8, incl, !bigEndian);
    dst.setUint32(at + 12, src.getUint32(at + 12, true), !bigEndian);
    at += 16 + incl;
  }
  return out;
}

/** Frames of a renderPcap file, Ethernet header included. */
function framesOf(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames: Uint8Array[] = [];
  for (let at = 24; at < bytes.length; ) {
    const incl = view.getUint32(at + 8, true);
    frames.push(bytes.slice(at + 16, at + 16 + incl));
    at += 16 + incl;
  }
  return frames;
}

/** A libpcap file (little-endian, microseconds) of the given frames and link type. */
function pcapOf(frames: Uint8Array[], linkType: number): Uint8Array {
  const total = 24 + frames.reduce((n, f) => n + 16 + f.length, 0);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, 262144, true);
  v.setUint32(20, linkType, true);
  let at = 24;
  frames.forEach((f, i) => {
    v.setUint32(at + 4, i, true);
    v.setUint32(at + 8, f.length, true);
    v.setUint32(at + 12, f.length, true);
    out.set(f, at + 16);
    at += 16 + f.length;
  });
  return out;
}

describe('libpcap', () => {
  const recorded = simulatedSession();
  const session = recorded.map((r) => r.segment);
  const pcap = renderPcap(session);

  it('a renderPcap file of a whole session round-trips: every segment parsed equal to the original', () => {
    expect(detectCaptureFormat(pcap)).toBe('pcap');
    const parsed = parseCapture(pcap);
    expect(parsed.errors).toEqual([]);
    expect(parsed.skipped_packets).toEqual([]);
    expect(parsed.segments).toHaveLength(session.length);
    parsed.segments.forEach((p, i) => {
      const s = session[i]!;
      expect({ ...p, time_us: undefined, frame: undefined }).toEqual({
        frame: undefined,
        time_us: undefined,
        src: s.src,
        dst: s.dst,
        seq: s.seq,
        ack: s.ack,
        flags: s.flags,
        window: s.window,
        urgent_pointer: s.urgent_pointer,
        length: s.length,
        options: s.options,
        payload: s.payload,
      });
      expect(p.frame).toBe(i + 1);
    });
    // renderPcap keeps timestamps strictly increasing by at least 1 µs.
    expect(parsed.segments.map((s) => s.time_us)).toEqual(session.map((_, i) => i));
  });

  it("the observer's states equal the simulation's after every segment, with the roles of a whole connection", () => {
    const report = analyzeCapture(pcap);
    expect(report.format).toBe('pcap');
    expect(report.connections).toHaveLength(1);
    const c = report.connections[0]!;
    expect(c.segments.flatMap((s) => s.anomalies)).toEqual([]);
    expect(c.segments.map((s) => [s.states_after.client, s.states_after.server])).toEqual(recorded.map((r) => r.after));
    expect(c.segments.map((s) => s.role)).toEqual([
      '1st handshake (SYN)',
      '2nd handshake (SYN,ACK)',
      '3rd handshake (ACK)',
      'data',
      'ACK of data',
      'data',
      'ACK of data',
      'FIN from the active closer',
      'ACK of FIN',
      'FIN from the passive closer',
      'last ACK',
    ]);
  });

  it('reads big-endian files and nanosecond timestamps the same', () => {
    const base = parseCapture(pcap).segments;
    for (const [be, ns] of [[true, false], [false, true], [true, true]] as const) {
      const parsed = parseCapture(rewritePcap(pcap, be, ns));
      expect(parsed.format).toBe('pcap');
      expect(parsed.segments).toEqual(base);
    }
  });

  it('reads raw IPv4 (101, 228) and Linux cooked (113) link types, and skips what is not IPv4 TCP', () => {
    const base = parseCapture(pcap).segments;
    const frames = framesOf(pcap);
    for (const linkType of [101, 228]) expect(parseCapture(pcapOf(frames.map((f) => f.slice(14)), linkType)).segments.map(numbers)).toEqual(base.map(numbers));
    const sll = frames.map((f) => {
      const out = new Uint8Array(f.length + 2);
      out.set([0, 0, 0, 1, 0, 6, ...f.slice(6, 12), 0, 0], 0); // outgoing, ARPHRD_ETHER, address length 6, source MAC
      out.set([0x08, 0x00], 14);
      out.set(f.slice(14), 16);
      return out;
    });
    expect(parseCapture(pcapOf(sll, 113)).segments.map(numbers)).toEqual(base.map(numbers));

    const arp = new Uint8Array(42);
    arp.set([0x08, 0x06], 12);
    const udp = frames[0]!.slice();
    udp[14 + 9] = 17;
    const mixed = parseCapture(pcapOf([arp, frames[0]!, udp], 1));
    expect(mixed.segments.map((s) => s.frame)).toEqual([2]);
    expect(mixed.skipped_packets).toEqual([
      { frame: 1, reason: 'ethertype 0x0806 is not IPv4' },
      { frame: 3, reason: 'IP protocol 17 is not TCP' },
    ]);
    expect(parseCapture(pcap.slice(0, pcap.length - 5)).errors).toHaveLength(1);
  });

  it('a retransmission in the capture is replayed by letting the timer fire, and annotated', () => {
    let c: Connection = createConnection({ seed: 1, client: SEED_CLIENT, server: SEED_SERVER });
    const trace: Segment[] = [];
    const run = (input: Input): void => {
      const r = step(c, input);
      expect(r.outcome.ok).toBe(true);
      c = r.connection;
      trace.push(...r.segments);
    };
    run({ type: 'call', endpoint: 'server', call: 'listen' });
    run({ type: 'call', endpoint: 'client', call: 'connect' });
    run({ type: 'call', endpoint: 'client', call: 'send', data: { payload: b64(SSH_BANNER) }, network: 'drop' });
    run({ type: 'advance', ms: 1000 });
    const report = analyzeCapture(renderPcap(trace));
    const segments = report.connections[0]!.segments;
    // The trace holds the dropped banner as it left the client: the replay drops it too, as lost after the capture point.
    expect(segments.map((s) => s.role)).toEqual([
      '1st handshake (SYN)',
      '2nd handshake (SYN,ACK)',
      '3rd handshake (ACK)',
      'data (lost after the capture point, retransmitted later)',
      'retransmission',
      'ACK of data',
    ]);
    expect(segments.flatMap((s) => s.anomalies)).toEqual([]);
  });
});

// ---------------------------------------------------------------- pcapng

/** A tiny pcapng writer: SHB, one IDB (with if_tsresol), then EPBs (and SPBs when asked), in either byte order. */
function pcapngOf(frames: Uint8Array[], options: { bigEndian: boolean; linkType?: number; tsresol?: number; simple?: boolean }): Uint8Array {
  const le = !options.bigEndian;
  const blocks: Uint8Array[] = [];
  const block = (type: number, body: Uint8Array): void => {
    const padded = Math.ceil(body.length / 4) * 4;
    const out = new Uint8Array(12 + padded);
    const v = new DataView(out.buffer);
    v.setUint32(0, type, le);
    v.setUint32(4, out.length, le);
    out.set(body, 8);
    v.setUint32(8 + padded, out.length, le);
    blocks.push(out);
  };
  const shb = new Uint8Array(16);
  const sv = new DataView(shb.buffer);
  sv.setUint32(0, 0x1a2b3c4d, le);
  sv.setUint16(4, 1, le);
  sv.setUint16(6, 0, le);
  sv.setInt32(8, -1, le);
  sv.setInt32(12, -1, le);
  block(0x0a0d0d0a, shb);
  const idb = new Uint8Array(8 + (options.tsresol !== undefined ? 12 : 0));
  const iv = new DataView(idb.buffer);
  iv.setUint16(0, options.linkType ?? 1, le);
  iv.setUint32(4, 262144, le);
  if (options.tsresol !== undefined) {
    iv.setUint16(8, 9, le);
    iv.setUint16(10, 1, le);
    idb[12] = options.tsresol;
    // then opt_endofopt (4 zero octets)
  }
  block(1, idb);
  frames.forEach((f, i) => {
    if (options.simple) {
      const body = new Uint8Array(4 + f.length);
      new DataView(body.buffer).setUint32(0, f.length, le);
      body.set(f, 4);
      block(3, body);
      return;
    }
    const body = new Uint8Array(20 + f.length);
    const bv = new DataView(body.buffer);
    const units = BigInt(1_700_000_000 + i) * (options.tsresol === 9 ? 1_000_000_000n : 1_000_000n) + BigInt(i * 7);
    bv.setUint32(0, 0, le);
    bv.setUint32(4, Number(units >> 32n), le);
    bv.setUint32(8, Number(units & 0xffffffffn), le);
    bv.setUint32(12, f.length, le);
    bv.setUint32(16, f.length, le);
    body.set(f, 20);
    block(6, body);
  });
  const total = blocks.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

describe('pcapng', () => {
  const session = simulatedSession().map((r) => r.segment);
  const frames = framesOf(renderPcap(session));
  const base = parseCapture(renderPcap(session)).segments;

  it('reads enhanced packet blocks in both byte orders, with microsecond and nanosecond resolution', () => {
    for (const bigEndian of [false, true]) {
      for (const tsresol of [undefined, 9]) {
        const bytes = pcapngOf(frames, { bigEndian, ...(tsresol !== undefined ? { tsresol } : {}) });
        expect(detectCaptureFormat(bytes)).toBe('pcapng');
        const parsed = parseCapture(bytes);
        expect(parsed.errors).toEqual([]);
        expect(parsed.segments.map((s) => ({ ...s, time_us: null }))).toEqual(base.map((s) => ({ ...s, time_us: null })));
        expect(parsed.segments.map((s) => s.time_us)).toEqual(frames.map((_, i) => (1_700_000_000 + i) * 1_000_000 + (tsresol === 9 ? Math.floor((i * 7) / 1000) : i * 7)));
      }
    }
  });

  it('reads simple packet blocks (no timestamp) and raw IPv4 interfaces, and the report replays as the pcap does', () => {
    const simple = parsePcapng(pcapngOf(frames, { bigEndian: true, simple: true }));
    expect(simple.segments.map(numbers)).toEqual(base.map(numbers));
    expect(simple.segments.every((s) => s.time_us === null)).toBe(true);
    const raw = parsePcapng(pcapngOf(frames.map((f) => f.slice(14)), { bigEndian: false, linkType: 101 }));
    expect(raw.segments.map(numbers)).toEqual(base.map(numbers));
    const report = analyzeCapture(pcapngOf(frames, { bigEndian: false }));
    expect(report.format).toBe('pcapng');
    expect(report.connections[0]!.segments.flatMap((s) => s.anomalies)).toEqual([]);
    expect(report.connections[0]!.segments[report.connections[0]!.segments.length - 1]!.states_after).toEqual({ client: 'TIME_WAIT', server: 'CLOSED' });
  });
});

// ---------------------------------------------------------------- connections

describe('splitConnections and observe', () => {
  it('groups both directions of a 4-tuple, and a new SYN after the end of a connection starts another', () => {
    const first = parseCapture(renderPcap(simulatedSession().map((r) => r.segment))).segments;
    const other = parseTcpdumpText(
      'IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 7, win 64240, options [mss 1460], length 0\nIP 10.0.0.2.80 > 10.0.0.1.40000: Flags [R.], seq 0, ack 8, win 0, length 0',
    ).segments;
    const again = first.map((s) => ({ ...s }));
    const connections = splitConnections([...first.slice(0, 2), other[0]!, ...first.slice(2), other[1]!, ...again]);
    expect(connections.map((c) => c.length)).toEqual([11, 2, 11]);
    const refused = observe(connections[1]!);
    expect(refused.segments.map((s) => [s.role, s.states_after.client, s.states_after.server])).toEqual([
      ['1st handshake (SYN)', 'SYN_SENT', 'CLOSED'],
      ['RST', 'CLOSED', 'CLOSED'],
    ]);
    expect(refused.segments.flatMap((s) => s.anomalies)).toEqual([]);
    expect(JSON.parse(JSON.stringify(observe(connections[2]!)))).toEqual(observe(connections[2]!));
  });

  it('never throws on an empty list', () => {
    expect(observe([]).segments).toEqual([]);
    expect(analyzeCapture('').connections).toEqual([]);
  });
});

// ---------------------------------------------------------------- the replay as a session history

describe("the observer's replay: options and inputs that rebuild it", () => {
  /** A capture with a retransmission (the banner lost once), as a pcap. */
  function retransmissionPcap(): Uint8Array {
    let c: Connection = createConnection({ seed: 1, client: SEED_CLIENT, server: SEED_SERVER });
    const trace: Segment[] = [];
    for (const input of [
      { type: 'call', endpoint: 'server', call: 'listen' },
      { type: 'call', endpoint: 'client', call: 'connect' },
      { type: 'call', endpoint: 'client', call: 'send', data: { payload: b64(SSH_BANNER) }, network: 'drop' },
      { type: 'advance', ms: 1000 },
    ] as Input[]) {
      const r = step(c, input);
      c = r.connection;
      trace.push(...r.segments);
    }
    return renderPcap(trace);
  }
  const real = (name: string): Uint8Array => new Uint8Array(readFileSync(join(__dirname, 'fixtures/real', `${name}.pcap`)));
  const badAck = [...SEED_S];
  badAck[4] = badAck[4]!.replace('ack 481914196', 'ack 481914190');

  const captures: Array<[string, () => Uint8Array | string]> = [
    ['the seed handshake (text)', () => SEED_S.join('\n')],
    ['the second seed excerpt (mid-connection)', traffic],
    ['a capture that starts at the SYN,ACK', () => SEED_S.slice(1).join('\n')],
    ['a missing segment', () => SEED_S.filter((_, i) => i !== 3).join('\n')],
    ['an invalid segment (injected)', () => badAck.join('\n')],
    ['one direction only', () => SEED_S.filter((l) => l.includes('53198 > ')).join('\n')],
    ['a retransmission (clock advanced)', retransmissionPcap],
    ['a whole simulated session (pcap)', () => renderPcap(simulatedSession().map((r) => r.segment))],
    ...['curl-http', 'refused', 'half-close', 'rst-abort'].map((name): [string, () => Uint8Array] => [`real ${name}.pcap`, () => real(name)]),
  ];

  it.each(captures)('%s: createConnection(options) and step() of every input, read back from JSON, give the final connection', (_, capture) => {
    const report = analyzeCapture(capture());
    expect(report.connections.length).toBeGreaterThan(0);
    for (const c of report.connections) {
      // As a database would hand them back.
      const { options, history } = JSON.parse(JSON.stringify({ options: c.options, history: c.history })) as Pick<typeof c, 'options' | 'history'>;
      expect(options.mode).toBe('manual');
      let conn = createConnection(options);
      for (const h of history) {
        const r = step(conn, h.input);
        expect(r.outcome.ok).toBe(true);
        expect(JSON.parse(JSON.stringify({ events: r.events, segments: r.segments }))).toEqual({ events: h.events, segments: h.segments });
        conn = r.connection;
      }
      expect(JSON.parse(JSON.stringify(conn))).toEqual(JSON.parse(JSON.stringify(c.connection)));
      // Segment ids run 1, 2, … through the history, as a session's do.
      const ids = history.flatMap((h) => h.segments.map((s) => s.id));
      expect(ids).toEqual(ids.map((_, i) => i + 1));
      const last = c.segments[c.segments.length - 1]!;
      expect({ client: c.connection.client.state, server: c.connection.server.state }).toEqual(last.states_after);
    }
  });

  it('the history holds every captured segment that was sent, with its numbers', () => {
    const c = analyzeCapture(SEED_S.join('\n')).connections[0]!;
    expect(c.history[0]!.input).toEqual({ type: 'call', endpoint: 'server', call: 'listen' });
    const sends = c.history.filter((h) => h.input.type === 'send');
    expect(sends).toHaveLength(6);
    expect(c.history.flatMap((h) => h.segments).map((s) => [s.from, s.seq, s.ack, s.length])).toEqual(c.segments.map((s) => [s.from, s.seq, s.ack, s.length]));
  });

  it('an empty connection still has options, an empty history and a connection', () => {
    const empty = observe([]);
    expect(empty.history).toEqual([]);
    expect(empty.connection).toEqual(createConnection(empty.options));
  });
});
