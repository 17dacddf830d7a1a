import { Injectable } from '@nestjs/common';
import type { Transaction } from '../sessions/sessions.repository';
import type { AgsScore } from './assignments-grades';

export const SCORE_STATUSES = ['pending', 'sent', 'failed', 'not_better'] as const;
export type ScoreStatus = (typeof SCORE_STATUSES)[number];
export type ScoreSource = 'exercise' | 'quiz_attempt';

export interface ScoreRow {
  tenant_id: string;
  id: string;
  resource_link_id: string;
  user_id: string;
  source: ScoreSource;
  source_id: string;
  score: AgsScore;
  status: ScoreStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

/** A score row as the tenant's listing shows it: with the link and the learner it is for. */
export interface ListedScoreRow extends ScoreRow {
  resource_link: string;
  context_title: string | null;
  sub: string;
}

/** An LTI learner's exercise whose session has moved since it was last graded. */
export interface UngradedExercise {
  tenant_id: string;
  resource_link_id: string;
  user_id: string;
  sub: string;
  exercise_id: string;
  step_count: number;
}

/** A quiz attempt made through an LTI launch's share link, not yet in the outbox. */
export interface UnscoredAttempt {
  tenant_id: string;
  id: string;
  points: number;
  max_points: number;
  resource_link_id: string;
  user_id: string;
  sub: string;
}

const COLUMNS = 'tenant_id, id, resource_link_id, user_id, source, source_id, score, status, attempts, next_attempt_at, last_error, created_at, sent_at';
/**
 * Only learners' work (an instructor trying the exercise out gets no grade), and only on links whose launch offered
 * AGS with the score scope: a platform that did not cannot take a score.
 */
const SCORES_ACCEPTED = `u.role = 'learner' AND (rl.lineitem IS NOT NULL OR rl.lineitems IS NOT NULL) AND 'https://purl.imsglobal.org/spec/lti-ags/scope/score' = ANY (rl.ags_scopes)`;

/**
 * The outbox of AGS scores: the only code that touches lti_scores (and reads what it is filled from). Every read
 * that hands out work locks its row with FOR UPDATE SKIP LOCKED, so that replicas polling together each take other
 * rows, and a row is never worked on twice at once.
 */
@Injectable()
export class ScoresRepository {
  /** The next LTI exercise with ungraded moves and no score yet, locked; null when there is none. */
  async nextUngradedExercise(tx: Transaction): Promise<UngradedExercise | null> {
    const rows = await tx.run<UngradedExercise>(
      'lti-next-ungraded-exercise',
      `SELECT le.tenant_id, le.resource_link_id, le.user_id, u.sub, le.exercise_id, s.step_count
       FROM lti_exercises le
       JOIN lti_resource_links rl ON rl.id = le.resource_link_id
       JOIN lti_users u ON u.tenant_id = le.tenant_id AND u.id = le.user_id
       JOIN exercises e ON e.tenant_id = le.tenant_id AND e.id = le.exercise_id
       JOIN sessions s ON s.tenant_id = e.tenant_id AND s.id = e.session_id
       WHERE s.step_count > le.graded_steps AND ${SCORES_ACCEPTED}
         AND NOT EXISTS (SELECT 1 FROM lti_scores sc WHERE sc.source = 'exercise' AND sc.source_id = le.exercise_id)
       LIMIT 1 FOR UPDATE OF le SKIP LOCKED`,
      [],
    );
    return rows[0] ?? null;
  }

  async markGraded(tx: Transaction, exercise: UngradedExercise): Promise<void> {
    await tx.run('lti-mark-graded', `UPDATE lti_exercises SET graded_steps = $3 WHERE resource_link_id = $1 AND exercise_id = $2`, [
      exercise.resource_link_id,
      exercise.exercise_id,
      exercise.step_count,
    ]);
  }

  /** The oldest quiz attempt made through an LTI landing and not in the outbox yet, locked; null when there is none. */
  async nextUnscoredAttempt(tx: Transaction): Promise<UnscoredAttempt | null> {
    const rows = await tx.run<UnscoredAttempt>(
      'lti-next-unscored-attempt',
      `SELECT qa.tenant_id, qa.id, qa.points, qa.max_points, l.resource_link_id, l.user_id, u.sub
       FROM quiz_attempts qa
       JOIN lti_landings l ON l.link_id = qa.link_id
       JOIN lti_resource_links rl ON rl.id = l.resource_link_id
       JOIN lti_users u ON u.tenant_id = l.tenant_id AND u.id = l.user_id
       WHERE ${SCORES_ACCEPTED}
         AND NOT EXISTS (SELECT 1 FROM lti_scores sc WHERE sc.source = 'quiz_attempt' AND sc.source_id = qa.id)
       ORDER BY qa.created_at, qa.id LIMIT 1 FOR UPDATE OF qa SKIP LOCKED`,
      [],
    );
    return rows[0] ?? null;
  }

