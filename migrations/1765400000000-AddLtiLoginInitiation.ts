import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * LTI logins keep the platform's login initiation (iss, login_hint, lti_message_hint, …), so that a launch refused
 * for want of its cookie — a frame whose browser blocks third-party cookies — can be started again in a new window,
 * where the cookie is first-party (GET /lti/relaunch). Older rows have none and cannot be started again.
 */
export class AddLtiLoginInitiation1765400000000 implements MigrationInterface {
  name = 'AddLtiLoginInitiation1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE lti_logins ADD COLUMN initiation jsonb NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE lti_logins DROP COLUMN initiation`);
  }
}
