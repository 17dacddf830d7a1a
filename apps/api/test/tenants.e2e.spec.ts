import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ensureAdminKey, MIN_ADMIN_KEY_LENGTH } from '../src/tenants/admin-key';
import { TenantsRepository } from '../src/tenants/tenants.repository';
import { allPages, expectProblem, UUID_RE } from './e2e-helpers';
import { startApp, type Tenant, type TestApp } from './harness';

/** Tenants, API keys and isolation, on the real app and PostgreSQL: one school never sees another's sessions. */

let t: TestApp;
let app: NestFastifyApplication;

beforeAll(async () => {
  t = await startApp();
  app = t.app;
});

afterAll(async () => {
  await app.close();
});

const SEED_TEXT = readFileSync(join(__dirname, '../../../libs/tcp-core/test/fixtures/seed-ssh-handshake.tcpdump-S.txt'), 'utf8');

async function sessionOf(tenant: Tenant): Promise<string> {
  const res = await tenant.http().post('/v1/sessions').send({ mode: 'manual' });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('API keys', () => {
  it('a request without a key is a 401 problem+json with WWW-Authenticate: Bearer', async () => {
    const res = await t.anonymous().get('/v1/sessions');
    expectProblem(res, 401, 'UNAUTHENTICATED');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="tcplab"');
  });

  it('an unknown key, or another scheme, is a 401; an unknown key says invalid_token', async () => {
    const unknown = await t.anonymous().get('/v1/sessions').set('Authorization', `Bearer tcpl_${'x'.repeat(43)}`);
    expectProblem(unknown, 401, 'UNAUTHENTICATED');
    expect(unknown.headers['www-authenticate']).toBe('Bearer realm="tcplab", error="invalid_token"');
    const basic = await t.anonymous().get('/v1/sessions').set('Authorization', `Basic ${Buffer.from(`a:${t.tenant.key}`).toString('base64')}`);
    expectProblem(basic, 401, 'UNAUTHENTICATED');
  });

  it('/health, /health/live, /openapi.json and /docs need no key', async () => {
    for (const path of ['/health', '/health/live', '/openapi.json', '/docs']) {
      const res = await t.anonymous().get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
  });

  it('the admin key cannot use sessions (403), and a tenant key cannot use /v1/admin (403)', async () => {
    expectProblem(await t.admin().get('/v1/sessions'), 403, 'FORBIDDEN');
    expectProblem(await t.admin().post('/v1/sessions').send({}), 403, 'FORBIDDEN');
    expectProblem(await t.http().get('/v1/admin/tenants'), 403, 'FORBIDDEN');
    expectProblem(await t.http().post(`/v1/admin/tenants/${t.tenant.id}/keys`).send({}), 403, 'FORBIDDEN');
  });

  it('the scenario catalogue is public: read with either kind of key, or with none', async () => {
    expect((await t.http().get('/v1/scenarios')).status).toBe(200);
    expect((await t.admin().get('/v1/scenarios')).status).toBe(200);
    expect((await t.anonymous().get('/v1/scenarios/lost-final-ack/run')).status).toBe(200);
  });

  it('a new key is shown once, as tcpl_ and 43 base64url characters; the list shows only its prefix', async () => {
    const made = await t.admin().post(`/v1/admin/tenants/${t.tenant.id}/keys`).send({ name: 'Moodle' });
    expect(made.status).toBe(201);
    expect(made.body).toEqual({
      id: expect.stringMatching(UUID_RE),
      tenant_id: t.tenant.id,
      name: 'Moodle',
      prefix: made.body.key.slice(0, 11),
      created_at: expect.any(String),
      revoked_at: null,
      key: expect.stringMatching(/^tcpl_[A-Za-z0-9_-]{43}$/),
    });
    const list = await t.admin().get(`/v1/admin/tenants/${t.tenant.id}/keys`);
    expect(list.status).toBe(200);
    const listed = list.body.items.find((k: { id: string }) => k.id === made.body.id);
    expect(listed).toEqual({ ...made.body, key: undefined });
    expect(JSON.stringify(list.body)).not.toContain(made.body.key);
    expect((await t.anonymous().get('/v1/sessions').set('Authorization', `Bearer ${made.body.key}`)).status).toBe(200);
  });

  it('keys are stored only as their SHA-256: no column holds the key itself', async () => {
    const made = await t.admin().post(`/v1/admin/tenants/${t.tenant.id}/keys`).send({});
    const rows: Array<Record<string, unknown>> = await app.get(DataSource).query(`SELECT * FROM api_keys WHERE id = $1`, [made.body.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!['hash']).toBe(createHash('sha256').update(made.body.key).digest('hex'));
    expect(JSON.stringify(rows[0])).not.toContain(made.body.key);
  });

  it('a revoked key is refused at once (401), stays listed with revoked_at, and revoking again is a 204', async () => {
    const made = await t.admin().post(`/v1/admin/tenants/${t.tenant.id}/keys`).send({ name: 'to revoke' });
    const withKey = () => t.anonymous().get('/v1/sessions').set('Authorization', `Bearer ${made.body.key}`);
    expect((await withKey()).status).toBe(200);
    expect((await t.admin().delete(`/v1/admin/tenants/${t.tenant.id}/keys/${made.body.id}`)).status).toBe(204);
    expectProblem(await withKey(), 401, 'UNAUTHENTICATED');
    expect((await t.admin().delete(`/v1/admin/tenants/${t.tenant.id}/keys/${made.body.id}`)).status).toBe(204);
    const listed = (await t.admin().get(`/v1/admin/tenants/${t.tenant.id}/keys`)).body.items.find((k: { id: string }) => k.id === made.body.id);
    expect(listed.revoked_at).toEqual(expect.any(String));
  });

  it("revoking another tenant's key, or a key that does not exist, is a 404", async () => {
    const other = await t.newTenant('other school');
    const keys = (await t.admin().get(`/v1/admin/tenants/${other.id}/keys`)).body.items;
    expectProblem(await t.admin().delete(`/v1/admin/tenants/${t.tenant.id}/keys/${keys[0].id}`), 404, 'API_KEY_NOT_FOUND');
    expectProblem(await t.admin().delete(`/v1/admin/tenants/${t.tenant.id}/keys/${randomUUID()}`), 404, 'API_KEY_NOT_FOUND');
    expectProblem(await t.admin().delete(`/v1/admin/tenants/${t.tenant.id}/keys/not-a-uuid`), 404, 'API_KEY_NOT_FOUND');
  });
});

describe('tenants (admin)', () => {
  it('a tenant is created, read and listed (newest first, cursor-paginated); a missing one is a 404', async () => {
    const names = ['A school', 'B school', 'C school'];
    const made: Array<{ id: string; name: string; created_at: string }> = [];
    for (const name of names) {
      const res = await t.admin().post('/v1/admin/tenants').send({ name });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.stringMatching(UUID_RE), name, created_at: expect.any(String) });
      made.push(res.body);
    }
    expect((await t.admin().get(`/v1/admin/tenants/${made[1].id}`)).body).toEqual(made[1]);
    const { items } = await allPages<{ id: string }>(t.admin, '/v1/admin/tenants', { limit: 2 });
    const order = items.map((i) => i.id).filter((id) => made.some((m) => m.id === id));
    expect(order).toEqual(made.map((m) => m.id).reverse());
    expectProblem(await t.admin().get(`/v1/admin/tenants/${randomUUID()}`), 404, 'TENANT_NOT_FOUND');
    expectProblem(await t.admin().post(`/v1/admin/tenants/${randomUUID()}/keys`).send({}), 404, 'TENANT_NOT_FOUND');
  });

  it('a cursor that was not handed out (a forged time, another list\'s) is a 400, never a 500', async () => {
    const forged = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    for (const cursor of [forged(`tenants:1|${randomUUID()}`), forged(`tenants:Jan 2|${randomUUID()}`), forged(`sessions:2026-11-27 10:00:00+00|${randomUUID()}`), 'not base64!']) {
      expectProblem(await t.admin().get('/v1/admin/tenants').query({ cursor }), 400, 'VALIDATION_FAILED');
    }
    expectProblem(await t.http().get('/v1/sessions').query({ cursor: forged(`sessions:1|${randomUUID()}`) }), 400, 'VALIDATION_FAILED');
  });

  it('a tenant needs a name of 1 to 200 printable characters, and nothing else', async () => {
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(201) }, { name: 'a\u0000b' }, { name: 7 }, { name: 'ok', plan: 'gold' }]) {
      const res = await t.admin().post('/v1/admin/tenants').send(body);
      expectProblem(res, 400, 'VALIDATION_FAILED');
    }
  });

  it("deleting a tenant deletes its sessions and stops its keys", async () => {
    const doomed = await t.newTenant('closing school');
    const id = await sessionOf(doomed);
    expect((await t.admin().delete(`/v1/admin/tenants/${doomed.id}`)).status).toBe(204);
    expectProblem(await doomed.http().get(`/v1/sessions/${id}`), 401, 'UNAUTHENTICATED');
    const rows: unknown[] = await app.get(DataSource).query(`SELECT 1 FROM sessions WHERE id = $1`, [id]);
    expect(rows).toHaveLength(0);
    expectProblem(await t.admin().delete(`/v1/admin/tenants/${doomed.id}`), 404, 'TENANT_NOT_FOUND');
  });
});

