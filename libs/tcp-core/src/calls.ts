/**
 * User calls — RFC 9293 §3.10.1 to §3.10.6: OPEN, SEND, RECEIVE, CLOSE,
 * ABORT, STATUS, for every state. A call the RFC refuses is a normal result
 * carrying the RFC's error text, never an exception.
 *
 * CLOSE comes in two calls, as the sockets API has it. `shutdown` is the RFC's
 * CLOSE, "I have no more data to send" (§3.6: "We have chosen to treat CLOSE in
 * a simplex fashion"), what shutdown(SHUT_WR) does. `close` is the application
 * giving up its socket: in the rfc9293 and rfc793 profiles the same simplex
 * CLOSE; in the linux profile Linux's close(), the "half-duplex" close that
 * §3.6.1 allows (MAY-1) — the application reads nothing more, so unread or
 * newly arriving data is answered with RST (SHLD-2), and the orphaned socket
 * gives up FIN_WAIT_2 after tcp_fin_timeout.
 */
import type { EventCode } from './codes';
import type { EventParams } from './events';
import { ep, record, rfc9293, transition, withLinuxDifference, type Context } from './context';
import { concatPayloads } from './payload';
import { ackAfterRead, delaysAcks } from './delack';
import { buildSegment, finFits, inUrgentMode, linuxSender, linuxWrite, pushQueued, sendAck, sendNew, transmit } from './output';
import { ACK, RST, SYN, type Side } from './segment';
import { seqDiff } from './sequence';
import { chooseIss, deleteTcb, newTcb } from './tcb-lifecycle';
import { startFinWait2Timeout } from './timers';
import { offerWindow, queuedOctets, unreadOctets, windowField, type DataChunk, type Tcb } from './tcb';

/** Citations, built once per module: every event carries one. */
const RFC9293_3_8_6_2_2 = rfc9293('3.8.6.2.2');
const RFC9293_3_6_1 = rfc9293('3.6.1');
const RFC9293_3_10_1 = rfc9293('3.10.1');
const RFC9293_3_10_2 = rfc9293('3.10.2');
const RFC9293_3_10_3 = rfc9293('3.10.3');
const RFC9293_3_10_4 = rfc9293('3.10.4');
const RFC9293_3_10_5 = rfc9293('3.10.5');
const RFC9293_3_10_6 = rfc9293('3.10.6');

export const CALLS = ['listen', 'connect', 'send', 'receive', 'close', 'shutdown', 'abort', 'status'] as const;
export type CallName = (typeof CALLS)[number];

/** The RFC's error responses to a call (§3.10), as stable codes. */
export type CallError = 'CONNECTION_DOES_NOT_EXIST' | 'CONNECTION_ALREADY_EXISTS' | 'CONNECTION_CLOSING';

export const CALL_ERROR_TEXT: Record<CallError, string> = {
  CONNECTION_DOES_NOT_EXIST: 'error: connection does not exist',
  CONNECTION_ALREADY_EXISTS: 'error: connection already exists',
  CONNECTION_CLOSING: 'error: connection closing',
};

export interface SendData {
  /** Octets to send; with `payload`, must equal its decoded length. */
  length: number;
  /** The octets themselves, base64; null simulates `length` octets of unspecified content. */
  payload: string | null;
  /** PSH on the last segment of this SEND, as Linux sets it for every write (default true). */
  push: boolean;
  /** Mark the data urgent (URG, RFC 9293 §3.8.5). */
  urgent: boolean;
}

export interface Received {
  length: number;
  payload: string | null;
}

export interface Status {
  state: string;
  snd_una: number | null;
  snd_nxt: number | null;
  rcv_nxt: number | null;
  snd_wnd: number | null;
  rcv_wnd: number | null;
  queued_to_send: number;
  waiting_to_be_read: number;
}

export type CallResult =
  | { ok: true; received?: Received; status?: Status }
  | { ok: false; error: CallError };

const OK: CallResult = { ok: true };

