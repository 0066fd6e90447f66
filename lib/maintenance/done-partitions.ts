import type { PoolClient } from 'pg';
import { inBoundedTransaction } from '../store/bounded-transaction.js';
import { EXPIRED_DONE_PARTITIONS_SQL, MAKE_DONE_PARTITIONS_SQL } from '../store/sql/autovacuum.sql.js';
import { restAfterWork, type Rest } from './pacing.js';

/** Days after today for which the tables of done jobs are made ahead (today's included). */
const DONE_PARTITION_DAYS_AHEAD = 3;
/**
 * How long emptying or dropping an expired table may wait for its locks (a drop blocks completions
 * while it waits), and stay idle holding them (a paused process would block completions meanwhile).
 */
const LOCK_TIMEOUT_MS = 500;

/** Makes the tables of done jobs for today and the next days that have none yet: their names. */
export async function makeDonePartitions(client: PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ made: string }>(MAKE_DONE_PARTITIONS_SQL, [DONE_PARTITION_DAYS_AHEAD]);
  return rows.map((r) => r.made);
}

/** What a pass did with the expired tables of done jobs: those dropped, the jobs of those emptied, those left. */
export interface DroppedDonePartitions {
  tables: string[];
  jobs: number;
  /** Expired, but their lock was busy: emptied by the next pass (their jobs are not deleted one by one meanwhile). */
  left: string[];
}

/**
 * Removes the tables of done jobs in which every job is past the longest removal interval
 * (`maxDays`). Each table is first emptied alone (`TRUNCATE`, which locks that table only: completions,
 * which write today's table, go on), then the pass rests (pacing.ts). The empty tables are then
 * dropped in one `DROP TABLE`, which locks `queue_job_done` (completions wait) only briefly, since
 * nothing is left to remove (14 ms for eight days on the benchmark machine). A table whose lock is
 * not granted within 500 ms (a report reading that day) is left, whole, for the next pass; an empty
 * table whose drop had to wait stays until the next pass too. Returns what was dropped and the jobs
 * it held.
 */
export async function dropExpiredDonePartitions(client: PoolClient, maxDays: number, rest: Rest): Promise<DroppedDonePartitions> {
  const { rows } = await client.query<{ name: string }>(EXPIRED_DONE_PARTITIONS_SQL, [maxDays]);
  const emptied: string[] = [];
  const dropped: DroppedDonePartitions = { tables: [], jobs: 0, left: [] };
  for (const [i, { name }] of rows.entries()) {
    const started = performance.now();
    const jobs = await emptyWithin(client, name);
    if (jobs === null) {
      dropped.left.push(name);
      continue;
    }
    emptied.push(name);
    dropped.jobs += jobs;
    if (!(await restAfterWork(rest, started))) {
      dropped.left.push(...rows.slice(i + 1).map((r) => r.name));
      break;
    }
  }
  if (emptied.length > 0 && await dropWithin(client, emptied)) dropped.tables.push(...emptied);
  else if (emptied.length > 1) {
    // A busy table held them all back: each alone now, so that the others go.
    for (const name of emptied) if (await dropWithin(client, [name])) dropped.tables.push(name);
  }
  return dropped;
}

/** `statements` in a transaction of its own, bounded to 500 ms (bounded-transaction.ts): false if a lock was not granted. */
async function withinLockTimeout(client: PoolClient, statements: () => Promise<void>): Promise<boolean> {
  try {
    await inBoundedTransaction(client, LOCK_TIMEOUT_MS, statements);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code !== '55P03') throw error;
    return false;
  }
}

/**
 * Counts the jobs of `name` and empties it, under that table's locks alone: the jobs it held, or null
 * if a lock was busy. The count runs under a lock that stops writes but not reads (a lookup by uuid
 * reads every table of done jobs); only the `TRUNCATE` itself keeps readers out.
 */
async function emptyWithin(client: PoolClient, name: string): Promise<number | null> {
  const table = client.escapeIdentifier(name);
  let jobs = 0;
  const emptied = await withinLockTimeout(client, async () => {
    await client.query(`LOCK TABLE ${table} IN SHARE ROW EXCLUSIVE MODE`);
    jobs = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
    await client.query(`TRUNCATE ${table}`);
  });
  return emptied ? jobs : null;
}

/** `DROP TABLE` of `names` within the lock timeout: whether it was done. */
function dropWithin(client: PoolClient, names: string[]): Promise<boolean> {
  return withinLockTimeout(client, async () => {
    await client.query(`DROP TABLE ${names.map((name) => client.escapeIdentifier(name)).join(', ')}`);
  });
}
