import { Injectable } from '@nestjs/common';
import { createConnection, exerciseOptions, GOALS, scenario, step, type ConnectionOptions, type ExerciseGoalId, type Language, type TcpEvent } from '@tcplab/tcp-core';
import { randomInt, randomUUID } from 'node:crypto';
import { ApiError, ApiErrorCode } from '../common/api-error';
import { UUID } from '../common/cursor';
import type { RequestContext } from '../common/request-context';
import { idempotently, type Reply } from '../sessions/idempotency';
import { SessionsRepository, type Transaction } from '../sessions/sessions.repository';
import type { CreateExerciseDto, ExerciseDto, ExerciseGradeDto, MistakeDto } from './dto/exercise.dto';
import { ExercisesRepository, type ExerciseRow } from './exercises.repository';

/** The grade's formula, as the API documents it and applies it. */
export const SCORE_FORMULA = 'completed ? max(0, 100 − 10 × refused) : 0';

/** A learner's moves are their sends and calls (advancing the clock or delivering a segment is not a move). */
const isMove = (input: { type: string }): boolean => input.type === 'send' || input.type === 'call';

function present(row: ExerciseRow, lang: Language): ExerciseDto {
  const goal = GOALS[row.goal as ExerciseGoalId];
  return {
    id: row.id,
    goal: goal.id,
    title: goal.title[lang],
    instructions: goal.instructions[lang],
    session_id: row.session_id,
    learner_id: row.learner_id,
    created_at: new Date(row.created_at).toISOString(),
  };
}

/** Exercises: a manual-mode session set up for a goal, driven by a learner, graded from its history. */
@Injectable()
export class ExercisesService {
  constructor(
    private readonly exercises: ExercisesRepository,
    private readonly sessions: SessionsRepository,
  ) {}

  create(dto: CreateExerciseDto, ctx: RequestContext): Promise<Reply<ExerciseDto>> {
    return idempotently(this.sessions, ctx, async (tx) => {
      const row = await this.insert(tx, dto, ctx.tenantId);
      return { status: 201, headers: { location: `/v1/exercises/${row.id}` }, body: present(row, ctx.lang) };
    });
  }

  /** A new exercise and its session, in the caller's transaction (an LTI launch records whose it is in the same one). */
  async insert(tx: Transaction, dto: CreateExerciseDto, tenantId: string): Promise<ExerciseRow> {
    const goal = GOALS[dto.goal];
    const seed = dto.seed ?? randomInt(0, 2 ** 32);
    // Without a scenario the simulator draws both ISNs from the seed itself.
    const base: ConnectionOptions = dto.scenario ? scenario(dto.scenario)!.options : { seed };
    const options = exerciseOptions(base);
    // The stage is set by the simulator itself: the setup's segments are right by construction.
    let connection = createConnection(options);
    const steps = goal.setup.map((input) => {
      const result = step(connection, input);
      if (!result.outcome.ok) throw new Error(`exercise ${goal.id}: setup refused (${JSON.stringify(result.outcome.error)})`);
      connection = result.connection;
      return { input, events: result.events, segments: result.segments };
    });
    const session = await tx.insertSessionWithHistory({ id: randomUUID(), tenant_id: tenantId, mode: 'manual', options, snapshot: connection, scenario_id: null }, steps);
    return this.exercises.insert(tx, {
      tenant_id: tenantId,
      id: randomUUID(),
      session_id: session.id,
      goal: goal.id,
      learner_id: dto.learner_id ?? null,
      setup_steps: steps.length,
    });
  }

  async get(id: string, ctx: RequestContext): Promise<ExerciseDto> {
    return present(await this.find(id, ctx), ctx.lang);
  }

  /** Replays the learner's moves to find the one that reached the goal; counts the refused ones; scores. */
  grade(id: string, ctx: RequestContext): Promise<ExerciseGradeDto> {
    return this.gradeOf(ctx.tenantId, id);
  }

  /** The grade of one of a tenant's exercises, for whoever asks on the tenant's behalf (the LTI score worker). */
  async gradeOf(tenantId: string, id: string): Promise<ExerciseGradeDto> {
    const row = UUID.test(id) ? await this.exercises.find(tenantId, id) : null;
    if (!row) throw new ApiError(ApiErrorCode.ExerciseNotFound, `There is no exercise ${id}.`);
    const goal = GOALS[row.goal as ExerciseGoalId];
    const session = (await this.sessions.find(tenantId, row.session_id))!;
    const history = await this.sessions.stepsWithEvents(tenantId, row.session_id);
    let connection = createConnection(session.options);
    const since: TcpEvent[] = [];
    let moves = 0;
    let completedAt: number | null = null;
    let completedStep = Number.POSITIVE_INFINITY;
    for (const s of history) {
      connection = step(connection, s.input).connection;
      if (s.n <= row.setup_steps) continue;
      since.push(...s.events);
      if (isMove(s.input)) moves += 1;
      if (completedAt === null && goal.reached(connection, since)) {
        completedAt = moves;
        completedStep = s.n;
      }
    }
    // Moves after the goal was reached, accepted or refused, do not change the grade.
    if (completedAt !== null) moves = completedAt;
    const refusals = (await this.sessions.refusals(tenantId, row.session_id)).filter(
      (r) => r.after_step >= row.setup_steps && r.after_step < completedStep && isMove(r.input),
    );
    const movesBefore = (afterStep: number): number => history.filter((s) => s.n > row.setup_steps && s.n <= afterStep && isMove(s.input)).length;
    const mistakes: MistakeDto[] = refusals.map((r) => ({
      after_move: movesBefore(r.after_step),
      input: r.input as unknown as Record<string, unknown>,
      code: r.code,
      detail: String(r.problem['detail'] ?? ''),
      ...(Array.isArray(r.problem['violations']) ? { violations: r.problem['violations'] as unknown[] } : {}),
    }));
    const completed = completedAt !== null;
    return {
      exercise_id: row.id,
      goal: goal.id,
      learner_id: row.learner_id,
      completed,
      completed_at_move: completedAt,
      attempts: { total: moves + mistakes.length, accepted: moves, refused: mistakes.length },
      mistakes,
      score: completed ? Math.max(0, 100 - 10 * mistakes.length) : 0,
      formula: SCORE_FORMULA,
    };
  }

  private async find(id: string, ctx: RequestContext): Promise<ExerciseRow> {
    const row = UUID.test(id) ? await this.exercises.find(ctx.tenantId, id) : null;
    if (!row) throw new ApiError(ApiErrorCode.ExerciseNotFound, `There is no exercise ${id}.`);
    return row;
  }
}
