import type { State } from './state';

/**
 * The legal edges of the RFC 9293 state diagram (§3.3.2, Figure 5), plus the
 * edges the event-processing text adds (§3.10: resets, aborts, timeouts).
 * This table is the single description of which transitions exist: the core
 * is checked against it (a property test), it answers "what can this endpoint
 * do now?", and the state diagram is drawn from it.
 */
export interface Edge {
  readonly from: State;
  readonly to: State;
  /** What causes the transition, in the diagram's words. */
  readonly cause: string;
  /** What the endpoint sends when it takes the edge, if anything. */
  readonly sends: string | null;
  readonly rfc: string;
}

const SYNCHRONIZED_ABORTABLE: readonly State[] = [
  'SYN_RECEIVED',
  'ESTABLISHED',
  'FIN_WAIT_1',
  'FIN_WAIT_2',
  'CLOSE_WAIT',
];

export const EDGES: readonly Edge[] = [
  { from: 'CLOSED', to: 'LISTEN', cause: 'passive OPEN', sends: null, rfc: '3.10.1' },
  { from: 'CLOSED', to: 'SYN_SENT', cause: 'active OPEN', sends: 'SYN', rfc: '3.10.1' },
  { from: 'LISTEN', to: 'SYN_RECEIVED', cause: 'rcv SYN', sends: 'SYN,ACK', rfc: '3.10.7.2' },
  { from: 'LISTEN', to: 'SYN_SENT', cause: 'SEND', sends: 'SYN', rfc: '3.10.2' },
  { from: 'LISTEN', to: 'CLOSED', cause: 'CLOSE', sends: null, rfc: '3.10.4' },
  { from: 'LISTEN', to: 'CLOSED', cause: 'ABORT', sends: null, rfc: '3.10.5' },
  { from: 'SYN_SENT', to: 'SYN_RECEIVED', cause: 'rcv SYN (simultaneous open)', sends: 'SYN,ACK', rfc: '3.10.7.3' },
  { from: 'SYN_SENT', to: 'ESTABLISHED', cause: 'rcv SYN,ACK', sends: 'ACK', rfc: '3.10.7.3' },
  { from: 'SYN_SENT', to: 'CLOSED', cause: 'CLOSE', sends: null, rfc: '3.10.4' },
  { from: 'SYN_SENT', to: 'CLOSED', cause: 'ABORT', sends: null, rfc: '3.10.5' },
  { from: 'SYN_SENT', to: 'CLOSED', cause: 'rcv RST acking our SYN', sends: null, rfc: '3.10.7.3' },
  { from: 'SYN_RECEIVED', to: 'ESTABLISHED', cause: 'rcv ACK of SYN', sends: null, rfc: '3.10.7.4' },
  { from: 'SYN_RECEIVED', to: 'FIN_WAIT_1', cause: 'CLOSE', sends: 'FIN', rfc: '3.10.4' },
  { from: 'SYN_RECEIVED', to: 'LISTEN', cause: 'rcv RST (passive open)', sends: null, rfc: '3.10.7.4' },
  { from: 'SYN_RECEIVED', to: 'LISTEN', cause: 'rcv SYN (passive open)', sends: null, rfc: '3.10.7.4' },
  // Linux answers that SYN with a reset (tcp_check_req): the linux profile's variant of the edge above.
  { from: 'SYN_RECEIVED', to: 'LISTEN', cause: 'rcv SYN (passive open, Linux profile)', sends: 'RST', rfc: '3.10.7.4' },
  { from: 'SYN_RECEIVED', to: 'LISTEN', cause: 'retransmission limit (passive open)', sends: null, rfc: '3.8.3' },
  { from: 'SYN_RECEIVED', to: 'CLOSED', cause: 'rcv RST (active open)', sends: null, rfc: '3.10.7.4' },
  { from: 'SYN_RECEIVED', to: 'CLOSE_WAIT', cause: 'rcv FIN', sends: 'ACK', rfc: '3.10.7.4' },
  { from: 'ESTABLISHED', to: 'FIN_WAIT_1', cause: 'CLOSE', sends: 'FIN', rfc: '3.10.4' },
  { from: 'ESTABLISHED', to: 'CLOSE_WAIT', cause: 'rcv FIN', sends: 'ACK', rfc: '3.10.7.4' },
  { from: 'FIN_WAIT_1', to: 'FIN_WAIT_2', cause: 'rcv ACK of FIN', sends: null, rfc: '3.10.7.4' },
  { from: 'FIN_WAIT_1', to: 'CLOSING', cause: 'rcv FIN', sends: 'ACK', rfc: '3.10.7.4' },
  { from: 'FIN_WAIT_1', to: 'TIME_WAIT', cause: 'rcv FIN,ACK acking our FIN', sends: 'ACK', rfc: '3.10.7.4' },
  { from: 'FIN_WAIT_2', to: 'TIME_WAIT', cause: 'rcv FIN', sends: 'ACK', rfc: '3.10.7.4' },
  { from: 'CLOSE_WAIT', to: 'LAST_ACK', cause: 'CLOSE', sends: 'FIN', rfc: '3.10.4' },
  { from: 'CLOSING', to: 'TIME_WAIT', cause: 'rcv ACK of FIN', sends: null, rfc: '3.10.7.4' },
  { from: 'LAST_ACK', to: 'CLOSED', cause: 'rcv ACK of FIN', sends: null, rfc: '3.10.7.4' },
  { from: 'TIME_WAIT', to: 'CLOSED', cause: 'timeout = 2MSL', sends: null, rfc: '3.10.8' },
  // Not in RFC 9293, whose FIN-WAIT-2 waits for ever: the linux profile's tcp_fin_timeout (timers.ts).
  { from: 'FIN_WAIT_2', to: 'CLOSED', cause: 'timeout = tcp_fin_timeout (Linux profile)', sends: null, rfc: '3.10.8' },
  // RFC 9293 §3.6.1's "half-duplex" close (MAY-1, SHLD-2), which the linux profile's close() is (Linux tcp_close,
  // tcp_rcv_state_process): received data lost at the close, or arriving after it, is answered with RST.
  ...(['ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK'] as const).map(
    (from): Edge => ({ from, to: 'CLOSED', cause: 'close() with unread data (Linux profile)', sends: 'RST', rfc: '3.6.1' }),
  ),
  ...(['FIN_WAIT_1', 'FIN_WAIT_2'] as const).map(
    (from): Edge => ({ from, to: 'CLOSED', cause: 'rcv data after close() (Linux profile)', sends: 'RST', rfc: '3.6.1' }),
  ),
  ...SYNCHRONIZED_ABORTABLE.map(
    (from): Edge => ({ from, to: 'CLOSED', cause: 'ABORT', sends: 'RST', rfc: '3.10.5' }),
  ),
  ...(['ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK', 'TIME_WAIT'] as const).map(
    (from): Edge => ({ from, to: 'CLOSED', cause: 'rcv RST', sends: null, rfc: '3.10.7.4' }),
  ),
  ...(['SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK', 'TIME_WAIT'] as const).map(
    (from): Edge => ({ from, to: 'CLOSED', cause: 'rcv SYN in window (RFC 793 profile)', sends: 'RST', rfc: '3.10.7.4' }),
  ),
  ...(['CLOSING', 'LAST_ACK', 'TIME_WAIT'] as const).map(
    (from): Edge => ({ from, to: 'CLOSED', cause: 'ABORT', sends: null, rfc: '3.10.5' }),
  ),
  // Linux gives up silently (tcp_write_err): no RST is sent.
  ...(['SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK'] as const).map(
    (from): Edge => ({ from, to: 'CLOSED', cause: 'retransmission limit', sends: null, rfc: '3.8.3' }),
  ),
  ...(['SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK'] as const).map(
    (from): Edge => ({ from, to: 'CLOSED', cause: 'user timeout', sends: null, rfc: '3.10.8' }),
  ),
];

/** Is `from → to` an edge of the diagram? */
export function isLegalTransition(from: State, to: State): boolean {
  return EDGES.some((edge) => edge.from === from && edge.to === to);
}

/** The edges an endpoint in `state` can take next. */
export function edgesFrom(state: State): Edge[] {
  return EDGES.filter((edge) => edge.from === state);
}
