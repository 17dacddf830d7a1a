import { configuration } from './config/configuration';
import { startEmbeddedPostgres } from './database/embedded-postgres';
import { createApp } from './app.factory';

async function main(): Promise<void> {
  // No DATABASE_URL: run a real PostgreSQL from the embedded-postgres package, data under .data/postgres.
  if (!process.env['DATABASE_URL']) {
    const embedded = await startEmbeddedPostgres();
    process.env['DATABASE_URL'] = embedded.url;
    process.once('exit', () => void embedded.stop());
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void embedded.stop().then(() => process.exit(0)));
  }
  const app = await createApp();
  const { port, host } = configuration();
  await app.listen(port, host);
  console.log(`tcplab listening on http://localhost:${port} — docs at http://localhost:${port}/docs`);
}

void main();
