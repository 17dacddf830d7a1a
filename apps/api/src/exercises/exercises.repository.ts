import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Transaction } from '../sessions/sessions.repository';

export interface ExerciseRow {
  tenant_id: string;
  id: string;
  session_id: string;
  goal: string;
  learner_id: string | null;
  setup_steps: number;
  created_at: Date;
}

/** Exercises: the only code that touches their table. */
@Injectable()
export class ExercisesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tx: Transaction, row: Omit<ExerciseRow, 'created_at'>): Promise<ExerciseRow> {
    const rows = await tx.run<ExerciseRow>(
      'insert-exercise',
      `INSERT INTO exercises (tenant_id, id, session_id, goal, learner_id, setup_steps) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [row.tenant_id, row.id, row.session_id, row.goal, row.learner_id, row.setup_steps],
    );
    return rows[0]!;
  }

  async find(tenantId: string, id: string): Promise<ExerciseRow | null> {
    const rows: ExerciseRow[] = await this.dataSource.query(`SELECT * FROM exercises WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return rows[0] ?? null;
  }
}
