import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type request from 'supertest';
import {
  C_ISS,
  S_ISS,
  SSH_BANNER,
  allPages,
  call,
  createSession,
  getSession,
  seedCaptureLines,
  tsOf,
  withoutTs,
  type Http,
} from './e2e-helpers';
import { SEED_ENDPOINTS, startApp } from './harness';

/**
 * The seed connection from start to end over HTTP: the three-way handshake of
 * the seed capture (192.168.1.63:53198 → 192.168.1.64:22, ISNs 481914174 and
 * 2737267460), the client's 21-octet SSH banner, then the four-way teardown,
 * TIME_WAIT and its expiry after 2MSL = 60 s. Every number is exact.
 */

let app: NestFastifyApplication;
let http: Http;

beforeAll(async () => {
  ({ app, http } = await startApp());
});
afterAll(() => app.close());

const CAPTURE = seedCaptureLines(readFileSync(join(__dirname, '../../../libs/tcp-core/test/fixtures/seed-ssh-handshake.tcpdump-S.txt'), 'utf8'));

const C = 'IP 192.168.1.63.53198 > 192.168.1.64.22:';
const S = 'IP 192.168.1.64.22 > 192.168.1.63.53198:';

/** The ten segments of the whole connection, as `tcpdump -n -S` prints them (TS values aside). */
const TRACE = [
  `${C} Flags [S], seq 481914174, win 29200, options [mss 1460,sackOK,TS val * ecr *,nop,wscale 7], length 0`,
  `${S} Flags [S.], seq 2737267460, ack 481914175, win 28960, options [mss 1460,sackOK,TS val * ecr *,nop,wscale 7], length 0`,
  `${C} Flags [.], ack 2737267461, win 229, options [nop,nop,TS val * ecr *], length 0`,
  `${C} Flags [P.], seq 481914175:481914196, ack 2737267461, win 229, options [nop,nop,TS val * ecr *], length 21`,
  `${S} Flags [.], ack 481914196, win 227, options [nop,nop,TS val * ecr *], length 0`,
  // Teardown: the client's FIN (first wave), the server's ACK (second), its FIN (third), the client's ACK (fourth).
  `${C} Flags [F.], seq 481914196, ack 2737267461, win 229, options [nop,nop,TS val * ecr *], length 0`,
  `${S} Flags [.], ack 481914197, win 227, options [nop,nop,TS val * ecr *], length 0`,
  `${S} Flags [F.], seq 2737267461, ack 481914197, win 227, options [nop,nop,TS val * ecr *], length 0`,
  `${C} Flags [.], ack 2737267462, win 229, options [nop,nop,TS val * ecr *], length 0`,
];

/** Timestamps echo what the peer last sent: every ecr after the SYN is the other side's TS val. */
function expectTimestampsEchoed(lines: string[]): void {
  const lastVal: Record<string, number> = {};
  for (const line of lines) {
    const from = line.startsWith(C) ? 'client' : 'server';
    const peer = from === 'client' ? 'server' : 'client';
    const ts = tsOf(line)!;
    expect(ts).not.toBeNull();
    if (lastVal[peer] !== undefined) expect(ts.ecr).toBe(lastVal[peer]);
    else expect(ts.ecr).toBe(0);
    lastVal[from] = ts.val;
  }
}

function states(res: request.Response): [string, string] {
  const session = res.body.session ?? res.body;
  return [session.client.state, session.server.state];
}

function codes(res: request.Response): string[] {
  return res.body.events.map((e: { code: string }) => e.code);
}

function transitions(res: request.Response): string[] {
  return res.body.events
    .filter((e: { kind: string }) => e.kind === 'transition')
    .map((e: { endpoint: string; from_state: string; to_state: string }) => `${e.endpoint} ${e.from_state}→${e.to_state}`);
}

// ---------------------------------------------------------------- manual mode

