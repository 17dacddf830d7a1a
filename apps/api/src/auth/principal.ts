import type { FastifyRequest } from 'fastify';

/** Who is calling, as the API key says: the admin (from ADMIN_API_KEY or the key made on first start) or one tenant. */
export type Principal = { role: 'admin'; keyId: string | null } | { role: 'tenant'; tenantId: string; keyId: string };

/** Set by ApiKeyGuard before any handler runs. */
export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };
