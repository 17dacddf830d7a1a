import { seqAdd } from './sequence';

/**
 * A TCP segment as it crosses the simulated network: the header fields of
 * RFC 9293 §3.1 that matter to the state machine, plus where it came from.
 */

/** Control bits, with their values in the TCP header (RFC 9293 §3.1). */
export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;
export const URG = 0x20;

/** In the order textbooks and Wireshark name them: SYN,ACK · FIN,ACK · RST,ACK · PSH,ACK. */
export const FLAG_NAMES = ['SYN', 'FIN', 'RST', 'PSH', 'ACK', 'URG'] as const;
export type FlagName = (typeof FLAG_NAMES)[number];

const FLAG_BITS: Record<FlagName, number> = { SYN, ACK, FIN, RST, PSH, URG };

/** Flags as a bit set, e.g. `SYN | ACK`. */
export type Flags = number;

export function flagsFromNames(names: readonly FlagName[]): Flags {
  return names.reduce((bits, name) => bits | FLAG_BITS[name], 0);
}

/** Flag names in FLAG_NAMES order. */
export function flagNames(flags: Flags): FlagName[] {
  return FLAG_NAMES.filter((name) => (flags & FLAG_BITS[name]) !== 0);
}

/** Every label, built once: flagsLabel runs for nearly every event. */
const FLAG_LABELS: readonly string[] = Array.from({ length: 0x40 }, (_, flags) => {
  const names = flagNames(flags);
  return names.length === 0 ? 'none' : names.join(',');
});

/** "SYN,ACK", as the RFC writes control bits. */
export function flagsLabel(flags: Flags): string {
  return FLAG_LABELS[flags & 0x3f]!;
}

export function isFlagName(value: unknown): value is FlagName {
  return typeof value === 'string' && (FLAG_NAMES as readonly string[]).includes(value);
}

/**
 * TCP options in wire order, so that a rendering shows them as tcpdump does
 * (`[mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7]`).
 */
export type TcpOption =
  | { kind: 'mss'; value: number }
  | { kind: 'wscale'; shift: number }
  | { kind: 'sackOK' }
  | { kind: 'ts'; val: number; ecr: number }
  | { kind: 'nop' }
  | { kind: 'eol' };

export interface Address {
  ip: string;
  port: number;
}

export type Side = 'client' | 'server';

export function otherSide(side: Side): Side {
  return side === 'client' ? 'server' : 'client';
}

export interface Segment {
  /** Unique within a connection; the network's handle for deliver/drop/hold. */
  id: number;
  from: Side;
  to: Side;
  src: Address;
  dst: Address;
  seq: number;
  ack: number;
  flags: Flags;
  /** The raw 16-bit window field (scaled by the receiver after the handshake, RFC 7323 §2.3). */
  window: number;
  urgent_pointer: number;
  /** Payload length in octets (SEG.LEN without SYN and FIN). */
  length: number;
  /** Payload bytes, base64, when the caller supplied them; null when only a length is simulated. */
  payload: string | null;
  options: TcpOption[];
  sent_at_ms: number;
}

export function has(segment: { flags: Flags }, flag: number): boolean {
  return (segment.flags & flag) !== 0;
}

/** SEG.LEN: the octets the segment occupies in sequence space, SYN and FIN included (RFC 9293 §3.4). */
export function segLen(segment: { flags: Flags; length: number }): number {
  return segment.length + (segment.flags & SYN ? 1 : 0) + (segment.flags & FIN ? 1 : 0);
}

/** The sequence number just after the segment: SEG.SEQ + SEG.LEN. */
export function segEnd(segment: { seq: number; flags: Flags; length: number }): number {
  return seqAdd(segment.seq, segLen(segment));
}

export function optionMss(options: readonly TcpOption[]): number | null {
  const mss = options.find((o) => o.kind === 'mss');
  return mss && mss.kind === 'mss' ? mss.value : null;
}

export function optionWscale(options: readonly TcpOption[]): number | null {
  const ws = options.find((o) => o.kind === 'wscale');
  return ws && ws.kind === 'wscale' ? ws.shift : null;
}

export function optionSackPermitted(options: readonly TcpOption[]): boolean {
  return options.some((o) => o.kind === 'sackOK');
}

export function optionTimestamp(options: readonly TcpOption[]): { val: number; ecr: number } | null {
  // A plain loop rather than find with a closure: this runs for every segment that arrives.
  for (const o of options) if (o.kind === 'ts') return { val: o.val, ecr: o.ecr };
  return null;
}
