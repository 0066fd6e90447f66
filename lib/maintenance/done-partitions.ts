import type { PoolClient } from 'pg';
import { EXPIRED_DONE_PARTITIONS_SQL, MAKE_DONE_PARTITIONS_SQL } from '../store/sql/autovacuum.sql.js';

/** Days after today for which the tables of done jobs are made ahead (today's included). */
const DONE_PARTITION_DAYS_AHEAD = 3;
/** How long dropping an expired table may wait for its lock (it blocks completions while it waits). */
const DROP_LOCK_TIMEOUT = '500ms';

/** Makes the tables of done jobs for today and the next days that have none yet: their names. */
export async function makeDonePartitions(client: PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ made: string }>(MAKE_DONE_PARTITIONS_SQL, [DONE_PARTITION_DAYS_AHEAD]);
  return rows.map((r) => r.made);
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
 * the number of jobs they held. All of them go in one `DROP TABLE`, so completions wait for one lock
 * of `queue_job_done` per pass, not one per day; when that lock is not granted within 500 ms (a
 * day's table is busy), each table is tried alone, and those still busy are left for the next pass
 * (queued behind the drop, completions would wait as long).
 */
export async function dropExpiredDonePartitions(client: PoolClient, maxDays: number): Promise<DroppedDonePartitions> {
  const { rows } = await client.query<{ name: string }>(EXPIRED_DONE_PARTITIONS_SQL, [maxDays]);
  // Table names as PostgreSQL gives them (EXPIRED_DONE_PARTITIONS_SQL picks them by pattern), quoted all the same.
  const expired = new Map<string, number>();
  for (const { name } of rows) {
    // Counted before the drop, on this connection alone: no lock that completions wait for is held meanwhile.
    expired.set(name, (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${client.escapeIdentifier(name)}`)).rows[0].n);
  }
  const dropped: DroppedDonePartitions = { tables: [], jobs: 0, left: [] };
  if (expired.size === 0) return dropped;
  const names = [...expired.keys()];
  const done = (table: string) => {
    dropped.tables.push(table);
    dropped.jobs += expired.get(table)!;
  };
  if (await dropWithin(client, names)) names.forEach(done);
  else if (names.length === 1) dropped.left.push(...names);
  else {
    // A busy table held them all back: each alone now, so that the others go.
    for (const name of names) {
      if (await dropWithin(client, [name])) done(name);
      else dropped.left.push(name);
    }
  }
  return dropped;
}

/** `DROP TABLE` of `names` in a transaction of its own, waiting at most 500 ms for the locks: whether it was done. */
async function dropWithin(client: PoolClient, names: string[]): Promise<boolean> {
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL lock_timeout = '${DROP_LOCK_TIMEOUT}'`);
    await client.query(`DROP TABLE ${names.map((name) => client.escapeIdentifier(name)).join(', ')}`);
    await client.query('COMMIT');
    return true;
  } catch (error) {
    await client.query('ROLLBACK');
    if ((error as { code?: string }).code !== '55P03') throw error;
    return false;
  }
}
