/**
 * User calls — RFC 9293 §3.10.1 (OPEN) to §3.10.6 (STATUS), one describe per
 * state. A refused call is an outcome, not an exception: { ok: false, error:
 * { code: 'CALL_REFUSED', error, text } }, with the connection returned as it
 * was (the very same object) and nothing sent. Fixtures: ./fixtures
 * (client ISS 1000, server ISS 5000).
 */
import { step, type Connection, type Input, type Side } from '../src';
import {
  base64,
  call,
  closeWait,
  closed,
  closing,
  codes,
  deliverNext,
  drive,
  established,
  expectSegments,
  finWait1,
  finWait2,
  lastAck,
  listening,
  rules,
  send,
  sentBy,
  states,
  synReceived,
  synSent,
  timeWait,
  timer,
} from './fixtures';

type Refusal = 'CONNECTION_DOES_NOT_EXIST' | 'CONNECTION_ALREADY_EXISTS' | 'CONNECTION_CLOSING';

/** The RFC's own words (§3.10), spelled out here so that a changed text fails. */
const TEXT: Record<Refusal, string> = {
  CONNECTION_DOES_NOT_EXIST: 'error: connection does not exist',
  CONNECTION_ALREADY_EXISTS: 'error: connection already exists',
  CONNECTION_CLOSING: 'error: connection closing',
};

function expectRefused(connection: Connection, input: Input, error: Refusal): void {
  const r = step(connection, input);
  expect(r.outcome).toEqual({ ok: false, error: { code: 'CALL_REFUSED', error, text: TEXT[error] } });
  expect(r.connection).toBe(connection);
  expect(r.segments).toEqual([]);
  expect(codes(r.events)).toEqual([`CALL_REFUSED_${error}`]);
}

function callOn(side: Side, name: 'listen' | 'connect' | 'send' | 'receive' | 'close' | 'abort' | 'status'): Input {
  return name === 'send' ? send(side, 'data') : call(side, name);
}

const NOTHING_RECEIVED = { ok: true, received: { length: 0, payload: null } };

// ---------------------------------------------------------------------------
describe('CLOSED (RFC 9293 §3.10)', () => {
  it('listen in CLOSED → LISTEN, nothing sent', () => {
    const d = drive(closed(), call('server', 'listen'));
    expect(d.last.outcome).toEqual({ ok: true });
    expect(rules(d.last.events)).toEqual(['OPEN_PASSIVE_TO_LISTEN']);
    expect(d.last.segments).toEqual([]);
    expect(states(d.connection)).toEqual({ client: 'CLOSED', server: 'LISTEN' });
  });

  it('connect in CLOSED → SYN_SENT with <SEQ=ISS><CTL=SYN>, SND.UNA = ISS, SND.NXT = ISS+1, options in Linux order', () => {
    const d = drive(closed(), call('client', 'connect'));
    expect(rules(d.last.events)).toEqual(['OPEN_ACTIVE_TO_SYN_SENT']);
    expectSegments(d.last.segments, [{ from: 'client', flags: ['SYN'], seq: 1000, ack: 0, length: 0, window: 64240 }]);
    expect(d.last.segments[0]?.options.map((o) => o.kind)).toEqual(['mss', 'sackOK', 'ts', 'nop', 'wscale']);
    expect(d.connection.client.state).toBe('SYN_SENT');
    expect(d.connection.client.tcb).toMatchObject({ iss: 1000, snd_una: 1000, snd_nxt: 1001 });
    expect(timer(d.connection, 'client', 'retransmission')).toBe(1000);
  });

  it.each(['send', 'receive', 'close', 'abort', 'status'] as const)('%s in CLOSED → "error: connection does not exist"', (name) => {
    expectRefused(closed(), callOn('client', name), 'CONNECTION_DOES_NOT_EXIST');
  });
});

