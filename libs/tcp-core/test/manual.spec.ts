/**
 * Manual mode: the caller plays both stacks, segment by segment, and each
 * segment is checked against what a conforming TCP in the sender's state
 * could send now (validate.ts). The connection is the seed capture's:
 * client 192.168.1.63:53198 ISS 481914174, server 192.168.1.64:22 ISS 2737267460.
 */
import { step, tcpdumpTrace, type Connection, type SegmentDraft, type Side, type StepError } from '../src';
import {
  F,
  SEED_CLIENT,
  SEED_SERVER,
  SSH_BANNER,
  Scenario,
  advance,
  b64,
  call,
  normaliseTcpdump,
  readCapture,
} from './scenario-helpers';

const C_ISS = 481914174;
const S_ISS = 2737267460;

function send(from: Side, segment: SegmentDraft): { type: 'send'; from: Side; segment: SegmentDraft } {
  return { type: 'send', from, segment };
}

/** A send that must be refused: nothing changes, nothing goes on the wire; returns the error. */
function refused(connection: Connection, from: Side, segment: SegmentDraft): StepError {
  const result = step(connection, send(from, segment));
  expect(result.connection).toBe(connection);
  expect(result.segments).toEqual([]);
  if (result.outcome.ok) throw new Error(`expected ${JSON.stringify(segment)} from the ${from} to be refused`);
  return result.outcome.error;
}

// Fixtures, each built from the one before (smoltcp style).

function listening(): Scenario {
  const s = new Scenario({ seed: 1, mode: 'manual', client: SEED_CLIENT, server: SEED_SERVER });
  s.step(call('server', 'listen'), ['CLOSED', 'LISTEN'], []);
  return s;
}

/** The client's SYN has arrived: the server owes its SYN,ACK. */
function synReceived(): Scenario {
  const s = listening();
  s.step(send('client', { flags: F('SYN') }), ['SYN_SENT', 'SYN_RECEIVED'], ['client>server S seq=481914174']);
  return s;
}

/** The server's SYN,ACK has arrived: the client is ESTABLISHED and owes the ACK. */
function synAckArrived(): Scenario {
  const s = synReceived();
  s.step(send('server', { flags: F('SYN', 'ACK') }), ['ESTABLISHED', 'SYN_RECEIVED'], ['server>client S. seq=2737267460 ack=481914175']);
  return s;
}

function established(): Scenario {
  const s = synAckArrived();
  s.step(send('client', { flags: F('ACK') }), ['ESTABLISHED', 'ESTABLISHED'], ['client>server . seq=481914175 ack=2737267461']);
  return s;
}

/** Both banners sent as in the capture; the client has not yet ACKed the server's. */
function bannersExchanged(): Scenario {
  const s = established();
  s.step(send('client', { flags: F('PSH', 'ACK'), payload: b64(SSH_BANNER) }), ['ESTABLISHED', 'ESTABLISHED'], [
    'client>server P. seq=481914175 ack=2737267461 len=21',
  ]);
  s.step(send('server', { flags: F('ACK') }), ['ESTABLISHED', 'ESTABLISHED'], ['server>client . seq=2737267461 ack=481914196']);
  s.step(send('server', { flags: F('PSH', 'ACK'), payload: b64(SSH_BANNER) }), ['ESTABLISHED', 'ESTABLISHED'], [
    'server>client P. seq=2737267461 ack=481914196 len=21',
  ]);
  return s;
}

/** The client has ACKed the server's banner and sent its FIN: the server, in CLOSE_WAIT, owes the ACK of the FIN. */
function finArrived(): Scenario {
  const s = bannersExchanged();
  s.step(send('client', { flags: F('ACK') }), ['ESTABLISHED', 'ESTABLISHED'], ['client>server . seq=481914196 ack=2737267482']);
  s.step(send('client', { flags: F('FIN', 'ACK') }), ['FIN_WAIT_1', 'CLOSE_WAIT'], ['client>server F. seq=481914196 ack=2737267482']);
  return s;
}

