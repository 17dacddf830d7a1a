import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { call, createSession, expectBadFields, expectProblem, getSession, type Http } from './e2e-helpers';
import { startApp } from './harness';

/**
 * RTT estimation (RFC 6298) and the `linux` profile over HTTP (issue 11): the
 * session snapshot shows SRTT, RTTVAR and RTO, a linux session retransmits
 * after Linux's 200 ms minimum RTO where the standard profiles wait 1 s, and
 * the explanations say where Linux differs. In auto mode every segment
 * arrives in the step that sends it, so the handshake's RTT sample is 0 ms.
 */

let app: NestFastifyApplication;
let http: Http;

beforeAll(async () => {
  ({ app, http } = await startApp());
});
afterAll(() => app.close());

interface Event {
  code: string;
  params: Record<string, unknown>;
  message: string;
}

async function connected(profile: string): Promise<string> {
  const id = await createSession(http, { profile, client: { isn: 1000 }, server: { isn: 5000 } });
  await call(http, id, { endpoint: 'server', call: 'listen' });
  await call(http, id, { endpoint: 'client', call: 'connect' });
  return id;
}

describe('POST /v1/sessions with profile "linux"', () => {
  it('201: the session says profile linux, and after the handshake the TCB shows SRTT 0, RTTVAR 0 and RTO 0 + max(200, 0) = 200 ms', async () => {
    const id = await connected('linux');
    const res = await getSession(http, id);
    expect(res.body.profile).toBe('linux');
    expect(res.body.client.tcb).toMatchObject({ srtt_ms: 0, rttvar_ms: 0, rto_ms: 200 });
    expect(res.body.server.tcb).toMatchObject({ srtt_ms: 0, rttvar_ms: 0, rto_ms: 200 });
  });

  it('the default profile computes RTO = max(1000, 0 + max(1, 0)) = 1000 ms from the same sample', async () => {
    const id = await connected('rfc9293');
    const res = await getSession(http, id);
    expect(res.body.client.tcb).toMatchObject({ srtt_ms: 0, rttvar_ms: 0, rto_ms: 1000 });
  });

  it('before the first sample SRTT and RTTVAR are null and the RTO is the initial 1 s', async () => {
    const id = await createSession(http, { profile: 'linux' });
    await call(http, id, { endpoint: 'server', call: 'listen' });
    await call(http, id, { endpoint: 'client', call: 'connect', network: 'drop' });
    const res = await getSession(http, id);
    expect(res.body.client.tcb).toMatchObject({ srtt_ms: null, rttvar_ms: null, rto_ms: 1000 });
  });

  it('400 VALIDATION_FAILED for msl_ms with profile linux: its TIME_WAIT is a fixed 60 s', async () => {
    const res = await http().post('/v1/sessions').send({ profile: 'linux', msl_ms: 10000 });
    expectProblem(res, 400, 'VALIDATION_FAILED', '/v1/sessions');
    expectBadFields(res, ['msl_ms']);
  });

  it('400 for a profile that does not exist', async () => {
    const res = await http().post('/v1/sessions').send({ profile: 'bsd' });
    expectBadFields(res, ['profile']);
  });
});

