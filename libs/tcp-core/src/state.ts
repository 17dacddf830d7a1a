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
