import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * LTI Advantage grades (issue 13): the resource links platforms launch (with their Assignment and Grade Services
 * endpoint and the Names and Role Provisioning claim), each learner's exercise per link, the share links launches
 * land on, and the outbox of scores on their way to the platforms' line items.
 */
export class CreateLtiGrades1765200000000 implements MigrationInterface {
  name = 'CreateLtiGrades1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A link in a course (LTI 1.3 Core §5.3.5), named by the platform per deployment; brought up to date by every
    // launch. lineitem is the AGS claim's, or the one tcplab created when the claim came without one.
    await queryRunner.query(`
      CREATE TABLE lti_resource_links (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        platform_id uuid NOT NULL,
        deployment_id text NOT NULL,
        resource_link_id text NOT NULL,
        title text NULL,
        context_id text NULL,
        context_title text NULL,
        target_link_uri text NOT NULL,
        lineitem text NULL,
        lineitems text NULL,
        ags_scopes text[] NOT NULL DEFAULT '{}',
        nrps jsonb NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (id),
        UNIQUE (platform_id, deployment_id, resource_link_id),
        FOREIGN KEY (tenant_id, platform_id) REFERENCES lti_platforms (tenant_id, id) ON DELETE CASCADE
      )`);
    // One exercise per learner per link and goal, kept across launches (a link the teacher points at another goal
    // gives a new one; pointed back, the old one again). graded_steps: the session's step count when the worker
    // last graded it — a session with more steps than that has moves the worker has not looked at yet.
    await queryRunner.query(`
      CREATE TABLE lti_exercises (
        tenant_id uuid NOT NULL,
        resource_link_id uuid NOT NULL REFERENCES lti_resource_links (id) ON DELETE CASCADE,
        user_id uuid NOT NULL,
        goal text NOT NULL,
        exercise_id uuid NOT NULL,
        graded_steps integer NOT NULL DEFAULT 0,
        PRIMARY KEY (resource_link_id, user_id, goal),
        FOREIGN KEY (tenant_id, user_id) REFERENCES lti_users (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, exercise_id) REFERENCES exercises (tenant_id, id) ON DELETE CASCADE
      )`);
    // The share link a launch landed on: what is done through it (a quiz attempt) belongs to that link and learner.
    await queryRunner.query(`
      CREATE TABLE lti_landings (
        link_id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        resource_link_id uuid NOT NULL REFERENCES lti_resource_links (id) ON DELETE CASCADE,
        user_id uuid NOT NULL,
        FOREIGN KEY (tenant_id, link_id) REFERENCES links (tenant_id, id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX quiz_attempts_link ON quiz_attempts (link_id) WHERE link_id IS NOT NULL`);
    // The outbox: one row per graded attempt (source, source_id) — never two, so never sent twice. score is the AGS
    // Score body as sent, timestamp included, so that a retry sends exactly the same thing.
    await queryRunner.query(`
      CREATE TABLE lti_scores (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        resource_link_id uuid NOT NULL REFERENCES lti_resource_links (id) ON DELETE CASCADE,
        user_id uuid NOT NULL,
        source text NOT NULL CHECK (source IN ('exercise', 'quiz_attempt')),
        source_id uuid NOT NULL,
        score jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'not_better')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz NULL,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (source, source_id),
        FOREIGN KEY (tenant_id, user_id) REFERENCES lti_users (tenant_id, id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX lti_scores_due ON lti_scores (next_attempt_at) WHERE status = 'pending'`);
    await queryRunner.query(`CREATE INDEX lti_scores_by_learner ON lti_scores (resource_link_id, user_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE lti_scores`);
    await queryRunner.query(`DROP INDEX quiz_attempts_link`);
    await queryRunner.query(`DROP TABLE lti_landings`);
    await queryRunner.query(`DROP TABLE lti_exercises`);
    await queryRunner.query(`DROP TABLE lti_resource_links`);
  }
}
