/**
 * renderPcap: the bytes are read back with a small pcap/Ethernet/IPv4/TCP
 * reader written here, independently of the renderer, and every field is
 * compared with the simulated session's segments; then, when it is installed,
 * the real tshark reads the same file and must agree (and find nothing
 * malformed, no bad checksum, and a retransmission exactly where the
 * simulator made one).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { decodeBase64, type Segment, type TcpOption } from '../src';
import { describeWithTshark, runTshark, tsharkTitle } from './tshark';
import { renderPcap } from '../src/render/pcap';
import { F, SEED_CLIENT, SEED_SERVER, SSH_BANNER, Scenario, advance, b64, call } from './scenario-helpers';

// ---------------------------------------------------------------- sessions

const TWO_MSL = 60_000;

/**
 * The seed connection (seed-capture.spec.ts) with automatic delivery:
 * handshake, the client's banner, the server's banner, an active close by the
 * client, TIME_WAIT to its end. 11 segments, none lost.
 */
function cleanSession(): Segment[] {
  const s = new Scenario({ seed: 1, client: SEED_CLIENT, server: SEED_SERVER });
  s.step(call('server', 'listen'), ['CLOSED', 'LISTEN'], []);
  s.step(call('client', 'connect'), ['ESTABLISHED', 'ESTABLISHED'], [
    'client>server S seq=481914174',
    'server>client S. seq=2737267460 ack=481914175',
    'client>server . seq=481914175 ack=2737267461',
  ]);
  s.step(call('client', 'send', { data: { payload: b64(SSH_BANNER) } }), ['ESTABLISHED', 'ESTABLISHED'], [
    'client>server P. seq=481914175 ack=2737267461 len=21',
    'server>client . seq=2737267461 ack=481914196',
  ]);
  s.step(call('server', 'send', { data: { payload: b64(SSH_BANNER) } }), ['ESTABLISHED', 'ESTABLISHED'], [
    'server>client P. seq=2737267461 ack=481914196 len=21',
    'client>server . seq=481914196 ack=2737267482',
  ]);
  s.step(call('client', 'close'), ['FIN_WAIT_2', 'CLOSE_WAIT'], [
    'client>server F. seq=481914196 ack=2737267482',
    'server>client . seq=2737267482 ack=481914197',
  ]);
  s.step(call('server', 'close'), ['TIME_WAIT', 'CLOSED'], [
    'server>client F. seq=2737267482 ack=481914197',
    'client>server . seq=481914197 ack=2737267483',
  ]);
  s.step(advance(TWO_MSL), ['CLOSED', 'CLOSED'], []);
  return s.trace;
}

/** Index in lossSession()'s trace of the dropped original and of its retransmission. */
const LOSS_DROPPED = 3;
const LOSS_RETRANSMISSION = 4;

/**
 * The seed sockets, each segment delivered or dropped by hand: the client's
 * banner is lost, the retransmission timer fires after the initial RTO of
 * 1 s and the copy gets through; then the client closes. The trace holds
 * every segment sent, the lost one included (a capture at the sender).
 */
function lossSession(): Segment[] {
  const s = new Scenario({ seed: 1, auto_deliver: false, client: SEED_CLIENT, server: SEED_SERVER });
  s.step(call('server', 'listen'), ['CLOSED', 'LISTEN'], []);
  s.step(call('client', 'connect'), ['SYN_SENT', 'LISTEN'], ['client>server S seq=481914174']);
  s.deliver('client>server S seq=481914174', ['SYN_SENT', 'SYN_RECEIVED'], ['server>client S. seq=2737267460 ack=481914175']);
  s.deliver('server>client S. seq=2737267460 ack=481914175', ['ESTABLISHED', 'SYN_RECEIVED'], ['client>server . seq=481914175 ack=2737267461']);
  s.deliver('client>server . seq=481914175 ack=2737267461', ['ESTABLISHED', 'ESTABLISHED'], []);
  const banner = 'client>server P. seq=481914175 ack=2737267461 len=21';
  s.step(call('client', 'send', { data: { payload: b64(SSH_BANNER) } }), ['ESTABLISHED', 'ESTABLISHED'], [banner]);
  s.drop(banner, ['ESTABLISHED', 'ESTABLISHED']);
  s.step(advance(1000), ['ESTABLISHED', 'ESTABLISHED'], [banner]);
  s.deliver(banner, ['ESTABLISHED', 'ESTABLISHED'], ['server>client . seq=2737267461 ack=481914196']);
  s.deliver('server>client . seq=2737267461 ack=481914196', ['ESTABLISHED', 'ESTABLISHED'], []);
  s.step(call('client', 'close'), ['FIN_WAIT_1', 'ESTABLISHED'], ['client>server F. seq=481914196 ack=2737267461']);
  s.deliver('client>server F. seq=481914196 ack=2737267461', ['FIN_WAIT_1', 'CLOSE_WAIT'], ['server>client . seq=2737267461 ack=481914197']);
  s.deliver('server>client . seq=2737267461 ack=481914197', ['FIN_WAIT_2', 'CLOSE_WAIT'], []);
  s.step(call('server', 'close'), ['FIN_WAIT_2', 'LAST_ACK'], ['server>client F. seq=2737267461 ack=481914197']);
  s.deliver('server>client F. seq=2737267461 ack=481914197', ['TIME_WAIT', 'LAST_ACK'], ['client>server . seq=481914197 ack=2737267462']);
  s.deliver('client>server . seq=481914197 ack=2737267462', ['TIME_WAIT', 'CLOSED'], []);
  const trace = s.trace;
  expect(trace[LOSS_DROPPED]!.sent_at_ms).toBe(0);
  expect(trace[LOSS_RETRANSMISSION]!.sent_at_ms).toBe(1000);
  return trace;
}