// ---------------------------------------------------------------------------
describe('LISTEN (RFC 9293 §3.10)', () => {
  it.each(['listen', 'connect'] as const)('%s in LISTEN → "error: connection already exists"', (name) => {
    // An active OPEN on a listener: RFC 9293 §3.10.1 would turn it active, Linux connect() answers EISCONN.
    expectRefused(listening(), callOn('server', name), 'CONNECTION_ALREADY_EXISTS');
  });

  it('send in LISTEN turns the listener active: SYN <SEQ=ISS> → SYN_SENT, the data sent once ESTABLISHED', () => {
    const opened = drive(closed(), call('client', 'listen'), call('server', 'listen'), send('server', 'hi'));
    expect(rules(opened.last.events)).toEqual(['SEND_LISTEN_TO_SYN_SENT']);
    expectSegments(opened.last.segments, [{ from: 'server', flags: ['SYN'], seq: 5000, ack: 0 }]);
    expect(states(opened.connection)).toEqual({ client: 'LISTEN', server: 'SYN_SENT' });

    const d = drive(opened.connection, deliverNext('server'), deliverNext('client'));
    expectSegments(d.segments, [
      { from: 'client', flags: ['SYN', 'ACK'], seq: 1000, ack: 5001 },
      { from: 'server', flags: ['ACK'], seq: 5001, ack: 1001 },
      { from: 'server', flags: ['PSH', 'ACK'], seq: 5001, ack: 1001, length: 2 },
    ]);
    expect(d.connection.server.state).toBe('ESTABLISHED');
  });

  it('receive in LISTEN returns nothing yet', () => {
    const d = drive(listening(), call('server', 'receive'));
    expect(d.last.outcome).toEqual(NOTHING_RECEIVED);
    expect(rules(d.last.events)).toEqual(['RECEIVE_NOTHING_YET']);
  });

  it('close in LISTEN → CLOSED, nothing sent', () => {
    const d = drive(listening(), call('server', 'close'));
    expect(rules(d.last.events)).toEqual(['CLOSE_LISTEN_TO_CLOSED']);
    expect(d.last.segments).toEqual([]);
    expect(d.connection.server.state).toBe('CLOSED');
  });

  it('abort in LISTEN → CLOSED without a RST', () => {
    const d = drive(listening(), call('server', 'abort'));
    expect(rules(d.last.events)).toEqual(['ABORT_WITHOUT_RST']);
    expect(d.last.segments).toEqual([]);
    expect(d.connection.server.state).toBe('CLOSED');
  });

  it('status in LISTEN: state, and no sequence variables yet', () => {
    const d = drive(listening(), call('server', 'status'));
    expect(d.last.outcome).toEqual({
      ok: true,
      status: { state: 'LISTEN', snd_una: null, snd_nxt: null, rcv_nxt: null, snd_wnd: null, rcv_wnd: null, queued_to_send: 0, waiting_to_be_read: 0 },
    });
  });
});

// ---------------------------------------------------------------------------
describe('SYN_SENT (RFC 9293 §3.10)', () => {
  it.each(['listen', 'connect'] as const)('%s in SYN_SENT → "error: connection already exists"', (name) => {
    expectRefused(synSent(), callOn('client', name), 'CONNECTION_ALREADY_EXISTS');
  });

  it('send in SYN_SENT is queued, and sent with ACK = RCV.NXT once ESTABLISHED', () => {
    const queued = drive(synSent(), send('client', 'hello'));
    expect(rules(queued.last.events)).toEqual(['SEND_QUEUED_UNTIL_ESTABLISHED']);
    expect(queued.last.segments).toEqual([]);
    expect(queued.connection.client.tcb).toMatchObject({ snd_nxt: 1001 });

    const d = drive(queued.connection, deliverNext('client'), deliverNext('server'));
    expectSegments(d.last.segments, [
      { from: 'client', flags: ['ACK'], seq: 1001, ack: 5001 },
      { from: 'client', flags: ['PSH', 'ACK'], seq: 1001, ack: 5001, length: 5 },
    ]);
    expect(d.last.segments[1]?.payload).toBe(base64('hello'));
    expect(d.connection.client.tcb).toMatchObject({ snd_nxt: 1006 });
  });

  it('receive in SYN_SENT returns nothing yet', () => {
    expect(drive(synSent(), call('client', 'receive')).last.outcome).toEqual(NOTHING_RECEIVED);
  });

  it('close in SYN_SENT → CLOSED, nothing sent; the late SYN,ACK then gets RST <SEQ=SEG.ACK>', () => {
    const d = drive(synReceived(), call('client', 'close'));
    expect(rules(d.last.events)).toEqual(['CLOSE_SYN_SENT_TO_CLOSED']);
    expect(d.last.segments).toEqual([]);
    expect(d.connection.client.tcb).toBeNull();
    expect(d.connection.client.timers).toEqual([]);

    const late = drive(d.connection, deliverNext('server'));
    expectSegments(late.last.segments, [{ from: 'client', flags: ['RST'], seq: 1001, ack: 0 }]);
    const reset = drive(late.connection, deliverNext('client'));
    expect(states(reset.connection)).toEqual({ client: 'CLOSED', server: 'LISTEN' });
  });

  it('abort in SYN_SENT → CLOSED without a RST', () => {
    const d = drive(synSent(), call('client', 'abort'));
    expect(rules(d.last.events)).toEqual(['ABORT_WITHOUT_RST']);
    expect(d.last.segments).toEqual([]);
    expect(d.connection.client.state).toBe('CLOSED');
  });

  it('status in SYN_SENT', () => {
    const d = drive(synSent(), send('client', 'hello'), call('client', 'status'));
    expect(d.last.outcome).toMatchObject({ ok: true, status: { state: 'SYN_SENT', snd_una: 1000, snd_nxt: 1001, queued_to_send: 5 } });
  });
});

