import type request from 'supertest';
import { SEED_ENDPOINTS } from './harness';

/** Shared checks and walks for the e2e suites. No mocks: everything goes through HTTP to the real app. */

export type Http = () => request.Agent;
export type Side = 'client' | 'server';

/** The seed capture's banner: 21 octets, "SSH-2.0-OpenSSH_7.4\r\n". */
export const SSH_BANNER = 'SSH-2.0-OpenSSH_7.4\r\n';
export const C_ISS = 481914174;
export const S_ISS = 2737267460;

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * An RFC 9457 problem document as this API sends it: problem+json, with
 * type/title/status/detail/instance and the stable `code`.
 */
export function expectProblem(res: request.Response, status: number, code: string, instance?: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toEqual(
    expect.objectContaining({
      type: expect.stringMatching(/^https?:\/\/\S+$/),
      title: expect.any(String),
      status,
      detail: expect.any(String),
      instance: instance ?? expect.any(String),
      code,
    }),
  );
  expect(res.body.title.length).toBeGreaterThan(0);
  expect(res.body.detail.length).toBeGreaterThan(0);
}

/** A 400 that names every bad field in `errors`. */
export function expectBadFields(res: request.Response, fields: string[]): void {
  expectProblem(res, 400, 'VALIDATION_FAILED');
  const named = new Set((res.body.errors as Array<{ field: string; message: string }>).map((e) => e.field));
  for (const field of fields) expect([...named]).toContain(field);
  for (const e of res.body.errors) expect(e.message).toEqual(expect.any(String));
}

export async function createSession(http: Http, body: object = {}): Promise<string> {
  const res = await http().post('/v1/sessions').send(body);
  expect(res.status).toBe(201);
  return res.body.id as string;
}

export async function getSession(http: Http, id: string): Promise<request.Response> {
  const res = await http().get(`/v1/sessions/${id}`);
  expect(res.status).toBe(200);
  return res;
}

export async function call(http: Http, id: string, body: object, lang?: string): Promise<request.Response> {
  const req = http().post(`/v1/sessions/${id}/calls`);
  if (lang) req.set('Accept-Language', lang);
  const res = await req.send(body);
  if (res.status !== 200) throw new Error(`calls ${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

export async function send(http: Http, id: string, body: object): Promise<request.Response> {
  const res = await http().post(`/v1/sessions/${id}/send`).send(body);
  if (res.status !== 200) throw new Error(`send ${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

/** Every item of a cursor-paginated collection, following next_cursor until it is null. */
export async function allPages<T = Record<string, unknown>>(
  http: Http,
  path: string,
  options: { limit?: number; lang?: string; query?: Record<string, string> } = {},
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: Record<string, string> = { ...(options.query ?? {}) };
    if (options.limit !== undefined) query['limit'] = String(options.limit);
    if (cursor) query['cursor'] = cursor;
    const req = http().get(path).query(query);
    if (options.lang) req.set('Accept-Language', options.lang);
    const res = await req;
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(Array.isArray(res.body.items)).toBe(true);
    if (options.limit !== undefined) expect(res.body.items.length).toBeLessThanOrEqual(options.limit);
    items.push(...res.body.items);
    cursor = res.body.next_cursor;
    pages += 1;
    if (pages > 10_000) throw new Error(`${path}: pagination does not end`);
  } while (cursor !== null);
  return { items, pages };
}

/** tcpdump line without the TS values (which depend on the endpoints' clocks), as the core's seed test compares them. */
export function withoutTs(line: string): string {
  return line.replace(/TS val \d+ ecr \d+/, 'TS val * ecr *');
}

/** The seed capture's lines, without the time column, with port 22 (tcpdump 4.9 printed `ssh`) and without TS values. */
export function seedCaptureLines(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => withoutTs(l.replace(/^\S+ /, '').replace(/\.ssh\b/g, '.22')));
}

export function tsOf(line: string): { val: number; ecr: number } | null {
  const m = /TS val (\d+) ecr (\d+)/.exec(line);
  return m ? { val: Number(m[1]), ecr: Number(m[2]) } : null;
}

/**
 * Stages of the seed connection played by hand (manual mode), each built
 * on the one before. The session is left exactly at the named stage.
 */
export const MANUAL_STAGES = [
  'listening', // server LISTEN, client CLOSED
  'synSent', // client SYN_SENT, its SYN held in flight (segment 1); server LISTEN
  'synReceived', // SYN delivered: server SYN_RECEIVED, owes SYN,ACK
  'synAckArrived', // client ESTABLISHED owes ACK; server SYN_RECEIVED
  'established', // both ESTABLISHED
  'dataSent', // client sent the 21-octet banner; server owes ACK 481914196
  'dataAcked', // server ACKed the banner
  'finWait1', // client FIN_WAIT_1; server CLOSE_WAIT owes ACK 481914197
  'finWait2', // client FIN_WAIT_2; server CLOSE_WAIT
  'lastAck', // server LAST_ACK; client TIME_WAIT owes ACK 2737267462
  'timeWait', // client TIME_WAIT; server CLOSED
] as const;
export type ManualStage = (typeof MANUAL_STAGES)[number];

const STAGE_STEPS: Record<ManualStage, (http: Http, id: string) => Promise<unknown>> = {
  listening: (http, id) => call(http, id, { endpoint: 'server', call: 'listen' }),
  synSent: (http, id) => send(http, id, { from: 'client', flags: ['SYN'], network: 'hold' }),
  synReceived: async (http, id) => {
    const res = await http().post(`/v1/sessions/${id}/deliver`).send({ segment_id: 1, action: 'deliver' });
    if (res.status !== 200) throw new Error(`deliver 1 → ${res.status} ${JSON.stringify(res.body)}`);
  },
  synAckArrived: (http, id) => send(http, id, { from: 'server', flags: ['SYN', 'ACK'] }),
  established: (http, id) => send(http, id, { from: 'client', flags: ['ACK'] }),
  dataSent: (http, id) => send(http, id, { from: 'client', flags: ['PSH', 'ACK'], payload: SSH_BANNER }),
  dataAcked: (http, id) => send(http, id, { from: 'server', flags: ['ACK'] }),
  finWait1: (http, id) => send(http, id, { from: 'client', flags: ['FIN', 'ACK'] }),
  finWait2: (http, id) => send(http, id, { from: 'server', flags: ['ACK'] }),
  lastAck: (http, id) => send(http, id, { from: 'server', flags: ['FIN', 'ACK'] }),
  timeWait: (http, id) => send(http, id, { from: 'client', flags: ['ACK'] }),
};

/** A new manual session with the seed endpoints, walked to `stage`. */
export async function manualSessionAt(http: Http, stage: ManualStage): Promise<string> {
  const id = await createSession(http, { mode: 'manual', ...SEED_ENDPOINTS });
  for (const s of MANUAL_STAGES) {
    await STAGE_STEPS[s](http, id);
    if (s === stage) break;
  }
  return id;
}