/** A SYN carries no data (no TCP Fast Open). */
const NO_DATA = { length: 0, payload: null, push: false };

function refuse(ctx: Context, side: Side, call: CallName, error: CallError, section: string, orphaned = false): CallResult {
  const params: EventParams = { call, text: CALL_ERROR_TEXT[error] };
  // Refused because the linux profile's close() gave the socket up: the explanation says so.
  if (orphaned) params['orphaned'] = true;
  record(ctx, side, 'error', `CALL_REFUSED_${error}` as EventCode, rfc9293(section), params);
  return { ok: false, error };
}

export function userCall(ctx: Context, side: Side, call: CallName, data: SendData | null): CallResult {
  switch (call) {
    case 'listen':
      return open(ctx, side, 'passive');
    case 'connect':
      return open(ctx, side, 'active');
    case 'send':
      return send(ctx, side, data ?? { length: 0, payload: null, push: true, urgent: false });
    case 'receive':
      return receive(ctx, side);
    case 'close':
      return ctx.conn.config.profile === 'linux' ? closeSocket(ctx, side) : close(ctx, side, 'close');
    case 'shutdown':
      return close(ctx, side, 'shutdown');
    case 'abort':
      return abort(ctx, side, true);
    case 'status':
      return status(ctx, side);
  }
}

/** The active OPEN's SYN: <SEQ=ISS><CTL=SYN>, SND.UNA = ISS, SND.NXT = ISS+1 (§3.10.1). */
function sendSyn(ctx: Context, side: Side): Tcb {
  const iss = chooseIss(ctx, side);
  const tcb = newTcb(ctx, side, iss);
  ep(ctx, side).opened = 'active';
  return tcb;
}

/** OPEN (§3.10.1). */
function open(ctx: Context, side: Side, mode: 'passive' | 'active'): CallResult {
  const e = ep(ctx, side);
  if (e.state !== 'CLOSED') return refuse(ctx, side, mode === 'passive' ? 'listen' : 'connect', 'CONNECTION_ALREADY_EXISTS', '3.10.1');
  if (mode === 'passive') {
    transition(ctx, side, 'LISTEN', 'OPEN_PASSIVE_TO_LISTEN', RFC9293_3_10_1, { port: e.config.port });
    return OK;
  }
  const tcb = sendSyn(ctx, side);
  transition(ctx, side, 'SYN_SENT', 'OPEN_ACTIVE_TO_SYN_SENT', RFC9293_3_10_1, { iss: tcb.iss });
  sendNew(ctx, side, SYN, NO_DATA, false, 'OPEN_ACTIVE_TO_SYN_SENT');
  return OK;
}

/** The send queue's own copy of a SEND's data, written out by hand: spreads are slow on this hot path. */
function chunkOf(data: SendData): DataChunk {
  return { length: data.length, payload: data.payload, push: data.push, urgent: data.urgent };
}

/** Linux's initial congestion window, TCP_INIT_CWND (RFC 6928): 10 segments. */
const LINUX_INITIAL_CWND = 10;

/** More data unacknowledged and queued than Linux's initial congestion window lets go at once (no congestion control here). */
function beyondInitialCwnd(tcb: Tcb, length: number): boolean {
  return seqDiff(tcb.snd_nxt, tcb.snd_una) + queuedOctets(tcb) + length > LINUX_INITIAL_CWND * tcb.snd_mss;
}

