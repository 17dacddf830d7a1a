import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * LTI 1.3 (issue 13): the tool's own signing keys, the platforms (LMSs) each tenant registers, the logins in
 * progress (OIDC state and nonce, each used once) and the people platforms launch, identified as LTI says: per
 * platform, deployment and `sub`.
 */
export class CreateLti1765100000000 implements MigrationInterface {
  name = 'CreateLti1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One key set for the whole tool (one JWKS URL to give every platform). A key is published from its creation,
    // signs from signs_from (later than its creation when it replaces another: platforms see it first), stops
    // signing at signs_until, and leaves the JWKS at published_until, once what it signed has expired.
    await queryRunner.query(`
      CREATE TABLE lti_tool_keys (
        kid text PRIMARY KEY,
        private_key_pkcs8 text NOT NULL,
        public_jwk jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        signs_from timestamptz NOT NULL,
        signs_until timestamptz NULL,
        published_until timestamptz NULL
      )`);
    // (issuer, client_id) names a registration on its own: the OIDC login and the launch find it before any tenant is known.
    await queryRunner.query(`
      CREATE TABLE lti_platforms (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        issuer text NOT NULL,
        client_id text NOT NULL,
        deployment_ids text[] NOT NULL,
        auth_url text NOT NULL,
        token_url text NOT NULL,
        jwks_url text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (id),
        UNIQUE (issuer, client_id)
      )`);
    // A login in progress: state and nonce as sent to the platform, the browser that started it (the hash of its
    // cookie) and the target_link_uri asked for. used_at is set once, by the launch that consumes it.
    await queryRunner.query(`
      CREATE TABLE lti_logins (
        state text PRIMARY KEY,
        nonce text NOT NULL,
        platform_id uuid NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
        browser_hash text NOT NULL,
        target_link_uri text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz NULL
      )`);
    await queryRunner.query(`CREATE INDEX lti_logins_expires_at ON lti_logins (expires_at)`);
    await queryRunner.query(`
      CREATE TABLE lti_users (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        platform_id uuid NOT NULL,
        deployment_id text NOT NULL,
        sub text NOT NULL,
        role text NOT NULL CHECK (role IN ('learner', 'instructor')),
        name text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_launch_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (platform_id, deployment_id, sub),
        FOREIGN KEY (tenant_id, platform_id) REFERENCES lti_platforms (tenant_id, id) ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE lti_users`);
    await queryRunner.query(`DROP TABLE lti_logins`);
    await queryRunner.query(`DROP TABLE lti_platforms`);
    await queryRunner.query(`DROP TABLE lti_tool_keys`);
  }
}
