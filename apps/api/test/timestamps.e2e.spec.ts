import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { call, createSession, send, type Http } from './e2e-helpers';
import { SEED_ENDPOINTS, startApp } from './harness';

/**
 * Timestamps in manual mode over HTTP (RFC 7323): a segment sent without options carries what a real TCP sends —
 * TSval from the endpoint's clock, TSecr = TS.Recent — and one the caller gives an older TSval is a move the
 * sender may make, which the receiver then drops by PAWS (§5.3) and answers with an ACK it owes, explained.
 */

let app: NestFastifyApplication;
let http: Http;

beforeAll(async () => {
  ({ app, http } = await startApp());
});
afterAll(() => app.close());

interface Event {
  endpoint: string | null;
  code: string;
  message: string;
}
interface Timestamp {
  val: number;
  ecr: number;
}

describe('POST /v1/sessions/{id}/send with timestamps (manual mode)', () => {
  it('an old duplicate by its TSval: the send is accepted, the server drops it by PAWS with an explanation (here in zh-CN) and owes an ACK; that ACK echoes TS.Recent', async () => {
    const id = await createSession(http, { mode: 'manual', ...SEED_ENDPOINTS });
    await call(http, id, { endpoint: 'server', call: 'listen' });
    const syn = await send(http, id, { from: 'client', flags: ['SYN'] });
    const synAck = await send(http, id, { from: 'server', flags: ['SYN', 'ACK'] });
    await http().post(`/v1/sessions/${id}/advance`).send({ ms: 100 }).expect(200);
    const third = await send(http, id, { from: 'client', flags: ['ACK'] });
    // Filled in as a real TCP sends it: TSval from the client's clock, 100 ms on from its SYN's; TSecr the server's SYN,ACK's TSval.
    expect(third.body.segments[0].options.timestamp).toEqual({
      val: (syn.body.segments[0].options.timestamp as Timestamp).val + 100,
      ecr: (synAck.body.segments[0].options.timestamp as Timestamp).val,
    });
    const tsRecent = (third.body.segments[0].options.timestamp as Timestamp).val;

    const old = await http()
      .post(`/v1/sessions/${id}/send`)
      .set('Accept-Language', 'zh-CN')
      .send({ from: 'client', flags: ['PSH', 'ACK'], payload: Buffer.from('SSH-2.0-OpenSSH_7.4\r\n').toString('base64'), options: { timestamp: { val: tsRecent - 50, ecr: 0 } } })
      .expect(200);
    const paws = (old.body.events as Event[]).find((e) => e.code === 'PAWS_REJECTED');
    expect(paws).toMatchObject({ endpoint: 'server' });
    expect(paws!.message).toContain('PAWS');
    expect(paws!.message).toContain('RFC 7323 §5.3');
    expect(paws!.message).toMatch(/已失效的重复报文段/);
    expect(old.body.session.server.tcb).toMatchObject({ rcv_nxt: 481914175 });
    expect(old.body.session.owed).toEqual([expect.objectContaining({ endpoint: 'server', flags: ['ACK'], seq: 2737267461, ack: 481914175 })]);

    const ack = await send(http, id, { from: 'server', flags: ['ACK'] });
    expect(ack.body.segments[0]).toMatchObject({ seq: 2737267461, ack: 481914175 });
    expect((ack.body.segments[0].options.timestamp as Timestamp).ecr).toBe(tsRecent);
  });
});