/** SEND (§3.10.2). */
function send(ctx: Context, side: Side, data: SendData): CallResult {
  const e = ep(ctx, side);
  const params = { length: data.length, push: data.push, urgent: data.urgent };
  switch (e.state) {
    case 'CLOSED':
      return refuse(ctx, side, 'send', 'CONNECTION_DOES_NOT_EXIST', '3.10.2');
    case 'LISTEN': {
      // "If the remote socket is specified, then change the connection from passive to active, select an ISS."
      const tcb = sendSyn(ctx, side);
      // A SEND of no octets has nothing to queue: it only turns the passive open into an active one.
      if (data.length > 0) tcb.send_queue.push(chunkOf(data));
      transition(ctx, side, 'SYN_SENT', 'SEND_LISTEN_TO_SYN_SENT', RFC9293_3_10_2, { length: data.length, push: data.push, urgent: data.urgent, iss: tcb.iss });
      sendNew(ctx, side, SYN, NO_DATA, false, 'SEND_LISTEN_TO_SYN_SENT');
      return OK;
    }
    case 'SYN_SENT':
    case 'SYN_RECEIVED':
      if (e.tcb!.fin_queued) return refuse(ctx, side, 'send', 'CONNECTION_CLOSING', '3.10.2');
      // "Queue the data for transmission after entering ESTABLISHED state."
      e.tcb!.send_queue.push(chunkOf(data));
      record(ctx, side, 'call', 'SEND_QUEUED_UNTIL_ESTABLISHED', RFC9293_3_10_2, params);
      return OK;
    case 'ESTABLISHED':
    case 'CLOSE_WAIT':
      // "Segmentize the buffer and send it with a piggybacked acknowledgment (acknowledgment value = RCV.NXT)."
      record(ctx, side, 'call', 'SEND_DATA', RFC9293_3_10_2, beyondInitialCwnd(e.tcb!, data.length) ? withLinuxDifference(ctx, 20, params) : params);
      // The linux profile writes as Linux's tcp_sendmsg does, which may hold small segments back (output.ts).
      if (linuxSender(ctx)) linuxWrite(ctx, side, data);
      else {
        e.tcb!.send_queue.push(chunkOf(data));
        pushQueued(ctx, side, false);
      }
      return OK;
    default:
      // FIN-WAIT-1, FIN-WAIT-2, CLOSING, LAST-ACK, TIME-WAIT: "Return 'error: connection closing'".
      return refuse(ctx, side, 'send', 'CONNECTION_CLOSING', '3.10.2');
  }
}

/**
 * Linux keeps what arrived before the peer's FIN readable after its own FIN has gone out too (tcp_recvmsg reads the
 * receive queue in any state); RFC 9293 §3.10.3 refuses RECEIVE in CLOSING, LAST-ACK and TIME-WAIT, as if all had
 * been read by then. The linux profile treats them as CLOSE-WAIT: "RECEIVEs ... satisfied by text already on hand".
 */
function readsAfterPeerFin(ctx: Context, state: string): boolean {
  return state === 'CLOSE_WAIT' || (ctx.conn.config.profile === 'linux' && (state === 'CLOSING' || state === 'LAST_ACK' || state === 'TIME_WAIT'));
}

