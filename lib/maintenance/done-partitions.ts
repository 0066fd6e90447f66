import type { PoolClient } from 'pg';
import { EXPIRED_DONE_PARTITIONS_SQL, MAKE_DONE_PARTITIONS_SQL } from '../store/sql/autovacuum.sql.js';

/** Days after today for which the tables of done jobs are made ahead (today's included). */
export const DONE_PARTITION_DAYS_AHEAD = 3;
/** How long dropping an expired table may wait for its lock (it blocks completions while it waits). */
const DROP_LOCK_TIMEOUT = '500ms';
const DONE_PARTITION = /^queue_job_done_(until_)?\d{8}$/;

/** Makes the tables of done jobs for today and the next days that have none yet: their names. */
export async function makeDonePartitions(client: PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ made: string }>(MAKE_DONE_PARTITIONS_SQL, [DONE_PARTITION_DAYS_AHEAD]);
  return rows.map((r) => r.made).filter((name) => name !== null);
}

/** What a pass did with the expired tables of done jobs: those dropped and the jobs they held, those left. */
export interface DroppedDonePartitions {
  tables: string[];
  jobs: number;
  /** Expired, but their lock was busy: dropped by the next pass (their jobs are not deleted one by one meanwhile). */
  left: string[];
}

/**
 * Drops the tables of done jobs in which every job is past the longest removal interval (`maxDays`):
 * the number of jobs they held. A table whose lock is not granted within 500 ms is left for the next
 * pass (queued behind it, completions would wait as long).
 */
export async function dropExpiredDonePartitions(client: PoolClient, maxDays: number): Promise<DroppedDonePartitions> {
  const { rows } = await client.query<{ name: string }>(EXPIRED_DONE_PARTITIONS_SQL, [maxDays]);
  const dropped: DroppedDonePartitions = { tables: [], jobs: 0, left: [] };
  for (const { name } of rows) {
    if (!DONE_PARTITION.test(name)) continue;
    const { rows: [{ n }] } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}`);
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL lock_timeout = '${DROP_LOCK_TIMEOUT}'`);
      await client.query(`DROP TABLE ${name}`);
      await client.query('COMMIT');
      dropped.tables.push(name);
      dropped.jobs += n;
    } catch (error) {
      await client.query('ROLLBACK');
      if ((error as { code?: string }).code !== '55P03') throw error;
      dropped.left.push(name);
    }
  }
  return dropped;
}
