import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SCENARIOS } from '@tcplab/tcp-core';
import type request from 'supertest';
import { expectBadFields, expectProblem } from './e2e-helpers';
import { startApp } from './harness';

describe('scenarios and traces', () => {
  let app: NestFastifyApplication;
  let http: () => request.Agent;

  beforeAll(async () => {
    ({ app, http } = await startApp());
  });
  afterAll(() => app.close());

  async function scenarioSession(id: string): Promise<string> {
    const res = await http().post('/v1/sessions').send({ scenario: id }).expect(201);
    expect(res.body.scenario).toEqual({ id, next_step: 0, steps: SCENARIOS.find((s) => s.id === id)!.steps.length });
    return res.body.id as string;
  }

  describe('GET /v1/scenarios', () => {
    it('lists the fifteen scenarios of the catalogue, in English by default and in Chinese on request', async () => {
      const en = await http().get('/v1/scenarios').expect(200);
      expect(en.body.map((s: { id: string }) => s.id)).toEqual(SCENARIOS.map((s) => s.id));
      expect(en.body[0]).toEqual(expect.objectContaining({ id: 'three-way-handshake', title: SCENARIOS[0]!.title.en, steps: SCENARIOS[0]!.steps.length }));
      const zh = await http().get('/v1/scenarios').set('accept-language', 'zh-CN').expect(200);
      expect(zh.body[0].title).toBe(SCENARIOS[0]!.title['zh-CN']);
    });

    it('GET /v1/scenarios/:id gives the steps with their texts and expected states; an unknown id is a 404 problem', async () => {
      const one = await http().get('/v1/scenarios/four-way-teardown').expect(200);
      const s = SCENARIOS.find((x) => x.id === 'four-way-teardown')!;
      expect(one.body.step_list).toHaveLength(s.steps.length);
      expect(one.body.step_list[0]).toEqual({ index: 0, text: s.steps[0]!.text.en, expect: s.steps[0]!.expect, input: s.steps[0]!.input });
      expectProblem(await http().get('/v1/scenarios/no-such-thing'), 404, 'SCENARIO_NOT_FOUND');
    });
  });

  describe('POST /v1/sessions/:id/step', () => {
    it.each(SCENARIOS.map((s) => [s.id]))('plays %s to its end over HTTP with both states as the scenario expects at every step', async (id) => {
      const s = SCENARIOS.find((x) => x.id === id)!;
      const session = await scenarioSession(id);
      for (const [index, expected] of s.steps.entries()) {
        const res = await http().post(`/v1/sessions/${session}/step`).expect(200);
        expect({ index, client: res.body.session.client.state, server: res.body.session.server.state }).toEqual({ index, ...expected.expect });
        expect(res.body.scenario_step).toEqual({ index, steps: s.steps.length, text: { en: expected.text.en, 'zh-CN': expected.text['zh-CN'] } });
      }
      expectProblem(await http().post(`/v1/sessions/${session}/step`), 409, 'SCENARIO_FINISHED');
    });

    it('refuses /step on a session that was not created from a scenario (409), and a scenario combined with other options (400)', async () => {
      const plain = await http().post('/v1/sessions').send({}).expect(201);
      expectProblem(await http().post(`/v1/sessions/${plain.body.id}/step`), 409, 'NOT_A_SCENARIO_SESSION');
      expectBadFields(await http().post('/v1/sessions').send({ scenario: 'three-way-handshake', seed: 3 }), ['seed']);
      expectBadFields(await http().post('/v1/sessions').send({ scenario: 'no-such-thing' }), ['scenario']);
    });
  });

  describe('GET /v1/sessions/:id/trace', () => {
    let seed: string;

    beforeAll(async () => {
      seed = await scenarioSession('data-transfer-with-push');
      for (let i = 0; i < SCENARIOS.find((x) => x.id === 'data-transfer-with-push')!.steps.length; i += 1) {
        await http().post(`/v1/sessions/${seed}/step`).expect(200);
      }
    });

    it('prints the seed capture as tcpdump -n -S does, with simulated times', async () => {
      const res = await http().get(`/v1/sessions/${seed}/trace?format=tcpdump`).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      const lines = res.text.trim().split('\n');
      expect(lines[0]).toMatch(/^00:00:00\.\d{6} IP 192\.168\.1\.63\.53198 > 192\.168\.1\.64\.22: Flags \[S\], seq 481914174, win 29200, /);
      expect(lines.some((line) => /^00:00:00\.\d{6} IP 192\.168\.1\.63\.53198 > 192\.168\.1\.64\.22: Flags \[P\.\], seq 481914175:481914196, ack 2737267461, win 229, options \[nop,nop,TS val \d+ ecr \d+\], length 21$/.test(line))).toBe(true);
    });

    it('numbers relative to the ISNs with numbering=relative, as tcpdump without -S', async () => {
      const res = await http().get(`/v1/sessions/${seed}/trace?format=tcpdump&numbering=relative`).expect(200);
      expect(res.text).toMatch(/Flags \[\.\], ack 1, win 229/);
      expect(res.text).toMatch(/Flags \[P\.\], seq 1:22, ack 1, win 229/);
    });

    it('serves a libpcap file, an SVG, a Mermaid diagram and the JSON history, each with its media type and a file name', async () => {
      const pcap = await http()
        .get(`/v1/sessions/${seed}/trace?format=pcap`)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(pcap.headers['content-type']).toBe('application/vnd.tcpdump.pcap');
      expect(pcap.headers['content-disposition']).toBe(`inline; filename="tcplab-${seed}.pcap"`);
      expect((pcap.body as Buffer).readUInt32LE(0)).toBe(0xa1b2c3d4);

      const svg = await http().get(`/v1/sessions/${seed}/trace?format=svg&lang=zh-CN`).expect(200);
      expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
      expect(String(svg.body ?? svg.text)).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(String(svg.body ?? svg.text)).toContain('客户端');

      const mermaid = await http().get(`/v1/sessions/${seed}/trace?format=mermaid`).expect(200);
      expect(mermaid.text.startsWith('sequenceDiagram\n')).toBe(true);

      const json = await http().get(`/v1/sessions/${seed}/trace?format=json`).set('accept-language', 'zh-CN').expect(200);
      expect(json.body.segments[0]).toEqual(expect.objectContaining({ seq: 481914174, flags: ['SYN'] }));
      expect(json.body.events.some((e: { message: string }) => e.message.includes('第二次握手'))).toBe(true);
    });

    it('refuses an unknown format with a 400 naming it', async () => {
      expectBadFields(await http().get(`/v1/sessions/${seed}/trace?format=png`), ['format']);
    });
  });
});
