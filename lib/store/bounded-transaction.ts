import type { PoolClient } from 'pg';

/**
 * Transactions that hold a lock other instances wait for (the claim lock, job rows, a cron slot) are
 * bounded: if their process stalls (SIGSTOP, a long GC, a frozen VM) PostgreSQL ends the session
 * after `ms` of idleness, and a wait for a lock gives up after `ms` (55P03, retried like any
 * concurrency error). So a paused instance holds the others up for at most `ms` (option `lockTimeout`).
 */
export function boundedBeginSql(ms: number): string {
  const bound = Math.trunc(ms);
  return `BEGIN; SET LOCAL idle_in_transaction_session_timeout = ${bound}; SET LOCAL lock_timeout = ${bound}`;
}

/** `BEGIN`, bounded (one round trip). */
export async function beginBounded(client: PoolClient, ms: number): Promise<void> {
  await client.query(boundedBeginSql(ms));
}

/** The same bound for a transaction already open (a job's own), as select-list items: `$n` is the bound in ms, as text. */
export const boundTransactionColumns = (param: string) =>
  `set_config('idle_in_transaction_session_timeout', ${param}, true), set_config('lock_timeout', ${param}, true)`;

/** Runs `work` in a bounded transaction on `client` (see beginBounded and commitOrRollBack). */
export async function inBoundedTransaction<T>(client: PoolClient, ms: number, work: () => Promise<T>): Promise<T> {
  await beginBounded(client, ms);
  return commitOrRollBack(client, work);
}

/**
 * Runs `work` in the transaction open on `client` (or opened by `work`'s first statement): committed
 * when it returns, rolled back when it throws, and what it threw rethrown (a failed ROLLBACK, on a
 * connection the bound closed, does not hide it).
 */
export async function commitOrRollBack<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