// ---------------------------------------------------------------- the seed connection

describe('manual mode: the seed connection played by hand', () => {
  it('handshake and banners reproduce the seed capture line for line', () => {
    const s = bannersExchanged();
    const capture = readCapture('seed-ssh-handshake.tcpdump-S.txt');
    expect(tcpdumpTrace(s.trace).map(normaliseTcpdump)).toEqual(capture.map(normaliseTcpdump));
  });

  it('four-way teardown: FIN 481914196, ACK 481914197, FIN 2737267482, ACK 2737267483; both CLOSED after 2MSL', () => {
    const s = finArrived();
    s.step(send('server', { flags: F('ACK') }), ['FIN_WAIT_2', 'CLOSE_WAIT'], ['server>client . seq=2737267482 ack=481914197']);
    s.step(send('server', { flags: F('FIN', 'ACK') }), ['TIME_WAIT', 'LAST_ACK'], ['server>client F. seq=2737267482 ack=481914197']);
    expect(s.client.owed).toEqual([
      { seq: 481914197, ack: 2737267483, flags: F('ACK'), length: 0, payload: null, urgent_pointer: 0, reason: 'FIN_WAIT_2_FIN_TO_TIME_WAIT' },
    ]);
    s.step(send('client', { flags: F('ACK') }), ['TIME_WAIT', 'CLOSED'], ['client>server . seq=481914197 ack=2737267483']);
    expect(s.client.owed).toEqual([]);
    expect(s.client.timers).toEqual([{ kind: 'time_wait', due_ms: 60_000 }]);
    s.step(advance(59_999), ['TIME_WAIT', 'CLOSED'], []);
    s.step(advance(1), ['CLOSED', 'CLOSED'], []);
  });
});

// ---------------------------------------------------------------- owed answers

describe('owed answers', () => {
  it('LISTEN + SYN: the SYN,ACK <SEQ=ISS><ACK=IRS+1> is owed by the server, not sent', () => {
    const s = synReceived();
    expect(s.server.owed).toEqual([
      { seq: S_ISS, ack: C_ISS + 1, flags: F('SYN', 'ACK'), length: 0, payload: null, urgent_pointer: 0, reason: 'LISTEN_SYN_TO_SYN_RECEIVED' },
    ]);
    expect(s.client.owed).toEqual([]);
    expect(s.inFlight()).toEqual([]);
  });

  it('SYN_SENT + SYN,ACK: the client owes the ACK <SEQ=ISS+1><ACK=IRS+1>; the server owes nothing once its SYN,ACK is sent', () => {
    const s = synAckArrived();
    expect(s.server.owed).toEqual([]);
    expect(s.client.owed).toEqual([
      { seq: C_ISS + 1, ack: S_ISS + 1, flags: F('ACK'), length: 0, payload: null, urgent_pointer: 0, reason: 'SYN_SENT_SYN_ACK_TO_ESTABLISHED' },
    ]);
  });

  it('omitted seq and ack are filled with the owed values', () => {
    const s = synReceived();
    const result = s.step(send('server', { flags: F('SYN', 'ACK') }), ['ESTABLISHED', 'SYN_RECEIVED'], ['server>client S. seq=2737267460 ack=481914175']);
    expect(result.segments[0]).toMatchObject({ seq: S_ISS, ack: C_ISS + 1 });
  });

  it('omitted seq and ack of a data segment are SND.NXT and RCV.NXT', () => {
    const s = established();
    s.step(send('client', { flags: F('PSH', 'ACK'), length: 21 }), ['ESTABLISHED', 'ESTABLISHED'], [
      'client>server P. seq=481914175 ack=2737267461 len=21',
    ]);
    expect(s.client.tcb).toMatchObject({ snd_una: 481914175, snd_nxt: 481914196 });
  });

  it('stated seq and ack equal to the right values are accepted', () => {
    const s = synReceived();
    s.step(send('server', { flags: F('SYN', 'ACK'), seq: S_ISS, ack: C_ISS + 1 }), ['ESTABLISHED', 'SYN_RECEIVED'], [
      'server>client S. seq=2737267460 ack=481914175',
    ]);
  });
});

