import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What travels with a job: the captured context (user, tenant, locale…), its user, and the trace that enqueued it. */
export class QueueJobContext1764403500000 implements MigrationInterface {
  name = 'QueueJobContext1764403500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE queue_job ADD COLUMN context jsonb, ADD COLUMN user_id text, ADD COLUMN trace_context jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE queue_job DROP COLUMN context, DROP COLUMN user_id, DROP COLUMN trace_context`);
  }
}
