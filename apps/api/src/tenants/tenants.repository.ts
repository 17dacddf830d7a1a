import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { ApiKeyEntity, ApiKeyRole } from './api-key.entity';
import type { TenantEntity } from './tenant.entity';

export type TenantRow = TenantEntity & { created_at_exact: string };
export type ApiKeyRow = Omit<ApiKeyEntity, 'hash'>;

const KEY_COLUMNS = 'id, tenant_id, role, name, prefix, created_at, revoked_at';

/** Tenants and their API keys: the only code that touches those tables. */
@Injectable()
export class TenantsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertTenant(id: string, name: string): Promise<TenantRow> {
    const rows: TenantRow[] = await this.dataSource.query(
      `INSERT INTO tenants (id, name) VALUES ($1, $2) RETURNING *, created_at::text AS created_at_exact`,
      [id, name],
    );
    return rows[0]!;
  }

  async findTenant(id: string): Promise<TenantRow | null> {
    const rows: TenantRow[] = await this.dataSource.query(`SELECT *, created_at::text AS created_at_exact FROM tenants WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Newest first, keyed by (created_at, id) like the sessions' list. */
  listTenants(limit: number, after: { created_at: string; id: string } | null): Promise<TenantRow[]> {
    return after
      ? this.dataSource.query(
          `SELECT *, created_at::text AS created_at_exact FROM tenants WHERE (created_at, id) < ($2::timestamptz, $3::uuid)
           ORDER BY created_at DESC, id DESC LIMIT $1`,
          [limit, after.created_at, after.id],
        )
      : this.dataSource.query(`SELECT *, created_at::text AS created_at_exact FROM tenants ORDER BY created_at DESC, id DESC LIMIT $1`, [limit]);
  }

  /** The tenant, its keys and its sessions (with their history) go together. */
  async deleteTenant(id: string): Promise<boolean> {
    // Through a CTE, so that the answer is the returned rows (TypeORM answers a bare DELETE with [rows, count]).
    const rows: unknown[] = await this.dataSource.query(`WITH deleted AS (DELETE FROM tenants WHERE id = $1 RETURNING id) SELECT id FROM deleted`, [id]);
    return rows.length > 0;
  }

  async insertKey(
    key: { id: string; tenantId: string | null; role: ApiKeyRole; name: string; prefix: string; hash: string },
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ApiKeyRow> {
    const rows: ApiKeyRow[] = await manager.query(
      `INSERT INTO api_keys (id, tenant_id, role, name, prefix, hash) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${KEY_COLUMNS}`,
      [key.id, key.tenantId, key.role, key.name, key.prefix, key.hash],
    );
    return rows[0]!;
  }

  listKeys(tenantId: string): Promise<ApiKeyRow[]> {
    return this.dataSource.query(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id`, [tenantId]);
  }

  /** Marks the key revoked (the row stays, for the record); null when the tenant has no such key. */
  async revokeKey(tenantId: string, keyId: string): Promise<ApiKeyRow | null> {
    const rows: ApiKeyRow[] = await this.dataSource.query(
      `WITH revoked AS (
         UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 AND tenant_id = $2 RETURNING ${KEY_COLUMNS}
       ) SELECT * FROM revoked`,
      [keyId, tenantId],
    );
    return rows[0] ?? null;
  }

  /** ADMIN_API_KEY replaces the admin keys stored in the database (the one made on first start). */
  async revokeStoredAdminKeys(): Promise<void> {
    await this.dataSource.query(`UPDATE api_keys SET revoked_at = now() WHERE role = 'admin' AND revoked_at IS NULL`);
  }

  /** The key with this hash, unless it has been revoked. */
  async findActiveKey(hash: string): Promise<Pick<ApiKeyEntity, 'id' | 'tenant_id' | 'role'> | null> {
    const rows: Array<Pick<ApiKeyEntity, 'id' | 'tenant_id' | 'role'>> = await this.dataSource.query(
      `SELECT id, tenant_id, role FROM api_keys WHERE hash = $1 AND revoked_at IS NULL`,
      [hash],
    );
    return rows[0] ?? null;
  }

  /**
   * Runs `work` while holding a lock that every starting server takes, so that two replicas started at once
   * make one admin key, not two.
   */
  withAdminKeyLock<T>(work: (manager: EntityManager, hasAdminKey: boolean) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('tcplab:admin-key', 0))`);
      const rows: unknown[] = await manager.query(`SELECT 1 FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL LIMIT 1`);
      return work(manager, rows.length > 0);
    });
  }
}
