import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Share links: a tenant's key mints a token that grants one target (a scenario, a session, an exercise or a quiz)
 * to whoever holds it — a learner's browser, which never sees the tenant's key. Only the token's SHA-256 is kept.
 * What is made through a link (sessions from a scenario, quiz attempts) is tagged with it, and with the learner.
 */
export class CreateLinks1765000000000 implements MigrationInterface {
  name = 'CreateLinks1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE links (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        token_hash text NOT NULL UNIQUE,
        target text NOT NULL CHECK (target IN ('scenario', 'session', 'exercise', 'quiz')),
        target_id text NOT NULL,
        learner_id text NULL,
        allow text[] NOT NULL,
        expires_at timestamptz NULL,
        revoked_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      )`);
    await queryRunner.query(`CREATE INDEX links_tenant_created_at ON links (tenant_id, created_at DESC, id DESC)`);
    await queryRunner.query(`ALTER TABLE sessions ADD COLUMN link_id uuid NULL, ADD COLUMN learner_id text NULL`);
    await queryRunner.query(`ALTER TABLE quiz_attempts ADD COLUMN link_id uuid NULL, ADD COLUMN learner_name text NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE quiz_attempts DROP COLUMN link_id, DROP COLUMN learner_name`);
    await queryRunner.query(`ALTER TABLE sessions DROP COLUMN link_id, DROP COLUMN learner_id`);
    await queryRunner.query(`DROP TABLE links`);
  }
}
