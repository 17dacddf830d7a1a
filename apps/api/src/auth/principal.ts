import type { FastifyRequest } from 'fastify';
import type { LinkRow } from '../links/links.repository';

/**
 * Who is calling: the admin (from ADMIN_API_KEY or the key made on first start), one tenant (its API key), or the
 * holder of a share link, who may reach that link's target only — a learner's browser, which never holds a key.
 */
export type Principal = KeyPrincipal | { role: 'link'; tenantId: string; link: LinkRow };

/** Who an API key says is calling. */
export type KeyPrincipal = { role: 'admin'; keyId: string | null } | { role: 'tenant'; tenantId: string; keyId: string };

/** Set by ApiKeyGuard before any handler runs. */
export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };
