import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from 'typeorm';

/** What a running job's code can learn about its job, through `currentJob()`. */
export interface JobContext {
  readonly uuid: string;
  readonly jobFunction: string;
  readonly channel: string;
  /** Attempt number: 1 on the first run. */
  readonly retry: number;
  readonly maxRetries: number;
  /**
   * The job's own transaction, opened on first call. Work done through it commits together with the
   * job's `done` record, and is rolled back if the job fails or is retried. A job that never calls it
   * pays for no transaction.
   */
  manager(): Promise<EntityManager>;
  /**
   * Aborted when the job times out (its `timeout`) or is cancelled (`jobs.cancel`, the admin): stop,
   * and pass it to what accepts one (`fetch`, timers of `node:timers/promises`…). Its `reason` says
   * which (JobTimeoutError, JobCancelledError). The attempt is already recorded (a JobTimeoutError
   * retry, or cancelled): whatever the job returns or writes through `manager()` afterwards is
   * ignored or rolled back.
   */
  readonly signal: AbortSignal;
  /**
   * Reports how far the job got: `fraction` from 0 to 1 (0.42 for 42 %), and optionally what it is
   * doing (`'row 4200 of 10000'`, cut to 500 characters). Call it as often as you like: it returns at
   * once, and the runner stores at most one report per second (the latest), plus the last one when the
   * job ends; the admin shows it as a bar, `findJob()` as `progress` / `progressMessage`, and each
   * stored report is a `job.progress` event. A new attempt starts without progress. A fraction
   * outside [0, 1], NaN, or a message that is not a string throws. In no-delay mode and in a trap's
   * `performEnqueuedJobs()` it is checked the same way but nothing is stored (a trap keeps the last
   * report on the trapped job).
   */
  progress(fraction: number, message?: string): void;
}

// Context, not shared state: each job's async call chain sees its own value.
const storage = new AsyncLocalStorage<JobContext>();

/** Runs `fn` as the code of the job described by `context`. */
export function runInJobContext<T>(context: JobContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The job whose code is running, or `undefined` outside a job. */
export function currentJobOrUndefined(): JobContext | undefined {
  return storage.getStore();
}

/** The job whose code is running; throws when called outside a job's execution. */
export function currentJob(): JobContext {
  const context = storage.getStore();
  if (!context) {
    throw new Error('currentJob() was called outside a running job: call it from the code of a @Delayable() method while the runner executes it.');
  }
  return context;
}
