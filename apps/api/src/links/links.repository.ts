import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Transaction } from '../sessions/sessions.repository';
import type { LinkAllowance, LinkTarget } from './dto/link.dto';

export interface LinkRow {
  tenant_id: string;
  id: string;
  target: LinkTarget;
  target_id: string;
  learner_id: string | null;
  allow: LinkAllowance[];
  expires_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

const COLUMNS = 'tenant_id, id, target, target_id, learner_id, allow, expires_at, revoked_at, created_at';

/** Share links: the only code that touches their table. */
@Injectable()
export class LinksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A new link; in the caller's transaction when one is given (an LTI launch records what the link landed on in the same one). */
  async insert(row: Omit<LinkRow, 'created_at' | 'revoked_at'> & { token_hash: string }, tx?: Transaction): Promise<LinkRow> {
    const text = `INSERT INTO links (tenant_id, id, token_hash, target, target_id, learner_id, allow, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`;
    const values = [row.tenant_id, row.id, row.token_hash, row.target, row.target_id, row.learner_id, row.allow, row.expires_at];
    const rows: LinkRow[] = tx ? await tx.run<LinkRow>('insert-link', text, values) : await this.dataSource.query(text, values);
    return rows[0]!;
  }

  /** The link a token belongs to, revoked or expired ones included: the caller tells the holder which it is. */
  async findByTokenHash(hash: string): Promise<LinkRow | null> {
    const rows: LinkRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM links WHERE token_hash = $1`, [hash]);
    return rows[0] ?? null;
  }

  list(tenantId: string): Promise<LinkRow[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM links WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1000`, [tenantId]);
  }

  /** Revoked from now on; revoking twice keeps the first time. False when the tenant has no such link. */
  async revoke(tenantId: string, id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH revoked AS (UPDATE links SET revoked_at = coalesce(revoked_at, now()) WHERE tenant_id = $1 AND id = $2 RETURNING id) SELECT id FROM revoked`,
      [tenantId, id],
    );
    return rows.length > 0;
  }

  /** Whether the tenant has the session, exercise or quiz a new link would point to. */
  async targetExists(tenantId: string, target: Exclude<LinkTarget, 'scenario'>, id: string): Promise<boolean> {
    const table = { session: 'sessions', exercise: 'exercises', quiz: 'quizzes' }[target];
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM ${table} WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return rows.length > 0;
  }

  /**
   * Whether a link reaches a session: the session it was made for, the session of the exercise it was made for,
   * or a session made through it (a scenario played from the link).
   */
  async reachesSession(link: Pick<LinkRow, 'tenant_id' | 'id' | 'target' | 'target_id'>, sessionId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM sessions s WHERE s.tenant_id = $1 AND s.id = $2 AND (
         s.link_id = $3
         OR ($4 = 'session' AND s.id::text = $5)
         OR ($4 = 'exercise' AND s.id = (SELECT e.session_id FROM exercises e WHERE e.tenant_id = $1 AND e.id::text = $5)))`,
      [link.tenant_id, sessionId, link.id, link.target, link.target_id],
    );
    return rows.length > 0;
  }

  /** The session of the exercise a link is for (the page it opens). */
  async exerciseSession(tenantId: string, exerciseId: string): Promise<string | null> {
    const rows: Array<{ session_id: string }> = await this.dataSource.query(`SELECT session_id FROM exercises WHERE tenant_id = $1 AND id::text = $2`, [tenantId, exerciseId]);
    return rows[0]?.session_id ?? null;
  }
}