describe('a linux session over the routes', () => {
  it('lost data is sent again 200 ms after it was sent — a tail loss probe in linux, min(2·SRTT + 200, RTO) — and after the 1000 ms RTO in rfc9293', async () => {
    for (const [profile, after, code] of [
      ['linux', 200, 'TAIL_LOSS_PROBE'],
      ['rfc9293', 1000, 'RETRANSMISSION_TIMEOUT'],
    ] as const) {
      const id = await connected(profile);
      await call(http, id, { endpoint: 'client', call: 'send', data: 'hello', network: 'drop' });
      const early = await http().post(`/v1/sessions/${id}/advance`).send({ ms: after - 1 }).expect(200);
      expect(early.body.segments).toEqual([]);
      const due = await http().post(`/v1/sessions/${id}/advance`).send({ ms: 1 }).expect(200);
      expect((due.body.events as Event[]).find((e) => e.code === code)?.params).toMatchObject({ rto_ms: after });
      expect(due.body.segments[0]).toMatchObject({ from: 'client', seq: 1001, length: 5 });
    }
  });

  it('the ACK of new data explains the RTT sample and the Linux RTO rule, in English and in Chinese', async () => {
    const id = await connected('linux');
    await http().put(`/v1/sessions/${id}/network`).send({ auto_deliver: false }).expect(200);
    const sent = await call(http, id, { endpoint: 'client', call: 'send', data: 'x' });
    await http().post(`/v1/sessions/${id}/advance`).send({ ms: 100 }).expect(200);
    await http().post(`/v1/sessions/${id}/deliver`).send({ segment_id: sent.body.segments[0].id, action: 'deliver' }).expect(200);
    const session = await getSession(http, id);
    const ack = session.body.in_flight[0];
    const res = await http().post(`/v1/sessions/${id}/deliver`).set('Accept-Language', 'zh-CN').send({ segment_id: ack.id, action: 'deliver' }).expect(200);
    const sample = (res.body.events as Event[]).find((e) => e.code === 'RTT_MEASURED')!;
    // RFC 6298 §2.3 after a first sample of 0: RTTVAR = ¼·100 = 25, SRTT = ⅛·100 = 12.5; Linux RTO = 12.5 + max(200, 100).
    expect(sample.params).toMatchObject({ sample_ms: 100, srtt_ms: 12.5, rttvar_ms: 25, rto_ms: 213, rule: 'linux' });
    expect(sample.message).toContain('RTO = SRTT + max(TCP_RTO_MIN, 4·RTTVAR) = 12.5 + max(200, 100) → 213 毫秒');
    expect(res.body.session.client.tcb).toMatchObject({ srtt_ms: 12.5, rttvar_ms: 25, rto_ms: 213 });
  });

  it('FIN_WAIT_2 times out after 60 s (tcp_fin_timeout): the client is CLOSED and nothing is sent', async () => {
    const id = await connected('linux');
    await call(http, id, { endpoint: 'client', call: 'close' });
    const res = await http().post(`/v1/sessions/${id}/advance`).send({ ms: 60000 }).expect(200);
    expect(res.body.segments).toEqual([]);
    expect((res.body.events as Event[]).map((e) => e.code)).toEqual(['FIN_WAIT_2_TIMEOUT']);
    expect(res.body.session.client.state).toBe('CLOSED');
  });
});

describe('a linux session: delayed ACKs (Linux tcp_send_delayed_ack; RFC 9293 §3.8.6.3)', () => {
  it('once the server has answered, the client\'s next data waits for its ACK: nothing at once, a delayed_ack timer, and ACK after 40 ms on advance — rfc9293 acknowledges at once', async () => {
    for (const profile of ['linux', 'rfc9293'] as const) {
      const id = await connected(profile);
      await call(http, id, { endpoint: 'client', call: 'send', data: 'ask' });
      await call(http, id, { endpoint: 'server', call: 'send', data: 'answer' });
      const more = await call(http, id, { endpoint: 'client', call: 'send', data: 'more' });
      const fromServer = (more.body.segments as Array<{ from: string; flags: string[]; ack: number }>).filter((s) => s.from === 'server');
      if (profile === 'rfc9293') {
        expect(fromServer).toHaveLength(1);
        continue;
      }
      expect(fromServer).toEqual([]);
      const delayed = (more.body.events as Event[]).find((e) => e.code === 'ACK_DELAYED')!;
      expect(delayed.params).toMatchObject({ delay_ms: 40, interactive: true });
      expect(delayed.message).toContain('Linux does not acknowledge this data at once');
      expect(more.body.session.server.timers).toEqual([{ kind: 'delayed_ack', due_ms: more.body.session.clock_ms + 40 }]);
      const early = await http().post(`/v1/sessions/${id}/advance`).send({ ms: 39 }).expect(200);
      expect(early.body.segments).toEqual([]);
      const due = await http().post(`/v1/sessions/${id}/advance`).send({ ms: 1 }).expect(200);
      expect((due.body.events as Event[]).map((e) => e.code)).toContain('DELAYED_ACK_TIMEOUT');
      expect(due.body.segments[0]).toMatchObject({ from: 'server', ack: 1001 + 'ask'.length + 'more'.length, length: 0 });
    }
  });
});

