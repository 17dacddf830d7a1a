import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSessions1764230400000 implements MigrationInterface {
  name = 'CreateSessions1764230400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY,
        version integer NOT NULL,
        mode text NOT NULL,
        client_state text NOT NULL,
        server_state text NOT NULL,
        options jsonb NOT NULL,
        snapshot jsonb NOT NULL,
        step_count integer NOT NULL DEFAULT 0,
        event_count integer NOT NULL DEFAULT 0,
        segment_count integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX sessions_created_at_id ON sessions (created_at DESC, id DESC)`);
    await queryRunner.query(`
      CREATE TABLE session_steps (
        session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        n integer NOT NULL,
        input jsonb NOT NULL,
        events jsonb NOT NULL,
        segments jsonb NOT NULL,
        first_event integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (session_id, n)
      )`);
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        key text PRIMARY KEY,
        fingerprint text NOT NULL,
        status integer NOT NULL,
        headers jsonb NOT NULL,
        body jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency_keys`);
    await queryRunner.query(`DROP TABLE session_steps`);
    await queryRunner.query(`DROP TABLE sessions`);
  }
}
