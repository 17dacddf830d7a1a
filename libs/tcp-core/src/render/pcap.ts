/**
 * Segments as a libpcap capture file, for Wireshark, tshark or tcpdump -r:
 *
 *   renderPcap(trace)  // → Uint8Array, the bytes of a .pcap file
 *
 * The format (https://www.tcpdump.org/manpages/pcap-savefile.5.html): a
 * 24-octet global header — magic 0xa1b2c3d4 (microsecond timestamps),
 * version 2.4, thiszone 0, sigfigs 0, snaplen 262144, LINKTYPE_ETHERNET (1) —
 * then one record per segment, in the order given: a 16-octet record header
 * (ts_sec, ts_usec, incl_len, orig_len; whole frames, never truncated) and
 * the frame. Every header and record-header field is written little-endian,
 * as tcpdump writes on x86 and ARM; readers tell the byte order from the magic.
 * The packet bytes themselves are in network byte order, as on the wire.
 *
 * Each frame is what the sender's interface would emit:
 *
 * - Ethernet II: destination and source MAC, type 0x0800. The simulator has
 *   no link layer, so each address gets a locally administered unicast MAC
 *   made from its IPv4 address: 02:00:a:b:c:d for a.b.c.d. No padding to the
 *   60-octet Ethernet minimum: a capture of outgoing frames has none.
 * - IPv4 (RFC 791): version 4, IHL 5 (no IP options), TOS 0, total length,
 *   identification, DF set (RFC 1191 path MTU discovery, as Linux sends TCP),
 *   TTL 64, protocol 6, header checksum, addresses. The identification is a
 *   counter per source address, as a host's would be: it starts at the low 16
 *   bits of the address (c·256 + d for a.b.c.d; 192.168.1.63 starts at 319)
 *   and goes up by one, modulo 2^16, with each segment that address sends —
 *   a retransmission gets a new one, as it does from a real stack.
 * - TCP (RFC 9293 §3.1): ports, sequence and acknowledgment numbers, data
 *   offset, the control bits (`flags`, which are the header's bits), the raw
 *   window field, checksum over the pseudo-header, header and payload, the
 *   urgent pointer, then the options in the order given, encoded as RFC 9293
 *   §3.2 (EOL 0, NOP 1, MSS 2/4), RFC 7323 (window scale 3/3, timestamps
 *   8/10) and RFC 2018 (SACK-permitted 4/2), padded with EOL octets to a
 *   multiple of 4.
 * - The payload: the segment's base64 bytes, or `length` zero octets when the
 *   simulator only carried a length (payload null).
 *
 * Time: each record is stamped with the segment's sent_at_ms, as seconds and
 * microseconds from the epoch of the simulated clock (1970-01-01T00:00:00Z in
 * Wireshark). The simulated clock moves in whole milliseconds, so several
 * segments often share one; to keep them in order and give every frame a
 * distinct time, each record is stamped 1 µs after the previous one when its
 * own time is not later: three segments sent at 1000 ms are stamped
 * 1.000000, 1.000001 and 1.000002 s. Times therefore strictly increase in
 * the order given, and no record is stamped before its sent_at_ms.
 *
 * Capture point: the segments are expected as they are put on the wire
 * (a Scenario's trace, or the `segments` of successive StepResults), and the
 * capture is what a tap beside each *sender* sees — every segment sent, in
 * the order sent, at the time sent. A segment the network dropped (or still
 * holds) is therefore in the capture, as a tcpdump on the sending host would
 * show it, and its retransmission follows it; delivery order and time at the
 * receiver are not represented. This is the capture for which Wireshark's TCP
 * analysis marks a retransmission exactly where the simulator made one.
 *
 * Pure: no Node Buffer, no I/O; the result is a fresh Uint8Array. A segment
 * that cannot be encoded — an address that is not dotted-quad IPv4, a field
 * out of its header range, options longer than 40 octets, a payload whose
 * size differs from `length`, an IP datagram over 65,535 octets — throws a
 * RangeError naming the segment and the field.
 */
import type { Segment, TcpOption } from '../segment';
import { decodeBase64 } from '../payload';

/** pcap global header: magic for microsecond timestamps. */
export const PCAP_MAGIC = 0xa1b2c3d4;
/** Large enough for any IPv4 packet in an Ethernet frame; the value libpcap uses by default. */
export const PCAP_SNAPLEN = 262144;
/** LINKTYPE_ETHERNET: IEEE 802.3 / Ethernet II frames. */
export const LINKTYPE_ETHERNET = 1;

const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;
const ETHERNET_HEADER = 14;
const IPV4_HEADER = 20;
const TCP_HEADER = 20;
const MAX_TCP_OPTIONS = 40;
const ETHERTYPE_IPV4 = 0x0800;
const IPPROTO_TCP = 6;
const IP_DF = 0x4000;
const TTL = 64;

