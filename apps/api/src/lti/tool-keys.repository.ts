import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export interface ToolKeyRow {
  kid: string;
  private_key_pkcs8: string;
  public_jwk: Record<string, unknown>;
  created_at: Date;
  signs_from: Date;
  signs_until: Date | null;
  published_until: Date | null;
}

const COLUMNS = 'kid, private_key_pkcs8, public_jwk, created_at, signs_from, signs_until, published_until';

/** What the key set looks like under its lock: the writes a rotation or a first key make. */
export interface ToolKeysLocked {
  any(): Promise<boolean>;
  insert(row: Omit<ToolKeyRow, 'created_at' | 'signs_until' | 'published_until'>): Promise<ToolKeyRow>;
  /** Removes the keys that have not signed yet at `now` (a rotation waiting for its lead). */
  dropWaiting(now: Date): Promise<void>;
  /** The key signing at `now` (its end set by an earlier rotation or not) stops at `at`, and leaves the JWKS at `publishedUntil`. */
  retireAt(now: Date, at: Date, publishedUntil: Date): Promise<void>;
}

/** The tool's signing keys: the only code that touches lti_tool_keys. */
@Injectable()
export class ToolKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Keys in the JWKS at `now`: those waiting to sign, signing, and retired ones whose tokens may still be alive. */
  published(now: Date): Promise<ToolKeyRow[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM lti_tool_keys WHERE published_until IS NULL OR published_until > $1 ORDER BY signs_from, kid`, [now]);
  }

  async signing(now: Date): Promise<ToolKeyRow | null> {
    const rows: ToolKeyRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM lti_tool_keys WHERE signs_from <= $1 AND (signs_until IS NULL OR signs_until > $1) ORDER BY signs_from DESC, kid LIMIT 1`,
      [now],
    );
    return rows[0] ?? null;
  }

  /** One writer at a time across replicas (a transaction-scoped advisory lock): two first starts make one key, not two. */
  locked<T>(work: (keys: ToolKeysLocked) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager: EntityManager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('lti_tool_keys'))`);
      return work({
        any: async () => (await manager.query(`SELECT 1 FROM lti_tool_keys LIMIT 1`)).length > 0,
        insert: async (row) => {
          const rows: ToolKeyRow[] = await manager.query(
            `INSERT INTO lti_tool_keys (kid, private_key_pkcs8, public_jwk, signs_from) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
            [row.kid, row.private_key_pkcs8, row.public_jwk, row.signs_from],
          );
          return rows[0]!;
        },
        dropWaiting: async (now) => {
          await manager.query(`DELETE FROM lti_tool_keys WHERE signs_from > $1`, [now]);
        },
        retireAt: async (now, at, publishedUntil) => {
          await manager.query(`UPDATE lti_tool_keys SET signs_until = $2, published_until = $3 WHERE signs_from <= $1 AND (signs_until IS NULL OR signs_until > $1)`, [
            now,
            at,
            publishedUntil,
          ]);
        },
      });
    });
  }
}
