import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every key of the session tables starts with the tenant: sessions (tenant_id, id), their history
 * (tenant_id, session_id, n). A request's queries all name the tenant, so a distributed PostgreSQL (Citus)
 * can shard these tables by tenant and route each request to one shard (docs/scaling.md).
 */
export class KeySessionsByTenant1764320400000 implements MigrationInterface {
  name = 'KeySessionsByTenant1764320400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE session_steps ADD COLUMN tenant_id uuid NULL`);
    await queryRunner.query(`UPDATE session_steps s SET tenant_id = sessions.tenant_id FROM sessions WHERE sessions.id = s.session_id`);
    await queryRunner.query(`ALTER TABLE session_steps ALTER COLUMN tenant_id SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE session_steps DROP CONSTRAINT session_steps_session_id_fkey, DROP CONSTRAINT session_steps_pkey`);
    await queryRunner.query(`ALTER TABLE sessions DROP CONSTRAINT sessions_pkey, ADD PRIMARY KEY (tenant_id, id)`);
    await queryRunner.query(`
      ALTER TABLE session_steps
        ADD PRIMARY KEY (tenant_id, session_id, n),
        ADD FOREIGN KEY (tenant_id, session_id) REFERENCES sessions (tenant_id, id) ON DELETE CASCADE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE session_steps DROP CONSTRAINT session_steps_tenant_id_session_id_fkey, DROP CONSTRAINT session_steps_pkey`);
    await queryRunner.query(`ALTER TABLE sessions DROP CONSTRAINT sessions_pkey, ADD PRIMARY KEY (id)`);
    await queryRunner.query(`
      ALTER TABLE session_steps
        ADD PRIMARY KEY (session_id, n),
        ADD FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE,
        DROP COLUMN tenant_id`);
  }
}
