import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config/configuration';
import { ExercisesService } from '../exercises/exercises.service';
import { SessionsRepository, type Transaction } from '../sessions/sessions.repository';
import { AGS_SCOPE, LtiAssignmentsGradesService, type AgsScore } from './assignments-grades';
import { PlatformsRepository, type PlatformRow } from './platforms.repository';
import { ResourceLinksRepository, type ResourceLinkRow } from './resource-links.repository';
import { ScoresRepository, type ScoreRow } from './scores.repository';
import { PlatformCallFailed } from './service-connector';

/** Rows of each kind a round takes on at most, so that one round never holds the worker for long. */
const BATCH = 20;
const MAX_BACKOFF_MS = 3600_000;
/** A platform asking for more than a day (Retry-After) is asked again after a day. */
const MAX_RETRY_AFTER_MS = 24 * 3600_000;

/**
 * Publishes grades to the platforms' gradebooks (AGS 2.0) through the outbox in PostgreSQL. Each round:
 *
 * 1. Grades found: the LTI exercises whose sessions moved since they were last graded, and the quiz attempts made
 *    through LTI landings. The grading facts (a session's steps, an attempt's row) are committed by the requests that
 *    made them; the worker turns each into an outbox row in one transaction with its checkpoint (an exercise's graded
 *    step count, an attempt's own row in the outbox), so that no grade is lost between the two, whatever stops when —
 *    and neither the sessions nor the quizzes module needs to know about LTI.
 * 2. Scores due delivered, one transaction each holding its row, the outcome written in it: sent; retried later on
 *    5xx, 429 or no answer (exponential backoff from LTI_SCORE_RETRY_BASE_MS, or the platform's Retry-After); failed
 *    on any other 4xx, kept with its error (GET /v1/lti/scores?status=failed) and logged.
 *
 * Which scores go out: an exercise is one attempt, its grade fixed once the goal is reached (moves after it do not
 * count), so it is sent once. Quiz attempts can follow each other; LTI platforms keep the latest score they are sent
 * (AGS §3.4: "latest wins", by timestamp), so an attempt is sent only when it is better than every score sent or on
 * its way for that learner and link; the others stay in the outbox as `not_better`. The timestamp is when a score
 * entered the outbox, so a better score is always the latest one.
 *
 * A delivery whose POST succeeded but whose commit did not (the process killed in between) is sent again: the same
 * body with the same timestamp, which the platform takes as the same score.
 */
