import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type request from 'supertest';
import {
  C_ISS,
  S_ISS,
  SSH_BANNER,
  allPages,
  call,
  expectProblem,
  getSession,
  manualSessionAt,
  type Http,
  type ManualStage,
  type Side,
} from './e2e-helpers';
import { startApp } from './harness';

/**
 * Manual mode refuses what a conforming TCP would not send: 422 problem+json
 * with every wrong field in `violations` and the right segment in `expected`,
 * and the session unchanged. The seed connection is walked state by state
 * (e2e-helpers MANUAL_STAGES) and probed with wrong seq, ack and flags from
 * the endpoint in each state.
 */

let app: NestFastifyApplication;
let http: Http;

beforeAll(async () => {
  ({ app, http } = await startApp());
});
afterAll(() => app.close());

interface Expected {
  flags: string[];
  seq: number;
  ack: number;
  length: number;
}

interface Probe {
  name: string;
  stage: ManualStage;
  from: Side;
  /** Advance the clock this far first (to let a retransmission timer expire). */
  advanceMs?: number;
  /** The sender's state at that stage, checked before probing. */
  state: string;
  body: Record<string, unknown>;
  violations: Array<[field: string, expected: number | string | null, actual: number | string | null, code: string]>;
  expected: Expected | null;
}

const ack = (seq: number, ackNo: number, length = 0): Expected => ({ flags: ['ACK'], seq, ack: ackNo, length });
const finAck = (seq: number, ackNo: number): Expected => ({ flags: ['FIN', 'ACK'], seq, ack: ackNo, length: 0 });
const SYN: Expected = { flags: ['SYN'], seq: C_ISS, ack: 0, length: 0 };
const SYN_ACK: Expected = { flags: ['SYN', 'ACK'], seq: S_ISS, ack: C_ISS + 1, length: 0 };