// ---------------------------------------------------------------------------
describe('SYN_RECEIVED (RFC 9293 §3.10)', () => {
  it.each(['listen', 'connect'] as const)('%s in SYN_RECEIVED → "error: connection already exists"', (name) => {
    expectRefused(synReceived(), callOn('server', name), 'CONNECTION_ALREADY_EXISTS');
  });

  it('send in SYN_RECEIVED is queued, and sent once the ACK makes it ESTABLISHED', () => {
    const queued = drive(synReceived(), send('server', 'hello'));
    expect(rules(queued.last.events)).toEqual(['SEND_QUEUED_UNTIL_ESTABLISHED']);
    expect(queued.last.segments).toEqual([]);

    const d = drive(queued.connection, deliverNext('server'), deliverNext('client'));
    expectSegments(d.last.segments, [{ from: 'server', flags: ['PSH', 'ACK'], seq: 5001, ack: 1001, length: 5 }]);
    expect(d.connection.server.state).toBe('ESTABLISHED');
  });

  it('receive in SYN_RECEIVED returns nothing yet', () => {
    expect(drive(synReceived(), call('server', 'receive')).last.outcome).toEqual(NOTHING_RECEIVED);
  });

  it('close in SYN_RECEIVED with nothing queued → FIN_WAIT_1 with FIN,ACK <SEQ=5001><ACK=1001>', () => {
    const d = drive(synReceived(), call('server', 'close'));
    expect(rules(d.last.events)).toEqual(['CLOSE_TO_FIN_WAIT_1']);
    expectSegments(d.last.segments, [{ from: 'server', flags: ['FIN', 'ACK'], seq: 5001, ack: 1001 }]);
    expect(d.connection.server.state).toBe('FIN_WAIT_1');
    expect(d.connection.server.tcb).toMatchObject({ snd_nxt: 5002 });
  });

  it('close in SYN_RECEIVED with data queued waits for ESTABLISHED, then data and FIN go together → FIN_WAIT_1', () => {
    const deferred = drive(synReceived(), send('server', 'hello'), call('server', 'close'));
    expect(rules(deferred.last.events)).toEqual(['CLOSE_DEFERRED_UNTIL_ESTABLISHED']);
    expect(deferred.connection.server.state).toBe('SYN_RECEIVED');
    expectRefused(deferred.connection, call('server', 'close'), 'CONNECTION_CLOSING');
    expectRefused(deferred.connection, send('server', 'more'), 'CONNECTION_CLOSING');

    const d = drive(deferred.connection, deliverNext('server'), deliverNext('client'));
    expect(rules(d.last.events)).toEqual(['RTT_MEASURED', 'SYN_RECEIVED_ACK_TO_ESTABLISHED', 'CLOSE_DEFERRED_TO_FIN_WAIT_1']);
    expectSegments(d.last.segments, [{ from: 'server', flags: ['FIN', 'PSH', 'ACK'], seq: 5001, ack: 1001, length: 5 }]);
    expect(d.connection.server.state).toBe('FIN_WAIT_1');
    expect(d.connection.server.tcb).toMatchObject({ snd_nxt: 5007 });
  });

  it('abort in SYN_RECEIVED → CLOSED with RST,ACK <SEQ=SND.NXT><ACK=RCV.NXT> (Linux tcp_send_active_reset)', () => {
    const d = drive(synReceived(), call('server', 'abort'));
    expect(rules(d.last.events)).toEqual(['ABORT_SENDS_RST']);
    expectSegments(d.last.segments, [{ from: 'server', flags: ['RST', 'ACK'], seq: 5001, ack: 1001 }]);
    expect(d.connection.server.state).toBe('CLOSED');
  });

  it('status in SYN_RECEIVED', () => {
    const d = drive(synReceived(), call('server', 'status'));
    expect(d.last.outcome).toEqual({
      ok: true,
      status: { state: 'SYN_RECEIVED', snd_una: 5000, snd_nxt: 5001, rcv_nxt: 1001, snd_wnd: 64240, rcv_wnd: 65160, queued_to_send: 0, waiting_to_be_read: 0 },
    });
  });
});

