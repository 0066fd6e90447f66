import type { QueryRunner } from 'typeorm';

/**
 * The job's promise, or its signal's reason as soon as the signal aborts: the attempt ends then,
 * whatever the job does next (its late outcome settles nothing).
 */
export function untilAborted<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Ends the transaction of a job that timed out by closing its connection: PostgreSQL rolls it back,
 * and whatever the job sends through it next fails. A ROLLBACK would wait behind a query of the job
 * still under way, after which the job's next query would run in autocommit and stick; the pool drops
 * a closed connection instead of lending it again.
 */
export function abandonTransaction(transaction: QueryRunner): void {
  if (transaction.isReleased) return;
  void transaction.connect().then((client: { end(): Promise<void> }) => {
    void client.end().catch(() => undefined);
    return transaction.release();
  }).catch(() => undefined);
}