/** RECEIVE (§3.10.3): hand the user what has arrived in order. */
function receive(ctx: Context, side: Side): CallResult {
  const e = ep(ctx, side);
  switch (e.state) {
    case 'CLOSED':
      return refuse(ctx, side, 'receive', 'CONNECTION_DOES_NOT_EXIST', '3.10.3');
    case 'CLOSING':
    case 'LAST_ACK':
    case 'TIME_WAIT':
      if (!readsAfterPeerFin(ctx, e.state)) return refuse(ctx, side, 'receive', 'CONNECTION_CLOSING', '3.10.3');
      break;
    default:
      break;
  }
  const tcb = e.tcb;
  // The linux profile's close() gave up the socket: nothing reads from it any more (RFC 9293 §3.6.1, MAY-1).
  if (tcb?.orphaned) return refuse(ctx, side, 'receive', 'CONNECTION_CLOSING', '3.6.1', true);
  const unread = tcb ? unreadOctets(tcb) : 0;
  if (readsAfterPeerFin(ctx, e.state) && unread === 0) {
    // "If no text is awaiting delivery, the RECEIVE will get an 'error: connection closing' response."
    return refuse(ctx, side, 'receive', 'CONNECTION_CLOSING', '3.10.3');
  }
  if (!tcb || unread === 0) {
    record(ctx, side, 'call', 'RECEIVE_NOTHING_YET', RFC9293_3_10_3);
    return { ok: true, received: { length: 0, payload: null } };
  }
  const chunks = tcb.receive_queue;
  const payload = chunks.every((c) => c.payload !== null)
    ? concatPayloads(chunks.map((c) => c.payload!))
    : null;
  const windowBefore = windowField(tcb, false);
  tcb.receive_queue = [];
  offerWindow(tcb, e.config.window);
  // RFC 9293 §3.8.6.2.2: tell the peer when the window has opened by at least min(buffer/2, MSS).
  const grown = (windowField(tcb, false) - windowBefore) * 2 ** tcb.rcv_wscale;
  const rfcUpdate = grown >= Math.min(e.config.window / 2, e.config.mss);
  if (!delaysAcks(ctx)) {
    record(ctx, side, 'call', 'RECEIVE_DATA', RFC9293_3_10_3, { length: unread, rcv_wnd: tcb.rcv_wnd });
    if (rfcUpdate) {
      record(ctx, side, 'send', 'WINDOW_UPDATE', RFC9293_3_8_6_2_2, { rcv_wnd: tcb.rcv_wnd });
      sendAck(ctx, side, 'WINDOW_UPDATE');
    }
    return { ok: true, received: { length: unread, payload } };
  }
  // The linux profile: Linux's rule after a read (delack.ts ackAfterRead, tcp_cleanup_rbuf), which the events name
  // where it differs from RFC 9293's.
  const linuxAck = ackAfterRead(e, tcb, unread, e.config.window);
  // In CLOSING, LAST-ACK and TIME-WAIT (readsAfterPeerFin) the read itself is Linux's, not the RFC's; no window
  // update follows there (ackAfterRead: nothing more will come), which is no news once the peer's FIN is in.
  const afterOwnFin = e.state === 'CLOSING' || e.state === 'LAST_ACK' || e.state === 'TIME_WAIT';
  // In CLOSE-WAIT Linux announces no window either, for another reason than the doubling rule: the peer's FIN is in.
  const withheld = rfcUpdate && linuxAck === null && !afterOwnFin;
  const finIn = withheld && e.state === 'CLOSE_WAIT';
  record(
    ctx,
    side,
    'call',
    'RECEIVE_DATA',
    afterOwnFin ? 'Linux tcp_recvmsg' : RFC9293_3_10_3,
    afterOwnFin
      ? { length: unread, rcv_wnd: tcb.rcv_wnd, after_own_fin: true }
      : withheld
        ? { length: unread, rcv_wnd: tcb.rcv_wnd, window_update_withheld: finIn ? 'fin_received' : 'not_doubled' }
        : { length: unread, rcv_wnd: tcb.rcv_wnd },
  );
  if (linuxAck === 'WINDOW_UPDATE') {
    record(ctx, side, 'send', 'WINDOW_UPDATE', 'Linux tcp_cleanup_rbuf', { rcv_wnd: tcb.rcv_wnd, doubled: true });
  } else if (linuxAck) {
    record(ctx, side, 'send', linuxAck, 'Linux tcp_cleanup_rbuf', { rcv_nxt: tcb.rcv_nxt });
  }
  if (linuxAck) sendAck(ctx, side, linuxAck);
  return { ok: true, received: { length: unread, payload } };
}

/** A CLOSE event's params, marked when the call was `shutdown`, whose explanation names shutdown(SHUT_WR). */
function closeParams(call: 'close' | 'shutdown', params: EventParams): EventParams {
  if (call === 'shutdown') params['shutdown'] = true;
  return params;
}

