import type { MigrationInterface, QueryRunner } from 'typeorm';
import { NOTIFY_CHANNEL } from '../../queue-job.constants.js';

/**
 * Cheaper wake-ups: an INSERT statement notifies without building a transition table (a statement
 * inserting only waiting graph jobs is rare and wakes the runners for nothing), and UPDATEs no longer
 * fire a trigger at all — the few code paths that make jobs runnable by an update (a retry, a graph
 * release, a manual action, a rescue) send their NOTIFY themselves. The claim and completion updates,
 * two per batch, were paying ~0.15 ms each for the old trigger.
 */
export class QueueJobNotify1764403650000 implements MigrationInterface {
  name = 'QueueJobNotify1764403650000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER queue_job_notify_update ON queue_job`);
    await q.query(`DROP TRIGGER queue_job_notify_insert ON queue_job`);
    await q.query(`DROP FUNCTION queue_job_notify()`);
    await q.query(`
      CREATE FUNCTION queue_job_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${NOTIFY_CHANNEL}', '');
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER queue_job_notify_insert AFTER INSERT ON queue_job FOR EACH STATEMENT EXECUTE FUNCTION queue_job_notify()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER queue_job_notify_insert ON queue_job`);
    await q.query(`DROP FUNCTION queue_job_notify()`);
    await q.query(`
      CREATE FUNCTION queue_job_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM changed_jobs WHERE state = 'pending') THEN
          PERFORM pg_notify('${NOTIFY_CHANNEL}', '');
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER queue_job_notify_insert AFTER INSERT ON queue_job
                   REFERENCING NEW TABLE AS changed_jobs FOR EACH STATEMENT EXECUTE FUNCTION queue_job_notify()`);
    await q.query(`CREATE TRIGGER queue_job_notify_update AFTER UPDATE ON queue_job
                   REFERENCING NEW TABLE AS changed_jobs FOR EACH STATEMENT EXECUTE FUNCTION queue_job_notify()`);
  }
}
