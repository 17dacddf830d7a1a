import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenants own sessions (and so imported captures) and Idempotency-Keys; API keys are stored only as SHA-256
 * hashes. Sessions made before tenants existed go to one tenant made for them, which an admin can give a key.
 */
export class AddTenants1764316800000 implements MigrationInterface {
  name = 'AddTenants1764316800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX tenants_created_at_id ON tenants (created_at DESC, id DESC)`);
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        tenant_id uuid NULL REFERENCES tenants (id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('admin', 'tenant')),
        name text NOT NULL,
        prefix text NOT NULL,
        hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz NULL,
        CHECK ((role = 'admin') = (tenant_id IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX api_keys_tenant_id ON api_keys (tenant_id, created_at)`);

    await queryRunner.query(`
      INSERT INTO tenants (id, name)
      SELECT gen_random_uuid(), 'sessions made before tenants'
      WHERE EXISTS (SELECT 1 FROM sessions) OR EXISTS (SELECT 1 FROM idempotency_keys)`);
    for (const table of ['sessions', 'idempotency_keys']) {
      await queryRunner.query(`ALTER TABLE ${table} ADD COLUMN tenant_id uuid NULL REFERENCES tenants (id) ON DELETE CASCADE`);
      await queryRunner.query(`UPDATE ${table} SET tenant_id = (SELECT id FROM tenants LIMIT 1)`);
      await queryRunner.query(`ALTER TABLE ${table} ALTER COLUMN tenant_id SET NOT NULL`);
    }
    // A tenant lists its own sessions, newest first: the list's index starts with the tenant.
    await queryRunner.query(`DROP INDEX sessions_created_at_id`);
    await queryRunner.query(`CREATE INDEX sessions_tenant_created_at_id ON sessions (tenant_id, created_at DESC, id DESC)`);
    // Two tenants may pick the same Idempotency-Key without seeing each other's answers.
    await queryRunner.query(`ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey, ADD PRIMARY KEY (tenant_id, key)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM idempotency_keys a USING idempotency_keys b WHERE a.key = b.key AND a.tenant_id > b.tenant_id`);
    await queryRunner.query(`ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey, ADD PRIMARY KEY (key)`);
    await queryRunner.query(`DROP INDEX sessions_tenant_created_at_id`);
    await queryRunner.query(`CREATE INDEX sessions_created_at_id ON sessions (created_at DESC, id DESC)`);
    await queryRunner.query(`ALTER TABLE idempotency_keys DROP COLUMN tenant_id`);
    await queryRunner.query(`ALTER TABLE sessions DROP COLUMN tenant_id`);
    await queryRunner.query(`DROP TABLE api_keys`);
    await queryRunner.query(`DROP TABLE tenants`);
  }
}
