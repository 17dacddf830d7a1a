/**
 * A captured TCP segment, whatever it was read from (libpcap, pcapng or
 * tcpdump's text): the header fields tcp-core works with, plus where in the
 * capture it was found. Plain JSON.
 */
import type { Address, Flags, TcpOption } from '../segment';

export interface CapturedSegment {
  /** Packet number (1-based, as Wireshark counts frames) in a binary capture, or line number in a text one. */
  frame: number;
  /** Capture time in microseconds (since the epoch for pcap/pcapng, since midnight for text); null when not recorded. */
  time_us: number | null;
  src: Address;
  dst: Address;
  seq: number;
  ack: number;
  /** Control bits as tcp-core's bit set (FIN 0x01 … URG 0x20); ECE and CWR are dropped. */
  flags: Flags;
  /** The raw 16-bit window field. */
  window: number;
  urgent_pointer: number;
  /** Payload length in octets (from the IP header, or tcpdump's `length`). */
  length: number;
  /** Options tcp-core knows, in wire order; others (SACK blocks, MD5, …) are left out. */
  options: TcpOption[];
  /** Payload octets as base64 when the whole payload was captured; null otherwise (text, snaplen). */
  payload: string | null;
  /**
   * True when the capture did not show seq (tcpdump prints none for a pure
   * ACK) and it was inferred from the neighbouring segments of that direction.
   */
  seq_inferred?: boolean;
}

export type CaptureFormat = 'pcap' | 'pcapng' | 'tcpdump';

/** A packet that is not an IPv4 TCP segment (or could not be decoded), so was left out. */
export interface SkippedPacket {
  frame: number;
  reason: string;
}

/** A text line that is not a tcpdump IPv4 TCP line, with its 1-based line number. */
export interface UnparsedLine {
  line: number;
  text: string;
  reason: string;
}

export interface ParsedCapture {
  format: CaptureFormat;
  segments: CapturedSegment[];
  skipped_packets: SkippedPacket[];
  unparsed_lines: UnparsedLine[];
  /** Problems with the file as a whole (truncated, unknown link type …); never thrown. */
  errors: string[];
}