describe('POST /v1/sessions/{id}/calls: close and shutdown', () => {
  /** Connected, and the client's 5 octets have reached the server, unread. */
  async function withUnread(profile: string): Promise<string> {
    const id = await connected(profile);
    await call(http, id, { endpoint: 'client', call: 'send', data: 'hello' });
    return id;
  }

  it('linux: close with unread data sends RST,ACK and the server is CLOSED at once; the event names RFC 9293 §3.6.1 and tcp_close', async () => {
    const id = await withUnread('linux');
    const res = await call(http, id, { endpoint: 'server', call: 'close' });
    expect(res.body.segments).toEqual([expect.objectContaining({ from: 'server', flags: ['RST', 'ACK'], seq: 5001, ack: 1006 })]);
    const reset = (res.body.events as Event[]).find((e) => e.code === 'CLOSE_UNREAD_DATA_RESET')!;
    expect(reset.params).toMatchObject({ unread: 5 });
    expect(reset.message).toContain('RFC 9293 §3.6.1');
    expect(res.body.session.server.state).toBe('CLOSED');
  });

  it('linux: shutdown with the same unread data sends a FIN (the RFC\'s CLOSE), and receive still reads the 5 octets', async () => {
    const id = await withUnread('linux');
    const res = await call(http, id, { endpoint: 'server', call: 'shutdown' });
    expect(res.body.segments[0]).toMatchObject({ from: 'server', flags: ['FIN', 'ACK'] });
    expect(res.body.session.server.state).toBe('FIN_WAIT_2');
    const read = await call(http, id, { endpoint: 'server', call: 'receive' });
    expect(read.body.received).toMatchObject({ length: 5, data: 'hello' });
  });

  it('rfc9293: close with unread data is the RFC\'s CLOSE — a FIN, not a reset', async () => {
    const id = await withUnread('rfc9293');
    const res = await call(http, id, { endpoint: 'server', call: 'close' });
    expect(res.body.segments[0]).toMatchObject({ from: 'server', flags: ['FIN', 'ACK'] });
  });

  it('linux: receive after close is 422 CALL_REFUSED, problem+json, saying the application closed its socket', async () => {
    const id = await connected('linux');
    await call(http, id, { endpoint: 'client', call: 'close' });
    const res = await http().post(`/v1/sessions/${id}/calls`).send({ endpoint: 'client', call: 'receive' });
    expectProblem(res, 422, 'CALL_REFUSED');
    expect(res.body.detail).toContain('closed its socket with close()');
  });

  it('linux: shutdown leaves FIN_WAIT_2 without the 60 s timeout, close orphans it and starts it', async () => {
    const id = await connected('linux');
    const shut = await call(http, id, { endpoint: 'client', call: 'shutdown' });
    expect(shut.body.session.client).toMatchObject({ state: 'FIN_WAIT_2', timers: [] });
    const closed = await call(http, id, { endpoint: 'client', call: 'close' });
    expect((closed.body.events as Event[]).map((e) => e.code)).toEqual(['CLOSE_AFTER_SHUTDOWN']);
    expect(closed.body.session.client.timers).toEqual([{ kind: 'fin_wait_2', due_ms: 60000 }]);
  });

  it('linux: receive in LAST_ACK reads what came before the peer\'s FIN', async () => {
    const id = await connected('linux');
    await http().put(`/v1/sessions/${id}/network`).send({ auto_deliver: false }).expect(200);
    const data = await call(http, id, { endpoint: 'client', call: 'send', data: 'hello' });
    await http().post(`/v1/sessions/${id}/deliver`).send({ segment_id: data.body.segments[0].id, action: 'deliver' }).expect(200);
    const fin = await call(http, id, { endpoint: 'client', call: 'shutdown' });
    await http().post(`/v1/sessions/${id}/deliver`).send({ segment_id: fin.body.segments[0].id, action: 'deliver' }).expect(200);
    await call(http, id, { endpoint: 'server', call: 'shutdown' });
    const read = await call(http, id, { endpoint: 'server', call: 'receive' });
    expect(read.body.session.server.state).toBe('LAST_ACK');
    expect(read.body.received).toMatchObject({ length: 5, data: 'hello' });
  });

  it('400 VALIDATION_FAILED for send\'s fields on shutdown or close (data, urgent)', async () => {
    const id = await connected('linux');
    expectBadFields(await http().post(`/v1/sessions/${id}/calls`).send({ endpoint: 'client', call: 'shutdown', data: 'x' }), ['data']);
    expectBadFields(await http().post(`/v1/sessions/${id}/calls`).send({ endpoint: 'client', call: 'close', urgent: true }), ['urgent']);
  });

  it('400 for a call that does not exist (shutdown_rd)', async () => {
    const id = await connected('linux');
    expectBadFields(await http().post(`/v1/sessions/${id}/calls`).send({ endpoint: 'client', call: 'shutdown_rd' }), ['call']);
  });
});

