import { expectBadFields, expectProblem, UUID_RE } from './e2e-helpers';
import { startApp, type TestApp } from './harness';

/** LTI platform registrations through the tenant API, on the real app and PostgreSQL. */

let t: TestApp;

beforeAll(async () => {
  t = await startApp();
});

afterAll(async () => {
  await t.app.close();
});

let n = 0;
function registration(change: Record<string, unknown> = {}): Record<string, unknown> {
  n += 1;
  const issuer = `https://moodle-${process.pid}-${n}.example.edu`;
  return {
    issuer,
    client_id: 'tcplab-7f3a',
    deployment_ids: ['1'],
    auth_url: `${issuer}/mod/lti/auth.php`,
    token_url: `${issuer}/mod/lti/token.php`,
    jwks_url: `${issuer}/mod/lti/certs.php`,
    ...change,
  };
}

describe('POST /v1/lti/platforms', () => {
  it('registers a platform for the tenant, and answers it back with its id', async () => {
    const body = registration({ deployment_ids: ['1', '2'] });
    const res = await t.http().post('/v1/lti/platforms').send(body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ ...body, frame_origins: [], id: expect.stringMatching(UUID_RE), created_at: expect.any(String), updated_at: expect.any(String) });
  });

  it('takes an LMS on a campus host name without a public TLD (http://moodle:8080)', async () => {
    const body = registration({ auth_url: 'http://moodle:8080/mod/lti/auth.php' });
    expect((await t.http().post('/v1/lti/platforms').send(body)).status).toBe(201);
  });

  it('names every bad field (400)', async () => {
    expectBadFields(await t.http().post('/v1/lti/platforms').send({ issuer: 'not a url', client_id: '', deployment_ids: [], auth_url: 'ftp://x.example/auth', token_url: 3, jwks_url: 'javascript:alert(1)' }), [
      'issuer',
      'client_id',
      'deployment_ids',
      'auth_url',
      'token_url',
      'jwks_url',
    ]);
  });

  it('refuses an issuer and client id registered already, by this tenant or another (409)', async () => {
    const body = registration();
    expect((await t.http().post('/v1/lti/platforms').send(body)).status).toBe(201);
    expectProblem(await t.http().post('/v1/lti/platforms').send(body), 409, 'LTI_PLATFORM_EXISTS');
    const other = await t.newTenant('another school');
    expectProblem(await other.http().post('/v1/lti/platforms').send(body), 409, 'LTI_PLATFORM_EXISTS');
    // Another client id of the same LMS is another registration.
    expect((await other.http().post('/v1/lti/platforms').send({ ...body, client_id: 'tcplab-second' })).status).toBe(201);
  });
});

describe('GET, PUT and DELETE /v1/lti/platforms/{id}', () => {
  it("lists, reads, replaces and removes a tenant's registration; another tenant sees none of it (404)", async () => {
    const created = (await t.http().post('/v1/lti/platforms').send(registration())).body;
    expect((await t.http().get('/v1/lti/platforms')).body.items).toContainEqual(created);
    expect((await t.http().get(`/v1/lti/platforms/${created.id}`)).body).toEqual(created);
    const other = await t.newTenant('another school');
    expectProblem(await other.http().get(`/v1/lti/platforms/${created.id}`), 404, 'LTI_PLATFORM_NOT_FOUND');
    expect((await other.http().get('/v1/lti/platforms')).body.items).toEqual([]);
    expectProblem(await other.http().delete(`/v1/lti/platforms/${created.id}`), 404, 'LTI_PLATFORM_NOT_FOUND');

    const replaced = await t.http().put(`/v1/lti/platforms/${created.id}`).send({ ...registration(), issuer: created.issuer, deployment_ids: ['1', '7'] });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual(expect.objectContaining({ id: created.id, issuer: created.issuer, deployment_ids: ['1', '7'], created_at: created.created_at }));

    expect((await t.http().delete(`/v1/lti/platforms/${created.id}`)).status).toBe(204);
    expectProblem(await t.http().get(`/v1/lti/platforms/${created.id}`), 404, 'LTI_PLATFORM_NOT_FOUND');
    expectProblem(await t.http().get('/v1/lti/platforms/not-a-uuid'), 404, 'LTI_PLATFORM_NOT_FOUND');
  });

  it('refuses a replacement that takes the issuer and client id of another registration (409)', async () => {
    const first = registration();
    await t.http().post('/v1/lti/platforms').send(first);
    const second = (await t.http().post('/v1/lti/platforms').send(registration())).body;
    expectProblem(await t.http().put(`/v1/lti/platforms/${second.id}`).send(first), 409, 'LTI_PLATFORM_EXISTS');
  });

  it('is for tenant keys: no key is a 401, the admin key a 403', async () => {
    expectProblem(await t.anonymous().get('/v1/lti/platforms'), 401, 'UNAUTHENTICATED');
    expectProblem(await t.admin().get('/v1/lti/platforms'), 403, 'FORBIDDEN');
  });
});
