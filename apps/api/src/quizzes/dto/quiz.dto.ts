import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { LANGUAGES, QUESTION_KINDS, SCENARIOS, type Language, type QuestionKind } from '@tcplab/tcp-core';
import { OptionalSeed } from '../../common/dto-fields';

export class CreateQuizDto {
  /**
   * Questions about a catalogue scenario (GET /v1/scenarios); the seed draws its ISNs, ports and windows.
   * @example "three-way-handshake"
   */
  @IsOptional()
  @IsIn(SCENARIOS.map((s) => s.id))
  scenario?: string;

  /** Or about one of your sessions, with its own numbers. Give exactly one of scenario and session_id. */
  @IsOptional()
  @IsUUID()
  session_id?: string;

  /**
   * How many questions (fewer when the run offers fewer).
   * @example 10
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  count?: number;

  /** Which kinds of question; all by default. */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(QUESTION_KINDS, { each: true })
  @ApiProperty({ required: false, isArray: true, enum: QUESTION_KINDS, example: ['next_state', 'ack_number', 'flags'] })
  kinds?: QuestionKind[];

  /**
   * The same seed gives the same quiz; another seed, other numbers for the same exchange. Random when left out.
   * @example 42
   */
  @OptionalSeed()
  seed?: number;

  /** The language of the questions (and of the exports); Accept-Language when left out. */
  @IsOptional()
  @IsIn(LANGUAGES)
  @ApiProperty({ required: false, enum: LANGUAGES, example: 'zh-CN' })
  lang?: Language;
}

export class QuizQueryDto {
  /** Include each question's answer and explanation (for teachers and graders, not for students). */
  @IsOptional()
  @IsIn(['true', 'false'])
  @ApiProperty({ required: false, enum: ['true', 'false'] })
  answers?: 'true' | 'false';
}

export const EXPORT_FORMATS = ['gift', 'moodle-xml', 'qti12', 'qti21'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export class ExportQueryDto {
  /** gift and moodle-xml for Moodle; qti12 (Canvas's QTI 1.2) for Canvas; qti21 a QTI 2.1 content package (ZIP). */
  @IsIn(EXPORT_FORMATS)
  @ApiProperty({ enum: EXPORT_FORMATS, example: 'moodle-xml' })
  format!: ExportFormat;
}

export class QuizEndpointDto {
  /** @example "10.0.0.1" */
  ip!: string;
  /** @example 49152 */
  port!: number;
  /** @example 481914174 */
  isn!: number | null;
  /** @example 29200 */
  window!: number;
}

export class QuizConnectionDto {
  client!: QuizEndpointDto;
  server!: QuizEndpointDto;
}

export const ANSWER_TYPES = ['multiple_choice', 'multiple_answer', 'numerical', 'ordering'] as const;

export class QuestionDto {
  /** @example "q1" */
  id!: string;
  @ApiProperty({ enum: QUESTION_KINDS, example: 'ack_number' })
  kind!: QuestionKind;
  /** How to answer: one choice's index, several indices, a number, or every choice's index in the right order. */
  @ApiProperty({ enum: ANSWER_TYPES, example: 'numerical' })
  type!: (typeof ANSWER_TYPES)[number];
  /** @example "After the segments shown, the server sends a segment with flags SYN,ACK. What acknowledgment number does it carry?" */
  prompt!: string;
  /** The segments before the question's moment, as tcpdump -S prints them. */
  @ApiProperty({ type: [String], example: ['IP 10.0.0.1.49152 > 10.0.0.2.80: Flags [S], seq 1000, win 64240, length 0'] })
  context!: string[];
  /** What to choose from (ordering: the items, shuffled); null for a numerical question. */
  @ApiProperty({ type: [String], nullable: true, example: null })
  choices!: string[] | null;
  /**
   * The sequence diagram of the segments so far (image/svg+xml), where it helps; null otherwise.
   * @example "/v1/quizzes/2b1f0c7e-5d4a-4c3b-9a8e-7f6d5c4b3a21/questions/q2/diagram"
   */
  diagram_url!: string | null;
  /** With ?answers=true: the right answer, in the form `type` says. */
  @ApiProperty({ required: false, oneOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }], example: 1001 })
  answer?: number | number[];
  /** With ?answers=true: why. */
  explanation?: string;
}

