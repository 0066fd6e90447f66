import type { PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';
import { boundedBeginSql, commitOrRollBack } from './bounded-transaction.js';
import type { JobStore } from './job-store.js';
import { JobsCopyStream } from './jobs-copy-stream.js';

/**
 * Runs `work` with a COPY stream (JobsCopyStream) in a transaction of its own: committed when `work`
 * returns, rolled back when it throws. The connection is a TypeORM query runner's, whose manager
 * carries the statements `work` sends besides the COPY (an INSERT of rows with identity keys).
 *
 * The transaction is bounded as every lock holder of the module is (boundedBeginSql: idle and lock
 * waits, lockTimeout). A COPY waiting for rows is not idle, so `statement_timeout` (lockTimeout) bounds
 * it too, and the stream starts a new COPY every lockTimeout / 2. A process paused in the middle,
 * in a COPY or between statements, holds the locks of its transaction (a channel's maxPending room,
 * identity keys) at most that long.
 *
 * Round trips: from PostgreSQL 13 on (a SET in a query string applies to the statements after it),
 * the bounded BEGIN and statement_timeout go in the query string of the first COPY; before 13, in one
 * statement of their own. `first` (the maxPending reservation) runs after BEGIN and before
 * statement_timeout.
 */
export async function inCopyTransaction<T>(
  store: JobStore, work: (copy: JobsCopyStream, manager: EntityManager) => Promise<T>, first?: (manager: EntityManager) => Promise<void>,
): Promise<T> {
  const runner = store.dataSource.createQueryRunner();
  try {
    const connection = (await runner.connect()) as PoolClient;
    return await commitOrRollBack(connection, async () => {
      const begin = boundedBeginSql(store.lockTimeoutMs);
      if (first) {
        await connection.query(begin);
        await first(runner.manager); // before statement_timeout: a stalled room holder still fails it with 55P03
      }
      const setup = `${first ? '' : `${begin}; `}SET LOCAL statement_timeout = ${Math.trunc(store.lockTimeoutMs)}`;
      const inFirstCopy = await store.setsApplyWithinQuery(connection);
      if (!inFirstCopy) await connection.query(setup);
      const limits = { maxCopyMs: store.lockTimeoutMs / 2 };
      const copy = new JobsCopyStream(connection, inFirstCopy ? { ...limits, firstStatement: setup } : limits);
      try {
        const result = await work(copy, runner.manager);
        await copy.end(); // runs the setup if no COPY did
        return result;
      } catch (error) {
        await copy.abort(error);
        throw error;
      }
    });
  } finally {
    await runner.release();
  }
}