describe('isolation between tenants', () => {
  let a: Tenant;
  let b: Tenant;
  let aSession: string;

  beforeAll(async () => {
    a = await t.newTenant('school A');
    b = await t.newTenant('school B');
    aSession = await sessionOf(a);
    expect((await a.http().post(`/v1/sessions/${aSession}/calls`).send({ endpoint: 'server', call: 'listen' })).status).toBe(200);
  });

  /** Every route that names a session, as tenant B would call it on A's session. */
  const routes = (id: string): Array<[string, (tenant: Tenant) => Promise<import('supertest').Response>]> => [
    ['GET session', (x) => x.http().get(`/v1/sessions/${id}`)],
    ['DELETE', (x) => x.http().delete(`/v1/sessions/${id}`)],
    ['calls', (x) => x.http().post(`/v1/sessions/${id}/calls`).send({ endpoint: 'client', call: 'connect' })],
    ['send', (x) => x.http().post(`/v1/sessions/${id}/send`).send({ from: 'client', flags: ['SYN'] })],
    ['inject', (x) => x.http().post(`/v1/sessions/${id}/inject`).send({ to: 'server', flags: ['RST'], seq: 1 })],
    ['network', (x) => x.http().put(`/v1/sessions/${id}/network`).send({ auto_deliver: false })],
    ['deliver', (x) => x.http().post(`/v1/sessions/${id}/deliver`).send({ segment_id: 1, action: 'drop' })],
    ['advance', (x) => x.http().post(`/v1/sessions/${id}/advance`).send({ ms: 1000 })],
    ['step', (x) => x.http().post(`/v1/sessions/${id}/step`)],
    ['trace', (x) => x.http().get(`/v1/sessions/${id}/trace?format=tcpdump`)],
    ['events', (x) => x.http().get(`/v1/sessions/${id}/events`)],
    ['segments', (x) => x.http().get(`/v1/sessions/${id}/segments`)],
  ];

  it("every route answers another tenant's session exactly as a missing one: 404, same title and code", async () => {
    const missing = randomUUID();
    for (const [name, run] of routes(aSession)) {
      const theirs = await run(b);
      const none = await routes(missing).find(([n]) => n === name)![1](b);
      expectProblem(theirs, 404, 'SESSION_NOT_FOUND');
      expect({ name, body: { ...theirs.body, detail: theirs.body.detail.replace(aSession, 'ID'), instance: null } }).toEqual({
        name,
        body: { ...none.body, detail: none.body.detail.replace(missing, 'ID'), instance: null },
      });
    }
  });

  it("after B's attempts, A's session is unchanged (version 2, the server still LISTENing)", async () => {
    const res = await a.http().get(`/v1/sessions/${aSession}`);
    expect(res.status).toBe(200);
    expect({ version: res.body.version, server: res.body.server.state, client: res.body.client.state }).toEqual({ version: 2, server: 'LISTEN', client: 'CLOSED' });
  });

  it("a tenant's list holds only its own sessions", async () => {
    const bSession = await sessionOf(b);
    const aIds = (await allPages<{ id: string }>(a.http, '/v1/sessions')).items.map((s) => s.id);
    const bIds = (await allPages<{ id: string }>(b.http, '/v1/sessions')).items.map((s) => s.id);
    expect(aIds).toEqual([aSession]);
    expect(bIds).toEqual([bSession]);
  });

  it('an imported capture belongs to the tenant that imported it', async () => {
    const res = await a.http().post('/v1/captures').send({ text: SEED_TEXT });
    expect(res.status).toBe(201);
    const id = res.body.connections[0].session_id;
    expect((await a.http().get(`/v1/sessions/${id}`)).status).toBe(200);
    expectProblem(await b.http().get(`/v1/sessions/${id}`), 404, 'SESSION_NOT_FOUND');
  });

  it('two tenants may use the same Idempotency-Key: each gets its own answer, neither sees the other', async () => {
    const key = `shared-${randomUUID()}`;
    const first = await a.http().post('/v1/sessions').set('Idempotency-Key', key).send({ seed: 1 });
    const second = await b.http().post('/v1/sessions').set('Idempotency-Key', key).send({ seed: 2 });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.id).not.toBe(first.body.id);
    expectProblem(await b.http().get(`/v1/sessions/${first.body.id}`), 404, 'SESSION_NOT_FOUND');
    const retry = await b.http().post('/v1/sessions').set('Idempotency-Key', key).send({ seed: 2 });
    expect(retry.body.id).toBe(second.body.id);
  });
});

