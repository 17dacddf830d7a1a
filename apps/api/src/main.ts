import cluster from 'node:cluster';
import { resolve } from 'node:path';
import { ConfigService } from '@nestjs/config';
import { configuration, type AppConfig } from './config/configuration';
import { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedDatabase } from './database/embedded-postgres';
import { DataSource } from 'typeorm';
import { createApp } from './app.factory';
import { dataSourceOptions } from './database/data-source';
import { migrate } from './database/migrate';
import { ensureAdminKey } from './tenants/admin-key';
import { TenantsRepository } from './tenants/tenants.repository';
import { makeDemo } from './links/demo';
import { LinksRepository } from './links/links.repository';
import { SessionsRepository } from './sessions/sessions.repository';

/** WEB_CONCURRENCY worker processes share the port (node:cluster); the service keeps no state of its own. */
const WORKERS = Math.max(1, Number(process.env['WEB_CONCURRENCY'] ?? 1));

/**
 * Serves until SIGINT or SIGTERM, then shuts down gracefully: the port stops taking connections, requests in
 * progress finish (Fastify's close), then `afterClose` runs (stopping an embedded database) and the process exits.
 */
async function serve(afterClose: () => Promise<void> = async () => undefined): Promise<void> {
  const app = await createApp();
  const { port, host } = configuration();
  await app.listen(port, host);
  // Once: a second signal (Ctrl-C reaches the whole process group, and the primary forwards it too) must not
  // fall back to the default action and kill requests in progress.
  let closing = false;
  const close = (): void => {
    if (closing) return;
    closing = true;
    void app
      .close()
      .then(afterClose)
      .then(() => process.exit(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, close);
  if (cluster.isPrimary) console.log(`tcplab listening on http://localhost:${port} — docs at http://localhost:${port}/docs`);
}

async function main(): Promise<void> {
  if (cluster.isWorker) return serve();
  // No DATABASE_URL: run a real PostgreSQL from the embedded-postgres package, data under .data/postgres.
  let embedded: EmbeddedDatabase | null = null;
  if (!process.env['DATABASE_URL']) {
    try {
      embedded = await startEmbeddedPostgres();
    } catch (error) {
      if (!(error instanceof EmbeddedPostgresError)) throw error;
      console.error(error.message);
      process.exit(1);
    }
    if (embedded.dataDir !== resolve('.data/postgres')) console.log(`tcplab: the embedded PostgreSQL keeps its data in ${embedded.dataDir} (the postgres user it runs as cannot enter this folder)`);
    process.env['DATABASE_URL'] = embedded.url;
  }
  const stopDatabase = async (): Promise<void> => {
    await embedded?.stop();
  };
  // Migrate once, before any worker starts (workers would otherwise race to do it), and make the admin key.
  const dataSource = new DataSource(dataSourceOptions(process.env['DATABASE_URL']!, 1));
  await dataSource.initialize();
  await migrate(dataSource);
  const tenants = new TenantsRepository(dataSource);
  const adminKey = await ensureAdminKey(tenants, configuration().adminApiKey);
  const { port, publicUrl } = configuration();
  // The first start of a fresh database (the one that made the admin key: replicas started together agree on it).
  const sessions = new SessionsRepository(dataSource, new ConfigService<AppConfig, true>(configuration()));
  const demoUrl = adminKey === null ? null : await makeDemo({ tenants, sessions, links: new LinksRepository(dataSource) }, publicUrl ?? `http://localhost:${port}`);
  await dataSource.destroy();
  if (adminKey !== null) {
    // Printed this once: only its hash is stored. Not through the logger, which never holds keys.
    console.log(`\nAdmin API key (shown once: keep it safe. Setting ADMIN_API_KEY replaces it):\n\n  ${adminKey}\n`);
  }
  if (demoUrl !== null) {
    console.log(`Play with TCP in your browser — a demo session (shown once; the scenarios are at /):\n\n  ${demoUrl}\n`);
  }
  if (WORKERS === 1) return serve(stopDatabase);
  let stopping = false;
  let running = 0;
  let exitCode = 0;
  const recentDeaths: number[] = [];
  // Each worker finishes its requests in progress (serve's handler); the database stops after the last one.
  const shutdown = (code: number): void => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  cluster.on('fork', () => {
    running += 1;
  });
  cluster.on('exit', (worker, code, signal) => {
    running -= 1;
    if (stopping) {
      if (running === 0) void stopDatabase().then(() => process.exit(exitCode));
      return;
    }
    // A worker that dies (a crash, the OOM killer) is replaced; sessions are in PostgreSQL, nothing is lost.
    // Workers that keep dying at once (a bad setting) stop the service instead of looping.
    const now = Date.now();
    recentDeaths.push(now);
    while (recentDeaths[0]! < now - 60_000) recentDeaths.shift();
    if (recentDeaths.length > 5) {
      console.error(`tcplab: ${recentDeaths.length} workers died within a minute; stopping`);
      shutdown(1);
      if (running === 0) void stopDatabase().then(() => process.exit(1));
      return;
    }
    console.error(`tcplab: worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    cluster.fork();
  });
  for (let i = 0; i < WORKERS; i += 1) cluster.fork();
  // Said once every worker takes connections (until then the port answers from fewer workers).
  let listening = 0;
  cluster.on('listening', () => {
    listening += 1;
    if (listening === WORKERS) console.log(`tcplab: ${WORKERS} workers listening on http://localhost:${configuration().port} — docs at /docs`);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => shutdown(0));
}

void main();
