/**
 * The eleven connection states of RFC 9293 §3.3.2, spelled as tools print
 * them (underscores instead of the RFC's hyphens).
 */
export const STATES = [
  'CLOSED',
  'LISTEN',
  'SYN_SENT',
  'SYN_RECEIVED',
  'ESTABLISHED',
  'FIN_WAIT_1',
  'FIN_WAIT_2',
  'CLOSE_WAIT',
  'CLOSING',
  'LAST_ACK',
  'TIME_WAIT',
] as const;

export type State = (typeof STATES)[number];

/**
 * States in which both sequence spaces are known (RFC 9293 §3.5: "once the
 * connection is in the ESTABLISHED state ... synchronized"); SYN_RECEIVED
 * counts because ISS and IRS are both set there (§3.10.7.4 groups it with them).
 */
export const SYNCHRONIZED_STATES: ReadonlySet<State> = new Set<State>([
  'SYN_RECEIVED',
  'ESTABLISHED',
  'FIN_WAIT_1',
  'FIN_WAIT_2',
  'CLOSE_WAIT',
  'CLOSING',
  'LAST_ACK',
  'TIME_WAIT',
]);

export function isSynchronized(state: State): boolean {
  return SYNCHRONIZED_STATES.has(state);
}

export function isState(value: unknown): value is State {
  return typeof value === 'string' && (STATES as readonly string[]).includes(value);
}

/**
 * Does an endpoint in this state put queued SEND data on the wire, and the
 * FIN a CLOSE queued behind it? One line per state, each with the rule it
 * comes from, so that a reader of a state's rules finds this one with them;
 * output.ts (pushQueued) and validate.ts (manual mode) both read it.
 */
export const TRANSMITS_QUEUED: Readonly<Record<State, boolean>> = {
  // No TCB, nothing queued.
  CLOSED: false,
  // §3.10.2: SEND in LISTEN sends a SYN and queues the data until ESTABLISHED.
  LISTEN: false,
  // §3.10.2: "Queue the data for transmission after entering ESTABLISHED state."
  SYN_SENT: false,
  SYN_RECEIVED: false,
  // §3.10.2: "Segmentize the buffer and send it with a piggybacked acknowledgment."
  ESTABLISHED: true,
  CLOSE_WAIT: true,
  // §3.10.4: after CLOSE the FIN is sent only once "all preceding SENDs have been segmentized";
  // §3.10.7.4: FIN-WAIT-1, CLOSING and LAST-ACK do the ESTABLISHED state's processing "in addition"
  // to their own, so what the window held back still goes out from each of them.
  FIN_WAIT_1: true,
  CLOSING: true,
  LAST_ACK: true,
  // Our FIN has been acknowledged: everything before it was sent.
  FIN_WAIT_2: false,
  TIME_WAIT: false,
};

/** TRANSMITS_QUEUED as a set, for pushQueued on every segment: Set.has is faster there than a keyed read of the record (measured with bench:core). */
const TRANSMITTING: ReadonlySet<State> = new Set<State>(STATES.filter((s) => TRANSMITS_QUEUED[s]));

export function transmitsQueued(state: State): boolean {
  return TRANSMITTING.has(state);
}