// ---------------------------------------------------------------- refusals

describe('refused segments leave the connection unchanged', () => {
  it('SYN,ACK acking ISS instead of IRS+1 → ACK_MUST_BE_IRS_PLUS_ONE', () => {
    const s = synReceived();
    const error = refused(s.connection, 'server', { flags: F('SYN', 'ACK'), ack: C_ISS });
    expect(error).toEqual({
      code: 'SEGMENT_INVALID',
      violations: [
        {
          field: 'ack',
          expected: 481914175,
          actual: 481914174,
          code: 'ACK_MUST_BE_IRS_PLUS_ONE',
          params: expect.objectContaining({ irs: C_ISS, rcv_nxt: C_ISS + 1, side: 'server', state: 'SYN_RECEIVED' }),
        },
      ],
      expected: { flags: F('SYN', 'ACK'), seq: S_ISS, ack: C_ISS + 1, length: 0 },
    });
  });

  it('SYN,ACK with seq ISS+1 → SEQ_MUST_BE_ISS', () => {
    const s = synReceived();
    const error = refused(s.connection, 'server', { flags: F('SYN', 'ACK'), seq: S_ISS + 1 });
    expect(error).toEqual({
      code: 'SEGMENT_INVALID',
      violations: [{ field: 'seq', expected: S_ISS, actual: S_ISS + 1, code: 'SEQ_MUST_BE_ISS', params: expect.objectContaining({ state: 'SYN_RECEIVED' }) }],
      expected: { flags: F('SYN', 'ACK'), seq: S_ISS, ack: C_ISS + 1, length: 0 },
    });
  });

  it('every wrong field is listed: seq and ack both wrong → two violations', () => {
    const s = synReceived();
    const error = refused(s.connection, 'server', { flags: F('SYN', 'ACK'), seq: 0, ack: 0 });
    expect(error.code === 'SEGMENT_INVALID' && error.violations.map((v) => [v.field, v.expected, v.actual, v.code])).toEqual([
      ['seq', S_ISS, 0, 'SEQ_MUST_BE_ISS'],
      ['ack', C_ISS + 1, 0, 'ACK_MUST_BE_IRS_PLUS_ONE'],
    ]);
  });

  it('bare ACK while a SYN,ACK is owed → FLAGS_OWED_ANSWER_FIRST', () => {
    const s = synReceived();
    const error = refused(s.connection, 'server', { flags: F('ACK') });
    expect(error).toEqual({
      code: 'SEGMENT_INVALID',
      violations: [
        {
          field: 'flags',
          expected: 'SYN,ACK',
          actual: 'ACK',
          code: 'FLAGS_OWED_ANSWER_FIRST',
          params: expect.objectContaining({ state: 'SYN_RECEIVED', owed: 'SYN,ACK', owed_reason: 'LISTEN_SYN_TO_SYN_RECEIVED' }),
        },
      ],
      expected: { flags: F('SYN', 'ACK'), seq: S_ISS, ack: C_ISS + 1, length: 0 },
    });
  });

  it('a second SYN (no ACK) from a server that owes SYN,ACK → FLAGS_OWED_ANSWER_FIRST', () => {
    const s = synReceived();
    const error = refused(s.connection, 'server', { flags: F('SYN') });
    expect(error.code === 'SEGMENT_INVALID' && error.violations.map((v) => v.code)).toEqual(['FLAGS_OWED_ANSWER_FIRST']);
  });

  it('data in SYN_SENT → FLAGS_NOT_POSSIBLE_IN_STATE (SEND queues until ESTABLISHED, §3.10.2); nothing may go until the SYN is answered or its timer expires', () => {
    const s = synReceived();
    const error = refused(s.connection, 'client', { flags: F('PSH', 'ACK'), payload: b64(SSH_BANNER) });
    expect(error).toEqual({
      code: 'SEGMENT_INVALID',
      violations: [
        { field: 'flags', expected: null, actual: 'PSH,ACK', code: 'FLAGS_NOT_POSSIBLE_IN_STATE', params: expect.objectContaining({ state: 'SYN_SENT', allowed: '' }) },
      ],
      expected: null,
    });
  });

  it('the SYN again in SYN_SENT before its timer expires → FLAGS_RETRANSMISSION_NOT_DUE', () => {
    const s = synReceived();
    const error = refused(s.connection, 'client', { flags: F('SYN') });
    expect(error.code === 'SEGMENT_INVALID' && error.violations.map((v) => [v.field, v.actual, v.code])).toEqual([['flags', 'SYN', 'FLAGS_RETRANSMISSION_NOT_DUE']]);
  });

  it('data on the first SYN → LENGTH_NOT_ALLOWED (no TCP Fast Open)', () => {
    const s = listening();
    const error = refused(s.connection, 'client', { flags: F('SYN'), length: 21 });
    expect(error.code === 'SEGMENT_INVALID' && error.violations.map((v) => [v.field, v.expected, v.actual, v.code])).toEqual([
      ['length', 0, 21, 'LENGTH_NOT_ALLOWED'],
    ]);
  });

  it('SYN,ACK as the first segment from CLOSED → FLAGS_ACK_NOT_ALLOWED_ON_FIRST_SYN', () => {
    const s = listening();
    const error = refused(s.connection, 'client', { flags: F('SYN', 'ACK') });
    expect(error.code === 'SEGMENT_INVALID' && error.violations.map((v) => v.code)).toEqual(['FLAGS_ACK_NOT_ALLOWED_ON_FIRST_SYN']);
  });

  it('data without the ACK bit once synchronized → FLAGS_ACK_REQUIRED (§3.10.7.4: "if the ACK bit is off drop the segment")', () => {
    const s = established();
    const error = refused(s.connection, 'client', { flags: F('PSH'), payload: b64(SSH_BANNER) });
    expect(error.code === 'SEGMENT_INVALID' && error.violations.map((v) => [v.field, v.actual, v.code])).toEqual([
      ['flags', 'PSH', 'FLAGS_ACK_REQUIRED'],
    ]);
  });

  it('a FIN without the ACK bit once synchronized → FLAGS_ACK_REQUIRED', () => {
    const s = established();
    const error = refused(s.connection, 'client', { flags: F('FIN') });
    expect(error.code === 'SEGMENT_INVALID' && error.violations.map((v) => [v.field, v.actual, v.code])).toEqual([
      ['flags', 'FIN', 'FLAGS_ACK_REQUIRED'],
    ]);
  });

  it('data at the wrong seq → SEQ_MUST_BE_SND_NXT; data with a stale ack → ACK_MUST_BE_RCV_NXT', () => {
    const s = bannersExchanged();
    const wrongSeq = refused(s.connection, 'client', { flags: F('PSH', 'ACK'), seq: 481914175, length: 10 });
    expect(wrongSeq.code === 'SEGMENT_INVALID' && wrongSeq.violations.map((v) => [v.field, v.expected, v.actual, v.code])).toEqual([
      ['seq', 481914196, 481914175, 'SEQ_MUST_BE_SND_NXT'],
    ]);
    // The server's banner (2737267461..2737267481) has arrived: RCV.NXT is 2737267482.
    const staleAck = refused(s.connection, 'client', { flags: F('PSH', 'ACK'), ack: 2737267461, length: 10 });
    expect(staleAck.code === 'SEGMENT_INVALID' && staleAck.violations.map((v) => [v.field, v.expected, v.actual, v.code])).toEqual([
      ['ack', 2737267482, 2737267461, 'ACK_MUST_BE_RCV_NXT'],
    ]);
  });

  it('more data than the MSS → LENGTH_EXCEEDS_MSS: 1460 less 12 octets of timestamp option = 1448', () => {
    const s = established();
    const error = refused(s.connection, 'client', { flags: F('ACK'), length: 1449 });
    expect(error).toEqual({
      code: 'SEGMENT_INVALID',
      violations: [{ field: 'length', expected: 1448, actual: 1449, code: 'LENGTH_EXCEEDS_MSS', params: { snd_mss: 1448 } }],
      // The expected segment is one that would be accepted: the length the violation names (issue 11, defect 6).
      expected: { flags: F('ACK'), seq: C_ISS + 1, ack: S_ISS + 1, length: 1448 },
    });
    s.step(send('client', { flags: F('ACK'), length: 1448 }), ['ESTABLISHED', 'ESTABLISHED'], ['client>server . seq=481914175 ack=2737267461 len=1448']);
  });

  it("more data than the peer's window → LENGTH_EXCEEDS_WINDOW: SND.UNA + SND.WND − SND.NXT octets fit (28960 from the SYN,ACK)", () => {
    const s = established();
    // Twenty segments of 1448, 1447, … 1429 octets (distinct lengths, so none reads as a retransmission): 28770 octets.
    let seq = C_ISS + 1;
    for (let length = 1448; length > 1428; length--) {
      s.step(send('client', { flags: F('ACK'), length }), ['ESTABLISHED', 'ESTABLISHED'], [`client>server . seq=${seq} ack=2737267461 len=${length}`]);
      seq += length;
    }
    expect(seq).toBe(C_ISS + 1 + 28770);
    // 28960 − 28770 = 190 octets still fit.
    const error = refused(s.connection, 'client', { flags: F('PSH', 'ACK'), length: 191 });
    expect(error).toEqual({
      code: 'SEGMENT_INVALID',
      violations: [
        {
          field: 'length',
          expected: 190,
          actual: 191,
          code: 'LENGTH_EXCEEDS_WINDOW',
          params: { snd_una: C_ISS + 1, snd_wnd: 28960, snd_nxt: 481942945 },
        },
      ],
      expected: { flags: F('ACK'), seq: 481942945, ack: S_ISS + 1, length: 190 },
    });
    s.step(send('client', { flags: F('PSH', 'ACK'), length: 190 }), ['ESTABLISHED', 'ESTABLISHED'], ['client>server P. seq=481942945 ack=2737267461 len=190']);
    const full = refused(s.connection, 'client', { flags: F('PSH', 'ACK'), length: 1 });
    expect(full.code === 'SEGMENT_INVALID' && full.violations.map((v) => [v.field, v.expected, v.actual, v.code])).toEqual([
      ['length', 0, 1, 'LENGTH_EXCEEDS_WINDOW'],
    ]);
  });
});