/** CLOSE (§3.10.4): "I have no more to send" — the other direction stays open (half-close). */
function close(ctx: Context, side: Side, call: 'close' | 'shutdown'): CallResult {
  const e = ep(ctx, side);
  const rfc = RFC9293_3_10_4;
  switch (e.state) {
    case 'CLOSED':
      return refuse(ctx, side, call, 'CONNECTION_DOES_NOT_EXIST', '3.10.4');
    case 'LISTEN':
    case 'SYN_SENT':
      // "Delete the TCB, enter CLOSED state, and return."
      deleteTcb(ctx, side);
      transition(ctx, side, 'CLOSED', e.state === 'LISTEN' ? 'CLOSE_LISTEN_TO_CLOSED' : 'CLOSE_SYN_SENT_TO_CLOSED', rfc);
      return OK;
    case 'SYN_RECEIVED': {
      const tcb = e.tcb!;
      if (tcb.fin_queued) return refuse(ctx, side, call, 'CONNECTION_CLOSING', '3.10.4');
      tcb.fin_queued = true;
      if (tcb.send_queue.length > 0) {
        // "otherwise, queue for processing after entering ESTABLISHED state."
        record(ctx, side, 'call', 'CLOSE_DEFERRED_UNTIL_ESTABLISHED', rfc);
        return OK;
      }
      // "If no SENDs have been issued and there is no pending data to send, then form a FIN segment and send it".
      transition(ctx, side, 'FIN_WAIT_1', 'CLOSE_TO_FIN_WAIT_1', rfc, closeParams(call, { snd_nxt: tcb.snd_nxt }));
      pushQueued(ctx, side, false);
      return OK;
    }
    case 'ESTABLISHED':
    case 'CLOSE_WAIT': {
      // ESTABLISHED: "form a FIN segment and send it. In any case, enter FIN-WAIT-1 state."
      // CLOSE-WAIT: "send a FIN segment, enter LAST-ACK state" — the passive closer's turn.
      const tcb = e.tcb!;
      tcb.fin_queued = true;
      const established = e.state === 'ESTABLISHED';
      const queued = queuedOctets(tcb);
      transition(
        ctx,
        side,
        established ? 'FIN_WAIT_1' : 'LAST_ACK',
        established ? 'CLOSE_TO_FIN_WAIT_1' : 'CLOSE_TO_LAST_ACK',
        rfc,
        // A FIN that finds the peer's window full waits for it (output.ts finFits); the explanation says so, and
        // that a shutdown keeps receiving.
        closeParams(call, queued === 0 && !finFits(tcb) ? { snd_nxt: tcb.snd_nxt, queued, fin_held: true } : { snd_nxt: tcb.snd_nxt, queued }),
      );
      pushQueued(ctx, side, false);
      return OK;
    }
    default:
      // FIN-WAIT-1, FIN-WAIT-2, CLOSING, LAST-ACK, TIME-WAIT: "Respond with 'error: connection closing'".
      return refuse(ctx, side, call, 'CONNECTION_CLOSING', '3.10.4');
  }
}

/**
 * The linux profile's close() (Linux tcp_close): the application gives up its socket. Unread data is lost, and
 * RFC 9293 §3.6.1 says "its TCP implementation SHOULD send an RST to show that data was lost" (SHLD-2, after
 * RFC 1122 §4.2.2.13 and RFC 2525 §2.17): RST,ACK and CLOSED. Otherwise it is the RFC's CLOSE — or nothing to
 * send, after shutdown() already sent the FIN — and the socket is orphaned: what arrives is read by nobody
 * (arrive.ts answers new data with RST), and FIN_WAIT_2 ends after tcp_fin_timeout (timers.ts).
 */
