import { ApiProperty, PickType } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsDateString, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

export const LINK_TARGETS = ['scenario', 'session', 'exercise', 'quiz'] as const;
export type LinkTarget = (typeof LINK_TARGETS)[number];
/** Every kind of link there is: a tenant mints the targets above; an LTI instructor's launch lands on `lti_results` (a resource link's results). */
export const LINK_KINDS = [...LINK_TARGETS, 'lti_results'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

/**
 * What a link's holder may do with a session it reaches, beyond reading it. `hints` shows "what is owed" and
 * prefills the segment composer; a link without it is the "exam" setting.
 */
export const LINK_ALLOWANCES = ['calls', 'send', 'inject', 'network', 'advance', 'hints'] as const;
export type LinkAllowance = (typeof LINK_ALLOWANCES)[number];

const PRINTABLE = /^[^\p{Cc}]*$/u;

export class CreateLinkDto {
  /** What the link opens: play a scenario (each visitor gets a session of it), drive one session, do an exercise, take a quiz. */
  @IsIn(LINK_TARGETS)
  @ApiProperty({ enum: LINK_TARGETS })
  target!: LinkTarget;

  /**
   * The scenario's id (as GET /v1/scenarios lists them), or the session's, exercise's or quiz's id.
   * @example "lost-final-ack"
   */
  @IsString()
  @Length(1, 100)
  id!: string;

  /**
   * When the link stops working (RFC 3339); never, if left out.
   * @example "2027-01-31T23:59:59Z"
   */
  @IsOptional()
  @IsDateString({ strict: true })
  expires_at?: string;

  /**
   * The learner the link is for, as your LMS names them: what is made through the link is tagged with it.
   * @example "student-42"
   */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(PRINTABLE, { message: 'learner_id must not hold control characters' })
  learner_id?: string;

  /** What the holder may do with a session (default: all). Leave out `hints` for an exam. */
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(LINK_ALLOWANCES, { each: true })
  @ApiProperty({ enum: LINK_ALLOWANCES, isArray: true, required: false })
  allow?: LinkAllowance[];
}

export class LinkDto {
  /** @example "7c1d4e2a-9b0f-4a3e-8f6d-2b1c0a9e8d7f" */
  id!: string;
  @ApiProperty({ enum: LINK_KINDS })
  target!: LinkKind;
  /** @example "lost-final-ack" */
  target_id!: string;
  learner_id!: string | null;
  @ApiProperty({ enum: LINK_ALLOWANCES, isArray: true })
  allow!: LinkAllowance[];
  /** @example "2027-01-31T23:59:59.000Z" */
  expires_at!: string | null;
  revoked_at!: string | null;
  /** @example "2026-12-06T10:00:00.000Z" */
  created_at!: string;
}

export class CreatedLinkDto extends LinkDto {
  /**
   * The link to hand out: it opens the page for the target. Shown in this answer only.
   * @example "http://localhost:3000/l/tlnk_3q2-…"
   */
  url!: string;
  /**
   * The token itself (also inside `url`): a bearer credential for the target only. Shown in this answer only.
   * @example "tlnk_3q2-…"
   */
  token!: string;
}

export class LinkListDto {
  items!: LinkDto[];
}

/** What a link's holder learns about its own link (GET /v1/links/current with the link's token). */
export class LinkGrantDto extends PickType(LinkDto, ['target', 'target_id', 'learner_id', 'allow', 'expires_at'] as const) {
  /** The page to open: /scenarios/{id}, /play/{session_id} (with ?exercise={id} for an exercise), /quizzes/{id} or /lti/results. */
  page!: string;
}
