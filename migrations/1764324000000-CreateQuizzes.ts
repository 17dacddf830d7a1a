import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Quizzes generated from a scenario or a session, and the learners' graded attempts; keyed by tenant first. */
export class CreateQuizzes1764324000000 implements MigrationInterface {
  name = 'CreateQuizzes1764324000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE quizzes (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        scenario_id text NULL,
        session_id uuid NULL,
        seed bigint NOT NULL,
        lang text NOT NULL,
        quiz jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      )`);
    await queryRunner.query(`
      CREATE TABLE quiz_attempts (
        tenant_id uuid NOT NULL,
        quiz_id uuid NOT NULL,
        id uuid NOT NULL,
        learner_id text NULL,
        answers jsonb NOT NULL,
        results jsonb NOT NULL,
        points integer NOT NULL,
        max_points integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, quiz_id, id),
        FOREIGN KEY (tenant_id, quiz_id) REFERENCES quizzes (tenant_id, id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX quiz_attempts_learner ON quiz_attempts (tenant_id, learner_id, created_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE quiz_attempts`);
    await queryRunner.query(`DROP TABLE quizzes`);
  }
}
