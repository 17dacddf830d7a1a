// A fresh PostgreSQL database for every test run, never a mock: on the server
// DATABASE_URL names, or, without it, an embedded PostgreSQL in a temporary folder.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';

declare global {
  /* eslint-disable no-var */
  var __TCPLAB_TEST_DATABASE__: string | undefined;
  var __TCPLAB_ADMIN_URL__: string | undefined;
  var __TCPLAB_EMBEDDED__: { stop(): Promise<void> } | undefined;
}

async function createDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
}

export default async function globalSetup(): Promise<void> {
  // Both Jest projects that use a database (api, faults) call this: the first call makes it, the other shares it.
  if (globalThis.__TCPLAB_TEST_DATABASE__) return;
  const name = `tcplab_test_${process.pid}_${Date.now()}`;
  if (!process.env['DATABASE_URL']) {
    // Its failure (EmbeddedPostgresError) says why and what to do instead, without a stack.
    const embedded = await startEmbeddedPostgres({ temporary: true });
    globalThis.__TCPLAB_EMBEDDED__ = embedded;
    process.env['DATABASE_URL'] = embedded.url;
  }
  const url = new URL(process.env['DATABASE_URL']!);
  await createDatabase(url.toString(), name);
  globalThis.__TCPLAB_ADMIN_URL__ = url.toString();
  url.pathname = `/${name}`;
  process.env['DATABASE_URL'] = url.toString();
  globalThis.__TCPLAB_TEST_DATABASE__ = name;
  // Request logs would drown the test output; a test that needs them sets LOG_LEVEL itself.
  process.env['LOG_LEVEL'] ??= 'silent';
  // The admin key the tests make tenants with (harness.ts); and limits no ordinary suite reaches —
  // the rate-limit tests set their own.
  process.env['ADMIN_API_KEY'] ??= `test-admin-${randomBytes(24).toString('base64url')}`;
  process.env['RATE_LIMIT'] ??= '100000';
  // No LTI score worker in the apps the suites start (they would all poll one database); the AGS suite starts its own.
  process.env['LTI_SCORE_POLL_MS'] ??= '0';
}
