import { randomUUID } from 'node:crypto';
import { displayPrefix, generateApiKey, hashApiKey } from '../auth/api-key';
import type { TenantsRepository } from './tenants.repository';

/** Shorter admin keys are refused at start: they could be guessed. */
export const MIN_ADMIN_KEY_LENGTH = 24;

/**
 * The first start without ADMIN_API_KEY makes an admin key and returns it, to be printed once; it is stored only
 * as a hash, so it cannot be shown again. Setting ADMIN_API_KEY replaces it: that start revokes every stored
 * admin key (a leaked one included). Later starts, and starts with ADMIN_API_KEY set, return null.
 */
export async function ensureAdminKey(tenants: TenantsRepository, adminKeyFromEnv: string | null): Promise<string | null> {
  if (adminKeyFromEnv !== null) {
    if (adminKeyFromEnv.length < MIN_ADMIN_KEY_LENGTH) {
      throw new Error(`ADMIN_API_KEY must be at least ${MIN_ADMIN_KEY_LENGTH} characters long (try: openssl rand -base64 32).`);
    }
    await tenants.revokeStoredAdminKeys();
    return null;
  }
  return tenants.withAdminKeyLock(async (manager, hasAdminKey) => {
    if (hasAdminKey) return null;
    const key = generateApiKey();
    await tenants.insertKey({ id: randomUUID(), tenantId: null, role: 'admin', name: 'made on first start', prefix: displayPrefix(key), hash: hashApiKey(key) }, manager);
    return key;
  });
}