describe('POST /v1/sessions/:id/send — the seed connection by hand, handshake to CLOSED', () => {
  it('every segment is validated and sent with the exact numbers; TIME_WAIT lasts 2MSL; the trace matches the seed capture', async () => {
    const id = await createSession(http, { mode: 'manual', ...SEED_ENDPOINTS });
    let version = 1;
    /** One /send: 200, the version moves on by one, one segment on the wire. */
    const sendOne = async (body: object, expected: object, after: [string, string]): Promise<request.Response> => {
      const res = await http().post(`/v1/sessions/${id}/send`).send(body);
      expect({ status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({ status: 200, body: undefined });
      version += 1;
      expect(res.headers['etag']).toBe(`"${version}"`);
      expect(res.body.session.version).toBe(version);
      expect(res.body.segments).toHaveLength(1);
      expect(res.body.segments[0]).toMatchObject(expected);
      expect(states(res)).toEqual(after);
      return res;
    };

    const listen = await call(http, id, { endpoint: 'server', call: 'listen' });
    version += 1;
    expect(states(listen)).toEqual(['CLOSED', 'LISTEN']);

    // Three-way handshake.
    const syn = await sendOne({ from: 'client', flags: ['SYN'] }, { id: 1, from: 'client', flags: ['SYN'], seq: C_ISS, ack: 0, window: 29200 }, [
      'SYN_SENT',
      'SYN_RECEIVED',
    ]);
    expect(syn.body.session.owed).toEqual([
      expect.objectContaining({ endpoint: 'server', flags: ['SYN', 'ACK'], seq: S_ISS, ack: C_ISS + 1, length: 0 }),
    ]);
    expect(syn.body.session.server.tcb).toMatchObject({ iss: S_ISS, irs: C_ISS, rcv_nxt: C_ISS + 1, snd_una: S_ISS, snd_nxt: S_ISS + 1 });
    const synAck = await sendOne(
      { from: 'server', flags: ['SYN', 'ACK'] },
      { id: 2, flags: ['SYN', 'ACK'], seq: S_ISS, ack: C_ISS + 1, window: 28960 },
      ['ESTABLISHED', 'SYN_RECEIVED'],
    );
    expect(synAck.body.session.owed).toEqual([expect.objectContaining({ endpoint: 'client', flags: ['ACK'], seq: C_ISS + 1, ack: S_ISS + 1 })]);
    const ack = await sendOne({ from: 'client', flags: ['ACK'] }, { id: 3, flags: ['ACK'], seq: C_ISS + 1, ack: S_ISS + 1, window: 229 }, [
      'ESTABLISHED',
      'ESTABLISHED',
    ]);
    expect(ack.body.session.owed).toEqual([]);

    // The client's banner, 21 octets, and the server's ACK of it.
    const data = await sendOne(
      { from: 'client', flags: ['PSH', 'ACK'], payload: SSH_BANNER },
      { id: 4, flags: ['PSH', 'ACK'], seq: 481914175, ack: 2737267461, length: 21, payload: SSH_BANNER, window: 229 },
      ['ESTABLISHED', 'ESTABLISHED'],
    );
    expect(data.body.session.server.tcb).toMatchObject({ rcv_nxt: 481914196 });
    expect(data.body.session.owed).toEqual([expect.objectContaining({ endpoint: 'server', flags: ['ACK'], seq: 2737267461, ack: 481914196 })]);
    const dataAck = await sendOne({ from: 'server', flags: ['ACK'] }, { id: 5, flags: ['ACK'], seq: 2737267461, ack: 481914196, window: 227 }, [
      'ESTABLISHED',
      'ESTABLISHED',
    ]);
    expect(dataAck.body.session.client.tcb).toMatchObject({ snd_una: 481914196, snd_nxt: 481914196 });

    // Four-way teardown: the client closes first.
    const fin1 = await sendOne({ from: 'client', flags: ['FIN', 'ACK'] }, { id: 6, flags: ['FIN', 'ACK'], seq: 481914196, ack: 2737267461 }, [
      'FIN_WAIT_1',
      'CLOSE_WAIT',
    ]);
    expect(transitions(fin1)).toEqual(['client ESTABLISHED→FIN_WAIT_1', 'server ESTABLISHED→CLOSE_WAIT']);
    expect(fin1.body.session.client.tcb).toMatchObject({ snd_nxt: 481914197 });
    expect(fin1.body.session.owed).toEqual([expect.objectContaining({ endpoint: 'server', flags: ['ACK'], seq: 2737267461, ack: 481914197 })]);
    const ack2 = await sendOne({ from: 'server', flags: ['ACK'] }, { id: 7, flags: ['ACK'], seq: 2737267461, ack: 481914197 }, [
      'FIN_WAIT_2',
      'CLOSE_WAIT',
    ]);
    expect(transitions(ack2)).toEqual(['client FIN_WAIT_1→FIN_WAIT_2']);
    const fin2 = await sendOne({ from: 'server', flags: ['FIN', 'ACK'] }, { id: 8, flags: ['FIN', 'ACK'], seq: 2737267461, ack: 481914197 }, [
      'TIME_WAIT',
      'LAST_ACK',
    ]);
    expect(transitions(fin2)).toEqual(['server CLOSE_WAIT→LAST_ACK', 'client FIN_WAIT_2→TIME_WAIT']);
    expect(fin2.body.session.owed).toEqual([expect.objectContaining({ endpoint: 'client', flags: ['ACK'], seq: 481914197, ack: 2737267462 })]);
    const ack4 = await sendOne({ from: 'client', flags: ['ACK'] }, { id: 9, flags: ['ACK'], seq: 481914197, ack: 2737267462 }, [
      'TIME_WAIT',
      'CLOSED',
    ]);
    expect(transitions(ack4)).toEqual(['server LAST_ACK→CLOSED']);
    expect(ack4.body.session.owed).toEqual([]);
    expect(ack4.body.session.client.timers).toEqual([{ kind: 'time_wait', due_ms: 60000 }]);
    expect(ack4.body.session.server.tcb).toBeNull();

    // 2MSL: still TIME_WAIT 1 ms before, CLOSED at 60 000 ms.
    const almost = await http().post(`/v1/sessions/${id}/advance`).send({ ms: 59999 }).expect(200);
    expect(states(almost)).toEqual(['TIME_WAIT', 'CLOSED']);
    expect(almost.body.events).toEqual([]);
    const expiry = await http().post(`/v1/sessions/${id}/advance`).send({ ms: 1 }).expect(200);
    expect(states(expiry)).toEqual(['CLOSED', 'CLOSED']);
    expect(expiry.body.events).toEqual([
      expect.objectContaining({ endpoint: 'client', code: 'TIME_WAIT_EXPIRED', from_state: 'TIME_WAIT', to_state: 'CLOSED', at_ms: 60000 }),
    ]);
    expect(expiry.body.session).toMatchObject({ clock_ms: 60000, version: version + 2, client: { tcb: null, timers: [] }, in_flight: [], owed: [] });

    // The recorded trace: ten segments as tcpdump prints them; the first five are the seed capture's, line for line.
    const { items } = await allPages<{ tcpdump: string }>(http, `/v1/sessions/${id}/segments`, { limit: 4 });
    const lines = items.map((s) => s.tcpdump);
    expect(lines.map(withoutTs)).toEqual(TRACE);
    expect(lines.slice(0, 5).map(withoutTs)).toEqual(CAPTURE.slice(0, 5));
    expectTimestampsEchoed(lines);
  });
});

// ---------------------------------------------------------------- auto mode

describe('POST /v1/sessions/:id/calls — the seed connection in auto mode, handshake to CLOSED', () => {
  it('listen, connect, send, close, close: each call puts exactly the expected segments on the wire; advance 60000 closes TIME_WAIT', async () => {
    const id = await createSession(http, SEED_ENDPOINTS);
    const listen = await call(http, id, { endpoint: 'server', call: 'listen' });
    expect(listen.body.segments).toEqual([]);

    const connect = await call(http, id, { endpoint: 'client', call: 'connect' });
    expect(connect.body.segments.map((s: { tcpdump: string }) => withoutTs(s.tcpdump))).toEqual(TRACE.slice(0, 3));
    expect(states(connect)).toEqual(['ESTABLISHED', 'ESTABLISHED']);
    expect(transitions(connect)).toEqual([
      'client CLOSED→SYN_SENT',
      'server LISTEN→SYN_RECEIVED',
      'client SYN_SENT→ESTABLISHED',
      'server SYN_RECEIVED→ESTABLISHED',
    ]);

    const data = await call(http, id, { endpoint: 'client', call: 'send', data: SSH_BANNER });
    expect(data.body.segments.map((s: { tcpdump: string }) => withoutTs(s.tcpdump))).toEqual(TRACE.slice(3, 5));
    expect(data.body.segments[0]).toMatchObject({ payload: SSH_BANNER, length: 21 });

    const receive = await call(http, id, { endpoint: 'server', call: 'receive' });
    expect(receive.body.received).toEqual({ length: 21, data: SSH_BANNER });
    expect(receive.body.segments).toEqual([]);

    const clientClose = await call(http, id, { endpoint: 'client', call: 'close' });
    expect(clientClose.body.segments.map((s: { tcpdump: string }) => withoutTs(s.tcpdump))).toEqual(TRACE.slice(5, 7));
    expect(states(clientClose)).toEqual(['FIN_WAIT_2', 'CLOSE_WAIT']);
    expect(transitions(clientClose)).toEqual(['client ESTABLISHED→FIN_WAIT_1', 'server ESTABLISHED→CLOSE_WAIT', 'client FIN_WAIT_1→FIN_WAIT_2']);

    const serverClose = await call(http, id, { endpoint: 'server', call: 'close' });
    expect(serverClose.body.segments.map((s: { tcpdump: string }) => withoutTs(s.tcpdump))).toEqual(TRACE.slice(7, 9));
    expect(states(serverClose)).toEqual(['TIME_WAIT', 'CLOSED']);
    expect(transitions(serverClose)).toEqual(['server CLOSE_WAIT→LAST_ACK', 'client FIN_WAIT_2→TIME_WAIT', 'server LAST_ACK→CLOSED']);
    expect(serverClose.body.session.client.timers).toEqual([{ kind: 'time_wait', due_ms: 60000 }]);

    const expiry = await http().post(`/v1/sessions/${id}/advance`).send({ ms: 60000 }).expect(200);
    expect(states(expiry)).toEqual(['CLOSED', 'CLOSED']);
    expect(codes(expiry)).toEqual(['TIME_WAIT_EXPIRED']);
    expect(expiry.body.session.clock_ms).toBe(60000);

    const { items } = await allPages<{ tcpdump: string; id: number }>(http, `/v1/sessions/${id}/segments`);
    expect(items.map((s) => s.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(items.map((s) => withoutTs(s.tcpdump))).toEqual(TRACE);
    expect(items.slice(0, 5).map((s) => withoutTs(s.tcpdump))).toEqual(CAPTURE.slice(0, 5));
    expectTimestampsEchoed(items.map((s) => s.tcpdump));
    expect((await getSession(http, id)).body.version).toBe(8);
  });

  describe('with PUT /network auto_deliver:false, each segment stepped with /deliver', () => {
    it('the same ten numbers, one delivery at a time; the lost final ACK makes the server retransmit its FIN and TIME_WAIT re-ACK it', async () => {
      const id = await createSession(http, SEED_ENDPOINTS);
      const net = await http().put(`/v1/sessions/${id}/network`).send({ auto_deliver: false }).expect(200);
      expect(net.body.session.network).toEqual({ auto_deliver: false, loss_rate: 0 });

      /** One /deliver: the segment arrives; returns what the answer put in flight. */
      const deliver = async (segmentId: number, action: 'deliver' | 'drop' = 'deliver'): Promise<request.Response> => {
        const res = await http().post(`/v1/sessions/${id}/deliver`).send({ segment_id: segmentId, action });
        expect({ status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({ status: 200, body: undefined });
        expect(res.body.session.in_flight.map((s: { id: number }) => s.id)).not.toContain(segmentId);
        return res;
      };
      const inFlight = (res: request.Response): string[] => res.body.session.in_flight.map((s: { tcpdump: string }) => withoutTs(s.tcpdump));

      await call(http, id, { endpoint: 'server', call: 'listen' });
      const connect = await call(http, id, { endpoint: 'client', call: 'connect' });
      expect(states(connect)).toEqual(['SYN_SENT', 'LISTEN']);
      expect(inFlight(connect)).toEqual([TRACE[0]]);
      const d1 = await deliver(1);
      expect(states(d1)).toEqual(['SYN_SENT', 'SYN_RECEIVED']);
      expect(inFlight(d1)).toEqual([TRACE[1]]);
      const d2 = await deliver(2);
      expect(states(d2)).toEqual(['ESTABLISHED', 'SYN_RECEIVED']);
      expect(inFlight(d2)).toEqual([TRACE[2]]);
      const d3 = await deliver(3);
      expect(states(d3)).toEqual(['ESTABLISHED', 'ESTABLISHED']);
      expect(inFlight(d3)).toEqual([]);

      const data = await call(http, id, { endpoint: 'client', call: 'send', data: SSH_BANNER });
      expect(inFlight(data)).toEqual([TRACE[3]]);
      expect(inFlight(await deliver(4))).toEqual([TRACE[4]]);
      const d5 = await deliver(5);
      expect(inFlight(d5)).toEqual([]);
      expect(d5.body.session.client.tcb).toMatchObject({ snd_una: 481914196, snd_nxt: 481914196 });

      const clientClose = await call(http, id, { endpoint: 'client', call: 'close' });
      expect(states(clientClose)).toEqual(['FIN_WAIT_1', 'ESTABLISHED']);
      expect(inFlight(clientClose)).toEqual([TRACE[5]]);
      const d6 = await deliver(6);
      expect(states(d6)).toEqual(['FIN_WAIT_1', 'CLOSE_WAIT']);
      expect(inFlight(d6)).toEqual([TRACE[6]]);
      const d7 = await deliver(7);
      expect(states(d7)).toEqual(['FIN_WAIT_2', 'CLOSE_WAIT']);

      const serverClose = await call(http, id, { endpoint: 'server', call: 'close' });
      expect(states(serverClose)).toEqual(['FIN_WAIT_2', 'LAST_ACK']);
      expect(inFlight(serverClose)).toEqual([TRACE[7]]);
      expect(serverClose.body.session.server.timers).toEqual([{ kind: 'retransmission', due_ms: 1000 }]);
      const d8 = await deliver(8);
      expect(states(d8)).toEqual(['TIME_WAIT', 'LAST_ACK']);
      expect(inFlight(d8)).toEqual([TRACE[8]]);
      expect(d8.body.session.client.timers).toEqual([{ kind: 'time_wait', due_ms: 60000 }]);

      // The final ACK is lost: the server stays in LAST_ACK.
      const lost = await deliver(9, 'drop');
      expect(codes(lost)).toEqual(['SEGMENT_DROPPED']);
      expect(states(lost)).toEqual(['TIME_WAIT', 'LAST_ACK']);
      expect(lost.body.session.in_flight).toEqual([]);

      // RTO (1 s): the server retransmits its FIN with the same numbers, and doubles the RTO.
      const early = await http().post(`/v1/sessions/${id}/advance`).send({ ms: 999 }).expect(200);
      expect(early.body.segments).toEqual([]);
      const rto = await http().post(`/v1/sessions/${id}/advance`).send({ ms: 1 }).expect(200);
      expect(codes(rto)).toEqual(['RETRANSMISSION_TIMEOUT', 'SEGMENT_RETRANSMITTED']);
      expect(rto.body.segments).toHaveLength(1);
      expect(rto.body.segments[0]).toMatchObject({ id: 10, from: 'server', flags: ['FIN', 'ACK'], seq: 2737267461, ack: 481914197, sent_at_ms: 1000 });
      expect(withoutTs(rto.body.segments[0].tcpdump)).toBe(TRACE[7]);
      expect(rto.body.session.server.timers).toEqual([{ kind: 'retransmission', due_ms: 3000 }]);

      // TIME_WAIT exists for this: the client ACKs the FIN again and restarts its 2MSL timer.
      const again = await deliver(10);
      expect(codes(again)).toEqual(['SEGMENT_ARRIVED', 'TIME_WAIT_FIN_ACKED_AGAIN', 'SEGMENT_SENT']);
      expect(again.body.segments).toHaveLength(1);
      expect(again.body.segments[0]).toMatchObject({ id: 11, from: 'client', flags: ['ACK'], seq: 481914197, ack: 2737267462 });
      expect(withoutTs(again.body.segments[0].tcpdump)).toBe(TRACE[8]);
      expect(again.body.session.client.timers).toEqual([{ kind: 'time_wait', due_ms: 61000 }]);
      expect(states(again)).toEqual(['TIME_WAIT', 'LAST_ACK']);

      const closed = await deliver(11);
      expect(states(closed)).toEqual(['TIME_WAIT', 'CLOSED']);
      expect(codes(closed)).toContain('LAST_ACK_ACK_TO_CLOSED');
      expect(closed.body.session.server.timers).toEqual([]);

      // 2MSL from the re-ACK: still TIME_WAIT at 60 999 ms, CLOSED at 61 000 ms.
      const stillWaiting = await http().post(`/v1/sessions/${id}/advance`).send({ ms: 59999 }).expect(200);
      expect(states(stillWaiting)).toEqual(['TIME_WAIT', 'CLOSED']);
      const expiry = await http().post(`/v1/sessions/${id}/advance`).send({ ms: 1 }).expect(200);
      expect(states(expiry)).toEqual(['CLOSED', 'CLOSED']);
      expect(expiry.body.events).toEqual([expect.objectContaining({ code: 'TIME_WAIT_EXPIRED', at_ms: 61000 })]);

      const { items } = await allPages<{ tcpdump: string }>(http, `/v1/sessions/${id}/segments`, { limit: 5 });
      expect(items.map((s) => withoutTs(s.tcpdump))).toEqual([...TRACE, TRACE[7], TRACE[8]]);
    });
  });
});
