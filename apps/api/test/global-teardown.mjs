import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Client } = require('pg');

export default async function globalTeardown() {
  // Called once per project that shares the database; the first call removes it.
  if (!globalThis.__TCPLAB_TEST_DATABASE__) return;
  const name = globalThis.__TCPLAB_TEST_DATABASE__;
  globalThis.__TCPLAB_TEST_DATABASE__ = undefined;
  if (globalThis.__TCPLAB_EMBEDDED__) {
    await globalThis.__TCPLAB_EMBEDDED__.stop();
    return;
  }
  const admin = new Client({ connectionString: globalThis.__TCPLAB_ADMIN_URL__ });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