/**
 * Sequence numbers that wrap: the client's ISN is 2^32 − 6, so its banner
 * (4294967291..4294967295, 0..15) crosses zero; then 1000 octets of which
 * only the length is simulated (payload null), and a close by the server.
 */
function wrappingSession(): Segment[] {
  const s = new Scenario({ seed: 7, client: { ...SEED_CLIENT, isn: 4294967290 }, server: SEED_SERVER });
  s.step(call('server', 'listen'), ['CLOSED', 'LISTEN'], []);
  s.step(call('client', 'connect'), ['ESTABLISHED', 'ESTABLISHED'], [
    'client>server S seq=4294967290',
    'server>client S. seq=2737267460 ack=4294967291',
    'client>server . seq=4294967291 ack=2737267461',
  ]);
  s.step(call('client', 'send', { data: { payload: b64(SSH_BANNER) } }), ['ESTABLISHED', 'ESTABLISHED'], [
    'client>server P. seq=4294967291 ack=2737267461 len=21',
    'server>client . seq=2737267461 ack=16',
  ]);
  s.step(call('client', 'send', { data: { length: 1000 } }), ['ESTABLISHED', 'ESTABLISHED'], [
    'client>server P. seq=16 ack=2737267461 len=1000',
    'server>client . seq=2737267461 ack=1016',
  ]);
  s.step(call('server', 'close'), ['CLOSE_WAIT', 'FIN_WAIT_2'], [
    'server>client F. seq=2737267461 ack=1016',
    'client>server . seq=1016 ack=2737267462',
  ]);
  s.step(call('client', 'close'), ['CLOSED', 'TIME_WAIT'], [
    'client>server F. seq=1016 ack=2737267462',
    'server>client . seq=2737267462 ack=1017',
  ]);
  return s.trace;
}

const SESSIONS: ReadonlyArray<[name: string, build: () => Segment[]]> = [
  ['clean (seed connection, 11 segments)', cleanSession],
  ['loss (the banner dropped and retransmitted)', lossSession],
  ['wrapping sequence numbers (ISN 2^32 − 6)', wrappingSession],
];

// ---------------------------------------------------------------- an independent reader

interface PcapFile {
  magic: number;
  versionMajor: number;
  versionMinor: number;
  thiszone: number;
  sigfigs: number;
  snaplen: number;
  linktype: number;
  records: PcapRecord[];
}

interface PcapRecord {
  tsSec: number;
  tsUsec: number;
  inclLen: number;
  origLen: number;
  frame: Uint8Array;
}

/** The global header (little-endian, as the magic says) and the records, without looking inside the frames. */
function readPcap(bytes: Uint8Array): PcapFile {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const file: PcapFile = {
    magic: v.getUint32(0, true),
    versionMajor: v.getUint16(4, true),
    versionMinor: v.getUint16(6, true),
    thiszone: v.getInt32(8, true),
    sigfigs: v.getUint32(12, true),
    snaplen: v.getUint32(16, true),
    linktype: v.getUint32(20, true),
    records: [],
  };
  let at = 24;
  while (at < bytes.length) {
    const inclLen = v.getUint32(at + 8, true);
    file.records.push({
      tsSec: v.getUint32(at, true),
      tsUsec: v.getUint32(at + 4, true),
      inclLen,
      origLen: v.getUint32(at + 12, true),
      frame: bytes.subarray(at + 16, at + 16 + inclLen),
    });
    at += 16 + inclLen;
  }
  expect(at).toBe(bytes.length);
  return file;
}