const PROBES: Probe[] = [
  // CLOSED: only the active OPEN's SYN <SEQ=ISS> is possible.
  { name: 'CLOSED: SYN with seq ISS+1', stage: 'listening', from: 'client', state: 'CLOSED', body: { flags: ['SYN'], seq: C_ISS + 1 }, violations: [['seq', C_ISS, C_ISS + 1, 'SEQ_MUST_BE_ISS']], expected: SYN },
  { name: 'CLOSED: SYN,ACK as the first segment', stage: 'listening', from: 'client', state: 'CLOSED', body: { flags: ['SYN', 'ACK'] }, violations: [['flags', 'SYN', 'SYN,ACK', 'FLAGS_ACK_NOT_ALLOWED_ON_FIRST_SYN']], expected: SYN },
  { name: 'CLOSED: a bare ACK', stage: 'listening', from: 'client', state: 'CLOSED', body: { flags: ['ACK'] }, violations: [['flags', 'SYN', 'ACK', 'FLAGS_NOT_POSSIBLE_IN_STATE']], expected: SYN },
  { name: 'CLOSED: data on the first SYN (no TCP Fast Open)', stage: 'listening', from: 'client', state: 'CLOSED', body: { flags: ['SYN'], payload: SSH_BANNER }, violations: [['length', 0, 21, 'LENGTH_NOT_ALLOWED']], expected: SYN },
  // LISTEN: a passive opener sends nothing until a SYN arrives, except the SYN of a SEND, which makes the open active (§3.10.2).
  { name: 'LISTEN: a SYN,ACK before any SYN arrived', stage: 'listening', from: 'server', state: 'LISTEN', body: { flags: ['SYN', 'ACK'] }, violations: [['flags', 'SYN', 'SYN,ACK', 'FLAGS_NOT_POSSIBLE_IN_STATE']], expected: { flags: ['SYN'], seq: S_ISS, ack: 0, length: 0 } },
  // SYN_SENT: nothing until the retransmission timer expires; then the SYN again, at the same seq.
  { name: 'SYN_SENT: the SYN again before its retransmission timer expired', stage: 'synSent', from: 'client', state: 'SYN_SENT', body: { flags: ['SYN'] }, violations: [['flags', null, 'SYN', 'FLAGS_RETRANSMISSION_NOT_DUE']], expected: null },
  { name: 'SYN_SENT: data before the handshake completes', stage: 'synSent', from: 'client', state: 'SYN_SENT', body: { flags: ['PSH', 'ACK'], payload: SSH_BANNER }, violations: [['flags', null, 'PSH,ACK', 'FLAGS_NOT_POSSIBLE_IN_STATE']], expected: null },
  { name: 'SYN_SENT: the due SYN retransmission at another seq', stage: 'synSent', advanceMs: 1000, from: 'client', state: 'SYN_SENT', body: { flags: ['SYN'], seq: C_ISS + 1 }, violations: [['seq', C_ISS, C_ISS + 1, 'SEQ_MUST_MATCH_RETRANSMITTED']], expected: SYN },
  // SYN_RECEIVED: the owed SYN,ACK <SEQ=ISS><ACK=IRS+1> first.
  { name: 'SYN_RECEIVED: SYN,ACK acking the ISN instead of ISN+1', stage: 'synReceived', from: 'server', state: 'SYN_RECEIVED', body: { flags: ['SYN', 'ACK'], ack: C_ISS }, violations: [['ack', C_ISS + 1, C_ISS, 'ACK_MUST_BE_IRS_PLUS_ONE']], expected: SYN_ACK },
  { name: 'SYN_RECEIVED: SYN,ACK with seq ISS+1', stage: 'synReceived', from: 'server', state: 'SYN_RECEIVED', body: { flags: ['SYN', 'ACK'], seq: S_ISS + 1 }, violations: [['seq', S_ISS, S_ISS + 1, 'SEQ_MUST_BE_ISS']], expected: SYN_ACK },
  { name: 'SYN_RECEIVED: seq and ack both wrong, both listed', stage: 'synReceived', from: 'server', state: 'SYN_RECEIVED', body: { flags: ['SYN', 'ACK'], seq: 0, ack: 0 }, violations: [['seq', S_ISS, 0, 'SEQ_MUST_BE_ISS'], ['ack', C_ISS + 1, 0, 'ACK_MUST_BE_IRS_PLUS_ONE']], expected: SYN_ACK },
  { name: 'SYN_RECEIVED: a bare ACK while the SYN,ACK is owed', stage: 'synReceived', from: 'server', state: 'SYN_RECEIVED', body: { flags: ['ACK'] }, violations: [['flags', 'SYN,ACK', 'ACK', 'FLAGS_OWED_ANSWER_FIRST']], expected: SYN_ACK },
  // ESTABLISHED (the client, which owes the third handshake ACK).
  { name: 'ESTABLISHED: third-handshake ACK acking the server ISN instead of ISN+1', stage: 'synAckArrived', from: 'client', state: 'ESTABLISHED', body: { flags: ['ACK'], ack: S_ISS }, violations: [['ack', S_ISS + 1, S_ISS, 'ACK_MUST_BE_RCV_NXT']], expected: ack(C_ISS + 1, S_ISS + 1) },
  { name: 'ESTABLISHED: ACK reusing the SYN’s seq', stage: 'synAckArrived', from: 'client', state: 'ESTABLISHED', body: { flags: ['ACK'], seq: C_ISS }, violations: [['seq', C_ISS + 1, C_ISS, 'SEQ_MUST_BE_SND_NXT']], expected: ack(C_ISS + 1, S_ISS + 1) },
  { name: 'ESTABLISHED: data without the ACK bit', stage: 'established', from: 'client', state: 'ESTABLISHED', body: { flags: ['PSH'], payload: SSH_BANNER }, violations: [['flags', 'ACK', 'PSH', 'FLAGS_ACK_REQUIRED']], expected: ack(C_ISS + 1, S_ISS + 1, 21) },
  { name: 'ESTABLISHED: a SYN on a synchronized connection', stage: 'established', from: 'client', state: 'ESTABLISHED', body: { flags: ['SYN'] }, violations: [['flags', 'ACK', 'SYN', 'FLAGS_ACK_REQUIRED']], expected: ack(C_ISS + 1, S_ISS + 1) },
  { name: 'ESTABLISHED: data at an old seq', stage: 'established', from: 'client', state: 'ESTABLISHED', body: { flags: ['PSH', 'ACK'], seq: C_ISS, payload: SSH_BANNER }, violations: [['seq', C_ISS + 1, C_ISS, 'SEQ_MUST_BE_SND_NXT']], expected: ack(C_ISS + 1, S_ISS + 1, 21) },
  { name: 'ESTABLISHED: data with a stale ack', stage: 'established', from: 'client', state: 'ESTABLISHED', body: { flags: ['PSH', 'ACK'], ack: S_ISS, payload: SSH_BANNER }, violations: [['ack', S_ISS + 1, S_ISS, 'ACK_MUST_BE_RCV_NXT']], expected: ack(C_ISS + 1, S_ISS + 1, 21) },
  { name: 'ESTABLISHED: the server’s ACK of the banner acking only up to its start', stage: 'dataSent', from: 'server', state: 'ESTABLISHED', body: { flags: ['ACK'], ack: 481914175 }, violations: [['ack', 481914196, 481914175, 'ACK_MUST_BE_RCV_NXT']], expected: ack(2737267461, 481914196) },
  // FIN_WAIT_1 (client) and CLOSE_WAIT (server): the client's FIN has arrived.
  { name: 'FIN_WAIT_1: data after CLOSE', stage: 'finWait1', from: 'client', state: 'FIN_WAIT_1', body: { flags: ['PSH', 'ACK'], payload: 'more' }, violations: [['flags', 'ACK', 'PSH,ACK', 'FLAGS_NOT_POSSIBLE_IN_STATE']], expected: ack(481914197, 2737267461) },
  { name: 'FIN_WAIT_1: ACK at the FIN’s seq (the FIN consumed it)', stage: 'finWait1', from: 'client', state: 'FIN_WAIT_1', body: { flags: ['ACK'], seq: 481914196 }, violations: [['seq', 481914197, 481914196, 'SEQ_MUST_BE_SND_NXT']], expected: ack(481914197, 2737267461) },
  { name: 'FIN_WAIT_1: ACK with a stale ack', stage: 'finWait1', from: 'client', state: 'FIN_WAIT_1', body: { flags: ['ACK'], ack: 2737267460 }, violations: [['ack', 2737267461, 2737267460, 'ACK_MUST_BE_RCV_NXT']], expected: ack(481914197, 2737267461) },
  { name: 'FIN_WAIT_1: the FIN again before its retransmission timer expired', stage: 'finWait1', from: 'client', state: 'FIN_WAIT_1', body: { flags: ['FIN', 'ACK'] }, violations: [['flags', 'ACK', 'FIN,ACK', 'FLAGS_RETRANSMISSION_NOT_DUE']], expected: ack(481914197, 2737267461) },
  { name: 'FIN_WAIT_1: the due FIN retransmission at another seq', stage: 'finWait1', advanceMs: 1000, from: 'client', state: 'FIN_WAIT_1', body: { flags: ['FIN', 'ACK'], seq: 481914197 }, violations: [['seq', 481914196, 481914197, 'SEQ_MUST_MATCH_RETRANSMITTED']], expected: finAck(481914196, 2737267461) },
  { name: 'CLOSE_WAIT: the second-wave ACK not counting the FIN', stage: 'finWait1', from: 'server', state: 'CLOSE_WAIT', body: { flags: ['ACK'], ack: 481914196 }, violations: [['ack', 481914197, 481914196, 'ACK_MUST_BE_RCV_NXT']], expected: ack(2737267461, 481914197) },
  { name: 'CLOSE_WAIT: a SYN', stage: 'finWait1', from: 'server', state: 'CLOSE_WAIT', body: { flags: ['SYN'] }, violations: [['flags', 'ACK', 'SYN', 'FLAGS_ACK_REQUIRED']], expected: ack(2737267461, 481914197) },
  { name: 'CLOSE_WAIT: FIN,ACK at SND.NXT+1', stage: 'finWait1', from: 'server', state: 'CLOSE_WAIT', body: { flags: ['FIN', 'ACK'], seq: 2737267462 }, violations: [['seq', 2737267461, 2737267462, 'SEQ_MUST_BE_SND_NXT']], expected: finAck(2737267461, 481914197) },
  // FIN_WAIT_2: the client's FIN is acknowledged; only ACKs (or RST) remain.
  { name: 'FIN_WAIT_2: a second FIN', stage: 'finWait2', from: 'client', state: 'FIN_WAIT_2', body: { flags: ['FIN', 'ACK'] }, violations: [['flags', 'ACK', 'FIN,ACK', 'FLAGS_NOT_POSSIBLE_IN_STATE']], expected: ack(481914197, 2737267461) },
  { name: 'FIN_WAIT_2: ACK acking a FIN the server has not sent', stage: 'finWait2', from: 'client', state: 'FIN_WAIT_2', body: { flags: ['ACK'], ack: 2737267462 }, violations: [['ack', 2737267461, 2737267462, 'ACK_MUST_BE_RCV_NXT']], expected: ack(481914197, 2737267461) },
  // LAST_ACK (server) and TIME_WAIT (client): the server's FIN has arrived.
  { name: 'LAST_ACK: data after CLOSE', stage: 'lastAck', from: 'server', state: 'LAST_ACK', body: { flags: ['PSH', 'ACK'], payload: 'x' }, violations: [['flags', 'ACK', 'PSH,ACK', 'FLAGS_NOT_POSSIBLE_IN_STATE']], expected: ack(2737267462, 481914197) },
  { name: 'LAST_ACK: the FIN again before its retransmission timer expired', stage: 'lastAck', from: 'server', state: 'LAST_ACK', body: { flags: ['FIN', 'ACK'] }, violations: [['flags', 'ACK', 'FIN,ACK', 'FLAGS_RETRANSMISSION_NOT_DUE']], expected: ack(2737267462, 481914197) },
  { name: 'LAST_ACK: the due FIN retransmission at another seq', stage: 'lastAck', advanceMs: 1000, from: 'server', state: 'LAST_ACK', body: { flags: ['FIN', 'ACK'], seq: 2737267462 }, violations: [['seq', 2737267461, 2737267462, 'SEQ_MUST_MATCH_RETRANSMITTED']], expected: finAck(2737267461, 481914197) },
  { name: 'LAST_ACK: ACK at the FIN’s seq', stage: 'lastAck', from: 'server', state: 'LAST_ACK', body: { flags: ['ACK'], seq: 2737267461 }, violations: [['seq', 2737267462, 2737267461, 'SEQ_MUST_BE_SND_NXT']], expected: ack(2737267462, 481914197) },
  { name: 'TIME_WAIT: the fourth-wave ACK not counting the FIN', stage: 'lastAck', from: 'client', state: 'TIME_WAIT', body: { flags: ['ACK'], ack: 2737267461 }, violations: [['ack', 2737267462, 2737267461, 'ACK_MUST_BE_RCV_NXT']], expected: ack(481914197, 2737267462) },
  { name: 'TIME_WAIT: ACK at the FIN’s seq', stage: 'lastAck', from: 'client', state: 'TIME_WAIT', body: { flags: ['ACK'], seq: 481914196 }, violations: [['seq', 481914197, 481914196, 'SEQ_MUST_BE_SND_NXT']], expected: ack(481914197, 2737267462) },
  { name: 'TIME_WAIT: a FIN', stage: 'lastAck', from: 'client', state: 'TIME_WAIT', body: { flags: ['FIN', 'ACK'] }, violations: [['flags', 'ACK', 'FIN,ACK', 'FLAGS_NOT_POSSIBLE_IN_STATE']], expected: ack(481914197, 2737267462) },
  { name: 'TIME_WAIT: an RST (ABORT in TIME_WAIT sends none)', stage: 'timeWait', from: 'client', state: 'TIME_WAIT', body: { flags: ['RST'] }, violations: [['flags', 'ACK', 'RST', 'FLAGS_NOT_POSSIBLE_IN_STATE']], expected: ack(481914197, 2737267462) },
];

