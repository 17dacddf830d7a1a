import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  ACK,
  createConnection,
  flagNames,
  flagsFromNames,
  FLAG_NAMES,
  step,
  tcpdumpLine,
  type Connection,
  type Endpoint,
  type FlagName,
  type Input,
  type SegmentDraft,
} from '@tcplab/tcp-core';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { startApp, type TestApp } from './harness';

/**
 * Model-based: random walks of valid and invalid sends, calls, injects, deliveries and clock advances on random
 * sessions, with tcp-core run in-process as the oracle. After every request the API's answer must be the oracle's:
 * the same accepted-or-refused verdict (and error code), the same segments on the wire, the same states, TCBs,
 * timers, segments in flight and segments owed.
 */

const RUNS = 60;
const SEED = 9293;

let t: TestApp;
let app: NestFastifyApplication;
let fastify: FastifyInstance;
/** How the walks went, so that the test shows it reached both kinds of answer, and the states passed through. */
const tally = { accepted: 0, refused: 0, states: new Set<string>() };

beforeAll(async () => {
  t = await startApp();
  app = t.app;
  fastify = app.getHttpAdapter().getInstance();
});

afterAll(async () => {
  await app.close();
});

type Side = 'client' | 'server';

interface Model {
  connection: Connection;
  version: number;
}

interface Real {
  id: string;
}

interface Request {
  method: 'POST' | 'PUT';
  route: string;
  body: Record<string, unknown>;
}

/** tcp-core's error codes as the API answers them. */
const ANSWER: Record<string, { status: number; code: string }> = {
  CALL_REFUSED: { status: 422, code: 'CALL_REFUSED' },
  SEGMENT_INVALID: { status: 422, code: 'SEGMENT_INVALID' },
  SEGMENT_NOT_IN_FLIGHT: { status: 409, code: 'SEGMENT_NOT_IN_FLIGHT' },
  INPUT_INVALID: { status: 400, code: 'VALIDATION_FAILED' },
};

function draft(flags: FlagName[], seq?: number, ack?: number): SegmentDraft {
  const bits = flagsFromNames(flags);
  return { flags: bits, seq: seq ?? null, ack: ack ?? (bits & ACK ? null : 0), window: null, length: null, payload: null, urgent_pointer: null, options: null };
}

function endpointView(e: Endpoint) {
  const tcb = e.tcb;
  return {
    state: e.state,
    tcb: tcb && {
      iss: tcb.iss,
      irs: tcb.irs,
      snd_una: tcb.snd_una,
      snd_nxt: tcb.snd_nxt,
      snd_wnd: tcb.snd_wnd,
      rcv_nxt: tcb.rcv_nxt,
      rcv_wnd: tcb.rcv_wnd,
      srtt_ms: tcb.srtt_ms,
      rttvar_ms: tcb.rttvar_ms,
      rto_ms: tcb.rto_ms,
    },
    timers: e.timers.map((timer) => ({ kind: timer.kind, due_ms: timer.due_ms })),
    owed: e.owed.map((o) => ({ flags: flagNames(o.flags), seq: o.seq, ack: o.ack, length: o.length })),
  };
}

/** What the oracle says the session looks like. */
function oracleView(c: Connection) {
  return {
    clock_ms: c.clock_ms,
    client: endpointView(c.client),
    server: endpointView(c.server),
    in_flight: c.network.in_flight.map((s) => ({ id: s.id, tcpdump: tcpdumpLine(s) })),
  };
}

/** The same view of the API's Session JSON. */
function apiView(session: Record<string, any>) {
  const side = (name: Side) => ({
    state: session[name].state,
    tcb: session[name].tcb,
    timers: session[name].timers,
    owed: session.owed.filter((o: any) => o.endpoint === name).map((o: any) => ({ flags: o.flags, seq: o.seq, ack: o.ack, length: o.length })),
  });
  return {
    clock_ms: session.clock_ms,
    client: side('client'),
    server: side('server'),
    in_flight: session.in_flight.map((s: any) => ({ id: s.id, tcpdump: s.tcpdump })),
  };
}

/** One request, sent to the API and stepped through the oracle; their answers must agree. */
class Step implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly label: string,
    private readonly plan: (model: Model) => { request: Request; input: Input },
  ) {}

  check(): boolean {
    return true;
  }

  async run(model: Model, real: Real): Promise<void> {
    const { request, input } = this.plan(model);
    const expected = step(model.connection, input);
    const res = await fastify.inject({
      method: request.method,
      url: `/v1/sessions/${real.id}/${request.route}`,
      headers: { authorization: `Bearer ${t.tenant.key}`, 'content-type': 'application/json' },
      payload: JSON.stringify(request.body),
    });
    const body = res.json();
    const where = `${this.label} ${JSON.stringify(request.body)} in ${model.connection.client.state}/${model.connection.server.state}`;
    if (expected.outcome.ok) {
      expect({ where, status: res.statusCode, detail: body.detail }).toEqual({ where, status: 200, detail: undefined });
      expect({ where, view: apiView(body.session) }).toEqual({ where, view: oracleView(expected.connection) });
      expect({ where, wire: body.segments.map((s: any) => s.tcpdump) }).toEqual({ where, wire: expected.segments.map((s) => tcpdumpLine(s)) });
      expect(body.session.version).toBe(model.version + 1);
      model.connection = expected.connection;
      model.version += 1;
      tally.accepted += 1;
      for (const event of expected.events) if (event.to_state) tally.states.add(event.to_state);
    } else {
      tally.refused += 1;
      const answer = ANSWER[expected.outcome.error.code]!;
      expect({ where, status: res.statusCode, code: body.code }).toEqual({ where, ...answer });
    }
  }

  toString(): string {
    return this.label;
  }
}

