import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A session can be created from a teaching scenario; it remembers which, and how far it has been played. */
export class AddScenarioToSessions1764230500000 implements MigrationInterface {
  name = 'AddScenarioToSessions1764230500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sessions ADD COLUMN scenario_id text NULL, ADD COLUMN scenario_step integer NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sessions DROP COLUMN scenario_step, DROP COLUMN scenario_id`);
  }
}
