/**
 * Link-layer frame → IPv4 → TCP, for the binary capture formats. Only IPv4
 * TCP is decoded; anything else is a reason to skip the packet.
 */
import { encodeBase64 } from '../payload';
import type { TcpOption } from '../segment';
import type { CapturedSegment } from './types';

/** LINKTYPE_* values (https://www.tcpdump.org/linktypes.html) this reader understands. */
export const LINKTYPE = { NULL: 0, ETHERNET: 1, RAW: 101, LOOP: 108, LINUX_SLL: 113, IPV4: 228, LINUX_SLL2: 276 } as const;

export function linkTypeSupported(linkType: number): boolean {
  return (Object.values(LINKTYPE) as number[]).includes(linkType);
}

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_VLAN = [0x8100, 0x88a8, 0x9100];

/** Where the IPv4 header starts in a frame, or why there is none. */
function ipv4Offset(frame: Uint8Array, linkType: number): number | string {
  const u16 = (at: number): number => (frame[at]! << 8) | frame[at + 1]!;
  switch (linkType) {
    case LINKTYPE.ETHERNET: {
      if (frame.length < 14) return 'truncated Ethernet header';
      let at = 12;
      while (ETHERTYPE_VLAN.includes(u16(at))) {
        at += 4;
        if (frame.length < at + 2) return 'truncated VLAN tag';
      }
      const type = u16(at);
      return type === ETHERTYPE_IPV4 ? at + 2 : `ethertype 0x${type.toString(16).padStart(4, '0')} is not IPv4`;
    }
    case LINKTYPE.RAW:
    case LINKTYPE.IPV4:
      return 0;
    case LINKTYPE.LINUX_SLL: {
      if (frame.length < 16) return 'truncated Linux cooked header';
      const type = u16(14);
      return type === ETHERTYPE_IPV4 ? 16 : `protocol 0x${type.toString(16).padStart(4, '0')} is not IPv4`;
    }
    case LINKTYPE.LINUX_SLL2: {
      if (frame.length < 20) return 'truncated Linux cooked v2 header';
      const type = u16(0);
      return type === ETHERTYPE_IPV4 ? 20 : `protocol 0x${type.toString(16).padStart(4, '0')} is not IPv4`;
    }
    case LINKTYPE.NULL:
    case LINKTYPE.LOOP: {
      if (frame.length < 4) return 'truncated loopback header';
      // The address family, in the capturing host's byte order (NULL) or big-endian (LOOP): AF_INET is 2 everywhere.
      const be = ((frame[0]! << 24) | (frame[1]! << 16) | (frame[2]! << 8) | frame[3]!) >>> 0;
      const le = ((frame[3]! << 24) | (frame[2]! << 16) | (frame[1]! << 8) | frame[0]!) >>> 0;
      return be === 2 || le === 2 ? 4 : `address family ${be} is not IPv4`;
    }
    default:
      return `link type ${linkType} is not supported`;
  }
}

function parseOptions(bytes: Uint8Array, from: number, to: number): TcpOption[] {
  const options: TcpOption[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = from;
  while (at < to) {
    const kind = bytes[at]!;
    if (kind === 0) break; // EOL: the rest is padding
    if (kind === 1) {
      options.push({ kind: 'nop' });
      at += 1;
      continue;
    }
    if (at + 1 >= to) break;
    const len = bytes[at + 1]!;
    if (len < 2 || at + len > to) break; // malformed: stop, as tcpdump does
    if (kind === 2 && len === 4) options.push({ kind: 'mss', value: view.getUint16(at + 2) });
    else if (kind === 3 && len === 3) options.push({ kind: 'wscale', shift: bytes[at + 2]! });
    else if (kind === 4 && len === 2) options.push({ kind: 'sackOK' });
    else if (kind === 8 && len === 10) options.push({ kind: 'ts', val: view.getUint32(at + 2), ecr: view.getUint32(at + 6) });
    at += len;
  }
  return options;
}

/** One captured frame as a segment, or the reason it is not one. */
export function decodeFrame(frame: Uint8Array, linkType: number, frameNumber: number, timeUs: number | null): CapturedSegment | string {
  const ip = ipv4Offset(frame, linkType);
  if (typeof ip === 'string') return ip;
  if (frame.length < ip + 20) return 'truncated IPv4 header';
  const version = frame[ip]! >> 4;
  if (version !== 4) return `IP version ${version} is not IPv4`;
  const ihl = (frame[ip]! & 0x0f) * 4;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const totalLength = view.getUint16(ip + 2);
  const fragment = view.getUint16(ip + 6);
  const protocol = frame[ip + 9]!;
  if (protocol !== 6) return `IP protocol ${protocol} is not TCP`;
  if ((fragment & 0x1fff) !== 0 || (fragment & 0x2000) !== 0) return 'IPv4 fragment';
  const tcp = ip + ihl;
  if (ihl < 20 || frame.length < tcp + 20) return 'truncated TCP header';
  const dataOffset = (frame[tcp + 12]! >> 4) * 4;
  if (dataOffset < 20 || frame.length < tcp + dataOffset) return 'truncated TCP header';
  // TSO/GRO captures carry total length 0; fall back on what was captured.
  const ipEnd = totalLength >= ihl + dataOffset ? ip + totalLength : frame.length;
  const length = ipEnd - tcp - dataOffset;
  const payloadStart = tcp + dataOffset;
  const complete = payloadStart + length <= frame.length;
  const dotted = (at: number): string => `${frame[at]}.${frame[at + 1]}.${frame[at + 2]}.${frame[at + 3]}`;
  return {
    frame: frameNumber,
    time_us: timeUs,
    src: { ip: dotted(ip + 12), port: view.getUint16(tcp) },
    dst: { ip: dotted(ip + 16), port: view.getUint16(tcp + 2) },
    seq: view.getUint32(tcp + 4),
    ack: view.getUint32(tcp + 8),
    flags: frame[tcp + 13]! & 0x3f,
    window: view.getUint16(tcp + 14),
    urgent_pointer: view.getUint16(tcp + 18),
    length,
    options: parseOptions(frame, tcp + 20, tcp + dataOffset),
    payload: length > 0 && complete ? encodeBase64(frame.subarray(payloadStart, payloadStart + length)) : null,
  };
}
