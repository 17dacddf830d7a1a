import { ApiProperty } from '@nestjs/swagger';
import { ExerciseGradeDto } from '../../exercises/dto/exercise.dto';
import type { LtiRole } from '../roles';
import { SCORE_STATUSES, type ScoreStatus } from '../scores.repository';

export const RESULT_TARGETS = ['exercise', 'quiz', 'scenario'] as const;
export const MEMBER_LIST_STATUSES = ['listed', 'unavailable', 'not_offered'] as const;

export class LtiResultsLinkDto {
  /** The platform's resource link id (LTI 1.3 Core §5.3.5). @example "link-1" */
  id!: string;
  /** @example "TCP: lose the final ACK" */
  title!: string | null;
  /** @example "Networks 101" */
  context_title!: string | null;
  /** What the link opens. @example "https://tcplab.example/exercises/recover-lost-final-ack" */
  target_link_uri!: string;
  @ApiProperty({ enum: RESULT_TARGETS })
  target!: (typeof RESULT_TARGETS)[number];
}

export class LtiMemberListDto {
  /**
   * `listed`: the course's members came from the platform (Names and Role Provisioning Services); `unavailable`:
   * the platform could not be asked or refused (see `detail`), so only those who launched are shown;
   * `not_offered`: the launch offered no member list.
   */
  @ApiProperty({ enum: MEMBER_LIST_STATUSES })
  status!: (typeof MEMBER_LIST_STATUSES)[number];
  /** Why the list could not be fetched. @example "GET https://lms.example/nrps/course-101 answered 503" */
  detail!: string | null;
}

export class LtiLaunchesDto {
  /** @example 2 */
  count!: number;
  /** @example "2026-12-06T10:00:00.000Z" */
  first_at!: string;
  /** @example "2026-12-06T11:30:00.000Z" */
  last_at!: string;
}

export class LtiQuizProgressDto {
  /** Attempts handed in through this link. @example 2 */
  attempts!: number;
  /** @example 4 */
  best_points!: number;
  /** @example 5 */
  max_points!: number;
}

export class LtiGradeDto {
  /** @example 90 */
  score_given!: number;
  /** @example 100 */
  score_maximum!: number;
  /** As in GET /v1/lti/scores: `pending` (on its way), `sent`, `failed` (refused by the platform). */
  @ApiProperty({ enum: SCORE_STATUSES })
  status!: ScoreStatus;
  /** Deliveries tried. @example 1 */
  attempts!: number;
  last_error!: string | null;
  /** @example "2026-12-06T10:00:01.000Z" */
  sent_at!: string | null;
}

export class LtiResultDto {
  /** The person's `sub` at the platform (NRPS's `user_id`). @example "user-17" */
  sub!: string;
  /** @example "Ada Lovelace" */
  name!: string | null;
  /** From the member list, when the platform gave it. */
  email!: string | null;
  /** What they are in tcplab's terms: from their roles in the member list, else from their last launch. */
  @ApiProperty({ enum: ['learner', 'instructor'] })
  role!: LtiRole;
  /** Their course roles as the member list (NRPS) gives them; empty when not listed. */
  @ApiProperty({ type: [String], example: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'] })
  roles!: string[];
  /** Their membership as the platform lists it (Active, Inactive, Deleted); null when not listed. @example "Active" */
  member_status!: string | null;
  /** Their launches of this link; null: not started. */
  launches!: LtiLaunchesDto | null;
  /** Their exercise's grade (the exercise link points to now), as GET /v1/exercises/{id}/grade computes it. */
  exercise!: ExerciseGradeDto | null;
  quiz!: LtiQuizProgressDto | null;
  /** The grade sent to the platform's gradebook (AGS), or on its way. */
  grade!: LtiGradeDto | null;
}

export class LtiResultsDto {
  resource_link!: LtiResultsLinkDto;
  members!: LtiMemberListDto;
  /** Those who launched the link, then course members who have not started. */
  results!: LtiResultDto[];
}