describe('new data versus retransmission', () => {
  /** Established, with 100 octets at 481914175 sent and not yet acknowledged. */
  function hundredUnacked(): Scenario {
    const s = established();
    s.step(send('client', { flags: F('ACK'), length: 100 }), ['ESTABLISHED', 'ESTABLISHED'], ['client>server . seq=481914175 ack=2737267461 len=100']);
    return s;
  }

  it('repeating unacknowledged data before the retransmission timer expires is refused; after the RTO it is owed and accepted at its original seq', () => {
    const s = hundredUnacked();
    const early = refused(s.connection, 'client', { flags: F('ACK'), seq: 481914175, length: 100 });
    expect(early.code === 'SEGMENT_INVALID' && early.violations.map((v) => [v.field, v.expected, v.actual, v.code])).toEqual([
      ['seq', 481914275, 481914175, 'SEQ_MUST_BE_SND_NXT'],
    ]);
    s.step({ type: 'advance', ms: 1000 }, ['ESTABLISHED', 'ESTABLISHED'], []);
    expect(s.connection.client.owed).toEqual([expect.objectContaining({ seq: 481914175, length: 100, reason: 'RETRANSMISSION_TIMEOUT' })]);
    const again = s.step(send('client', { flags: F('ACK'), seq: 481914175, length: 100 }), ['ESTABLISHED', 'ESTABLISHED'], [
      'client>server . seq=481914175 ack=2737267461 len=100',
    ]);
    expect(again.events.map((e) => e.code)).toContain('SEGMENT_RETRANSMITTED');
    expect(s.client.tcb).toMatchObject({ snd_una: 481914175, snd_nxt: 481914275 });
  });

  it('new data at SND.NXT stated explicitly is accepted even when an unacknowledged segment has the same length', () => {
    const s = hundredUnacked();
    s.step(send('client', { flags: F('ACK'), seq: 481914275, length: 100 }), ['ESTABLISHED', 'ESTABLISHED'], [
      'client>server . seq=481914275 ack=2737267461 len=100',
    ]);
    expect(s.client.tcb).toMatchObject({ snd_una: 481914175, snd_nxt: 481914375 });
  });

  it('new data with seq omitted goes at SND.NXT (a SEND), not over an unacknowledged segment of the same length', () => {
    const s = hundredUnacked();
    s.step(send('client', { flags: F('ACK'), length: 100 }), ['ESTABLISHED', 'ESTABLISHED'], ['client>server . seq=481914275 ack=2737267461 len=100']);
    expect(s.client.tcb).toMatchObject({ snd_una: 481914175, snd_nxt: 481914375 });
  });
});