/** RFC 1071, written out again here: the one's complement sum of 16-bit words, folded. */
function onesComplementSum(chunks: readonly Uint8Array[]): number {
  let sum = 0;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i += 2) sum += chunk[i]! * 256 + (chunk[i + 1] ?? 0);
  }
  while (sum > 0xffff) sum = (sum >>> 16) + (sum & 0xffff);
  return sum;
}

interface Packet {
  eth: { dst: string; src: string; type: number };
  ip: {
    version: number;
    ihl: number;
    tos: number;
    totalLength: number;
    id: number;
    df: boolean;
    mf: boolean;
    fragmentOffset: number;
    ttl: number;
    protocol: number;
    src: string;
    dst: string;
    /** The header's one's complement sum with the checksum field in it: 0xffff when the checksum is right. */
    checksumSum: number;
  };
  tcp: {
    srcPort: number;
    dstPort: number;
    seq: number;
    ack: number;
    dataOffset: number;
    reserved: number;
    flags: number;
    window: number;
    urgentPointer: number;
    options: TcpOption[];
    /** Pseudo-header, header and data summed: 0xffff when the checksum is right. */
    checksumSum: number;
    payload: Uint8Array;
  };
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** RFC 9293 §3.2: options until EOL or the end of the header; kinds other than these would be a failure here. */
function readOptions(bytes: Uint8Array): TcpOption[] {
  const options: TcpOption[] = [];
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 0;
  while (i < bytes.length) {
    const kind = bytes[i]!;
    if (kind === 0) {
      options.push({ kind: 'eol' });
      break;
    }
    if (kind === 1) {
      options.push({ kind: 'nop' });
      i += 1;
      continue;
    }
    const len = bytes[i + 1]!;
    if (kind === 2 && len === 4) options.push({ kind: 'mss', value: v.getUint16(i + 2) });
    else if (kind === 3 && len === 3) options.push({ kind: 'wscale', shift: bytes[i + 2]! });
    else if (kind === 4 && len === 2) options.push({ kind: 'sackOK' });
    else if (kind === 8 && len === 10) options.push({ kind: 'ts', val: v.getUint32(i + 2), ecr: v.getUint32(i + 6) });
    else throw new Error(`unexpected option kind ${kind} length ${len}`);
    i += len;
  }
  return options;
}

function readPacket(frame: Uint8Array): Packet {
  const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const mac = (at: number): string => Array.from(frame.subarray(at, at + 6), hex2).join(':');
  const ipAddr = (at: number): string => Array.from(frame.subarray(at, at + 4)).join('.');
  const ipAt = 14;
  const ihl = frame[ipAt]! & 0x0f;
  const totalLength = v.getUint16(ipAt + 2);
  const fragment = v.getUint16(ipAt + 6);
  const tcpAt = ipAt + ihl * 4;
  const tcpLength = totalLength - ihl * 4;
  const offsetAndFlags = v.getUint16(tcpAt + 12);
  const dataOffset = offsetAndFlags >>> 12;
  const pseudo = new Uint8Array(12);
  pseudo.set(frame.subarray(ipAt + 12, ipAt + 20), 0);
  pseudo[9] = frame[ipAt + 9]!;
  new DataView(pseudo.buffer).setUint16(10, tcpLength);
  return {
    eth: { dst: mac(0), src: mac(6), type: v.getUint16(12) },
    ip: {
      version: frame[ipAt]! >>> 4,
      ihl,
      tos: frame[ipAt + 1]!,
      totalLength,
      id: v.getUint16(ipAt + 4),
      df: (fragment & 0x4000) !== 0,
      mf: (fragment & 0x2000) !== 0,
      fragmentOffset: fragment & 0x1fff,
      ttl: frame[ipAt + 8]!,
      protocol: frame[ipAt + 9]!,
      src: ipAddr(ipAt + 12),
      dst: ipAddr(ipAt + 16),
      checksumSum: onesComplementSum([frame.subarray(ipAt, ipAt + ihl * 4)]),
    },
    tcp: {
      srcPort: v.getUint16(tcpAt),
      dstPort: v.getUint16(tcpAt + 2),
      seq: v.getUint32(tcpAt + 4),
      ack: v.getUint32(tcpAt + 8),
      dataOffset,
      reserved: (offsetAndFlags >>> 8) & 0x0f,
      flags: offsetAndFlags & 0xff,
      window: v.getUint16(tcpAt + 14),
      urgentPointer: v.getUint16(tcpAt + 18),
      options: readOptions(frame.subarray(tcpAt + 20, tcpAt + dataOffset * 4)),
      checksumSum: onesComplementSum([pseudo, frame.subarray(tcpAt, tcpAt + tcpLength)]),
      payload: frame.subarray(tcpAt + dataOffset * 4, tcpAt + tcpLength),
    },
  };
}

// ---------------------------------------------------------------- what each segment must become

/** Octets an option takes on the wire. */
const OPTION_OCTETS: Record<TcpOption['kind'], number> = { eol: 1, nop: 1, mss: 4, wscale: 3, sackOK: 2, ts: 10 };

/** The options as read back: as given, plus the EOL that starts the padding when there is padding after no EOL. */
function optionsAsRead(options: readonly TcpOption[]): { options: TcpOption[]; octets: number } {
  const raw = options.reduce((n, o) => n + OPTION_OCTETS[o.kind], 0);
  const padded = Math.ceil(raw / 4) * 4;
  const endsWithEol = options.length > 0 && options[options.length - 1]!.kind === 'eol';
  return { options: padded > raw && !endsWithEol ? [...options, { kind: 'eol' }] : [...options], octets: padded };
}

const macOf = (ip: string): string => ['02', '00', ...ip.split('.').map((o) => hex2(Number(o)))].join(':');

/** Every field of every record, checked against the segments, in order. */
function expectCaptureOf(bytes: Uint8Array, segments: readonly Segment[]): void {
  const file = readPcap(bytes);
  expect(file).toMatchObject({ magic: 0xa1b2c3d4, versionMajor: 2, versionMinor: 4, thiszone: 0, sigfigs: 0, snaplen: 262144, linktype: 1 });
  expect(file.records).toHaveLength(segments.length);
  const ids = new Map<string, number>();
  let previousUs = -1;
  segments.forEach((segment, i) => {
    const record = file.records[i]!;
    const packet = readPacket(record.frame);
    const { options, octets } = optionsAsRead(segment.options);
    const tcpHeader = 20 + octets;
    const payload = segment.payload === null ? new Uint8Array(segment.length) : decodeBase64(segment.payload);
    const [, , c, d] = segment.src.ip.split('.').map(Number);
    const id = ids.get(segment.src.ip) ?? c! * 256 + d!;
    ids.set(segment.src.ip, (id + 1) % 65536);
    const us = record.tsSec * 1_000_000 + record.tsUsec;
    const context = `record ${i + 1}`;

    expect({ context, us: us > previousUs, notEarly: us >= segment.sent_at_ms * 1000, usecInRange: record.tsUsec < 1_000_000 }).toEqual({
      context,
      us: true,
      notEarly: true,
      usecInRange: true,
    });
    previousUs = us;
    expect({ context, record: { inclLen: record.inclLen, origLen: record.origLen }, packet }).toEqual({
      context,
      record: { inclLen: 14 + 20 + tcpHeader + segment.length, origLen: 14 + 20 + tcpHeader + segment.length },
      packet: {
        eth: { dst: macOf(segment.dst.ip), src: macOf(segment.src.ip), type: 0x0800 },
        ip: {
          version: 4,
          ihl: 5,
          tos: 0,
          totalLength: 20 + tcpHeader + segment.length,
          id,
          df: true,
          mf: false,
          fragmentOffset: 0,
          ttl: 64,
          protocol: 6,
          src: segment.src.ip,
          dst: segment.dst.ip,
          checksumSum: 0xffff,
        },
        tcp: {
          srcPort: segment.src.port,
          dstPort: segment.dst.port,
          seq: segment.seq,
          ack: segment.ack,
          dataOffset: tcpHeader / 4,
          reserved: 0,
          flags: segment.flags,
          window: segment.window,
          urgentPointer: segment.urgent_pointer,
          options,
          checksumSum: 0xffff,
          payload,
        },
      },
    });
  });
}

// ---------------------------------------------------------------- tests

describe('renderPcap: read back field by field', () => {
  it.each(SESSIONS)('%s', (_name, build) => {
    const segments = build();
    expectCaptureOf(renderPcap(segments), segments);
  });

  it('the seed session: 11 frames, the SYN options as Linux sends them, the banner bytes verbatim, the timestamps 1 µs apart', () => {
    const segments = cleanSession();
    const file = readPcap(renderPcap(segments));
    expect(file.records).toHaveLength(11);
    const syn = readPacket(file.records[0]!.frame);
    expect(syn.tcp.options.map((o) => o.kind)).toEqual(['mss', 'sackOK', 'ts', 'nop', 'wscale']);
    expect(syn.tcp.dataOffset).toBe(10); // 20 + 20 octets of options, no padding
    expect(Array.from(file.records[0]!.frame.subarray(54, 74), hex2).join(' ')).toMatch(
      /^02 04 05 b4 04 02 08 0a( [0-9a-f]{2}){8} 01 03 03 07$/,
    );
    const banner = readPacket(file.records[3]!.frame);
    expect(new TextDecoder('latin1').decode(banner.tcp.payload)).toBe(SSH_BANNER);
    // Everything happens at 0 ms in the simulated clock: 0.000000, 0.000001, …
    expect(file.records.map((r) => [r.tsSec, r.tsUsec])).toEqual(segments.map((_, i) => [0, i]));
  });

  it('the loss session: the dropped original and its retransmission are both there, 1 s apart, with new IP identifications', () => {
    const segments = lossSession();
    const file = readPcap(renderPcap(segments));
    const original = readPacket(file.records[LOSS_DROPPED]!.frame);
    const copy = readPacket(file.records[LOSS_RETRANSMISSION]!.frame);
    expect(copy.tcp).toEqual({ ...original.tcp, options: copy.tcp.options, checksumSum: 0xffff });
    expect(copy.ip.id).toBe(original.ip.id + 1);
    expect([file.records[LOSS_DROPPED]!.tsSec, file.records[LOSS_RETRANSMISSION]!.tsSec, file.records[LOSS_RETRANSMISSION]!.tsUsec]).toEqual([0, 1, 0]);
  });

  it('the wrapping session: sequence numbers cross 2^32 − 1 → 0, and a null payload is `length` zero octets', () => {
    const segments = wrappingSession();
    const packets = readPcap(renderPcap(segments)).records.map((r) => readPacket(r.frame));
    expect(packets.slice(3, 6).map((p) => [p.tcp.seq, p.tcp.ack, p.tcp.payload.length])).toEqual([
      [4294967291, 2737267461, 21],
      [2737267461, 16, 0],
      [16, 2737267461, 1000],
    ]);
    expect(packets[5]!.tcp.payload.every((b) => b === 0)).toBe(true);
  });
});

/** The server's side of handMade's connection. */
const reversed = { from: 'server', to: 'client', src: { ip: '10.0.0.2', port: 80 }, dst: { ip: '10.0.0.1', port: 49152 } } as const;

/** A segment made by hand, for what the simulator does not send by itself. */
function handMade(overrides: Partial<Segment>): Segment {
  return {
    id: 1,
    from: 'client',
    to: 'server',
    src: { ip: '10.0.0.1', port: 49152 },
    dst: { ip: '10.0.0.2', port: 80 },
    seq: 1000,
    ack: 5000,
    flags: F('ACK'),
    window: 502,
    urgent_pointer: 0,
    length: 0,
    payload: null,
    options: [],
    sent_at_ms: 0,
    ...overrides,
  };
}

describe('renderPcap: encoding details', () => {
  it('an empty trace is the 24-octet global header alone, little-endian', () => {
    expect(Array.from(renderPcap([]), hex2).join(' ')).toBe('d4 c3 b2 a1 02 00 04 00 00 00 00 00 00 00 00 00 00 00 04 00 01 00 00 00');
  });

  it('a 54-octet frame for a bare ACK: Ethernet 02:00:<ip>, IPv4 with DF and TTL 64, TCP data offset 5', () => {
    const bytes = renderPcap([handMade({})]);
    const frame = Array.from(bytes.subarray(40), hex2);
    expect(frame).toHaveLength(54);
    expect(frame.slice(0, 14).join(' ')).toBe('02 00 0a 00 00 02 02 00 0a 00 00 01 08 00');
    // 45 00 | length 40 | id 0x0001 (10.0.0.1 starts at 0·256 + 1) | DF | TTL 64, TCP | checksum | addresses
    expect(frame.slice(14, 34).join(' ')).toMatch(/^45 00 00 28 00 01 40 00 40 06 [0-9a-f]{2} [0-9a-f]{2} 0a 00 00 01 0a 00 00 02$/);
    expect(frame.slice(34, 54).join(' ')).toMatch(/^c0 00 00 50 00 00 03 e8 00 00 13 88 50 10 01 f6 [0-9a-f]{2} [0-9a-f]{2} 00 00$/);
    expectCaptureOf(bytes, [handMade({})]);
  });

  it('URG with its pointer, every control bit, options in the given order with EOL padding, odd payload lengths', () => {
    const segments = [
      handMade({ flags: F('URG', 'ACK', 'PSH'), urgent_pointer: 3, length: 3, payload: b64('abc'), options: [{ kind: 'mss', value: 536 }, { kind: 'eol' }] }),
      handMade({ flags: 0x3f, length: 1, payload: null, options: [{ kind: 'wscale', shift: 14 }] }),
      handMade({ flags: 0, options: [{ kind: 'sackOK' }, { kind: 'nop' }, { kind: 'ts', val: 0xffffffff, ecr: 1 }] }),
      handMade({ flags: F('RST'), seq: 0xffffffff, ack: 0, window: 0xffff, options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }] }),
    ];
    const bytes = renderPcap(segments);
    expectCaptureOf(bytes, segments);
    const packets = readPcap(bytes).records.map((r) => readPacket(r.frame));
    expect(packets.map((p) => p.tcp.dataOffset)).toEqual([7, 6, 9, 6]);
    // [mss 536, eol] → 02 04 02 18 00, padded 00 00 00.
    expect(Array.from(readPcap(bytes).records[0]!.frame.subarray(54, 62), hex2).join(' ')).toBe('02 04 02 18 00 00 00 00');
    // [wscale 14] → 03 03 0e, padded 00.
    expect(Array.from(readPcap(bytes).records[1]!.frame.subarray(54, 58), hex2).join(' ')).toBe('03 03 0e 00');
    // The identification counts per source: 10.0.0.1 sent all four.
    expect(packets.map((p) => p.ip.id)).toEqual([1, 2, 3, 4]);
  });

