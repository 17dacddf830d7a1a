import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AgsScore } from './assignments-grades';
import type { ResourceLinkRow } from './resource-links.repository';
import type { ScoreStatus } from './scores.repository';
import type { LtiRole } from './roles';

/** Someone who launched a resource link, with when and how often. */
export interface LaunchedRow {
  user_id: string;
  sub: string;
  name: string | null;
  role: LtiRole;
  launches: number;
  first_launch_at: Date;
  last_launch_at: Date;
}

export interface LearnerExerciseRow {
  user_id: string;
  exercise_id: string;
}

export interface LearnerQuizRow {
  user_id: string;
  attempts: number;
  best_points: number;
  max_points: number;
}

/** The grade on its way to the platform or delivered: the learner's latest one worth sending. */
export interface LearnerGradeRow {
  user_id: string;
  score: AgsScore;
  status: ScoreStatus;
  attempts: number;
  last_error: string | null;
  sent_at: Date | null;
}

/**
 * What an instructor's results view reads of one resource link: who launched it (lti_landings, each a launch),
 * their exercises, their quiz attempts made through it and the outbox's grades. Reads only; the tables belong to
 * the launch and the score outbox, which write them.
 */
@Injectable()
export class ResultsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async resourceLink(tenantId: string, id: string): Promise<ResourceLinkRow | null> {
    const rows: ResourceLinkRow[] = await this.dataSource.query(
      `SELECT tenant_id, id, platform_id, deployment_id, resource_link_id, title, context_id, context_title, target_link_uri, lineitem, lineitems, ags_scopes, nrps
       FROM lti_resource_links WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return rows[0] ?? null;
  }

  launched(resourceLinkId: string): Promise<LaunchedRow[]> {
    return this.dataSource.query(
      `SELECT u.id AS user_id, u.sub, u.name, u.role, count(*)::int AS launches, min(l.created_at) AS first_launch_at, max(l.created_at) AS last_launch_at
       FROM lti_landings ld
       JOIN links l ON l.tenant_id = ld.tenant_id AND l.id = ld.link_id
       JOIN lti_users u ON u.tenant_id = ld.tenant_id AND u.id = ld.user_id
       WHERE ld.resource_link_id = $1
       GROUP BY u.id, u.sub, u.name, u.role
       ORDER BY min(l.created_at), u.sub`,
      [resourceLinkId],
    );
  }

  /** Each learner's exercise of the goal the link points to now (a link pointed elsewhere earlier keeps the others). */
  exercises(resourceLinkId: string, goal: string): Promise<LearnerExerciseRow[]> {
    return this.dataSource.query(`SELECT user_id, exercise_id FROM lti_exercises WHERE resource_link_id = $1 AND goal = $2`, [resourceLinkId, goal]);
  }

  quizzes(resourceLinkId: string): Promise<LearnerQuizRow[]> {
    return this.dataSource.query(
      `SELECT ld.user_id, count(*)::int AS attempts, max(qa.points) AS best_points, max(qa.max_points) AS max_points
       FROM lti_landings ld JOIN quiz_attempts qa ON qa.tenant_id = ld.tenant_id AND qa.link_id = ld.link_id
       WHERE ld.resource_link_id = $1 GROUP BY ld.user_id`,
      [resourceLinkId],
    );
  }

  /** Per learner, the newest score that was to be sent (one kept back as `not_better` changed nothing at the platform). */
  grades(resourceLinkId: string): Promise<LearnerGradeRow[]> {
    return this.dataSource.query(
      `SELECT DISTINCT ON (user_id) user_id, score, status, attempts, last_error, sent_at
       FROM lti_scores WHERE resource_link_id = $1
       ORDER BY user_id, (status = 'not_better'), created_at DESC, id DESC`,
      [resourceLinkId],
    );
  }
}
