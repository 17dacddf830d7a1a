import type { Side } from './segment';
import type { State } from './state';
import type { EventCode } from './codes';

export type EventKind =
  | 'call'
  | 'send'
  | 'receive'
  | 'drop'
  | 'transition'
  | 'timer'
  | 'error'
  | 'network'
  | 'owe';

export type EventParams = Record<string, number | string | boolean | null>;

/**
 * The differences between the linux profile and Linux that docs/linux-differences.md lists and an event can show,
 * by their entry number there: data past the window's right edge (7), the advertised window (9), D-SACK (16), the
 * congestion window (20). An event of the linux profile where one applies carries `linux_difference`, and its
 * explanation says what Linux does instead.
 */
export type LinuxDifference = 7 | 9 | 16 | 20;

/**
 * One thing that happened in a step, as data: the message shown to a reader
 * is rendered from `code` and `params` (render/messages.ts), in English or
 * Chinese, never stored.
 */
export interface TcpEvent {
  at_ms: number;
  /** The endpoint it happened at, or null for the network itself. */
  endpoint: Side | null;
  kind: EventKind;
  from_state: State | null;
  to_state: State | null;
  segment_id: number | null;
  code: EventCode;
  params: EventParams;
  /** The RFC section the rule comes from, e.g. "RFC 9293 §3.10.7.2". */
  rfc: string;
}
