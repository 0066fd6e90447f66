import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  CLAIM_FUNCTION_SQL, DONE_PARTITIONS_FUNCTION_SQL, NOTIFY_TRIGGERS_SQL, PARTITIONED_TABLE_SQL, UNPARTITIONED_INDEXES_SQL,
} from './lifecycle-partitions.sql.js';

/**
 * How long the upgrade waits for its lock on `queue_job`: while it waits, every enqueue and claim
 * queues behind it, so a long transaction on the table makes the upgrade fail (and the app's start)
 * rather than stall the queue.
 */
const LOCK_WAIT = '5s';

/** The indexes of the old table that done jobs do not use: dropped when it becomes the partition of the done history. */
const INDEXES_FOR_LIVE_JOBS = ['pending_function', 'pending_eta', 'running', 'failed', 'identity_key', 'cancelled', 'unfinished']
  .map((name) => `queue_job_${name}_idx`);

/**
 * `queue_job` partitioned by lifecycle (lifecycle-partitions.sql.ts): the hot path (enqueue, claim,
 * completion) reads and writes a table as small as the backlog, whatever the history holds, and
 * expired days of history are dropped whole.
 *
 * The upgrade moves only the jobs that are not done (the backlog, failed and cancelled jobs); the done
 * history stays in the old table, which becomes the partition of every day up to tomorrow (checked by
 * one scan, no copy): on 1,000,000 rows it takes seconds, not minutes (README, "Upgrading").
 */
export class QueueJobLifecyclePartitions1764405000000 implements MigrationInterface {
  name = 'QueueJobLifecyclePartitions1764405000000';

  async up(q: QueryRunner): Promise<void> {
    await lockQueueJob(q);
    await q.query(`DROP TRIGGER queue_job_notify_insert ON queue_job`);
    await q.query(`DROP FUNCTION queue_job_claim(bigint[], text, uuid, int, text)`);
    await q.query(`ALTER TABLE queue_job RENAME TO queue_job_unpartitioned`);
    for (const sql of PARTITIONED_TABLE_SQL) await q.query(sql);
    await q.query(DONE_PARTITIONS_FUNCTION_SQL);
    for (const sql of NOTIFY_TRIGGERS_SQL) await q.query(sql);
    await q.query(CLAIM_FUNCTION_SQL);
    await q.query(`INSERT INTO queue_job SELECT * FROM queue_job_unpartitioned WHERE state <> 'done' OR date_done IS NULL`);
    await q.query(`DELETE FROM queue_job_unpartitioned WHERE state <> 'done' OR date_done IS NULL`);
    const [{ first_day: firstDay, empty }] = await q.query(`
      SELECT to_char((greatest(now(), max(date_done)) AT TIME ZONE 'UTC')::date + 1, 'YYYY-MM-DD') AS first_day, max(id) IS NULL AS empty
      FROM queue_job_unpartitioned`) as Array<{ first_day: string; empty: boolean }>;
    if (empty) {
      await q.query(`DROP TABLE queue_job_unpartitioned`);
      await q.query(`SELECT queue_job_done_partitions((now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + 2)`);
      return;
    }
    await this.attachHistory(q, firstDay);
  }

  /** The old table, holding done jobs only now, becomes the partition of every day before `firstDay`. */
  private async attachHistory(q: QueryRunner, firstDay: string): Promise<void> {
    const name = `queue_job_done_until_${firstDay.replace(/-/g, '')}`;
    for (const index of INDEXES_FOR_LIVE_JOBS) await q.query(`DROP INDEX IF EXISTS ${index}`);
    await q.query(`ALTER TABLE queue_job_unpartitioned RENAME TO ${name}`);
    await q.query(`ALTER TABLE ${name} ADD CONSTRAINT ${name}_range CHECK (state = 'done' AND date_done IS NOT NULL AND date_done < '${firstDay} 00:00:00+00')`);
    await q.query(`ALTER TABLE queue_job_done ATTACH PARTITION ${name} FOR VALUES FROM (MINVALUE) TO ('${firstDay} 00:00:00+00')`);
    await q.query(`SELECT queue_job_done_partitions('${firstDay}'::date, '${firstDay}'::date + 2)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await lockQueueJob(q);
    await q.query(`DROP FUNCTION queue_job_claim(bigint[], text, uuid, int, text)`);
    await q.query(`CREATE TABLE queue_job_unpartitioned (LIKE queue_job INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    await q.query(`INSERT INTO queue_job_unpartitioned SELECT * FROM queue_job`);
    await q.query(`ALTER SEQUENCE queue_job_id_seq OWNED BY queue_job_unpartitioned.id`);
    await q.query(`DROP TABLE queue_job`);
    await q.query(`DROP FUNCTION queue_job_done_partitions(date, date)`);
    await q.query(`ALTER TABLE queue_job_unpartitioned RENAME TO queue_job`);
    for (const sql of UNPARTITIONED_INDEXES_SQL) await q.query(sql);
    await q.query(CLAIM_FUNCTION_SQL);
  }
}

/**
 * `LOCK TABLE queue_job` waiting at most LOCK_WAIT; the lock_timeout of the migrations' transaction
 * is put back after. A busy table fails the upgrade with what to do.
 */
async function lockQueueJob(q: QueryRunner): Promise<void> {
  const [{ previous }] = await q.query(`SELECT current_setting('lock_timeout') AS previous`) as Array<{ previous: string }>;
  await q.query(`SELECT set_config('lock_timeout', '${LOCK_WAIT}', true)`);
  try {
    await q.query(`LOCK TABLE queue_job IN ACCESS EXCLUSIVE MODE`);
  } catch (error) {
    if ((error as { code?: string }).code !== '55P03') throw error;
    throw new Error(`queue_job is held by another transaction for more than ${LOCK_WAIT}: migration `
      + `QueueJobLifecyclePartitions1764405000000 waits no longer, so that enqueues and claims do not queue behind it. `
      + 'Start the app again once that transaction has ended (pg_locks shows its pid).', { cause: error });
  }
  await q.query(`SELECT set_config('lock_timeout', $1, true)`, [previous]);
}
