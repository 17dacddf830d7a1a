import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Exercises (a learner drives a session towards a goal) and the moves a session refused: a refused move changes
 * nothing in the session, so it is kept here, for the exercise's grade and for a teacher to read.
 */
export class CreateExercises1764327600000 implements MigrationInterface {
  name = 'CreateExercises1764327600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE exercises (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        session_id uuid NOT NULL,
        goal text NOT NULL,
        learner_id text NULL,
        setup_steps integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, session_id),
        FOREIGN KEY (tenant_id, session_id) REFERENCES sessions (tenant_id, id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`
      CREATE TABLE session_refusals (
        tenant_id uuid NOT NULL,
        session_id uuid NOT NULL,
        id bigint GENERATED ALWAYS AS IDENTITY,
        after_step integer NOT NULL,
        input jsonb NOT NULL,
        code text NOT NULL,
        problem jsonb NOT NULL,
        -- A retried request (same Idempotency-Key) is the same refusal: kept once.
        idempotency_key text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, session_id, id),
        UNIQUE (tenant_id, session_id, idempotency_key),
        FOREIGN KEY (tenant_id, session_id) REFERENCES sessions (tenant_id, id) ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE session_refusals`);
    await queryRunner.query(`DROP TABLE exercises`);
  }
}
