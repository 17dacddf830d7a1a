/**
 * libpcap (https://www.tcpdump.org/manpages/pcap-savefile.5.html) and pcapng
 * (draft-ietf-opsawg-pcapng) readers, both byte orders. Never throw: a
 * truncated or malformed file ends the reading with an error message.
 */
import { decodeFrame, linkTypeSupported } from './frame';
import type { CapturedSegment, ParsedCapture, SkippedPacket } from './types';

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER = 0x1a2b3c4d;

export function isPcap(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [view.getUint32(0, false), view.getUint32(0, true)].some((m) => m === PCAP_MAGIC_US || m === PCAP_MAGIC_NS);
}

export function isPcapng(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, false) === PCAPNG_SHB;
}

/** Collects decoded segments and skipped packets. */
class Collector {
  readonly segments: CapturedSegment[] = [];
  readonly skipped: SkippedPacket[] = [];
  readonly errors: string[] = [];
  private frameNumber = 0;

  add(frame: Uint8Array, linkType: number, timeUs: number | null): void {
    this.frameNumber += 1;
    const result = decodeFrame(frame, linkType, this.frameNumber, timeUs);
    if (typeof result === 'string') this.skipped.push({ frame: this.frameNumber, reason: result });
    else this.segments.push(result);
  }

  result(format: 'pcap' | 'pcapng'): ParsedCapture {
    return { format, segments: this.segments, skipped_packets: this.skipped, unparsed_lines: [], errors: this.errors };
  }
}

export function parsePcap(bytes: Uint8Array): ParsedCapture {
  const out = new Collector();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 24) {
    out.errors.push('truncated pcap global header');
    return out.result('pcap');
  }
  const le = view.getUint32(0, true) === PCAP_MAGIC_US || view.getUint32(0, true) === PCAP_MAGIC_NS;
  const magic = view.getUint32(0, le);
  const nanos = magic === PCAP_MAGIC_NS;
  // The low 16 bits are the link type; the upper ones may hold FCS information.
  const linkType = view.getUint32(20, le) & 0xffff;
  if (!linkTypeSupported(linkType)) out.errors.push(`link type ${linkType} is not supported; every packet is skipped`);
  let at = 24;
  while (at < bytes.length) {
    if (at + 16 > bytes.length) {
      out.errors.push(`truncated record header at offset ${at}`);
      break;
    }
    const seconds = view.getUint32(at, le);
    const fraction = view.getUint32(at + 4, le);
    const inclLen = view.getUint32(at + 8, le);
    if (at + 16 + inclLen > bytes.length) {
      out.errors.push(`truncated packet record at offset ${at}`);
      break;
    }
    const timeUs = seconds * 1_000_000 + (nanos ? Math.floor(fraction / 1000) : fraction);
    out.add(bytes.subarray(at + 16, at + 16 + inclLen), linkType, timeUs);
    at += 16 + inclLen;
  }
  return out.result('pcap');
}

interface Interface {
  linkType: number;
  /** Timestamp units per second. */
  unitsPerSecond: bigint;
}

export function parsePcapng(bytes: Uint8Array): ParsedCapture {
  const out = new Collector();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let le = true;
  let interfaces: Interface[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) {
      out.errors.push(`truncated block header at offset ${at}`);
      break;
    }
    const type = view.getUint32(at, false);
    if (type === PCAPNG_SHB) {
      // A new section: its byte-order magic says how to read everything in it.
      const bom = view.getUint32(at + 8, true);
      if (bom === PCAPNG_BYTE_ORDER) le = true;
      else if (view.getUint32(at + 8, false) === PCAPNG_BYTE_ORDER) le = false;
      else {
        out.errors.push(`bad byte-order magic in section header at offset ${at}`);
        break;
      }
      interfaces = [];
    }
    const blockType = view.getUint32(at, le);
    const blockLength = view.getUint32(at + 4, le);
    if (blockLength < 12 || blockLength % 4 !== 0 || at + blockLength > bytes.length) {
      out.errors.push(`bad or truncated block (type ${blockType}, length ${blockLength}) at offset ${at}`);
      break;
    }
    const body = at + 8;
    const bodyEnd = at + blockLength - 4;
    switch (blockType) {
      case 1: {
        // Interface Description Block: link type, reserved, snaplen, options (if_tsresol = 9).
        const linkType = view.getUint16(body, le);
        let unitsPerSecond = 1_000_000n;
        for (let o = body + 8; o + 4 <= bodyEnd; ) {
          const code = view.getUint16(o, le);
          const len = view.getUint16(o + 2, le);
          if (code === 0) break;
          if (code === 9 && len >= 1) {
            const r = bytes[o + 4]!;
            unitsPerSecond = r & 0x80 ? 1n << BigInt(r & 0x7f) : 10n ** BigInt(r);
          }
          o += 4 + Math.ceil(len / 4) * 4;
        }
        if (!linkTypeSupported(linkType)) out.errors.push(`interface ${interfaces.length}: link type ${linkType} is not supported; its packets are skipped`);
        interfaces.push({ linkType, unitsPerSecond });
        break;
      }
      case 6: {
        // Enhanced Packet Block: interface id, timestamp (high, low), captured length, original length, data.
        const iface = interfaces[view.getUint32(body, le)];
        const ts = (BigInt(view.getUint32(body + 4, le)) << 32n) | BigInt(view.getUint32(body + 8, le));
        const capLen = view.getUint32(body + 12, le);
        const data = body + 20;
        if (data + capLen > bodyEnd) {
          out.errors.push(`enhanced packet block at offset ${at} claims more data than it holds`);
          break;
        }
        if (!iface) {
          out.add(new Uint8Array(0), -1, null);
          break;
        }
        out.add(bytes.subarray(data, data + capLen), iface.linkType, Number((ts * 1_000_000n) / iface.unitsPerSecond));
        break;
      }
      case 3: {
        // Simple Packet Block: original length, then the data (as much as the block holds); interface 0, no timestamp.
        const iface = interfaces[0];
        const origLen = view.getUint32(body, le);
        const capLen = Math.min(origLen, bodyEnd - (body + 4));
        if (!iface) {
          out.add(new Uint8Array(0), -1, null);
          break;
        }
        out.add(bytes.subarray(body + 4, body + 4 + capLen), iface.linkType, null);
        break;
      }
      default:
        // SHB (handled above), name resolution, statistics, custom blocks: nothing to decode.
        break;
    }
    at += blockLength;
  }
  return out.result('pcapng');
}
