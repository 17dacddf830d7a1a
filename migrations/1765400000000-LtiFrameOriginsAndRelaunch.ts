import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * LTI in the LMS's frame. Platforms may name more origins that frame tcplab's launched pages than their issuer's and
 * authorization endpoint's (Canvas's course pages are on the school's own host). LTI logins keep the platform's login initiation (iss, login_hint, lti_message_hint, …), so that a launch refused
 * for want of its cookie — a frame whose browser blocks third-party cookies — can be started again in a new window,
 * where the cookie is first-party (GET /lti/relaunch). Older rows have none and cannot be started again.
 */
export class LtiFrameOriginsAndRelaunch1765400000000 implements MigrationInterface {
  name = 'LtiFrameOriginsAndRelaunch1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE lti_platforms ADD COLUMN frame_origins text[] NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE lti_logins ADD COLUMN initiation jsonb NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE lti_logins DROP COLUMN initiation`);
    await queryRunner.query(`ALTER TABLE lti_platforms DROP COLUMN frame_origins`);
  }
}
