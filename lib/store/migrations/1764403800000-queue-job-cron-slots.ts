import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The slots of `@DelayableCron()` job functions that some app instance claimed: the primary key lets
 * exactly one instance enqueue the job of a slot, however many fire for it and however late (clock
 * skew), and even after that job is done and gone. `job_uuid` is null for a slot skipped by
 * `noParallelRun`. Rows older than a day are pruned as new slots come (the last slot with a job stays).
 */
export class QueueJobCronSlots1764403800000 implements MigrationInterface {
  name = 'QueueJobCronSlots1764403800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE queue_job_cron_slot (
      job_function text NOT NULL,
      slot timestamptz NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('enqueued', 'skipped', 'catch_up')),
      job_uuid uuid,
      claimed_by text NOT NULL,
      date_created timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (job_function, slot)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS queue_job_cron_slot`);
  }
}