export class QuizDto {
  /** @example "2b1f0c7e-5d4a-4c3b-9a8e-7f6d5c4b3a21" */
  id!: string;
  /** @example "three-way-handshake" */
  scenario_id!: string | null;
  session_id!: string | null;
  /** @example 42 */
  seed!: number;
  @ApiProperty({ enum: LANGUAGES, example: 'en' })
  lang!: Language;
  /** The connection the questions are about, with the numbers the seed drew. */
  connection!: QuizConnectionDto;
  questions!: QuestionDto[];
  /** @example "2026-11-27T10:00:00.000Z" */
  created_at!: string;
}

export class CreateAttemptDto {
  /**
   * Answers by question id: a choice's index (multiple choice), an array of indices (multiple answer; ordering:
   * the choices' indices in the order you put them), or a number. A question left out counts as wrong.
   * @example {"q1": 2, "q2": 481914175, "q3": [0, 4], "q4": [2, 0, 1]}
   */
  @IsObject()
  @ApiProperty({ type: 'object', additionalProperties: { oneOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }] } })
  answers!: Record<string, unknown>;

  /**
   * Who answered, as your LMS names them.
   * @example "student-17"
   */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  // PostgreSQL's text holds no NUL byte: a control character would be a 500, not a 400.
  @Matches(/^[^\p{Cc}]*$/u, { message: 'learner_id must not hold control characters' })
  learner_id?: string;

  /**
   * The name the learner typed (a quiz taken through a share link), kept with the attempt for the teacher.
   * @example "Li Wei"
   */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(/^[^\p{Cc}]*$/u, { message: 'learner_name must not hold control characters' })
  learner_name?: string;
}

export class QuestionResultDto {
  /** @example "q2" */
  question_id!: string;
  /** @example false */
  correct!: boolean;
  /** What was given, as sent; null when the question was left out. */
  // OpenAPI 3.0 has no null type, and `nullable` counts only beside a `type`: null is the first branch's.
  @ApiProperty({ oneOf: [{ type: 'integer', nullable: true }, { type: 'array', items: { type: 'integer' } }], example: 481914174 })
  given!: number | number[] | null;
  /** The right answer. */
  @ApiProperty({ oneOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }], example: 481914175 })
  answer!: number | number[];
  /** @example "ack = 481914175: the client's last segment had seq 481914174 and occupied 1 sequence number(s)…" */
  explanation!: string;
}

export class ScoreDto {
  /** @example 3 */
  points!: number;
  /** @example 4 */
  max_points!: number;
  /** points / max_points × 100, rounded to 2 decimals. @example 75 */
  percent!: number;
}

export class AttemptDto {
  /** @example "8c9d0e1f-2a3b-4c5d-8e6f-7a8b9c0d1e2f" */
  id!: string;
  quiz_id!: string;
  learner_id!: string | null;
  /** @example "Li Wei" */
  learner_name!: string | null;
  /** The share link the attempt was made through, if any. */
  link_id!: string | null;
  score!: ScoreDto;
  results!: QuestionResultDto[];
  /** @example "2026-11-27T10:05:00.000Z" */
  created_at!: string;
}

export class AttemptListQueryDto {
  /** Only this learner's attempts. */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  // PostgreSQL's text holds no NUL byte: a control character would be a 500, not a 400.
  @Matches(/^[^\p{Cc}]*$/u, { message: 'learner_id must not hold control characters' })
  learner_id?: string;
}

export class AttemptListDto {
  items!: AttemptDto[];
}
