import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { SCORE_STATUSES, type ScoreStatus } from '../scores.repository';

export class LtiScoreListQueryDto {
  /** Only the scores in this state: `failed` lists those a platform refused (4xx), with its answer. */
  @IsOptional()
  @IsIn(SCORE_STATUSES)
  @ApiProperty({ required: false, enum: SCORE_STATUSES })
  status?: ScoreStatus;
}

/** AGS 2.0 §3.4: the Score as it is (or was) posted to the line item. */
export class AgsScoreDto {
  /** The learner's `sub` at the platform. @example "user-17" */
  userId!: string;
  /** @example 90 */
  scoreGiven!: number;
  /** @example 100 */
  scoreMaximum!: number;
  @ApiProperty({ enum: ['Initialized', 'Started', 'InProgress', 'Submitted', 'Completed'], example: 'Completed' })
  activityProgress!: string;
  @ApiProperty({ enum: ['FullyGraded', 'Pending', 'PendingManual', 'Failed', 'NotReady'], example: 'FullyGraded' })
  gradingProgress!: string;
  /** When the score entered the outbox. @example "2026-12-06T10:00:00.000Z" */
  timestamp!: string;
  /** @example "Goal reached in 2 moves, 1 refused (completed ? max(0, 100 − 10 × refused) : 0)." */
  comment?: string;
}

export class LtiScoreDto {
  /** @example "5a0c2f7e-3b1d-4c6a-9e8f-1d2c3b4a5f60" */
  id!: string;
  /** The platform's resource link id (LTI 1.3 Core §5.3.5). @example "link-1" */
  resource_link_id!: string;
  /** The course the link is in, as the platform named it. @example "Networks 101" */
  context_title!: string | null;
  /** The learner's `sub` at the platform. @example "user-17" */
  user_sub!: string;
  /** What was graded: one exercise, or one quiz attempt. */
  @ApiProperty({ enum: ['exercise', 'quiz_attempt'] })
  source!: string;
  /** The exercise's or quiz attempt's id. @example "3c2b1a0f-9e8d-4c7b-a6f5-4e3d2c1b0a9f" */
  source_id!: string;
  score!: AgsScoreDto;
  /**
   * `pending`: on its way (retried after 5xx, 429 or no answer); `sent`: the platform took it; `failed`: refused
   * (4xx), not retried; `not_better`: an attempt no better than one already sent, so not sent (the platform keeps
   * the latest score it gets).
   */
  @ApiProperty({ enum: SCORE_STATUSES })
  status!: ScoreStatus;
  /** Deliveries tried so far. @example 1 */
  attempts!: number;
  /** When a pending score is tried next. @example "2026-12-06T10:00:10.000Z" */
  next_attempt_at!: string;
  /** The last failure: the platform's status and answer, or why it could not be reached. */
  last_error!: string | null;
  /** @example "2026-12-06T10:00:00.000Z" */
  created_at!: string;
  sent_at!: string | null;
}

export class LtiScoreListDto {
  items!: LtiScoreDto[];
}
