import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface DeepLinkingRow {
  tenant_id: string;
  id: string;
  token_hash: string;
  platform_id: string;
  deployment_id: string;
  user_id: string;
  return_url: string;
  accept_multiple: boolean;
  data: string | null;
  expires_at: Date;
  used_at: Date | null;
}

const COLUMNS = 'tenant_id, id, token_hash, platform_id, deployment_id, user_id, return_url, accept_multiple, data, expires_at, used_at';

/** Content selections in progress: the only code that touches lti_deep_linking. */
@Injectable()
export class DeepLinkingRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A new selection; those expired for a day go at the same time (a day: a late answer is told it came too late). */
  async insert(row: Omit<DeepLinkingRow, 'used_at'>): Promise<void> {
    await this.dataSource.query(`DELETE FROM lti_deep_linking WHERE expires_at < now() - interval '1 day'`);
    await this.dataSource.query(
      `INSERT INTO lti_deep_linking (tenant_id, id, token_hash, platform_id, deployment_id, user_id, return_url, accept_multiple, data, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [row.tenant_id, row.id, row.token_hash, row.platform_id, row.deployment_id, row.user_id, row.return_url, row.accept_multiple, row.data, row.expires_at],
    );
  }

  async byTokenHash(tokenHash: string): Promise<DeepLinkingRow | null> {
    const rows: DeepLinkingRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM lti_deep_linking WHERE token_hash = $1`, [tokenHash]);
    return rows[0] ?? null;
  }

  /** Marks the selection answered, atomically: of two answers racing, one gets the row and the other null. */
  async consume(tokenHash: string, now: Date): Promise<DeepLinkingRow | null> {
    // In a CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count] rather than the rows.
    const rows: DeepLinkingRow[] = await this.dataSource.query(
      `WITH used AS (UPDATE lti_deep_linking SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING ${COLUMNS}) SELECT * FROM used`,
      [tokenHash, now],
    );
    return rows[0] ?? null;
  }
}
