import { Injectable } from '@nestjs/common';
import type { Transaction } from '../sessions/sessions.repository';

export interface ResourceLinkRow {
  tenant_id: string;
  id: string;
  platform_id: string;
  deployment_id: string;
  resource_link_id: string;
  title: string | null;
  context_id: string | null;
  context_title: string | null;
  target_link_uri: string;
  lineitem: string | null;
  lineitems: string | null;
  ags_scopes: string[];
  nrps: Record<string, unknown> | null;
}

const COLUMNS = 'tenant_id, id, platform_id, deployment_id, resource_link_id, title, context_id, context_title, target_link_uri, lineitem, lineitems, ags_scopes, nrps';

/**
 * The resource links platforms launch, each learner's exercise per link and the share links launches land on: the only
 * code that touches lti_resource_links, lti_exercises and lti_landings. Writes run in the launch's transaction.
 */
@Injectable()
export class ResourceLinksRepository {
  /**
   * The link as this launch describes it. A launch without a lineitem keeps the one stored (tcplab may have created
   * it); the row stays locked until the launch's transaction ends, so two launches of one link take turns.
   */
  async upsert(tx: Transaction, row: Omit<ResourceLinkRow, 'id'> & { id: string }): Promise<ResourceLinkRow> {
    const rows = await tx.run<ResourceLinkRow>(
      'lti-upsert-resource-link',
      `INSERT INTO lti_resource_links (tenant_id, id, platform_id, deployment_id, resource_link_id, title, context_id, context_title, target_link_uri, lineitem, lineitems, ags_scopes, nrps)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (platform_id, deployment_id, resource_link_id) DO UPDATE SET
         title = EXCLUDED.title, context_id = EXCLUDED.context_id, context_title = EXCLUDED.context_title, target_link_uri = EXCLUDED.target_link_uri,
         lineitem = coalesce(EXCLUDED.lineitem, lti_resource_links.lineitem), lineitems = EXCLUDED.lineitems, ags_scopes = EXCLUDED.ags_scopes,
         nrps = EXCLUDED.nrps, updated_at = now()
       RETURNING ${COLUMNS}`,
      [
        row.tenant_id,
        row.id,
        row.platform_id,
        row.deployment_id,
        row.resource_link_id,
        row.title,
        row.context_id,
        row.context_title,
        row.target_link_uri,
        row.lineitem,
        row.lineitems,
        row.ags_scopes,
        row.nrps === null ? null : JSON.stringify(row.nrps),
      ],
    );
    return rows[0]!;
  }

  async exerciseOf(tx: Transaction, resourceLinkId: string, userId: string, goal: string): Promise<string | null> {
    const rows = await tx.run<{ exercise_id: string }>('lti-exercise-of', `SELECT exercise_id FROM lti_exercises WHERE resource_link_id = $1 AND user_id = $2 AND goal = $3`, [
      resourceLinkId,
      userId,
      goal,
    ]);
    return rows[0]?.exercise_id ?? null;
  }

  async insertExercise(tx: Transaction, row: { tenant_id: string; resource_link_id: string; user_id: string; goal: string; exercise_id: string }): Promise<void> {
    await tx.run('lti-insert-exercise', `INSERT INTO lti_exercises (tenant_id, resource_link_id, user_id, goal, exercise_id) VALUES ($1, $2, $3, $4, $5)`, [
      row.tenant_id,
      row.resource_link_id,
      row.user_id,
      row.goal,
      row.exercise_id,
    ]);
  }

  async insertLanding(tx: Transaction, row: { link_id: string; tenant_id: string; resource_link_id: string; user_id: string }): Promise<void> {
    await tx.run('lti-insert-landing', `INSERT INTO lti_landings (link_id, tenant_id, resource_link_id, user_id) VALUES ($1, $2, $3, $4)`, [
      row.link_id,
      row.tenant_id,
      row.resource_link_id,
      row.user_id,
    ]);
  }

  /** The link a score is for; locked when `forUpdate` (a line item being created for it: once, whichever replica does it). */
  async find(tx: Transaction, id: string, forUpdate: boolean): Promise<ResourceLinkRow | null> {
    const rows = await tx.run<ResourceLinkRow>(
      forUpdate ? 'lti-lock-resource-link' : 'lti-find-resource-link',
      `SELECT ${COLUMNS} FROM lti_resource_links WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** The line item tcplab created for a link that came without one. */
  async setLineitem(tx: Transaction, id: string, lineitem: string): Promise<void> {
    await tx.run('lti-set-lineitem', `UPDATE lti_resource_links SET lineitem = $2, updated_at = now() WHERE id = $1`, [id, lineitem]);
  }
}