  it('times: 1 µs apart within a millisecond, in the order given; the sent_at_ms otherwise', () => {
    const at = (ms: number): Segment => handMade({ sent_at_ms: ms });
    const file = readPcap(renderPcap([at(0), at(1000), at(1000), at(1000), at(1001), at(61_234), at(61_234)]));
    expect(file.records.map((r) => [r.tsSec, r.tsUsec])).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
      [1, 2],
      [1, 1000],
      [61, 234_000],
      [61, 234_001],
    ]);
  });

  it('the identification counts per source address, from c·256 + d, modulo 2^16', () => {
    const from = (ip: string): Segment => handMade({ src: { ip, port: 1 } });
    const segments = [from('192.168.1.63'), from('192.168.1.64'), from('192.168.1.63'), from('10.0.255.255'), from('10.0.255.255'), from('192.168.1.64')];
    const ids = readPcap(renderPcap(segments)).records.map((r) => readPacket(r.frame).ip.id);
    expect(ids).toEqual([319, 320, 320, 65535, 0, 321]);
  });

  it('is pure: the same bytes every time, the segments untouched', () => {
    const segments = lossSession();
    const before = JSON.stringify(segments);
    expect(renderPcap(segments)).toEqual(renderPcap(segments));
    expect(JSON.stringify(segments)).toBe(before);
  });

  it('refuses, with a RangeError naming the segment and field, what has no encoding', () => {
    expect(() => renderPcap([handMade({}), handMade({ dst: { ip: '::1', port: 80 } })])).toThrow(
      new RangeError('renderPcap: segment 1: dst.ip must be a dotted-quad IPv4 address, not "::1"'),
    );
    expect(() => renderPcap([handMade({ src: { ip: '10.0.0.256', port: 1 } })])).toThrow(/segment 0: src\.ip/);
    expect(() => renderPcap([handMade({ length: 4, payload: b64('abc') })])).toThrow(/segment 0: payload holds 3 octets but length is 4/);
    expect(() => renderPcap([handMade({ options: [{ kind: 'ts', val: 1, ecr: 1 }, { kind: 'ts', val: 1, ecr: 1 }, { kind: 'ts', val: 1, ecr: 1 }, { kind: 'ts', val: 1, ecr: 1 }, { kind: 'nop' }] })])).toThrow(
      /segment 0: options take 44 octets padded; a TCP header has room for 40/,
    );
    expect(() => renderPcap([handMade({ length: 65535 })])).toThrow(/segment 0: length makes an IPv4 datagram of 65575 octets; the most is 65535/);
    expect(() => renderPcap([handMade({ window: 65536 })])).toThrow(/segment 0: window must be an integer from 0 to 65535, not 65536/);
    expect(() => renderPcap([handMade({ options: [{ kind: 'mss', value: 70000 }] })])).toThrow(/segment 0: options\[0\]\.value/);
  });
});