/** Everything observable about a session: GET (with ETag) and its whole history. */
async function observe(id: string): Promise<{ etag: string | undefined; session: unknown; events: unknown[]; segments: unknown[] }> {
  const res = await getSession(http, id);
  return {
    etag: res.headers['etag'],
    session: res.body,
    events: (await allPages(http, `/v1/sessions/${id}/events`)).items,
    segments: (await allPages(http, `/v1/sessions/${id}/segments`)).items,
  };
}

/** One session per stage (and clock), shared by the probes there: a refused send changes nothing, so they cannot disturb each other. */
const sessions = new Map<string, Promise<string>>();
function sessionAt(stage: ManualStage, advanceMs = 0): Promise<string> {
  const key = `${stage}@${advanceMs}`;
  if (!sessions.has(key)) {
    sessions.set(
      key,
      manualSessionAt(http, stage).then(async (id) => {
        if (advanceMs > 0) await http().post(`/v1/sessions/${id}/advance`).send({ ms: advanceMs }).expect(200);
        return id;
      }),
    );
  }
  return sessions.get(key)!;
}

describe('POST /v1/sessions/:id/send — 422 with violations, from each state of the seed connection', () => {
  it.each(PROBES.map((p) => [p.name, p] as const))('%s', async (_name, probe) => {
    const id = await sessionAt(probe.stage, probe.advanceMs);
    const before = await observe(id);
    expect((before.session as Record<Side, { state: string }>)[probe.from].state).toBe(probe.state);

    const url = `/v1/sessions/${id}/send`;
    const res = await http().post(url).send({ from: probe.from, ...probe.body });
    expectProblem(res, 422, 'SEGMENT_INVALID', url);
    expect(res.body.violations).toEqual(
      probe.violations.map(([field, expected, actual, code]) => ({ field, expected, actual, code, reason: expect.any(String) })),
    );
    for (const v of res.body.violations as Array<{ field: string; expected: unknown; reason: string }>) {
      expect(v.reason.length).toBeGreaterThan(0);
      if (v.field === 'seq' || v.field === 'ack') expect(v.reason).toContain(String(v.expected));
    }
    expect(res.body.expected).toEqual(probe.expected);
    expect(res.body.detail).toBe(res.body.violations.map((v: { reason: string }) => v.reason).join(' '));

    // Nothing changed: same version and ETag, same snapshot, no event or segment recorded.
    expect(await observe(id)).toEqual(before);
  });

  it('SYN_RECEIVED: the SYN,ACK sent again before its retransmission timer expired → 422; nothing changes', async () => {
    // The SYN,ACK has gone out (the client is ESTABLISHED); its retransmission timer is due at 1000 ms, the clock is at 0.
    const id = await manualSessionAt(http, 'synAckArrived');
    const before = await observe(id);
    expect(before.session).toMatchObject({ clock_ms: 0, server: { state: 'SYN_RECEIVED', timers: [{ kind: 'retransmission', due_ms: 1000 }] } });
    const res = await http().post(`/v1/sessions/${id}/send`).send({ from: 'server', flags: ['SYN', 'ACK'] });
    expectProblem(res, 422, 'SEGMENT_INVALID');
    expect(res.body.violations.length).toBeGreaterThan(0);
    expect(await observe(id)).toEqual(before);
  });

  it('SYN_RECEIVED: once the retransmission timer expires, the SYN,ACK retransmission is owed and accepted', async () => {
    const id = await manualSessionAt(http, 'synAckArrived');
    const timeout = await http().post(`/v1/sessions/${id}/advance`).send({ ms: 1000 }).expect(200);
    expect(timeout.body.events.map((e: { code: string }) => e.code)).toEqual(['RETRANSMISSION_TIMEOUT', 'ANSWER_OWED']);
    expect(timeout.body.session.owed).toEqual(
      expect.arrayContaining([expect.objectContaining({ endpoint: 'server', flags: ['SYN', 'ACK'], seq: S_ISS, ack: C_ISS + 1 })]),
    );
    const again = await http().post(`/v1/sessions/${id}/send`).send({ from: 'server', flags: ['SYN', 'ACK'] }).expect(200);
    expect(again.body.events[0]).toMatchObject({ code: 'SEGMENT_RETRANSMITTED', endpoint: 'server' });
    expect(again.body.segments).toEqual([expect.objectContaining({ flags: ['SYN', 'ACK'], seq: S_ISS, ack: C_ISS + 1, sent_at_ms: 1000 })]);
  });

  it('after a refusal, the expected segment it named is accepted', async () => {
    const id = await manualSessionAt(http, 'finWait1');
    const refused = await http().post(`/v1/sessions/${id}/send`).send({ from: 'server', flags: ['ACK'], ack: 481914196 }).expect(422);
    const { flags, seq, ack: ackNo } = refused.body.expected as Expected;
    const accepted = await http().post(`/v1/sessions/${id}/send`).send({ from: 'server', flags, seq, ack: ackNo }).expect(200);
    expect(accepted.body.segments[0]).toMatchObject({ flags, seq, ack: ackNo });
    expect(accepted.body.session.client.state).toBe('FIN_WAIT_2');
  });
});