// ---------------------------------------------------------------------------
describe('ESTABLISHED (RFC 9293 §3.10)', () => {
  it.each(['listen', 'connect'] as const)('%s in ESTABLISHED → "error: connection already exists"', (name) => {
    expectRefused(established(), callOn('client', name), 'CONNECTION_ALREADY_EXISTS');
  });

  it('send in ESTABLISHED → PSH,ACK <SEQ=SND.NXT><ACK=RCV.NXT>, SND.NXT advances, retransmission timer at +1 s', () => {
    const d = drive(established(), send('client', 'hello'));
    expect(rules(d.last.events)).toEqual(['SEND_DATA']);
    expectSegments(d.last.segments, [{ from: 'client', flags: ['PSH', 'ACK'], seq: 1001, ack: 5001, length: 5, window: 502 }]);
    expect(d.last.segments[0]?.payload).toBe(base64('hello'));
    expect(d.connection.client.tcb).toMatchObject({ snd_una: 1001, snd_nxt: 1006 });
    expect(d.connection.client.timers).toEqual([{ kind: 'retransmission', due_ms: 1000 }]);
  });

  it('send of 3000 octets in ESTABLISHED is cut at the MSS (1460 − 12 for timestamps = 1448), PSH on the last', () => {
    const d = drive(established(), { type: 'call', endpoint: 'client', call: 'send', data: { length: 3000 } });
    expectSegments(d.last.segments, [
      { from: 'client', flags: ['ACK'], seq: 1001, ack: 5001, length: 1448 },
      { from: 'client', flags: ['ACK'], seq: 2449, ack: 5001, length: 1448 },
      { from: 'client', flags: ['PSH', 'ACK'], seq: 3897, ack: 5001, length: 104 },
    ]);
    expect(d.connection.client.tcb).toMatchObject({ snd_nxt: 4001 });
  });

  it('receive in ESTABLISHED returns the text in order, then nothing', () => {
    const d = drive(established(), send('server', 'ab'), deliverNext('server'), send('server', 'cd'), deliverNext('server'), call('client', 'receive'));
    expect(d.last.outcome).toEqual({ ok: true, received: { length: 4, payload: base64('abcd') } });
    expect(rules(d.last.events)).toEqual(['RECEIVE_DATA']);
    const again = drive(d.connection, call('client', 'receive'));
    expect(again.last.outcome).toEqual(NOTHING_RECEIVED);
  });

  it('close in ESTABLISHED → FIN_WAIT_1 with FIN,ACK <SEQ=SND.NXT><ACK=RCV.NXT>', () => {
    const d = drive(established(), call('client', 'close'));
    expect(rules(d.last.events)).toEqual(['CLOSE_TO_FIN_WAIT_1']);
    expectSegments(d.last.segments, [{ from: 'client', flags: ['FIN', 'ACK'], seq: 1001, ack: 5001, length: 0 }]);
    expect(d.connection.client.state).toBe('FIN_WAIT_1');
    expect(d.connection.client.tcb).toMatchObject({ snd_nxt: 1002 });
  });

  it('abort in ESTABLISHED → RST,ACK <SEQ=SND.NXT><ACK=RCV.NXT>, CLOSED; the peer is reset', () => {
    const d = drive(established(), send('client', 'hello'), call('client', 'abort'));
    expect(rules(d.last.events)).toEqual(['ABORT_SENDS_RST']);
    expectSegments(d.last.segments, [{ from: 'client', flags: ['RST', 'ACK'], seq: 1006, ack: 5001 }]);
    expect(d.connection.client.state).toBe('CLOSED');
    expect(d.connection.client.tcb).toBeNull();
    expect(d.connection.client.timers).toEqual([]);

    const peer = drive(d.connection, deliverNext('client'), deliverNext('client'));
    expect(rules(peer.last.events)).toEqual(['RST_RESETS_CONNECTION', 'SIGNAL_CONNECTION_RESET']);
    expect(states(peer.connection)).toEqual({ client: 'CLOSED', server: 'CLOSED' });
  });

  it('status in ESTABLISHED', () => {
    const d = drive(established(), call('client', 'status'));
    expect(d.last.outcome).toEqual({
      ok: true,
      // RCV.WND: the 64,240-octet buffer as the window field 502 × 2^7 offers it (rounded up to the scale, as Linux does).
      status: { state: 'ESTABLISHED', snd_una: 1001, snd_nxt: 1001, rcv_nxt: 5001, snd_wnd: 65160, rcv_wnd: 64256, queued_to_send: 0, waiting_to_be_read: 0 },
    });
  });
});

