/**
 * The scenario catalogue, in teaching order: open, close, the anomalies that
 * explain the handshake and TIME_WAIT, then data.
 */
import { CONNECTION_REFUSED, LOST_SYN_RETRANSMISSION, OLD_DUPLICATE_SYN, SIMULTANEOUS_OPEN, THREE_WAY_HANDSHAKE } from './opening';
import { FOUR_WAY_TEARDOWN, HALF_CLOSE, RST_ABORT, SERVER_CLOSES_FIRST, SIMULTANEOUS_CLOSE, THREE_SEGMENT_CLOSE } from './closing';
import { DELAYED_SEGMENT_AFTER_CLOSE, LOST_FINAL_ACK } from './time-wait';
import { DATA_TRANSFER_WITH_PUSH, SEQUENCE_WRAPAROUND } from './data';
import type { Scenario } from './types';

export const SCENARIOS: readonly Scenario[] = [
  THREE_WAY_HANDSHAKE,
  FOUR_WAY_TEARDOWN,
  SERVER_CLOSES_FIRST,
  THREE_SEGMENT_CLOSE,
  HALF_CLOSE,
  SIMULTANEOUS_OPEN,
  SIMULTANEOUS_CLOSE,
  CONNECTION_REFUSED,
  RST_ABORT,
  LOST_SYN_RETRANSMISSION,
  LOST_FINAL_ACK,
  OLD_DUPLICATE_SYN,
  DELAYED_SEGMENT_AFTER_CLOSE,
  DATA_TRANSFER_WITH_PUSH,
  SEQUENCE_WRAPAROUND,
];

const BY_ID: ReadonlyMap<string, Scenario> = new Map(SCENARIOS.map((s) => [s.id, s]));

/** The scenario with this id, or undefined (the service answers 404). */
export function scenario(id: string): Scenario | undefined {
  return BY_ID.get(id);
}
