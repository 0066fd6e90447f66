import type { PoolClient } from 'pg';
import { inBoundedTransaction } from '../store/bounded-transaction.js';
import { DELETE_OLD_CANCELLED_SQL, DELETE_OLD_DONE_SQL } from '../store/sql/autovacuum.sql.js';
import { restAfterWork, type Rest } from './pacing.js';

export interface ExpiredRows {
  /** The smallest removal interval of any channel, in days: no younger job is read. */
  minDays: number;
  /** Root's removal interval, for the jobs of channels without a record. */
  rootDays: number;
  batchSize: number;
  /** Bound of each batch's transaction (its rows are locked until it commits). */
  lockTimeoutMs: number;
  /** Expired day tables whose lock was busy: left whole for the next pass, not deleted row by row. */
  left: string[];
}

/**
 * Deletes the done, then the cancelled, jobs older than their channel's removal interval that no
 * dropped day table took with it (jobs of the days that also hold jobs to keep, cancelled jobs), in
 * batches, resting after each full batch in proportion to its work (pacing.ts). Returns the jobs
 * deleted; stops early when a rest says the app is shutting down.
 */
export async function deleteExpiredRows(client: PoolClient, p: ExpiredRows, rest: Rest): Promise<number> {
  let deleted = 0;
  for (const sql of [DELETE_OLD_DONE_SQL, DELETE_OLD_CANCELLED_SQL]) {
    // Each batch starts at the date where the previous one ended (autovacuum.sql.ts).
    let from = '-infinity';
    for (;;) {
      const started = performance.now();
      const batch = await deleteBatch(client, p.lockTimeoutMs, sql, [p.minDays, p.rootDays, p.batchSize, p.left, from]);
      deleted += batch.n;
      if (batch.n < p.batchSize) break;
      from = batch.last!;
      if (!(await restAfterWork(rest, started))) return deleted;
    }
  }
  return deleted;
}

/**
 * The plan of a batch (autovacuum.sql.ts): without JIT (the planner's estimates over every day table
 * pass `jit_above_cost`, and compiling took most of the time), and joining the batch's jobs to their
 * rows by a nested loop, each job looked up in its own day table (its date prunes the others at run
 * time); given literal values the planner chose a hash join, which reads every day table whole.
 */
const BATCH_PLAN_SQL = 'SET LOCAL jit = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off';

/**
 * One batch of row deletes in a transaction of its own, bounded (bounded-transaction.ts: its rows are
 * locked until it commits), with the plan settings above: the jobs deleted, and the latest date among them.
 */
function deleteBatch(client: PoolClient, lockTimeoutMs: number, sql: string, values: unknown[]): Promise<{ n: number; last: string | null }> {
  return inBoundedTransaction(client, lockTimeoutMs, async () => {
    await client.query(BATCH_PLAN_SQL);
    return (await client.query<{ n: number; last: string | null }>(sql, values)).rows[0];
  });
}