@Injectable()
export class LtiScoreWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LtiScores');
  private readonly pollMs: number;
  private readonly retryBaseMs: number;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly scores: ScoresRepository,
    private readonly resourceLinks: ResourceLinksRepository,
    private readonly platforms: PlatformsRepository,
    private readonly exercises: ExercisesService,
    private readonly ags: LtiAssignmentsGradesService,
    config: ConfigService<AppConfig, true>,
  ) {
    const lti = config.get('lti', { infer: true });
    this.pollMs = lti.scorePollMs;
    this.retryBaseMs = lti.scoreRetryBaseMs;
  }

  onApplicationBootstrap(): void {
    if (this.pollMs > 0) this.timer = setInterval(() => void this.work(), this.pollMs);
  }

  /** Before the shutdown hooks (TypeORM closes its pool in one): the round in progress ends with the pool still open. */
  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.round;
  }

  /** One round; a call while one runs joins it. */
  work(): Promise<void> {
    this.round ??= this.oneRound()
      .catch((error: unknown) => this.logger.error(`score round stopped: ${String(error)}`))
      .finally(() => {
        this.round = null;
      });
    return this.round;
  }

  private async oneRound(): Promise<void> {
    for (let i = 0; i < BATCH && (await this.gradeExercise()); i += 1);
    for (let i = 0; i < BATCH && (await this.scoreQuizAttempt()); i += 1);
    for (let i = 0; i < BATCH && (await this.deliverDue()); i += 1);
  }

  /** Grades the next LTI exercise with new moves; a completed one enters the outbox. False when there was none. */
  private gradeExercise(): Promise<boolean> {
    return this.sessions.transaction(async (tx) => {
      const exercise = await this.scores.nextUngradedExercise(tx);
      if (!exercise) return false;
      const grade = await this.exercises.gradeOf(exercise.tenant_id, exercise.exercise_id);
      if (grade.completed) {
        await this.scores.enqueue(tx, {
          tenant_id: exercise.tenant_id,
          id: randomUUID(),
          resource_link_id: exercise.resource_link_id,
          user_id: exercise.user_id,
          source: 'exercise',
          source_id: exercise.exercise_id,
          status: 'pending',
          score: {
            userId: exercise.sub,
            scoreGiven: grade.score,
            scoreMaximum: 100,
            activityProgress: 'Completed',
            gradingProgress: 'FullyGraded',
            timestamp: new Date().toISOString(),
            comment: `Goal reached in ${grade.attempts.accepted} moves, ${grade.attempts.refused} refused (${grade.formula}).`,
          },
        });
      }
      await this.scores.markGraded(tx, exercise);
      return true;
    });
  }

  /** Puts the next quiz attempt made through an LTI launch in the outbox: to be sent if better, else as not_better. */
  private scoreQuizAttempt(): Promise<boolean> {
    return this.sessions.transaction(async (tx) => {
      const attempt = await this.scores.nextUnscoredAttempt(tx);
      if (!attempt) return false;
      const best = await this.scores.bestSoFar(tx, attempt.resource_link_id, attempt.user_id);
      const ratio = attempt.max_points === 0 ? 0 : attempt.points / attempt.max_points;
      await this.scores.enqueue(tx, {
        tenant_id: attempt.tenant_id,
        id: randomUUID(),
        resource_link_id: attempt.resource_link_id,
        user_id: attempt.user_id,
        source: 'quiz_attempt',
        source_id: attempt.id,
        status: best === null || ratio > best ? 'pending' : 'not_better',
        score: {
          userId: attempt.sub,
          scoreGiven: attempt.points,
          scoreMaximum: attempt.max_points,
          activityProgress: 'Completed',
          gradingProgress: 'FullyGraded',
          timestamp: new Date().toISOString(),
        },
      });
      return true;
    });
  }

  /** Delivers the next score due, writing the outcome in the transaction that holds it. False when none was due. */
  private deliverDue(): Promise<boolean> {
    return this.sessions.transaction(async (tx) => {
      const score = await this.scores.nextDue(tx);
      if (!score) return false;
      try {
        await this.deliver(tx, score);
        await this.scores.markSent(tx, score.id);
      } catch (error) {
        if (!(error instanceof PlatformCallFailed)) throw error;
        if (error.retry) {
          const delayMs = error.retryAfterMs !== null ? Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS) : Math.min(this.retryBaseMs * 2 ** score.attempts, MAX_BACKOFF_MS);
          this.logger.warn(`score ${score.id} not delivered (attempt ${score.attempts + 1}), retrying in ${delayMs} ms: ${error.message}`);
          await this.scores.markRetry(tx, score.id, delayMs, error.message);
        } else {
          this.logger.error(`score ${score.id} refused, not retried: ${error.message}`);
          await this.scores.markFailed(tx, score.id, error.message);
        }
      }
      return true;
    });
  }

  private async deliver(tx: Transaction, score: ScoreRow): Promise<void> {
    const link = (await this.resourceLinks.find(tx, score.resource_link_id, false))!;
    const platform = await this.platforms.find(score.tenant_id, link.platform_id);
    // The rows cascade from the platform's: a score row without one was deleted with it.
    if (!platform) throw new PlatformCallFailed('The platform this score was for is no longer registered.', false);
    const lineitem = link.lineitem ?? (await this.createdLineItem(tx, link, platform, score.score));
    await this.ags.postScore(platform, lineitem, score.score);
  }

  /** AGS §3.2: a link launched without a line item gets one, created once (the link locked meanwhile) and kept. */
  private async createdLineItem(tx: Transaction, unlocked: ResourceLinkRow, platform: PlatformRow, score: AgsScore): Promise<string> {
    const link = (await this.resourceLinks.find(tx, unlocked.id, true))!;
    if (link.lineitem !== null) return link.lineitem;
    if (link.lineitems === null || !link.ags_scopes.includes(AGS_SCOPE.lineitem)) {
      throw new PlatformCallFailed('The link came without a line item, and the platform did not let tcplab create one (no lineitems URL or lineitem scope).', false);
    }
    const lineitem = await this.ags.createLineItem(platform, link.lineitems, {
      label: link.title ?? 'tcplab',
      scoreMaximum: score.scoreMaximum,
      resourceLinkId: link.resource_link_id,
    });
    await this.resourceLinks.setLineitem(tx, link.id, lineitem);
    return lineitem;
  }
}