/** Option kinds (IANA "TCP Option Kind Numbers"). */
const KIND = { eol: 0, nop: 1, mss: 2, wscale: 3, sackOK: 4, ts: 8 } as const;

function fail(index: number, field: string, reason: string): never {
  throw new RangeError(`renderPcap: segment ${index}: ${field} ${reason}`);
}

function checkUint(index: number, field: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) fail(index, field, `must be an integer from 0 to ${max}, not ${value}`);
  return value;
}

/** a.b.c.d → its four octets. */
function ipv4Octets(index: number, field: string, ip: string): [number, number, number, number] {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  const octets = m ? [m[1], m[2], m[3], m[4]].map(Number) : [];
  if (octets.length !== 4 || octets.some((o) => o > 255)) fail(index, field, `must be a dotted-quad IPv4 address, not ${JSON.stringify(ip)}`);
  return octets as [number, number, number, number];
}

/** The TCP options as octets, padded with EOL to a multiple of 4 (RFC 9293 §3.1 "Padding"). */
function encodeOptions(index: number, options: readonly TcpOption[]): Uint8Array {
  const out: number[] = [];
  const u16 = (v: number): void => {
    out.push(v >>> 8, v & 0xff);
  };
  const u32 = (v: number): void => {
    out.push(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  };
  options.forEach((o, i) => {
    const field = `options[${i}]`;
    switch (o.kind) {
      case 'eol':
        out.push(KIND.eol);
        break;
      case 'nop':
        out.push(KIND.nop);
        break;
      case 'mss':
        out.push(KIND.mss, 4);
        u16(checkUint(index, `${field}.value`, o.value, 0xffff));
        break;
      case 'wscale':
        out.push(KIND.wscale, 3, checkUint(index, `${field}.shift`, o.shift, 0xff));
        break;
      case 'sackOK':
        out.push(KIND.sackOK, 2);
        break;
      case 'ts':
        out.push(KIND.ts, 10);
        u32(checkUint(index, `${field}.val`, o.val, 0xffffffff));
        u32(checkUint(index, `${field}.ecr`, o.ecr, 0xffffffff));
        break;
      default:
        fail(index, field, `has an unknown kind ${JSON.stringify((o as { kind: unknown }).kind)}`);
    }
  });
  while (out.length % 4 !== 0) out.push(KIND.eol);
  if (out.length > MAX_TCP_OPTIONS) fail(index, 'options', `take ${out.length} octets padded; a TCP header has room for ${MAX_TCP_OPTIONS}`);
  return Uint8Array.from(out);
}

/** The Internet checksum's running sum (RFC 1071): 16-bit big-endian words, an odd last octet padded with zero. */
function sum16(bytes: Uint8Array, from: number, to: number, sum = 0): number {
  let i = from;
  for (; i + 1 < to; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < to) sum += bytes[i]! << 8;
  return sum;
}

/** Fold the carries and complement: the value to put in the checksum field. */
function finish(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** Everything a frame needs, checked, before any octet is written. */
interface Prepared {
  src: [number, number, number, number];
  dst: [number, number, number, number];
  options: Uint8Array;
  payload: Uint8Array | null;
  /** Ethernet frame length. */
  frame: number;
}

function prepare(segment: Segment, index: number): Prepared {
  const src = ipv4Octets(index, 'src.ip', segment.src.ip);
  const dst = ipv4Octets(index, 'dst.ip', segment.dst.ip);
  checkUint(index, 'src.port', segment.src.port, 0xffff);
  checkUint(index, 'dst.port', segment.dst.port, 0xffff);
  checkUint(index, 'seq', segment.seq, 0xffffffff);
  checkUint(index, 'ack', segment.ack, 0xffffffff);
  checkUint(index, 'flags', segment.flags, 0xff);
  checkUint(index, 'window', segment.window, 0xffff);
  checkUint(index, 'urgent_pointer', segment.urgent_pointer, 0xffff);
  checkUint(index, 'length', segment.length, 0xffff);
  if (!Number.isFinite(segment.sent_at_ms) || segment.sent_at_ms < 0) fail(index, 'sent_at_ms', `must be a time from 0, not ${segment.sent_at_ms}`);
  const payload = segment.payload === null ? null : decodeBase64(segment.payload);
  if (payload && payload.length !== segment.length) fail(index, 'payload', `holds ${payload.length} octets but length is ${segment.length}`);
  const options = encodeOptions(index, segment.options);
  const ipLength = IPV4_HEADER + TCP_HEADER + options.length + segment.length;
  if (ipLength > 0xffff) fail(index, 'length', `makes an IPv4 datagram of ${ipLength} octets; the most is 65535`);
  return { src, dst, options, payload, frame: ETHERNET_HEADER + ipLength };
}

/** 02:00:a:b:c:d, written at `at`. */
function writeMac(bytes: Uint8Array, at: number, ip: readonly number[]): void {
  bytes.set([0x02, 0x00, ...ip], at);
}

/** Writes one Ethernet frame at `at`. */
function writeFrame(bytes: Uint8Array, view: DataView, at: number, segment: Segment, p: Prepared, identification: number): void {
  // Ethernet II.
  writeMac(bytes, at, p.dst);
  writeMac(bytes, at + 6, p.src);
  view.setUint16(at + 12, ETHERTYPE_IPV4);

  // IPv4 (RFC 791 §3.1).
  const ip = at + ETHERNET_HEADER;
  const ipLength = p.frame - ETHERNET_HEADER;
  view.setUint8(ip, 0x45); // version 4, IHL 5
  view.setUint8(ip + 1, 0); // type of service
  view.setUint16(ip + 2, ipLength);
  view.setUint16(ip + 4, identification);
  view.setUint16(ip + 6, IP_DF); // flags DF, fragment offset 0
  view.setUint8(ip + 8, TTL);
  view.setUint8(ip + 9, IPPROTO_TCP);
  view.setUint16(ip + 10, 0); // checksum, filled below
  bytes.set(p.src, ip + 12);
  bytes.set(p.dst, ip + 16);
  view.setUint16(ip + 10, finish(sum16(bytes, ip, ip + IPV4_HEADER)));

  // TCP (RFC 9293 §3.1).
  const tcp = ip + IPV4_HEADER;
  const headerLength = TCP_HEADER + p.options.length;
  view.setUint16(tcp, segment.src.port);
  view.setUint16(tcp + 2, segment.dst.port);
  view.setUint32(tcp + 4, segment.seq);
  view.setUint32(tcp + 8, segment.ack);
  view.setUint16(tcp + 12, ((headerLength / 4) << 12) | segment.flags); // data offset, reserved 0, control bits
  view.setUint16(tcp + 14, segment.window);
  view.setUint16(tcp + 16, 0); // checksum, filled below
  view.setUint16(tcp + 18, segment.urgent_pointer);
  bytes.set(p.options, tcp + TCP_HEADER);
  // A null payload is `length` zero octets, which the fresh array already holds.
  if (p.payload) bytes.set(p.payload, tcp + headerLength);

  // Pseudo-header (RFC 9293 §3.1): source, destination, zero, protocol, TCP length.
  const tcpLength = ipLength - IPV4_HEADER;
  let sum = sum16(bytes, ip + 12, ip + 20);
  sum += IPPROTO_TCP + tcpLength;
  sum = sum16(bytes, tcp, tcp + tcpLength, sum);
  view.setUint16(tcp + 16, finish(sum));
}

/** The bytes of a libpcap file with one Ethernet frame per segment, in the order given (see the module comment). */
export function renderPcap(segments: readonly Segment[]): Uint8Array {
  const prepared = segments.map(prepare);
  const total = prepared.reduce((n, p) => n + RECORD_HEADER + p.frame, GLOBAL_HEADER);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  const LE = true;

  view.setUint32(0, PCAP_MAGIC, LE);
  view.setUint16(4, 2, LE); // version major
  view.setUint16(6, 4, LE); // version minor
  view.setInt32(8, 0, LE); // thiszone: UTC
  view.setUint32(12, 0, LE); // sigfigs
  view.setUint32(16, PCAP_SNAPLEN, LE);
  view.setUint32(20, LINKTYPE_ETHERNET, LE);

  const nextId = new Map<string, number>();
  let previousUs = -1;
  let at = GLOBAL_HEADER;
  segments.forEach((segment, index) => {
    const p = prepared[index]!;
    const us = Math.max(Math.round(segment.sent_at_ms * 1000), previousUs + 1);
    previousUs = us;
    const seconds = Math.floor(us / 1_000_000);
    if (seconds > 0xffffffff) fail(index, 'sent_at_ms', 'is past what a 32-bit pcap timestamp holds');
    view.setUint32(at, seconds, LE);
    view.setUint32(at + 4, us % 1_000_000, LE);
    view.setUint32(at + 8, p.frame, LE); // incl_len
    view.setUint32(at + 12, p.frame, LE); // orig_len
    at += RECORD_HEADER;

    const source = p.src.join('.');
    const identification = nextId.get(source) ?? ((p.src[2] << 8) | p.src[3]);
    nextId.set(source, (identification + 1) & 0xffff);
    writeFrame(bytes, view, at, segment, p, identification);
    at += p.frame;
  });
  return bytes;
}
