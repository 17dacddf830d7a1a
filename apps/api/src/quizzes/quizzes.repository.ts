import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Quiz } from '@tcplab/tcp-core';
import { DataSource } from 'typeorm';
import type { Transaction } from '../sessions/sessions.repository';

export interface QuizRow {
  tenant_id: string;
  id: string;
  scenario_id: string | null;
  session_id: string | null;
  seed: string;
  lang: string;
  quiz: Quiz;
  created_at: Date;
}

export interface AttemptRow {
  id: string;
  quiz_id: string;
  learner_id: string | null;
  /** The name a learner typed on the quiz page; the share link the attempt came through. */
  learner_name: string | null;
  link_id: string | null;
  answers: Record<string, unknown>;
  results: unknown[];
  points: number;
  max_points: number;
  created_at: Date;
}

/** Quizzes and attempts: the only code that touches those tables. Writes run in the caller's transaction. */
@Injectable()
export class QuizzesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertQuiz(tx: Transaction, row: Omit<QuizRow, 'created_at' | 'seed'> & { seed: number }): Promise<QuizRow> {
    const rows = await tx.run<QuizRow>(
      'insert-quiz',
      `INSERT INTO quizzes (tenant_id, id, scenario_id, session_id, seed, lang, quiz) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [row.tenant_id, row.id, row.scenario_id, row.session_id, row.seed, row.lang, JSON.stringify(row.quiz)],
    );
    return rows[0]!;
  }

  /** A tenant's quizzes, newest first, without their questions: what an LTI content picker offers. */
  listSummaries(tenantId: string, limit: number): Promise<Array<Pick<QuizRow, 'id' | 'scenario_id' | 'seed' | 'lang' | 'created_at'> & { questions: number }>> {
    return this.dataSource.query(
      `SELECT id, scenario_id, seed, lang, created_at, jsonb_array_length(quiz -> 'questions')::int AS questions FROM quizzes
       WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [tenantId, limit],
    );
  }

  async findQuiz(tenantId: string, id: string): Promise<QuizRow | null> {
    const rows: QuizRow[] = await this.dataSource.query(`SELECT * FROM quizzes WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return rows[0] ?? null;
  }

  async insertAttempt(tx: Transaction, tenantId: string, row: Omit<AttemptRow, 'created_at'>): Promise<AttemptRow> {
    const rows = await tx.run<AttemptRow>(
      'insert-quiz-attempt',
      `INSERT INTO quiz_attempts (tenant_id, quiz_id, id, learner_id, answers, results, points, max_points, learner_name, link_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, quiz_id, learner_id, learner_name, link_id, answers, results, points, max_points, created_at`,
      [tenantId, row.quiz_id, row.id, row.learner_id, JSON.stringify(row.answers), JSON.stringify(row.results), row.points, row.max_points, row.learner_name, row.link_id],
    );
    return rows[0]!;
  }

  /** A learner's attempts at every quiz of the tenant, oldest first. */
  listLearnerAttempts(tenantId: string, learnerId: string): Promise<AttemptRow[]> {
    return this.dataSource.query(
      `SELECT id, quiz_id, learner_id, learner_name, link_id, answers, results, points, max_points, created_at FROM quiz_attempts
       WHERE tenant_id = $1 AND learner_id = $2 ORDER BY created_at, id LIMIT 1000`,
      [tenantId, learnerId],
    );
  }

  /** A quiz's attempts, oldest first; one learner's when `learnerId` is given. */
  listAttempts(tenantId: string, quizId: string, learnerId: string | null): Promise<AttemptRow[]> {
    return this.dataSource.query(
      `SELECT id, quiz_id, learner_id, learner_name, link_id, answers, results, points, max_points, created_at FROM quiz_attempts
       WHERE tenant_id = $1 AND quiz_id = $2 AND ($3::text IS NULL OR learner_id = $3) ORDER BY created_at, id LIMIT 1000`,
      [tenantId, quizId, learnerId],
    );
  }
}
