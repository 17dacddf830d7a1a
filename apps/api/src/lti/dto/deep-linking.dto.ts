import { ApiProperty } from '@nestjs/swagger';
import { EXERCISE_GOALS, LANGUAGES, type ExerciseGoalId, type Language } from '@tcplab/tcp-core';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';

const PRINTABLE = /^[^\p{Cc}]*$/u;
export const CONTENT_KINDS = ['scenario', 'exercise', 'quiz'] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

/** One item the instructor chose: a scenario to play, an exercise (a goal and a seed) or one of the tenant's quizzes. */
export class ChosenContentDto {
  @IsIn(CONTENT_KINDS)
  @ApiProperty({ enum: CONTENT_KINDS })
  kind!: ContentKind;

  /**
   * The scenario's id, the exercise's goal, or the quiz's id.
   * @example "lost-final-ack"
   */
  @IsString()
  @Length(1, 100)
  id!: string;

  /**
   * For an exercise: the seed that draws its numbers (the same seed, the same exercise for every learner of the link).
   * @example 7
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2 ** 31 - 1)
  seed?: number;

  /** The language the item is meant in, passed to every launch as the custom parameter `lang`. */
  @IsOptional()
  @IsIn(LANGUAGES)
  @ApiProperty({ enum: LANGUAGES, required: false })
  lang?: Language;

  /**
   * The title the LMS shows; the item's own title if left out.
   * @example "Lose the final ACK — homework 3"
   */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(PRINTABLE, { message: 'title must not hold control characters' })
  title?: string;
}

export class DeepLinkingAnswerDto {
  /** The chosen items; none cancels the selection (the platform is told nothing was chosen). */
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ChosenContentDto)
  items!: ChosenContentDto[];
}

export class DeepLinkingGoalDto {
  @ApiProperty({ enum: EXERCISE_GOALS })
  id!: ExerciseGoalId;
  /** In the language of Accept-Language. */
  title!: string;
  instructions!: string;
}

export class DeepLinkingQuizDto {
  id!: string;
  /** The scenario the quiz was generated from (null: from a session). */
  scenario_id!: string | null;
  seed!: number;
  @ApiProperty({ enum: LANGUAGES })
  lang!: Language;
  questions!: number;
  created_at!: string;
}

/** What the picker page needs about its selection, with the tenant's quizzes and the exercise goals. */
export class DeepLinkingContextDto {
  /** Whether the platform takes several items in one answer. */
  accept_multiple!: boolean;
  /** The origin the answer is posted to (the platform's deep_link_return_url's). @example "https://moodle.example.edu" */
  return_origin!: string;
  expires_at!: string;
  goals!: DeepLinkingGoalDto[];
  /** The tenant's quizzes, newest first (at most 200). */
  quizzes!: DeepLinkingQuizDto[];
}

/** The signed answer and where the browser posts it (as the form field `JWT`, Deep Linking 2.0 §4.2). */
export class DeepLinkingResponseDto {
  /** The platform's deep_link_return_url. */
  return_url!: string;
  /** The LtiDeepLinkingResponse, signed by the tool's current key. */
  jwt!: string;
}
