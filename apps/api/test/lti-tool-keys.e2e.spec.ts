import { ConfigService } from '@nestjs/config';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source';
import { ToolKeysRepository } from '../src/lti/tool-keys.repository';
import { ToolKeys } from '../src/lti/tool-keys.service';
import { expectProblem } from './e2e-helpers';
import { startApp, type TestApp } from './harness';

/**
 * The tool's own keys: published at GET /lti/jwks, rotated by the admin. The key set is one for the whole service, and
 * other suites (the fuzzer, with the admin key) rotate it at the same time: the routes are checked for what holds
 * whatever they do, and a rotation's windows on a ToolKeys of its own, in a schema of its own, with time passed in.
 */

const LEAD_MS = 24 * 3600_000;
let t: TestApp;

beforeAll(async () => {
  t = await startApp();
});

afterAll(async () => {
  await t.app.close();
});

async function jwks(): Promise<JSONWebKeySet> {
  const res = await t.anonymous().get('/lti/jwks');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return res.body;
}

const kidOf = (jwt: string) => decodeProtectedHeader(jwt).kid;

describe('GET /lti/jwks', () => {
  it('publishes the RS256 public keys with their kid, without a key, and never a private part', async () => {
    const set = await jwks();
    expect(set.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of set.keys) {
      expect(key).toEqual({ kty: 'RSA', n: expect.any(String), e: 'AQAB', kid: expect.any(String), alg: 'RS256', use: 'sig' });
    }
  });

  it("verifies what the tool signs: the signing key's private half in PostgreSQL matches its published half", async () => {
    const jwt = await t.app.get(ToolKeys).sign({ iss: 'https://tcplab.test', aud: 'a-platform' });
    const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(await jwks()), { algorithms: ['RS256'] });
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: expect.any(String), typ: 'JWT' });
    expect(payload.exp! - payload.iat!).toBe(300);
  });
});

describe('POST /v1/admin/lti/keys (rotation)', () => {
  it('makes a key that signs only after the lead; every key waiting to sign is already in the JWKS', async () => {
    const res = await t.admin().post('/v1/admin/lti/keys');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ kid: expect.any(String), created_at: expect.any(String), signs_from: expect.any(String), signs_until: null, published_until: null });
    expect(Date.parse(res.body.signs_from) - Date.parse(res.body.created_at)).toBeGreaterThanOrEqual(LEAD_MS - 5_000);
    // Another rotation may replace this one at any moment (the fuzzer's, with the admin key): what holds is that
    // whatever key waits is published, and that the key signing now is not one of them — read between two listings
    // that agree, so that no rotation came in between.
    const list = async (): Promise<Array<{ kid: string; signs_from: string }>> => (await t.admin().get('/v1/admin/lti/keys')).body.items;
    for (let attempt = 1; ; attempt += 1) {
      const before = await list();
      const published = (await jwks()).keys.map((k) => k.kid);
      const signing = kidOf(await t.app.get(ToolKeys).sign({}));
      if (JSON.stringify(await list()) !== JSON.stringify(before) && attempt < 5) continue;
      const waiting = before.filter((k) => Date.parse(k.signs_from) > Date.now()).map((k) => k.kid);
      expect(waiting.length).toBeGreaterThanOrEqual(1);
      expect(published).toEqual(expect.arrayContaining([...waiting, signing]));
      expect(waiting).not.toContain(signing);
      break;
    }
  });

  it('is for the admin key only (403 with a tenant key)', async () => {
    expectProblem(await t.http().post('/v1/admin/lti/keys'), 403, 'FORBIDDEN');
    expectProblem(await t.http().get('/v1/admin/lti/keys'), 403, 'FORBIDDEN');
  });
});

describe("a rotation's windows (ToolKeys on a schema of its own)", () => {
  const schema = `lti_keys_${process.pid}`;
  let admin: DataSource;
  let own: DataSource;
  let keys: ToolKeys;

  beforeAll(async () => {
    const url = process.env['DATABASE_URL']!;
    admin = await new DataSource({ type: 'postgres', url }).initialize();
    await admin.query(`CREATE SCHEMA ${schema}`);
    own = await new DataSource({ ...dataSourceOptions(url, 1), extra: { max: 1, options: `-c search_path=${schema}` } } as DataSourceOptions).initialize();
    await own.runMigrations();
    keys = new ToolKeys(new ToolKeysRepository(own), new ConfigService({ lti: { keyRotationLeadMs: LEAD_MS } }));
  });

  afterAll(async () => {
    await own.destroy();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.destroy();
  });

  const at = (base: Date, ms: number) => new Date(base.getTime() + ms);
  const published = async (now: Date) => (await keys.jwks(now)).keys.map((k) => k.kid);
  const signer = async (now: Date) => kidOf(await keys.sign({}, now));

  it('the old key signs until the new one does, and stays published until what it signed has expired (5 min + 5 min leeway)', async () => {
    const t0 = new Date('2027-03-01T08:00:00Z');
    const [first] = await published(t0);
    const t1 = at(t0, 3600_000);
    const next = await keys.rotate(t1);
    expect(await published(t1)).toEqual([first, next.kid]);
    expect(await signer(at(t1, LEAD_MS - 1))).toBe(first);
    expect(await signer(at(t1, LEAD_MS))).toBe(next.kid);
    expect(await published(at(t1, LEAD_MS + 10 * 60_000 - 1))).toEqual([first, next.kid]);
    expect(await published(at(t1, LEAD_MS + 10 * 60_000))).toEqual([next.kid]);
  });

  it('a rotation during the lead replaces the waiting key, and the signing key signs on until the newest takes over: never a gap', async () => {
    const now = new Date('2027-06-01T08:00:00Z');
    const signing = await signer(now);
    const waiting = await keys.rotate(now);
    const later = at(now, 3600_000);
    const newest = await keys.rotate(later);
    expect(await published(later)).toEqual([signing, newest.kid]);
    expect(await published(later)).not.toContain(waiting.kid);
    expect(await signer(at(now, LEAD_MS))).toBe(signing);
    expect(await signer(at(later, LEAD_MS - 1))).toBe(signing);
    expect(await signer(at(later, LEAD_MS))).toBe(newest.kid);
  });
});
