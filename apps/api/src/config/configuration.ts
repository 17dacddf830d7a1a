/**
 * Settings read from the environment (through @nestjs/config). Every one has a
 * default that works on a fresh machine; DATABASE_URL unset means "start the
 * embedded PostgreSQL" (see database/embedded-postgres.ts).
 */
export interface AppConfig {
  port: number;
  host: string;
  /** Set by main.ts to the embedded server's URL when the environment has none. */
  databaseUrl: string;
  /** Pool size per process. */
  databasePoolSize: number;
  logLevel: string;
  /** Steps a session may record before it is full (409). */
  maxSegmentsPerSession: number;
  /** Largest request body accepted, in bytes (413 beyond). */
  bodyLimit: number;
}

export function configuration(): AppConfig {
  const env = process.env;
  return {
    port: Number(env['PORT'] ?? 3000),
    host: env['HOST'] ?? '0.0.0.0',
    databaseUrl: env['DATABASE_URL'] ?? '',
    databasePoolSize: Number(env['DATABASE_POOL_SIZE'] ?? 10),
    logLevel: env['LOG_LEVEL'] ?? 'info',
    maxSegmentsPerSession: Number(env['MAX_SEGMENTS_PER_SESSION'] ?? 10_000),
    bodyLimit: 64 * 1024,
  };
}