const side = fc.constantFrom<Side>('client', 'server');
const flagSet = fc.subarray([...FLAG_NAMES], { minLength: 1, maxLength: 3 });
const u32 = fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(0, 2 ** 31, 2 ** 32 - 1));

const commands = [
  fc.tuple(side, fc.constantFrom('listen', 'connect', 'receive', 'close', 'abort' as const)).map(
    ([endpoint, call]) =>
      new Step(`${endpoint} ${call}`, () => ({
        request: { method: 'POST', route: 'calls', body: { endpoint, call } },
        input: { type: 'call', endpoint, call, data: null },
      })),
  ),
  fc.tuple(side, fc.string({ minLength: 1, maxLength: 30 })).map(
    ([endpoint, data]) =>
      new Step(`${endpoint} send ${JSON.stringify(data)}`, () => ({
        request: { method: 'POST', route: 'calls', body: { endpoint, call: 'send', data } },
        input: {
          type: 'call',
          endpoint,
          call: 'send',
          data: { payload: Buffer.from(data, 'utf8').toString('base64'), length: Buffer.byteLength(data, 'utf8'), push: true, urgent: false },
        },
      })),
  ),
  // Closing on its own as well, so that walks reach the teardown's states often.
  side.map(
    (endpoint) =>
      new Step(`${endpoint} close`, () => ({
        request: { method: 'POST', route: 'calls', body: { endpoint, call: 'close' } },
        input: { type: 'call', endpoint, call: 'close', data: null },
      })),
  ),
  // What the endpoint owes (the usual valid move in manual mode), numbers left for the API to fill in.
  side.map(
    (from) =>
      new Step(`${from} sends what it owes`, (model) => {
        const owed = model.connection[from].owed[0];
        const flags = owed ? flagNames(owed.flags) : (['SYN'] as FlagName[]);
        return { request: { method: 'POST', route: 'send', body: { from, flags } }, input: { type: 'send', from, segment: draft(flags) } };
      }),
  ),
  // Anything at all, mostly refused.
  fc.tuple(side, flagSet, fc.option(u32, { nil: undefined }), fc.option(u32, { nil: undefined })).map(
    ([from, flags, seq, ack]) =>
      new Step(`${from} sends ${flags.join(',')} seq=${seq} ack=${ack}`, () => {
        const withAck = flags.includes('ACK') ? ack : undefined;
        return {
          request: { method: 'POST', route: 'send', body: { from, flags, ...(seq !== undefined ? { seq } : {}), ...(withAck !== undefined ? { ack: withAck } : {}) } },
          input: { type: 'send', from, segment: draft(flags, seq, withAck) },
        };
      }),
  ),
  fc.tuple(side, flagSet, u32, u32).map(
    ([to, flags, seq, ack]) =>
      new Step(`inject ${flags.join(',')} seq=${seq} ack=${ack} at ${to}`, () => {
        const withAck = flags.includes('ACK') ? ack : undefined;
        return {
          request: { method: 'POST', route: 'inject', body: { to, flags, seq, ...(withAck !== undefined ? { ack: withAck } : {}) } },
          input: { type: 'inject', to, segment: draft(flags, seq, withAck) },
        };
      }),
  ),
  fc.constantFrom(1, 200, 1_000, 3_000, 60_000).map(
    (ms) => new Step(`advance ${ms}`, () => ({ request: { method: 'POST', route: 'advance', body: { ms } }, input: { type: 'advance', ms } })),
  ),
  fc.tuple(fc.nat(), fc.constantFrom('deliver', 'drop', 'duplicate' as const)).map(
    ([n, action]) =>
      new Step(`${action} a segment in flight`, (model) => {
        const inFlight = model.connection.network.in_flight;
        const segmentId = inFlight.length > 0 ? inFlight[n % inFlight.length]!.id : (n % 5) + 1;
        return { request: { method: 'POST', route: 'deliver', body: { segment_id: segmentId, action } }, input: { type: 'deliver', segment_id: segmentId, action } };
      }),
  ),
  fc.boolean().map(
    (autoDeliver) =>
      new Step(`auto_deliver ${autoDeliver}`, () => ({
        request: { method: 'PUT', route: 'network', body: { auto_deliver: autoDeliver } },
        input: { type: 'configure_network', auto_deliver: autoDeliver },
      })),
  ),
];

it(`${RUNS} random walks of sends, calls, injects, deliveries and advances: every API answer equals tcp-core's, run in-process`, async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom<'auto' | 'manual'>('auto', 'manual'), fc.integer({ min: 1, max: 1_000_000 }), fc.commands(commands, { size: 'max', maxCommands: 40 }), async (mode, seed, cmds) => {
      const created = await t.http().post('/v1/sessions').send({ mode, seed });
      expect(created.status).toBe(201);
      const model: Model = { connection: createConnection({ mode, seed }), version: 1 };
      expect(apiView(created.body)).toEqual(oracleView(model.connection));
      await fc.asyncModelRun(() => ({ model, real: { id: created.body.id } }), cmds);
    }),
    { numRuns: RUNS, seed: SEED },
  );
  expect(tally.accepted).toBeGreaterThan(RUNS * 5);
  expect(tally.refused).toBeGreaterThan(RUNS * 2);
  for (const state of ['LISTEN', 'SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSE_WAIT', 'LAST_ACK', 'TIME_WAIT']) expect([...tally.states]).toContain(state);
}, 300_000);
