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
  /**
   * Whether the request path's statements are prepared once per connection (named). Off (`false`) behind
   * PgBouncer before 1.21 in transaction pooling, where a transaction may run on a connection that never saw the
   * statement prepared: then each is sent unnamed and planned every time.
   */
  databasePreparedStatements: boolean;
  logLevel: string;
  /** Steps a session may record before it is full (409). */
  maxSegmentsPerSession: number;
  /** Largest request body accepted, in bytes (413 beyond). */
  bodyLimit: number;
  /** ADMIN_API_KEY: manages tenants and keys. Unset: the first start makes one and prints it once. */
  adminApiKey: string | null;
  /** How long a process trusts a key it has checked; a revocation reaches every other process within this time. */
  apiKeyCacheTtlMs: number;
  /** Requests a key may make per window (429 beyond); 0 turns rate limiting off. Counted per process. */
  rateLimit: { limit: number; windowMs: number };
  /** Sessions a process keeps in memory after changing them, to change them again without reading them first; 0: none. */
  sessionCacheSize: number;
  /** Origins (LMS pages) whose browsers may call the API; empty: no CORS headers at all. */
  corsOrigins: string[];
  /**
   * The address people reach the service at (e.g. https://tcplab.example.edu), for the share links it mints;
   * unset: the address each request came to.
   */
  publicUrl: string | null;
  /**
   * TRUST_PROXY: which reverse proxies' X-Forwarded-Proto, -Host and -For count (Fastify's trustProxy): `true` any,
   * a number of hops, or addresses and CIDR ranges; unset: none, the request's own protocol and Host.
   */
  trustProxy: boolean | number | string[];
  lti: {
    /**
     * How long a new tool key is published before it signs (LTI_KEY_ROTATION_LEAD_MS, 24 h): platforms that cache
     * tcplab's JWKS (Canvas does) have fetched it by then.
     */
    keyRotationLeadMs: number;
    /**
     * After fetching a platform's JWKS, the time before an unknown `kid` may make it fetch again
     * (LTI_JWKS_COOLDOWN_MS, 30 s): forged kids cannot make tcplab hammer the platform.
     */
    jwksCooldownMs: number;
    /**
     * How often this replica's score worker looks for grades to publish and scores to deliver (LTI_SCORE_POLL_MS,
     * 1 s); 0 turns the worker off on this replica (others deliver: the outbox is in PostgreSQL).
     */
    scorePollMs: number;
    /** The first retry's delay after an LMS answered 5xx or 429 or could not be reached (LTI_SCORE_RETRY_BASE_MS, 10 s); each next one doubles, up to an hour. */
    scoreRetryBaseMs: number;
  };
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

export function configuration(): AppConfig {
  const env = process.env;
  return {
    port: Number(env['PORT'] ?? 3000),
    host: env['HOST'] ?? '0.0.0.0',
    databaseUrl: env['DATABASE_URL'] ?? '',
    databasePoolSize: Number(env['DATABASE_POOL_SIZE'] ?? 10),
    databasePreparedStatements: env['DATABASE_PREPARED_STATEMENTS'] !== 'false',
    logLevel: env['LOG_LEVEL'] ?? 'info',
    maxSegmentsPerSession: Number(env['MAX_SEGMENTS_PER_SESSION'] ?? 10_000),
    bodyLimit: 64 * 1024,
    adminApiKey: env['ADMIN_API_KEY'] || null,
    apiKeyCacheTtlMs: Number(env['API_KEY_CACHE_TTL_MS'] ?? 5_000),
    rateLimit: { limit: Number(env['RATE_LIMIT'] ?? 1_200), windowMs: Number(env['RATE_LIMIT_WINDOW_MS'] ?? 60_000) },
    sessionCacheSize: Number(env['SESSION_CACHE_SIZE'] ?? 1_000),
    corsOrigins: list(env['CORS_ORIGINS']),
    publicUrl: env['PUBLIC_URL']?.replace(/\/+$/, '') || null,
    trustProxy: trustProxy(env['TRUST_PROXY']),
    lti: {
      keyRotationLeadMs: Number(env['LTI_KEY_ROTATION_LEAD_MS'] ?? 24 * 3600_000),
      jwksCooldownMs: Number(env['LTI_JWKS_COOLDOWN_MS'] ?? 30_000),
      scorePollMs: Number(env['LTI_SCORE_POLL_MS'] ?? 1_000),
      scoreRetryBaseMs: Number(env['LTI_SCORE_RETRY_BASE_MS'] ?? 10_000),
    },
  };
}

function trustProxy(value: string | undefined): boolean | number | string[] {
  const setting = value?.trim() ?? '';
  if (setting === '' || setting === 'false') return false;
  if (setting === 'true') return true;
  if (/^\d+$/.test(setting)) return Number(setting);
  return list(setting);
}
