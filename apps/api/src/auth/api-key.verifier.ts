import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '../config/configuration';
import { TenantsRepository } from '../tenants/tenants.repository';
import { hashApiKey } from './api-key';
import type { KeyPrincipal } from './principal';

/** Bounds the cache whatever keys are thrown at it; when full it starts again (a miss costs one indexed lookup). */
const MAX_CACHED_KEYS = 10_000;

/**
 * Turns a presented key into a principal. Keys are looked up by hash; a good key is trusted for
 * `apiKeyCacheTtlMs` by this process so that a step costs no extra round trip. Revoking through this process
 * takes effect at once; other processes see it within the TTL.
 */
@Injectable()
export class ApiKeyVerifier {
  private readonly cache = new Map<string, { principal: KeyPrincipal; until: number }>();
  /** Bumped by forget(): a lookup that began before a revocation must not cache what it read. */
  private generation = 0;
  private readonly adminHash: Buffer | null;
  private readonly ttlMs: number;

  constructor(
    private readonly tenants: TenantsRepository,
    config: ConfigService<AppConfig, true>,
  ) {
    const adminKey = config.get('adminApiKey', { infer: true });
    this.adminHash = adminKey ? Buffer.from(hashApiKey(adminKey), 'hex') : null;
    this.ttlMs = config.get('apiKeyCacheTtlMs', { infer: true });
  }

  async verify(key: string): Promise<KeyPrincipal | null> {
    const hash = hashApiKey(key);
    if (this.adminHash && timingSafeEqual(this.adminHash, Buffer.from(hash, 'hex'))) return { role: 'admin', keyId: null };
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.principal;
    const generation = this.generation;
    const row = await this.tenants.findActiveKey(hash);
    if (!row) {
      this.cache.delete(hash);
      return null;
    }
    const principal: KeyPrincipal = row.role === 'admin' || row.tenant_id === null ? { role: 'admin', keyId: row.id } : { role: 'tenant', tenantId: row.tenant_id, keyId: row.id };
    if (generation !== this.generation) return principal;
    if (this.cache.size >= MAX_CACHED_KEYS) this.cache.clear();
    this.cache.set(hash, { principal, until: now + this.ttlMs });
    return principal;
  }

  /** Forget the keys matching `test` (a revoked key, a deleted tenant's keys). */
  forget(test: (principal: KeyPrincipal) => boolean): void {
    this.generation += 1;
    for (const [hash, entry] of this.cache) if (test(entry.principal)) this.cache.delete(hash);
  }
}
