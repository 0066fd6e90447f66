/**
 * `queue_job` is partitioned by lifecycle: a job changing between live, failed, cancelled and done
 * moves to another table. A statement that waited for such a job's row lock then fails with SQLSTATE
 * 40001 ("tuple to be locked was already moved to another partition due to concurrent update")
 * instead of reading the job again as it would within one table. Nothing it wrote stands (it failed
 * whole), so the same work is sent again: it now sees the job in its new state.
 */

const MOVED_ROW = /moved to another partition/;
const ATTEMPTS = 5;

/** A statement failed because a row it waited for moved to another partition of `queue_job`. */
export function isMovedRow(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '40001' && typeof message === 'string' && MOVED_ROW.test(message);
}

/** Runs `work` (a statement in autocommit, or a whole transaction) again while it fails only because a row moved. */
export async function retryMovedRows<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isMovedRow(error) || attempt >= ATTEMPTS) throw error;
    }
  }
}
