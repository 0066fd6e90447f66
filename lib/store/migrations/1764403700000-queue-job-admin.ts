import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin's default view (every job but done and cancelled, newest first) and its count of
 * `wait_dependencies` jobs: a partial index of unfinished jobs only, so it stays as small as the
 * backlog however long the done history grows. The other states' views and counts use the
 * existing partial indexes (pending, running, failed, done, cancelled).
 */
export class QueueJobAdmin1764403700000 implements MigrationInterface {
  name = 'QueueJobAdmin1764403700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX queue_job_unfinished_idx ON queue_job (date_created DESC, id DESC)
                   WHERE state NOT IN ('done', 'cancelled')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS queue_job_unfinished_idx`);
  }
}
