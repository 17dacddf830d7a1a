/**
 * Capture import: libpcap, pcapng or tcpdump text → segments → connections →
 * a replay of each through tcp-core as an observer of both ends.
 *
 *   const report = analyzeCapture(bytesOrText);
 *   report.connections[0].segments.map((s) => s.role); // ['1st handshake (SYN)', '2nd handshake (SYN,ACK)', …]
 */
import { isPcap, isPcapng, parsePcap, parsePcapng } from './binary';
import { observe, type ObservedConnection } from './observe';
import { splitConnections } from './split';
import { parseTcpdumpText, type TcpdumpParseOptions } from './tcpdump-text';
import type { CaptureFormat, ParsedCapture, SkippedPacket, UnparsedLine } from './types';

export * from './types';
export { parsePcap, parsePcapng } from './binary';
export { parseTcpdumpText, SERVICE_PORTS, type TcpdumpParseOptions } from './tcpdump-text';
export { splitConnections, fourTuple } from './split';
export { observe, type Anomaly, type AnomalyKind, type ObservedConnection, type ObservedSegment, type ObservedStep, type StatePair } from './observe';
export { LINKTYPE } from './frame';

/** Which format the bytes are: pcap by its magic (either byte order), pcapng by its first block type, otherwise text. */
export function detectCaptureFormat(input: Uint8Array | string): CaptureFormat {
  if (typeof input === 'string') return 'tcpdump';
  if (isPcap(input)) return 'pcap';
  if (isPcapng(input)) return 'pcapng';
  return 'tcpdump';
}

/** UTF-8 without TextDecoder (not in the ES2022 lib this core builds against); invalid sequences become U+FFFD. */
function utf8(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xf0 && b < 0xf8 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : -1;
    if (need < 0 || i + need >= bytes.length + (need === 0 ? 1 : 0)) {
      out += need === 0 ? String.fromCharCode(b) : '\ufffd';
      i += 1;
      continue;
    }
    let cp = need === 0 ? b : b & (0x3f >> need);
    let ok = true;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (c & 0x3f);
    }
    if (!ok) {
      out += '\ufffd';
      i += 1;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

export function parseCapture(input: Uint8Array | string, options: TcpdumpParseOptions = {}): ParsedCapture {
  switch (detectCaptureFormat(input)) {
    case 'pcap':
      return parsePcap(input as Uint8Array);
    case 'pcapng':
      return parsePcapng(input as Uint8Array);
    case 'tcpdump':
      return parseTcpdumpText(typeof input === 'string' ? input : utf8(input), options);
  }
}

export interface CaptureReport {
  format: CaptureFormat;
  connections: ObservedConnection[];
  skipped_packets: SkippedPacket[];
  unparsed_lines: UnparsedLine[];
  errors: string[];
}

/** Parse, split into connections and replay each: a plain JSON report. */
export function analyzeCapture(input: Uint8Array | string, options: TcpdumpParseOptions = {}): CaptureReport {
  const parsed = parseCapture(input, options);
  return {
    format: parsed.format,
    connections: splitConnections(parsed.segments).map(observe),
    skipped_packets: parsed.skipped_packets,
    unparsed_lines: parsed.unparsed_lines,
    errors: parsed.errors,
  };
}