// ---------------------------------------------------------------------------
describe('FIN_WAIT_1 (RFC 9293 §3.10)', () => {
  it.each(['listen', 'connect'] as const)('%s in FIN_WAIT_1 → "error: connection already exists"', (name) => {
    expectRefused(finWait1(), callOn('client', name), 'CONNECTION_ALREADY_EXISTS');
  });

  it.each(['send', 'close'] as const)('%s in FIN_WAIT_1 → "error: connection closing"', (name) => {
    expectRefused(finWait1(), callOn('client', name), 'CONNECTION_CLOSING');
  });

  it('receive in FIN_WAIT_1 still works (nothing yet)', () => {
    expect(drive(finWait1(), call('client', 'receive')).last.outcome).toEqual(NOTHING_RECEIVED);
  });

  it('abort in FIN_WAIT_1 → RST,ACK <SEQ=1002><ACK=5001>, CLOSED', () => {
    const d = drive(finWait1(), call('client', 'abort'));
    expectSegments(d.last.segments, [{ from: 'client', flags: ['RST', 'ACK'], seq: 1002, ack: 5001 }]);
    expect(rules(d.last.events)).toEqual(['ABORT_SENDS_RST']);
    expect(d.connection.client.state).toBe('CLOSED');
  });
});

// ---------------------------------------------------------------------------
describe('FIN_WAIT_2 (RFC 9293 §3.10)', () => {
  it.each(['send', 'close'] as const)('%s in FIN_WAIT_2 → "error: connection closing"', (name) => {
    expectRefused(finWait2(), callOn('client', name), 'CONNECTION_CLOSING');
  });

  it('listen in FIN_WAIT_2 → "error: connection already exists"', () => {
    expectRefused(finWait2(), call('client', 'listen'), 'CONNECTION_ALREADY_EXISTS');
  });

  it('receive in FIN_WAIT_2 returns what the half-open peer sent', () => {
    const d = drive(finWait2(), send('server', 'tail'), deliverNext('server'), call('client', 'receive'));
    expect(d.last.outcome).toEqual({ ok: true, received: { length: 4, payload: base64('tail') } });
  });

  it('abort in FIN_WAIT_2 → RST,ACK <SEQ=1002><ACK=5001>, CLOSED', () => {
    const d = drive(finWait2(), call('client', 'abort'));
    expectSegments(d.last.segments, [{ from: 'client', flags: ['RST', 'ACK'], seq: 1002, ack: 5001 }]);
    expect(d.connection.client.state).toBe('CLOSED');
  });
});