// ---------------------------------------------------------------- refused calls

describe('POST /v1/sessions/:id/calls — calls the RFC refuses', () => {
  const REFUSED: Array<{ name: string; stage: ManualStage; endpoint: Side; call: string; state: string; error: string; text: string; data?: string }> = [
    { name: 'close in TIME_WAIT', stage: 'timeWait', endpoint: 'client', call: 'close', state: 'TIME_WAIT', error: 'CONNECTION_CLOSING', text: 'error: connection closing' },
    { name: 'close in LAST_ACK', stage: 'lastAck', endpoint: 'server', call: 'close', state: 'LAST_ACK', error: 'CONNECTION_CLOSING', text: 'error: connection closing' },
    { name: 'connect when ESTABLISHED', stage: 'established', endpoint: 'client', call: 'connect', state: 'ESTABLISHED', error: 'CONNECTION_ALREADY_EXISTS', text: 'error: connection already exists' },
    { name: 'connect (an active OPEN) in LISTEN', stage: 'listening', endpoint: 'server', call: 'connect', state: 'LISTEN', error: 'CONNECTION_ALREADY_EXISTS', text: 'error: connection already exists' },
    { name: 'listen in TIME_WAIT', stage: 'timeWait', endpoint: 'client', call: 'listen', state: 'TIME_WAIT', error: 'CONNECTION_ALREADY_EXISTS', text: 'error: connection already exists' },
    { name: 'send after close (FIN_WAIT_1)', stage: 'finWait1', endpoint: 'client', call: 'send', data: 'late', state: 'FIN_WAIT_1', error: 'CONNECTION_CLOSING', text: 'error: connection closing' },
    { name: 'send after close (FIN_WAIT_2)', stage: 'finWait2', endpoint: 'client', call: 'send', data: 'late', state: 'FIN_WAIT_2', error: 'CONNECTION_CLOSING', text: 'error: connection closing' },
    { name: 'send after the server closed too (LAST_ACK)', stage: 'lastAck', endpoint: 'server', call: 'send', data: 'late', state: 'LAST_ACK', error: 'CONNECTION_CLOSING', text: 'error: connection closing' },
    { name: 'receive in TIME_WAIT', stage: 'timeWait', endpoint: 'client', call: 'receive', state: 'TIME_WAIT', error: 'CONNECTION_CLOSING', text: 'error: connection closing' },
    { name: 'close on a CLOSED endpoint', stage: 'timeWait', endpoint: 'server', call: 'close', state: 'CLOSED', error: 'CONNECTION_DOES_NOT_EXIST', text: 'error: connection does not exist' },
    { name: 'send on a CLOSED endpoint', stage: 'listening', endpoint: 'client', call: 'send', data: 'hi', state: 'CLOSED', error: 'CONNECTION_DOES_NOT_EXIST', text: 'error: connection does not exist' },
  ];

  it.each(REFUSED.map((r) => [r.name, r] as const))('%s → 422 CALL_REFUSED with the RFC error text; nothing changes', async (_name, r) => {
    const id = await sessionAt(r.stage);
    const before = await observe(id);
    expect((before.session as Record<Side, { state: string }>)[r.endpoint].state).toBe(r.state);
    const url = `/v1/sessions/${id}/calls`;
    const res = await http()
      .post(url)
      .send({ endpoint: r.endpoint, call: r.call, ...(r.data ? { data: r.data } : {}) });
    expectProblem(res, 422, 'CALL_REFUSED', url);
    expect(res.body.error).toBe(r.error);
    expect(res.body.rfc_text).toBe(r.text);
    expect(res.body.detail).toContain(r.text);
    expect(res.body.events).toEqual([
      expect.objectContaining({ endpoint: r.endpoint, kind: 'error', code: `CALL_REFUSED_${r.error}`, from_state: r.state, to_state: r.state }),
    ]);
    expect(await observe(id)).toEqual(before);
  });
});

