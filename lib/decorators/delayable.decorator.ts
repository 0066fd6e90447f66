import { SetMetadata } from '@nestjs/common';
import { DELAYABLE_METADATA } from '../queue-job.constants.js';
import { interceptCalls } from './delayable-interception.js';
import type { IdentityKey } from '../enqueue/identity-key.js';
import type { MissingRecordPolicy, RelatedActionConfig } from '../records/declarations.js';
import type { RetryPattern } from '../runner/retry-pattern.js';

/** Per-call options of a job (decorator defaults, overridden by `withDelay(target, options)`). */
export interface DelayOptions {
  /** Lower runs first (default 10). */
  priority?: number;
  /** Not run before this date, or this many seconds from now. */
  eta?: Date | number;
  /** Attempts before the job fails for good (default 5; 0 = retry for ever). */
  maxRetries?: number;
  /** Shown in the admin (default: the job function name). */
  description?: string;
  /** Channel, e.g. `root.sale` or `sale` (default: the job function's channel, else `root`). */
  channel?: string;
  /**
   * No new job while one with this key is waiting, pending or enqueued: the existing one is returned.
   * A string, or a function of the job such as `identityExact`: it receives `{ jobFunction, args, storedArgs }`,
   * `args` as given to the method (entities as instances), `storedArgs` as stored (tagged JSON).
   */
  identityKey?: IdentityKey;
  /**
   * Seconds an attempt may run (whole, >= 1): then `currentJob().signal` aborts and the attempt is
   * retried as a JobTimeoutError (it counts against `maxRetries`). Per call, it wins over the job
   * function's `timeout`, which wins over `runner.jobTimeout` (default: none).
   */
  timeout?: number;
}

/** Options of `@Delayable()`: job defaults plus the job function's own settings. */
export interface DelayableOptions extends DelayOptions {
  /** Job function name (default `<ClassName>.method`). */
  name?: string;
  /** Delays between retries: `{ retry: seconds | [min, max] }` (default 600 s). */
  retryPattern?: RetryPattern;
  /** The admin's "Related" button: `{ enable?, funcName?, kwargs? }` (default: open the job's records). */
  relatedAction?: RelatedActionConfig;
  /**
   * Lease of this job function's jobs in seconds (default `runner.leaseSeconds`), for CPU-bound jobs
   * that block the event loop, hence the lease heartbeat, for longer than the default lease.
   */
  leaseSeconds?: number;
  /**
   * When a record passed to a job (an entity argument) was deleted before the job ran: `'fail'`
   * (default) fails the job as a RecordNotFoundError; `'done'` ends it done without calling the
   * method, its result naming the record ("Skipped: ShopOrder 42 no longer exists …").
   */
  onMissingRecord?: MissingRecordPolicy;
}

/**
 * What `@Delayable()` accepts: a method that returns a Promise. A call from outside a job resolves to
 * a `Job` instead of running the method, so a method that returns a plain value would be typed with
 * a value it never returns.
 */
export type DelayableMethodReturningPromise = (...args: never[]) => Promise<unknown>;

/** `@Delayable()` itself: applies only to methods that return a Promise (a compile-time error otherwise). */
export type DelayableDecorator = <M extends DelayableMethodReturningPromise>(
  target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>,
) => void;

/**
 * Marks a provider method as a job function: a call stores a job and resolves to its `Job` handle;
 * the runner later calls the real method with the stored arguments. The method is intercepted from
 * here on (see `interceptCalls`): a call before QueueJobModule initialised is refused, never run inline.
 */
export const Delayable = (options: DelayableOptions = {}): DelayableDecorator => (target, key, descriptor) => {
  interceptCalls(key, descriptor);
  SetMetadata(DELAYABLE_METADATA, options)(target, key, descriptor);
};
