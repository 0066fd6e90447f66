import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `queue_job.progress` (0 to 1) and `progress_message`: what a running job last reported through
 * `currentJob().progress()`. Nullable columns without a default: PostgreSQL adds them to the catalog
 * only (no table rewrite), and the jobs that never report pay one bit each of the row's null bitmap.
 * `real` is enough for a bar (seven significant digits). Neither the claims nor the outcomes write
 * them: the runner writes them apart, fenced by the attempt's lease token (lib/runner/attempt-progress.ts).
 */
export class QueueJobProgress1764404600000 implements MigrationInterface {
  name = 'QueueJobProgress1764404600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE queue_job ADD COLUMN progress real, ADD COLUMN progress_message text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE queue_job DROP COLUMN IF EXISTS progress, DROP COLUMN IF EXISTS progress_message`);
  }
}