// ---------------------------------------------------------------- languages

describe('Accept-Language: zh-CN', () => {
  it('violation reasons and the detail are in Chinese (确认号 for an ack), with the numbers', async () => {
    const id = await sessionAt('synReceived');
    const res = await http()
      .post(`/v1/sessions/${id}/send`)
      .set('Accept-Language', 'zh-CN')
      .send({ from: 'server', flags: ['SYN', 'ACK'], ack: C_ISS });
    expectProblem(res, 422, 'SEGMENT_INVALID');
    expect(res.body.violations).toEqual([expect.objectContaining({ field: 'ack', code: 'ACK_MUST_BE_IRS_PLUS_ONE' })]);
    const reason = res.body.violations[0].reason as string;
    expect(reason).toContain('确认号');
    expect(reason).toContain(String(C_ISS + 1));
    expect(reason).toContain(String(C_ISS));
    expect(res.body.detail).toBe(reason);

    const en = await http().post(`/v1/sessions/${id}/send`).send({ from: 'server', flags: ['SYN', 'ACK'], ack: C_ISS });
    expect(en.body.violations[0].reason).toMatch(/^ack must be 481914175/);
    expect(en.body.violations[0].reason).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('wrong seq and wrong flags are explained in Chinese too (序列号, ACK required)', async () => {
    const synReceived = await sessionAt('synReceived');
    const seq = await http().post(`/v1/sessions/${synReceived}/send`).set('Accept-Language', 'zh-CN').send({ from: 'server', flags: ['SYN', 'ACK'], seq: 1 });
    expect(seq.body.violations[0].reason).toContain('序列号');
    const established = await sessionAt('established');
    const flags = await http().post(`/v1/sessions/${established}/send`).set('Accept-Language', 'zh-CN').send({ from: 'client', flags: ['FIN'] });
    expect(flags.body.violations).toEqual([expect.objectContaining({ field: 'flags', code: 'FLAGS_ACK_REQUIRED' })]);
    expect(flags.body.violations[0].reason).toMatch(/[\u4e00-\u9fff]/);
    expect(flags.body.violations[0].reason).toContain('报文段');
  });

  it('zh-CN reasons are translated throughout: no English words left in them', async () => {
    // In LISTEN nothing can be sent: the list of possible segments is empty.
    const id = await sessionAt('listening');
    const res = await http().post(`/v1/sessions/${id}/send`).set('Accept-Language', 'zh-CN').send({ from: 'server', flags: ['SYN', 'ACK'] });
    expectProblem(res, 422, 'SEGMENT_INVALID');
    const reason = res.body.violations[0].reason as string;
    expect(reason).toMatch(/[\u4e00-\u9fff]/);
    // Flag names, state names, "TCP" and "RFC" stay as the RFC spells them; nothing else may be English.
    const english = reason.replace(/\b(SYN|ACK|FIN|RST|PSH|URG|LISTEN|TCP|RFC)\b/g, '').match(/[A-Za-z]{3,}/g);
    expect(english).toBeNull();
  });

  it('step events, owed-answer messages and the event history follow Accept-Language; English by default', async () => {
    const fresh = await manualSessionAt(http, 'listening');
    const zh = await http().post(`/v1/sessions/${fresh}/send`).set('Accept-Language', 'zh-CN').send({ from: 'client', flags: ['SYN'] }).expect(200);
    const transition = zh.body.events.find((e: { code: string }) => e.code === 'LISTEN_SYN_TO_SYN_RECEIVED');
    expect(transition.message).toContain('第一次握手');
    expect(transition.message).toContain(String(C_ISS));
    expect(zh.body.session.owed).toEqual([expect.objectContaining({ endpoint: 'server', message: expect.stringContaining('接下来必须发送') })]);

    const enGet = await getSession(http, fresh);
    expect(enGet.body.owed[0].message).toBe('The server must send SYN,ACK seq=2737267460 ack=481914175 next.');

    const zhHistory = await allPages<{ message: string; code: string }>(http, `/v1/sessions/${fresh}/events`, { lang: 'zh-CN' });
    const enHistory = await allPages<{ message: string; code: string }>(http, `/v1/sessions/${fresh}/events`);
    expect(zhHistory.items.map((e) => e.code)).toEqual(enHistory.items.map((e) => e.code));
    for (const e of zhHistory.items) expect(e.message).toMatch(/[\u4e00-\u9fff]/);
    for (const e of enHistory.items) expect(e.message).not.toMatch(/[\u4e00-\u9fff]/);
    expect(enHistory.items.find((e) => e.code === 'OPEN_PASSIVE_TO_LISTEN')!.message).toMatch(/^The server/);
  });

  it('a refused call is explained in Chinese, quoting the RFC error text', async () => {
    const id = await sessionAt('timeWait');
    const res = await http().post(`/v1/sessions/${id}/calls`).set('Accept-Language', 'zh-CN').send({ endpoint: 'client', call: 'close' });
    expectProblem(res, 422, 'CALL_REFUSED');
    expect(res.body.rfc_text).toBe('error: connection closing');
    expect(res.body.detail).toMatch(/[\u4e00-\u9fff]/);
    expect(res.body.detail).toContain('error: connection closing');
    expect(res.body.events[0].message).toBe(res.body.detail);
  });

  it('zh, zh-Hans and a zh-CN list with quality values all select Chinese; other languages get English', async () => {
    const id = await sessionAt('synReceived');
    const reasonFor = async (lang: string): Promise<string> => {
      const res: request.Response = await http()
        .post(`/v1/sessions/${id}/send`)
        .set('Accept-Language', lang)
        .send({ from: 'server', flags: ['SYN', 'ACK'], ack: C_ISS })
        .expect(422);
      return res.body.violations[0].reason;
    };
    for (const lang of ['zh', 'zh-CN', 'zh-Hans-CN', 'zh-CN,zh;q=0.9,en;q=0.8']) expect(await reasonFor(lang)).toContain('确认号');
    for (const lang of ['en', 'en-US', 'fr', 'de-DE,de;q=0.9']) expect(await reasonFor(lang)).toMatch(/^ack must be/);
  });

  it('honours preference order: "fr, zh-CN;q=0.8" and "en;q=0.1, zh-CN" select Chinese (RFC 9110 §12.5.4)', async () => {
    const id = await sessionAt('synReceived');
    for (const lang of ['fr, zh-CN;q=0.8', 'en;q=0.1, zh-CN']) {
      const res = await http()
        .post(`/v1/sessions/${id}/send`)
        .set('Accept-Language', lang)
        .send({ from: 'server', flags: ['SYN', 'ACK'], ack: C_ISS })
        .expect(422);
      expect({ lang, reason: res.body.violations[0].reason }).toEqual({ lang, reason: expect.stringContaining('确认号') });
    }
  });

  it('calls made in zh-CN return Chinese events', async () => {
    const id = await manualSessionAt(http, 'established');
    const res = await call(http, id, { endpoint: 'client', call: 'close' }, 'zh-CN');
    const close = res.body.events.find((e: { code: string }) => e.code === 'CLOSE_TO_FIN_WAIT_1');
    expect(close.message).toContain('第一次挥手');
    expect(close.message).toContain('481914175');
  });
});