// ---------------------------------------------------------------- the real tshark

const TSHARK_TITLE = tsharkTitle('tshark reads the capture as the simulator meant it');


const FIELDS = [
  'frame.number',
  'frame.time_epoch',
  'ip.src',
  'ip.dst',
  'ip.checksum.status',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.seq_raw',
  'tcp.ack_raw',
  'tcp.flags',
  'tcp.len',
  'tcp.window_size_value',
  'tcp.urgent_pointer',
  'tcp.checksum.status',
  'tcp.analysis.flags',
  'tcp.analysis.retransmission',
  'tcp.analysis.duplicate_ack',
  '_ws.expert.message',
] as const;
type Field = (typeof FIELDS)[number];
type AnalysisField = 'tcp.analysis.flags' | 'tcp.analysis.retransmission' | 'tcp.analysis.duplicate_ack' | '_ws.expert.message';

describeWithTshark(TSHARK_TITLE, () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tcplab-pcap-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });


  /** The capture, written to a file, and tshark's reading of it: one row of FIELDS per frame, the frames it finds suspect, its expert summary. */
  function dissect(name: string, segments: readonly Segment[], extra: readonly string[] = []): { rows: Record<Field, string>[]; suspect: string[]; expert: string } {
    const file = join(dir, `${name}.pcap`);
    writeFileSync(file, renderPcap(segments));
    const rows = runTshark(file, [...extra, '-T', 'fields', '-E', 'separator=|', '-E', 'aggregator=;', '-E', 'occurrence=a', ...FIELDS.flatMap((f) => ['-e', f])])
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const values = line.split('|');
        return Object.fromEntries(FIELDS.map((f, i) => [f, values[i] ?? ''])) as Record<Field, string>;
      });
    const suspect = runTshark(file, [...extra, '-Y', '_ws.malformed || _ws.expert.severity >= warning']).split('\n').filter((l) => l !== '');
    const expert = runTshark(file, [...extra, '-q', '-z', 'expert']);
    return { rows, suspect, expert };
  }

  /** What tshark must show for each segment, as it prints it. */
  function expectedRows(segments: readonly Segment[]): Omit<Record<Field, string>, AnalysisField>[] {
    let previousUs = -1;
    return segments.map((s, i) => {
      const us = Math.max(s.sent_at_ms * 1000, previousUs + 1);
      previousUs = us;
      return {
        'frame.number': String(i + 1),
        'frame.time_epoch': `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}000`,
        'ip.src': s.src.ip,
        'ip.dst': s.dst.ip,
        'ip.checksum.status': '1', // 1 = Good (2 would be Unverified, 0 Bad)
        'tcp.srcport': String(s.src.port),
        'tcp.dstport': String(s.dst.port),
        'tcp.seq_raw': String(s.seq),
        'tcp.ack_raw': String(s.ack),
        'tcp.flags': String(s.flags), // tshark prints 0x0018; compared as a number
        'tcp.len': String(s.length),
        'tcp.window_size_value': String(s.window),
        'tcp.urgent_pointer': String(s.urgent_pointer),
        'tcp.checksum.status': '1',
      };
    });
  }

  /** A row without tshark's analysis and expert fields: what it read from the headers, the flags as a number. */
  const onTheWire = (row: Record<Field, string>): Omit<Record<Field, string>, AnalysisField> => {
    const { 'tcp.analysis.flags': _f, 'tcp.analysis.retransmission': _r, 'tcp.analysis.duplicate_ack': _d, '_ws.expert.message': _m, ...headers } = row;
    return { ...headers, 'tcp.flags': String(Number(headers['tcp.flags'])) };
  };

  /** Frame numbers (1-based) where a field is present. */
  const framesWith = (rows: readonly Record<Field, string>[], field: Field): number[] =>
    rows.filter((r) => r[field] !== '').map((r) => Number(r['frame.number']));

  /** The expert summary must have no Errors and no Warnings section. */
  const expectNoWarnings = (expert: string): void => {
    expect(expert).not.toMatch(/^(Errors|Warns|Warnings) \(/m);
  };

  it('clean session: every frame’s ports, raw numbers, flags, length and window as sent, checksums good, nothing malformed, no retransmission or duplicate ACK', () => {
    const segments = cleanSession();
    const { rows, suspect, expert } = dissect('clean', segments);
    expect(rows.map(onTheWire)).toEqual(expectedRows(segments));
    expect(suspect).toEqual([]);
    expectNoWarnings(expert);
    // Wireshark's TCP analysis has nothing to say about any frame: no retransmission, no duplicate ACK, no other problem.
    expect(framesWith(rows, 'tcp.analysis.flags')).toEqual([]);
    expect(framesWith(rows, 'tcp.analysis.retransmission')).toEqual([]);
    expect(framesWith(rows, 'tcp.analysis.duplicate_ack')).toEqual([]);
  }, 60_000);

  it('clean session: the SSH dissector finds both version banners in the payload bytes', () => {
    const file = join(dir, 'clean-ssh.pcap');
    writeFileSync(file, renderPcap(cleanSession()));
    const lines = runTshark(file, ['-Y', 'ssh.protocol', '-T', 'fields', '-E', 'separator=|', '-e', 'frame.number', '-e', 'ssh.protocol']).split('\n').filter((l) => l !== '');
    expect(lines).toEqual(['4|SSH-2.0-OpenSSH_7.4', '6|SSH-2.0-OpenSSH_7.4']);
  }, 60_000);

  it('loss session: the fields as sent, and Wireshark marks a retransmission exactly on the retransmitted segment — the dropped original is not marked', () => {
    const segments = lossSession();
    const { rows, suspect, expert } = dissect('loss', segments);
    expect(rows.map(onTheWire)).toEqual(expectedRows(segments));
    expect(suspect).toEqual([]);
    expectNoWarnings(expert);
    expect(framesWith(rows, 'tcp.analysis.retransmission')).toEqual([LOSS_RETRANSMISSION + 1]);
    expect(framesWith(rows, 'tcp.analysis.flags')).toEqual([LOSS_RETRANSMISSION + 1]);
    expect(framesWith(rows, 'tcp.analysis.duplicate_ack')).toEqual([]);
    expect(rows[LOSS_RETRANSMISSION]!['_ws.expert.message']).toBe('This frame is a (suspected) retransmission');
    expect(expert).toMatch(/^\s+1\s+Sequence\s+TCP\s+This frame is a \(suspected\) retransmission$/m);
  }, 60_000);

  it('wrapping session: raw numbers across 2^32 − 1 → 0 as sent, checksums good, nothing malformed, no analysis flags', () => {
    const segments = wrappingSession();
    // The 1000 zero octets sent as a length only are not SSH: with the SSH dissector on port 22 they would
    // be a malformed SSH packet (an application-layer verdict, not TCP's), so it is turned off here.
    const { rows, suspect, expert } = dissect('wrap', segments, ['--disable-protocol', 'ssh']);
    expect(rows.map(onTheWire)).toEqual(expectedRows(segments));
    expect(suspect).toEqual([]);
    expectNoWarnings(expert);
    expect(framesWith(rows, 'tcp.analysis.flags')).toEqual([]);
  }, 60_000);

  it('hand-made segments: SYNs with EOL-padded options, URG with its pointer — dissected without complaint', () => {
    // Options only where they belong (Wireshark warns, rightly, about an MSS option on a non-SYN segment).
    const segments = [
      handMade({ seq: 999, ack: 0, flags: F('SYN'), window: 65535, options: [{ kind: 'mss', value: 536 }, { kind: 'sackOK' }, { kind: 'wscale', shift: 14 }] }),
      handMade({ ...reversed, seq: 4999, ack: 1000, flags: F('SYN', 'ACK'), window: 65535, options: [{ kind: 'mss', value: 1460 }, { kind: 'nop' }, { kind: 'wscale', shift: 0 }, { kind: 'eol' }] }),
      handMade({ seq: 1000, ack: 5000, flags: F('URG', 'ACK', 'PSH'), window: 1, urgent_pointer: 3, length: 3, payload: b64('abc'), sent_at_ms: 5 }),
    ];
    const { rows, suspect, expert } = dissect('hand', segments);
    expect(rows.map(onTheWire)).toEqual(expectedRows(segments));
    expect(suspect).toEqual([]);
    expectNoWarnings(expert);
    expect(framesWith(rows, 'tcp.analysis.flags')).toEqual([]);
  }, 60_000);
});
