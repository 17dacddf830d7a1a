import cluster from 'node:cluster';
import { configuration } from './config/configuration';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './database/embedded-postgres';
import { DataSource } from 'typeorm';
import { createApp } from './app.factory';
import { dataSourceOptions } from './database/data-source';

/** WEB_CONCURRENCY worker processes share the port (node:cluster); the service keeps no state of its own. */
const WORKERS = Math.max(1, Number(process.env['WEB_CONCURRENCY'] ?? 1));

async function serve(): Promise<void> {
  const app = await createApp();
  const { port, host } = configuration();
  await app.listen(port, host);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void app.close().then(() => process.exit(0)));
  }
  if (cluster.isPrimary) console.log(`tcplab listening on http://localhost:${port} — docs at http://localhost:${port}/docs`);
}

async function main(): Promise<void> {
  if (cluster.isWorker) return serve();
  // No DATABASE_URL: run a real PostgreSQL from the embedded-postgres package, data under .data/postgres.
  let embedded: EmbeddedDatabase | null = null;
  if (!process.env['DATABASE_URL']) {
    embedded = await startEmbeddedPostgres();
    process.env['DATABASE_URL'] = embedded.url;
  }
  const stopDatabase = async (): Promise<void> => {
    await embedded?.stop();
  };
  if (WORKERS === 1) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopDatabase());
    return serve();
  }
  // Migrate once, before the workers start (each worker would otherwise race to do it).
  const dataSource = new DataSource(dataSourceOptions(process.env['DATABASE_URL']!, 1));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'all' });
  await dataSource.destroy();
  for (let i = 0; i < WORKERS; i += 1) cluster.fork();
  console.log(`tcplab: ${WORKERS} workers on http://localhost:${configuration().port} — docs at /docs`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill(signal);
      cluster.once('exit', () => void stopDatabase().then(() => process.exit(0)));
    });
  }
}

void main();
