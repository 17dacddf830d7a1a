import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * LTI Deep Linking 2.0 and Dynamic Registration (issue 13): the content selections in progress (one per
 * LtiDeepLinkingRequest, answered once) and the registration tokens a tenant hands an LMS administrator (one
 * registration each, revocable until used). Tokens are kept as SHA-256 hashes only, like share links'.
 */
export class CreateLtiDeepLinkingAndRegistration1765300000000 implements MigrationInterface {
  name = 'CreateLtiDeepLinkingAndRegistration1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // What the platform asked for (its return URL, whether it takes several items, the data to echo) and who asked:
    // the instructor's picker page holds the token, and the one response tcplab signs consumes it (used_at).
    await queryRunner.query(`
      CREATE TABLE lti_deep_linking (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        token_hash text NOT NULL UNIQUE,
        platform_id uuid NOT NULL,
        deployment_id text NOT NULL,
        user_id uuid NOT NULL,
        return_url text NOT NULL,
        accept_multiple boolean NOT NULL,
        data text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz NULL,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, platform_id) REFERENCES lti_platforms (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, user_id) REFERENCES lti_users (tenant_id, id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX lti_deep_linking_expires_at ON lti_deep_linking (expires_at)`);
    // platform_id: the registration a token made (null until used; the token is spent either way).
    await queryRunner.query(`
      CREATE TABLE lti_registration_tokens (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz NULL,
        revoked_at timestamptz NULL,
        platform_id uuid NULL REFERENCES lti_platforms (id) ON DELETE SET NULL,
        PRIMARY KEY (tenant_id, id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE lti_registration_tokens`);
    await queryRunner.query(`DROP TABLE lti_deep_linking`);
  }
}
