import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export interface RegistrationTokenRow {
  tenant_id: string;
  id: string;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  platform_id: string | null;
}

const COLUMNS = 'tenant_id, id, created_at, expires_at, used_at, revoked_at, platform_id';

/** Dynamic registration URLs' tokens: the only code that touches lti_registration_tokens. */
@Injectable()
export class RegistrationTokensRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tenantId: string, id: string, tokenHash: string, expiresAt: Date): Promise<RegistrationTokenRow> {
    const rows: RegistrationTokenRow[] = await this.dataSource.query(
      `INSERT INTO lti_registration_tokens (tenant_id, id, token_hash, expires_at) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [tenantId, id, tokenHash, expiresAt],
    );
    return rows[0]!;
  }

  list(tenantId: string): Promise<RegistrationTokenRow[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM lti_registration_tokens WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1000`, [tenantId]);
  }

  async revoke(tenantId: string, id: string): Promise<RegistrationTokenRow | null> {
    const rows: RegistrationTokenRow[] = await this.dataSource.query(
      `WITH revoked AS (UPDATE lti_registration_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}) SELECT * FROM revoked`,
      [tenantId, id],
    );
    return rows[0] ?? null;
  }

  async byTokenHash(tokenHash: string): Promise<RegistrationTokenRow | null> {
    const rows: RegistrationTokenRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM lti_registration_tokens WHERE token_hash = $1`, [tokenHash]);
    return rows[0] ?? null;
  }

  /**
   * Spends the token and runs `register` in the same transaction: the platform is stored only if the token was still
   * good (of two registrations racing with one token, one stores), and a failed insert leaves the token unspent.
   * Null when the token was spent, revoked or expired meanwhile.
   */
  async spend<T extends { id: string }>(tokenHash: string, now: Date, register: (manager: EntityManager, tenantId: string) => Promise<T>): Promise<T | null> {
    return this.dataSource.transaction(async (manager) => {
      const spent: Array<{ tenant_id: string; id: string }> = await manager.query(
        `WITH spent AS (UPDATE lti_registration_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2 RETURNING tenant_id, id)
         SELECT * FROM spent`,
        [tokenHash, now],
      );
      if (spent.length === 0) return null;
      const made = await register(manager, spent[0]!.tenant_id);
      await manager.query(`UPDATE lti_registration_tokens SET platform_id = $3 WHERE tenant_id = $1 AND id = $2`, [spent[0]!.tenant_id, spent[0]!.id, made.id]);
      return made;
    });
  }
}