describe('the admin key made on first start', () => {
  it('is made once when ADMIN_API_KEY is unset, works as the admin key, and is never made again', async () => {
    const repository = app.get(TenantsRepository);
    const dataSource = app.get(DataSource);
    await dataSource.query(`UPDATE api_keys SET revoked_at = now() WHERE role = 'admin'`);
    const key = await ensureAdminKey(repository, null);
    expect(key).toMatch(/^tcpl_[A-Za-z0-9_-]{43}$/);
    expect(await ensureAdminKey(repository, null)).toBeNull();
    const res = await t.anonymous().get('/v1/admin/tenants').set('Authorization', `Bearer ${key}`);
    expect(res.status).toBe(200);
    const rows: Array<{ role: string; tenant_id: string | null }> = await dataSource.query(`SELECT role, tenant_id FROM api_keys WHERE hash = $1`, [
      createHash('sha256').update(key!).digest('hex'),
    ]);
    expect(rows).toEqual([{ role: 'admin', tenant_id: null }]);
  });

  it('with ADMIN_API_KEY set none is made and the stored ones are revoked; one shorter than the minimum is refused', async () => {
    const repository = app.get(TenantsRepository);
    await app.get(DataSource).query(`UPDATE api_keys SET revoked_at = now() WHERE role = 'admin'`);
    const made = await ensureAdminKey(repository, null);
    await expect(ensureAdminKey(repository, 'x'.repeat(MIN_ADMIN_KEY_LENGTH))).resolves.toBeNull();
    const stored: unknown[] = await app.get(DataSource).query(`SELECT 1 FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL`);
    expect(stored).toEqual([]);
    const afterTtl = await app.get(DataSource).query(`SELECT revoked_at FROM api_keys WHERE hash = $1`, [createHash('sha256').update(made!).digest('hex')]);
    expect(afterTtl[0].revoked_at).not.toBeNull();
    await expect(ensureAdminKey(repository, 'short')).rejects.toThrow(/at least 24 characters/);
  });
});
