import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `queue_job.timeout`: the seconds a call allowed its job (`withDelay(x, { timeout })`), null for the
 * others, which take their job function's or the runner's when they run. A column rather than a key
 * of a jsonb column: nullable without a default, PostgreSQL adds it to the catalog only (no table
 * rewrite, instant on a large table), a null costs a bit of the row's null bitmap, and no jsonb
 * column read at claim time is a natural home (`context` belongs to the app).
 * The claim functions do not return it (they stay as they are): the runner reads the timeouts of
 * jobs still running shortly after their start (lib/store/call-timeouts.ts).
 */
export class QueueJobTimeout1764404300000 implements MigrationInterface {
  name = 'QueueJobTimeout1764404300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE queue_job ADD COLUMN timeout int`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE queue_job DROP COLUMN IF EXISTS timeout`);
  }
}
