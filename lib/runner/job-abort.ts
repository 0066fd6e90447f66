import type { QueryRunner } from 'typeorm';

/**
 * How a job's attempt is cut short (its timeout): the attempt's `AbortSignal`, made only when the job
 * asks for it — most jobs never do, and an AbortController with its listeners costs more than the
 * rest of a short job's bookkeeping — and the race that ends the attempt as soon as it aborts.
 */
export class AttemptAbort {
  private controller: AbortController | undefined;
  private onAbort: ((reason: Error) => void) | undefined;
  private abortReason: Error | undefined;

  get aborted(): boolean {
    return this.abortReason !== undefined;
  }

  get reason(): Error | undefined {
    return this.abortReason;
  }

  /** The signal given to the job (`currentJob().signal`). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  abort(reason: Error): void {
    if (this.abortReason) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
    this.onAbort?.(reason);
  }

  throwIfAborted(): void {
    if (this.abortReason) throw this.abortReason;
  }

  /** The job's promise, or the abort reason as soon as it aborts: whatever the job does later settles nothing. */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.abortReason) {
      work.catch(() => undefined);
      return Promise.reject(this.abortReason);
    }
    return new Promise<T>((resolve, reject) => {
      this.onAbort = reject;
      work.then(resolve, reject);
    });
  }
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