// ---------------------------------------------------------------------------
describe('CLOSE_WAIT (RFC 9293 §3.10)', () => {
  /** CLOSE_WAIT with "bye" received before the FIN and not yet read. */
  function closeWaitWithUnread(): Connection {
    return drive(
      established(),
      send('client', 'bye'),
      deliverNext('client'),
      deliverNext('server'),
      call('client', 'close'),
      deliverNext('client'),
      deliverNext('server'),
    ).connection;
  }

  it.each(['listen', 'connect'] as const)('%s in CLOSE_WAIT → "error: connection already exists"', (name) => {
    expectRefused(closeWait(), callOn('server', name), 'CONNECTION_ALREADY_EXISTS');
  });

  it('send in CLOSE_WAIT → PSH,ACK <SEQ=5001><ACK=1002> (the other direction is still open)', () => {
    const d = drive(closeWait(), send('server', 'late'));
    expect(rules(d.last.events)).toEqual(['SEND_DATA']);
    expectSegments(d.last.segments, [{ from: 'server', flags: ['PSH', 'ACK'], seq: 5001, ack: 1002, length: 4 }]);
  });

  it('receive in CLOSE_WAIT with nothing unread → "error: connection closing"', () => {
    expectRefused(closeWait(), call('server', 'receive'), 'CONNECTION_CLOSING');
  });

  it('receive in CLOSE_WAIT hands over the text still unread, then "error: connection closing"', () => {
    const c = closeWaitWithUnread();
    expect(c.server.state).toBe('CLOSE_WAIT');
    const d = drive(c, call('server', 'receive'));
    expect(d.last.outcome).toEqual({ ok: true, received: { length: 3, payload: base64('bye') } });
    expectRefused(d.connection, call('server', 'receive'), 'CONNECTION_CLOSING');
  });

  it('close in CLOSE_WAIT → LAST_ACK with FIN,ACK <SEQ=5001><ACK=1002>', () => {
    const d = drive(closeWait(), call('server', 'close'));
    expect(rules(d.last.events)).toEqual(['CLOSE_TO_LAST_ACK']);
    expectSegments(d.last.segments, [{ from: 'server', flags: ['FIN', 'ACK'], seq: 5001, ack: 1002 }]);
    expect(d.connection.server.state).toBe('LAST_ACK');
    expect(d.connection.server.tcb).toMatchObject({ snd_nxt: 5002 });
  });

  it('abort in CLOSE_WAIT → RST,ACK <SEQ=5001><ACK=1002>, CLOSED', () => {
    const d = drive(closeWait(), call('server', 'abort'));
    expectSegments(d.last.segments, [{ from: 'server', flags: ['RST', 'ACK'], seq: 5001, ack: 1002 }]);
    expect(rules(d.last.events)).toEqual(['ABORT_SENDS_RST']);
    expect(d.connection.server.state).toBe('CLOSED');
  });
});

// ---------------------------------------------------------------------------
// CLOSING, LAST_ACK, TIME_WAIT: "Respond with 'error: connection closing'"; ABORT: "Respond with 'ok'
// and delete the TCB, enter CLOSED state" — no RST (§3.10.5).
// ---------------------------------------------------------------------------
describe.each([
  ['CLOSING', closing, 'client'],
  ['LAST_ACK', lastAck, 'server'],
  ['TIME_WAIT', timeWait, 'client'],
] as const)('%s (RFC 9293 §3.10)', (state, fixture, side) => {
  it.each(['send', 'receive', 'close'] as const)(`%s in ${state} → "error: connection closing"`, (name) => {
    expectRefused(fixture(), callOn(side, name), 'CONNECTION_CLOSING');
  });

  it.each(['listen', 'connect'] as const)(`%s in ${state} → "error: connection already exists"`, (name) => {
    expectRefused(fixture(), callOn(side, name), 'CONNECTION_ALREADY_EXISTS');
  });

  it(`abort in ${state} → CLOSED without a RST`, () => {
    const c = fixture();
    expect(c[side].state).toBe(state);
    const d = drive(c, call(side, 'abort'));
    expect(d.last.outcome).toEqual({ ok: true });
    expect(rules(d.last.events)).toEqual(['ABORT_WITHOUT_RST']);
    expect(sentBy(d.last.segments, side)).toEqual([]);
    expect(d.connection[side].state).toBe('CLOSED');
    expect(d.connection[side].tcb).toBeNull();
    expect(d.connection[side].timers).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
describe('STATUS in every state with a TCB (RFC 9293 §3.10.6)', () => {
  it.each([
    ['LISTEN', listening, 'server'],
    ['SYN_SENT', synSent, 'client'],
    ['SYN_RECEIVED', synReceived, 'server'],
    ['ESTABLISHED', established, 'client'],
    ['FIN_WAIT_1', finWait1, 'client'],
    ['FIN_WAIT_2', finWait2, 'client'],
    ['CLOSE_WAIT', closeWait, 'server'],
    ['CLOSING', closing, 'client'],
    ['LAST_ACK', lastAck, 'server'],
    ['TIME_WAIT', timeWait, 'client'],
  ] as const)('status in %s reports the state and changes nothing', (state, fixture, side) => {
    const c = fixture();
    const d = drive(c, call(side, 'status'));
    expect(d.last.outcome).toMatchObject({ ok: true, status: { state } });
    expect(rules(d.last.events)).toEqual(['STATUS']);
    expect(d.last.segments).toEqual([]);
    expect(d.connection).toEqual(c);
  });
});