function closeSocket(ctx: Context, side: Side): CallResult {
  const e = ep(ctx, side);
  const tcb = e.tcb;
  if (!tcb || e.state === 'SYN_SENT' || e.state === 'LISTEN') return close(ctx, side, 'close');
  if (tcb.orphaned) return refuse(ctx, side, 'close', 'CONNECTION_CLOSING', '3.10.4', true);
  // Linux counts the octets of its receive queue, not the FIN (tcp_close: data_was_unread). In TIME-WAIT its
  // application's socket is already CLOSE (tcp_time_wait handed the connection to a time-wait socket): no reset.
  const unread = unreadOctets(tcb);
  if (unread > 0 && e.state !== 'TIME_WAIT') {
    const reset = buildSegment(ctx, side, inUrgentMode(ctx, tcb, { seq: tcb.snd_nxt, ack: tcb.rcv_nxt, flags: RST | ACK, length: 0, payload: null, urgent_pointer: 0 }));
    deleteTcb(ctx, side);
    transition(ctx, side, 'CLOSED', 'CLOSE_UNREAD_DATA_RESET', RFC9293_3_6_1, { unread, rst_seq: reset.seq, rst_ack: reset.ack });
    transmit(ctx, reset);
    return OK;
  }
  switch (e.state) {
    case 'SYN_RECEIVED':
    case 'ESTABLISHED':
    case 'CLOSE_WAIT': {
      const result = close(ctx, side, 'close');
      const after = ep(ctx, side).tcb;
      if (result.ok && after) after.orphaned = true;
      return result;
    }
    default: {
      // After shutdown(): the FIN is out or queued already, so close() sends nothing (tcp_close_state keeps the state).
      tcb.orphaned = true;
      record(ctx, side, 'call', 'CLOSE_AFTER_SHUTDOWN', 'Linux tcp_close', { fin_wait_2: e.state === 'FIN_WAIT_2' });
      if (e.state === 'FIN_WAIT_2') startFinWait2Timeout(ctx, e);
      return OK;
    }
  }
}

/** ABORT (§3.10.5). `withAck` chooses Linux's RST,ACK or the RFC's bare RST; both are conforming. */
export function abort(ctx: Context, side: Side, withAck: boolean): CallResult {
  const e = ep(ctx, side);
  const rfc = RFC9293_3_10_5;
  switch (e.state) {
    case 'CLOSED':
      return refuse(ctx, side, 'abort', 'CONNECTION_DOES_NOT_EXIST', '3.10.5');
    case 'LISTEN':
    case 'SYN_SENT':
    case 'CLOSING':
    case 'LAST_ACK':
    case 'TIME_WAIT':
      // No RST: LISTEN and SYN-SENT have no synchronized peer; the closing states "respond with 'ok'".
      deleteTcb(ctx, side);
      transition(ctx, side, 'CLOSED', 'ABORT_WITHOUT_RST', rfc);
      return OK;
    default: {
      // "Send a reset segment: <SEQ=SND.NXT><CTL=RST>". Linux (tcp_send_active_reset) also sets ACK with RCV.NXT.
      const tcb = e.tcb!;
      const reset = buildSegment(ctx, side, inUrgentMode(ctx, tcb, {
        seq: tcb.snd_nxt,
        ack: withAck ? tcb.rcv_nxt : 0,
        flags: withAck ? RST | ACK : RST,
        length: 0,
        payload: null,
        urgent_pointer: 0,
      }));
      deleteTcb(ctx, side);
      transition(ctx, side, 'CLOSED', 'ABORT_SENDS_RST', rfc, { rst_seq: reset.seq, rst_ack: reset.ack });
      transmit(ctx, reset);
      return OK;
    }
  }
}

/** STATUS (§3.10.6). */
function status(ctx: Context, side: Side): CallResult {
  const e = ep(ctx, side);
  if (e.state === 'CLOSED') return refuse(ctx, side, 'status', 'CONNECTION_DOES_NOT_EXIST', '3.10.6');
  const tcb = e.tcb;
  record(ctx, side, 'call', 'STATUS', RFC9293_3_10_6);
  return {
    ok: true,
    status: {
      state: e.state,
      snd_una: tcb?.snd_una ?? null,
      snd_nxt: tcb?.snd_nxt ?? null,
      rcv_nxt: tcb?.rcv_nxt ?? null,
      snd_wnd: tcb?.snd_wnd ?? null,
      rcv_wnd: tcb?.rcv_wnd ?? null,
      queued_to_send: tcb ? queuedOctets(tcb) : 0,
      waiting_to_be_read: tcb ? unreadOctets(tcb) : 0,
    },
  };
}
