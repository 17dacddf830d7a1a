import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * LTI results (issue 13 item 3): an instructor's launch lands on a link of a kind of its own, `lti_results`, whose
 * target is a resource link (lti_resource_links.id) and which reads that link's results only. A tenant's key cannot
 * mint one (POST /v1/links keeps its four targets): only a launch does.
 */
export class AddLtiResultsLinks1765700000000 implements MigrationInterface {
  name = 'AddLtiResultsLinks1765700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE links DROP CONSTRAINT links_target_check`);
    await queryRunner.query(`ALTER TABLE links ADD CONSTRAINT links_target_check CHECK (target IN ('scenario', 'session', 'exercise', 'quiz', 'lti_results'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM links WHERE target = 'lti_results'`);
    await queryRunner.query(`ALTER TABLE links DROP CONSTRAINT links_target_check`);
    await queryRunner.query(`ALTER TABLE links ADD CONSTRAINT links_target_check CHECK (target IN ('scenario', 'session', 'exercise', 'quiz'))`);
  }
}