// ---------------------------------------------------------------- closing

describe('three-segment close', () => {
  it('the server FIN,ACK piggybacks the owed ACK of the client FIN: accepted, and the client goes FIN_WAIT_1 → TIME_WAIT', () => {
    const s = finArrived();
    expect(s.server.owed).toEqual([
      { seq: 2737267482, ack: 481914197, flags: F('ACK'), length: 0, payload: null, urgent_pointer: 0, reason: 'FIN_TO_CLOSE_WAIT' },
    ]);
    const fin = s.step(send('server', { flags: F('FIN', 'ACK') }), ['TIME_WAIT', 'LAST_ACK'], ['server>client F. seq=2737267482 ack=481914197']);
    expect(fin.events.filter((e) => e.kind === 'transition').map((e) => `${e.endpoint} ${e.from_state}→${e.to_state} ${e.code}`)).toEqual([
      'server CLOSE_WAIT→LAST_ACK CLOSE_TO_LAST_ACK',
      'client FIN_WAIT_1→TIME_WAIT FIN_WAIT_1_FIN_ACK_TO_TIME_WAIT',
    ]);
    expect(s.server.owed).toEqual([]);
    s.step(send('client', { flags: F('ACK') }), ['TIME_WAIT', 'CLOSED'], ['client>server . seq=481914197 ack=2737267483']);
    expect(tcpdumpTrace(s.trace.slice(-3)).map(normaliseTcpdump)).toEqual([
      'IP 192.168.1.63.53198 > 192.168.1.64.22: Flags [F.], seq 481914196, ack 2737267482, win 228, options [nop,nop,TS val * ecr *], length 0',
      'IP 192.168.1.64.22 > 192.168.1.63.53198: Flags [F.], seq 2737267482, ack 481914197, win 227, options [nop,nop,TS val * ecr *], length 0',
      'IP 192.168.1.63.53198 > 192.168.1.64.22: Flags [.], ack 2737267483, win 228, options [nop,nop,TS val * ecr *], length 0',
    ]);
    s.step(advance(60_000), ['CLOSED', 'CLOSED'], []);
  });

  it('a FIN,ACK that acknowledges only up to the banner (not the FIN) → ACK_MUST_BE_RCV_NXT', () => {
    const s = finArrived();
    const error = refused(s.connection, 'server', { flags: F('FIN', 'ACK'), ack: 481914196 });
    expect(error.code === 'SEGMENT_INVALID' && error.violations.map((v) => [v.field, v.expected, v.actual, v.code])).toEqual([
      ['ack', 481914197, 481914196, 'ACK_MUST_BE_RCV_NXT'],
    ]);
  });
});