  /**
   * The best score (scoreGiven / scoreMaximum) on its way or delivered for a learner on a link, or null; the
   * learner's scores are judged one at a time (a transaction-scoped advisory lock), so two replicas cannot both find
   * theirs the better one.
   */
  async bestSoFar(tx: Transaction, resourceLinkId: string, userId: string): Promise<number | null> {
    await tx.run('lti-lock-learner-scores', `SELECT pg_advisory_xact_lock(hashtext('lti_scores ' || $1 || ' ' || $2))`, [resourceLinkId, userId]);
    const rows = await tx.run<{ best: string | null }>(
      'lti-best-score',
      `SELECT max((score->>'scoreGiven')::numeric / nullif((score->>'scoreMaximum')::numeric, 0)) AS best
       FROM lti_scores WHERE resource_link_id = $1 AND user_id = $2 AND status IN ('pending', 'sent')`,
      [resourceLinkId, userId],
    );
    return rows[0]?.best === null || rows[0]?.best === undefined ? null : Number(rows[0].best);
  }

  /** A graded attempt's row; a second one for the same attempt is ignored (one row per attempt: never sent twice). */
  async enqueue(tx: Transaction, row: Pick<ScoreRow, 'tenant_id' | 'id' | 'resource_link_id' | 'user_id' | 'source' | 'source_id' | 'score' | 'status'>): Promise<void> {
    await tx.run(
      'lti-enqueue-score',
      `INSERT INTO lti_scores (tenant_id, id, resource_link_id, user_id, source, source_id, score, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (source, source_id) DO NOTHING`,
      [row.tenant_id, row.id, row.resource_link_id, row.user_id, row.source, row.source_id, JSON.stringify(row.score), row.status],
    );
  }

  /** The next score due for delivery, locked until the transaction ends (the delivery's outcome is written in it). */
  async nextDue(tx: Transaction): Promise<ScoreRow | null> {
    const rows = await tx.run<ScoreRow>(
      'lti-next-due-score',
      `SELECT ${COLUMNS} FROM lti_scores WHERE status = 'pending' AND next_attempt_at <= now() ORDER BY next_attempt_at, created_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [],
    );
    return rows[0] ?? null;
  }

  async markSent(tx: Transaction, id: string): Promise<void> {
    await tx.run('lti-score-sent', `UPDATE lti_scores SET status = 'sent', attempts = attempts + 1, sent_at = now(), last_error = NULL WHERE id = $1`, [id]);
  }

  async markRetry(tx: Transaction, id: string, delayMs: number, error: string): Promise<void> {
    await tx.run(
      'lti-score-retry',
      `UPDATE lti_scores SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $2::double precision / 1000), last_error = $3 WHERE id = $1`,
      [id, delayMs, error],
    );
  }

  async markFailed(tx: Transaction, id: string, error: string): Promise<void> {
    await tx.run('lti-score-failed', `UPDATE lti_scores SET status = 'failed', attempts = attempts + 1, last_error = $2 WHERE id = $1`, [id, error]);
  }

  /** A tenant's scores, newest first; those in one status when it is given. */
  list(tx: Transaction, tenantId: string, status: ScoreStatus | null): Promise<ListedScoreRow[]> {
    return tx.run<ListedScoreRow>(
      'lti-list-scores',
      `SELECT ${COLUMNS.split(', ')
        .map((c) => `sc.${c}`)
        .join(', ')}, rl.resource_link_id AS resource_link, rl.context_title, u.sub
       FROM lti_scores sc
       JOIN lti_resource_links rl ON rl.id = sc.resource_link_id
       JOIN lti_users u ON u.tenant_id = sc.tenant_id AND u.id = sc.user_id
       WHERE sc.tenant_id = $1 AND ($2::text IS NULL OR sc.status = $2)
       ORDER BY sc.created_at DESC, sc.id DESC LIMIT 1000`,
      [tenantId, status],
    );
  }
}