describe('POST /v1/sessions: the endpoint option nodelay (TCP_NODELAY)', () => {
  async function twoSmallSends(nodelay: boolean | undefined): Promise<{ second: { segments: unknown[]; events: Event[] } }> {
    const client = nodelay === undefined ? { isn: 1000 } : { isn: 1000, nodelay };
    const id = await createSession(http, { profile: 'linux', client, server: { isn: 5000 } });
    await call(http, id, { endpoint: 'server', call: 'listen' });
    await call(http, id, { endpoint: 'client', call: 'connect' });
    await http().put(`/v1/sessions/${id}/network`).send({ auto_deliver: false }).expect(200);
    await call(http, id, { endpoint: 'client', call: 'send', data: 'a' });
    const second = await call(http, id, { endpoint: 'client', call: 'send', data: 'b' });
    return { second: second.body };
  }

  it('linux without nodelay: a second small send waits for the ACK of the first (Nagle), and the event says why, in English', async () => {
    const { second } = await twoSmallSends(undefined);
    expect(second.segments).toEqual([]);
    const held = second.events.find((e) => e.code === 'SEND_HELD_NAGLE')!;
    expect(held.params).toMatchObject({ length: 1, queued: 1 });
    expect(held.message).toContain("Nagle's algorithm with Minshall's variant (tcp_nagle_test)");
  });

  it('linux with nodelay: true: the second small send goes at once', async () => {
    const { second } = await twoSmallSends(true);
    expect(second.segments).toMatchObject([{ from: 'client', seq: 1002, length: 1 }]);
    expect(second.events.map((e) => e.code)).not.toContain('SEND_HELD_NAGLE');
  });

  it('400 VALIDATION_FAILED for a nodelay that is not a boolean', async () => {
    const res = await http().post('/v1/sessions').send({ profile: 'linux', client: { nodelay: 'yes' } });
    expectProblem(res, 400, 'VALIDATION_FAILED');
  });
});

describe('a linux session: where tcplab knowingly differs from Linux, the explanation cites docs/linux-differences.md', () => {
  it('a send of 20,000 octets says Linux would send its initial congestion window of 10 segments first (entry 20), in English and in Chinese', async () => {
    const id = await connected('linux');
    const res = await call(http, id, { endpoint: 'client', call: 'send', length: 20_000 });
    const sent = (res.body.events as Event[]).find((e) => e.code === 'SEND_DATA')!;
    expect(sent.params).toMatchObject({ linux_difference: 20 });
    expect(sent.message).toContain('tcplab has no congestion control (docs/linux-differences.md, entry 20)');
    const zh = await http().get(`/v1/sessions/${id}/events`).set('Accept-Language', 'zh-CN').expect(200);
    const sentZh = (zh.body.items as Event[]).find((e) => e.code === 'SEND_DATA')!;
    expect(sentZh.message).toContain('docs/linux-differences.md 第 20 条');
  });
});
