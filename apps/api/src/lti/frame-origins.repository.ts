import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { LinkRow } from '../links/links.repository';

/** The registration fields a platform's origins come from. */
export interface PlatformAddresses {
  issuer: string;
  auth_url: string;
  frame_origins: string[];
}

/**
 * Which platform a share link was opened for: a link that an LTI launch made belongs to the LTI user it lands, and
 * so to that user's platform. Read-only, across links, lti_users and lti_platforms, because the question is only
 * asked of the three together (a page deciding who may frame it).
 */
@Injectable()
export class FrameOriginsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async platformOfLink(tenantId: string, learnerId: string | null): Promise<PlatformAddresses | null> {
    if (learnerId === null) return null;
    const rows: PlatformAddresses[] = await this.dataSource.query(
      `SELECT p.issuer, p.auth_url, p.frame_origins FROM lti_users u JOIN lti_platforms p ON p.tenant_id = u.tenant_id AND p.id = u.platform_id
       WHERE u.tenant_id = $1 AND u.id::text = $2`,
      [tenantId, learnerId],
    );
    return rows[0] ?? null;
  }

  /** A link by its id (not its token), while it works: revoked or expired links are framed by no one. */
  async workingLink(id: string): Promise<LinkRow | null> {
    const rows: LinkRow[] = await this.dataSource.query(
      `SELECT tenant_id, id, target, target_id, learner_id, allow, expires_at, revoked_at, created_at FROM links
       WHERE id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [id],
    );
    return rows[0] ?? null;
  }

}
