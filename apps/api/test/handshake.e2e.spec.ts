import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type request from 'supertest';
import { SEED_ENDPOINTS, startApp } from './harness';

describe('the seed handshake over HTTP, manual mode', () => {
  let app: NestFastifyApplication;
  let http: () => request.Agent;

  beforeAll(async () => {
    ({ app, http } = await startApp());
  });
  afterAll(() => app.close());

  it('walks the three-way handshake with the seed numbers and refuses a wrong ack with 422', async () => {
    const created = await http().post('/v1/sessions').send({ mode: 'manual', ...SEED_ENDPOINTS }).expect(201);
    const id = created.body.id as string;
    expect(created.headers['location']).toBe(`/v1/sessions/${id}`);
    expect(created.headers['etag']).toBe('"1"');

    await http().post(`/v1/sessions/${id}/calls`).send({ endpoint: 'server', call: 'listen' }).expect(200);
    const syn = await http().post(`/v1/sessions/${id}/send`).send({ from: 'client', flags: ['SYN'] }).expect(200);
    expect(syn.body.segments[0]).toMatchObject({ from: 'client', flags: ['SYN'], seq: 481914174, window: 29200 });
    expect(syn.body.session.server.state).toBe('SYN_RECEIVED');
    expect(syn.body.session.owed).toEqual([
      expect.objectContaining({ endpoint: 'server', flags: ['SYN', 'ACK'], seq: 2737267460, ack: 481914175 }),
    ]);

    const wrong = await http().post(`/v1/sessions/${id}/send`).send({ from: 'server', flags: ['SYN', 'ACK'], ack: 481914174 }).expect(422);
    expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(wrong.body.violations).toEqual([
      expect.objectContaining({ field: 'ack', expected: 481914175, actual: 481914174, code: 'ACK_MUST_BE_IRS_PLUS_ONE' }),
    ]);
    expect(wrong.body.expected).toEqual({ flags: ['SYN', 'ACK'], seq: 2737267460, ack: 481914175, length: 0 });

    const synAck = await http().post(`/v1/sessions/${id}/send`).send({ from: 'server', flags: ['SYN', 'ACK'] }).expect(200);
    expect(synAck.body.segments[0].tcpdump).toMatch(
      /^IP 192\.168\.1\.64\.22 > 192\.168\.1\.63\.53198: Flags \[S\.\], seq 2737267460, ack 481914175, win 28960, options \[mss 1460,sackOK,TS val \d+ ecr \d+,nop,wscale 7\], length 0$/,
    );
    expect(synAck.body.session.client.state).toBe('ESTABLISHED');

    const ack = await http().post(`/v1/sessions/${id}/send`).send({ from: 'client', flags: ['ACK'] }).expect(200);
    expect(ack.body.segments[0]).toMatchObject({ seq: 481914175, ack: 2737267461, window: 229 });
    expect(ack.body.session.server.state).toBe('ESTABLISHED');
    expect(ack.headers['etag']).toBe('"5"');
  });
});
