import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { EXERCISE_GOALS, SCENARIOS, type ExerciseGoalId } from '@tcplab/tcp-core';
import { OptionalSeed } from '../../common/dto-fields';

export class CreateExerciseDto {
  /** What the learner must do. */
  @IsIn(EXERCISE_GOALS)
  @ApiProperty({ enum: EXERCISE_GOALS, example: 'establish-as-client' })
  goal!: ExerciseGoalId;

  /**
   * Take the endpoints and ISNs of a catalogue scenario; without it the seed draws the ISNs.
   * @example "three-way-handshake"
   */
  @IsOptional()
  @IsIn(SCENARIOS.map((s) => s.id))
  scenario?: string;

  /** Exercises are played in manual mode: every segment the learner sends is checked. */
  @IsOptional()
  @IsIn(['manual'])
  @ApiProperty({ required: false, enum: ['manual'], example: 'manual' })
  mode?: 'manual';

  /**
   * Draws the ISNs (other numbers for each learner); random when left out.
   * @example 17
   */
  @OptionalSeed()
  seed?: number;

  /**
   * Who does the exercise, as your LMS names them.
   * @example "student-17"
   */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  // PostgreSQL's text holds no NUL byte: a control character would be a 500, not a 400.
  @Matches(/^[^\p{Cc}]*$/u, { message: 'learner_id must not hold control characters' })
  learner_id?: string;
}

export class ExerciseDto {
  /** @example "3c2b1a0f-9e8d-4c7b-a6f5-4e3d2c1b0a9f" */
  id!: string;
  @ApiProperty({ enum: EXERCISE_GOALS, example: 'establish-as-client' })
  goal!: ExerciseGoalId;
  /** @example "Establish a connection as the client" */
  title!: string;
  /** What to do, and how (in the language of Accept-Language). */
  instructions!: string;
  /** The session to drive: POST /v1/sessions/{session_id}/send, /calls, /advance… */
  session_id!: string;
  learner_id!: string | null;
  /** @example "2026-11-27T10:00:00.000Z" */
  created_at!: string;
}

export class MistakeDto {
  /** How many of the learner's accepted moves came before it. @example 1 */
  after_move!: number;
  /** What was sent, as tcp-core input. */
  @ApiProperty({ type: 'object', additionalProperties: true })
  input!: Record<string, unknown>;
  /** @example "SEGMENT_INVALID" */
  code!: string;
  /** @example "ack must be 1001 = the client's ISN 1000 + 1, because a SYN consumes one sequence number." */
  detail!: string;
  /** For a segment: each wrong field, as the 422 answered. */
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, required: false })
  violations?: unknown[];
}

export class AttemptCountsDto {
  /** @example 4 */
  total!: number;
  /** @example 3 */
  accepted!: number;
  /** @example 1 */
  refused!: number;
}

export class ExerciseGradeDto {
  exercise_id!: string;
  @ApiProperty({ enum: EXERCISE_GOALS })
  goal!: ExerciseGoalId;
  learner_id!: string | null;
  /** @example true */
  completed!: boolean;
  /** The learner's move (counting accepted sends and calls) that reached the goal. @example 3 */
  completed_at_move!: number | null;
  /** Sends and calls: accepted, refused (422), and both. */
  attempts!: AttemptCountsDto;
  mistakes!: MistakeDto[];
  /** 0–100. @example 90 */
  score!: number;
  /** @example "completed ? max(0, 100 − 10 × refused) : 0" */
  formula!: string;
}
