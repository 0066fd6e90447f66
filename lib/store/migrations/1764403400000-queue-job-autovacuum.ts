import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Indexes that keep autovacuum cheap with millions of finished jobs: only finished rows, by finish date. */
export class QueueJobAutovacuum1764403400000 implements MigrationInterface {
  name = 'QueueJobAutovacuum1764403400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX queue_job_done_idx ON queue_job (date_done) WHERE state = 'done'`);
    await q.query(`CREATE INDEX queue_job_cancelled_idx ON queue_job (date_cancelled) WHERE state = 'cancelled'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS queue_job_cancelled_idx`);
    await q.query(`DROP INDEX IF EXISTS queue_job_done_idx`);
  }
}
