import type { DataSource } from 'typeorm';
import type { QueueJobAdminOptions } from './admin/admin.options.js';
import type { QueueJobContextOptions } from './context/context-options.js';
import type { ObservabilityOptions, ResolvedObservabilityOptions } from './observability/observability.options.js';

/** Options of `QueueJobModule.forRoot()` / `forRootAsync()`. */
export interface QueueJobModuleOptions {
  /** Channel configuration, e.g. `root:4,root.sale:2,mail:1:throttle=2` (SPEC §5). Env `QUEUE_JOB_CHANNELS` wins. */
  channels?: string;
  /** `false` turns the runner off in this instance (env `QUEUE_JOB_RUNNER=0` too). */
  runner?: boolean | RunnerOptions;
  /** Run `@Delayable()` calls at once instead of storing jobs (env `TEST_QUEUE_JOB_NO_DELAY=1` / `QUEUE_JOB_NO_DELAY=1` too). */
  noDelay?: boolean;
  /** Run the module's migrations at startup (default `true`). */
  migrationsRun?: boolean;
  /**
   * Channel names that look misspelled — listed in `channels` but used by nothing, or used by a job
   * function but not listed — stop the app instead of logging a warning (default `false`).
   */
  strictChannels?: boolean;
  /**
   * Milliseconds (default 5000) that a transaction holding a lock other instances wait for (claims,
   * graph releases, manual actions, rescues, cron slots) may stay idle, or wait for such a lock,
   * before PostgreSQL ends it: the most a paused or cut-off instance can hold the others up.
   */
  lockTimeout?: number;
  /** Deletion of old done and cancelled jobs (default: daily, in batches of 1000); `false` turns it off. */
  autovacuum?: false | AutovacuumOptions;
  /**
   * What travels with each job, from the code that enqueues it to the code that runs it:
   * `{ capture(), restore(context, run) }`, e.g. `asyncLocalStorageContext(storage)` or
   * `clsContext({ keys })` (`nestjs-queue-job/cls`). Stored in `context`; its `userId` in `user_id`.
   */
  context?: QueueJobContextOptions;
  /** OpenTelemetry tracing, prom-client metrics, @nestjs/event-emitter events: each on when its package is installed (docs/observability.md). */
  observability?: ObservabilityOptions;
}

export interface AutovacuumOptions {
  /** Milliseconds between two passes (default 86400000: daily). */
  interval?: number;
  /** Rows deleted per statement (default 1000). */
  batchSize?: number;
}

export interface RunnerOptions {
  /** Default `true`. */
  enabled?: boolean;
  /** Jobs this instance runs at once, at most (default 32); channel capacities hold across all instances. */
  concurrency?: number;
  /** Safety-net poll in milliseconds, for NOTIFYs lost while reconnecting (default 5000). */
  pollInterval?: number;
  /** How long shutdown waits for running jobs, in milliseconds (default 30000). */
  shutdownTimeout?: number;
  /** Lease of a claimed job, in seconds, renewed while it runs (default 30); a job function's `leaseSeconds` wins. */
  leaseSeconds?: number;
  /**
   * Seconds any attempt may run (default 0: no limit). A job function's `timeout`, then a call's,
   * win over it. A timed-out attempt is retried as a JobTimeoutError and its slot is free at once.
   */
  jobTimeout?: number;
  /**
   * Seconds a job function may go undeclared by every live instance before its pending jobs fail as
   * `UnknownJobFunction`, and before its records (and channels no instance declares) are deleted
   * (default 600). Give every instance on one database the same value.
   */
  unknownFunctionGrace?: number;
}

/** Extras of `forRoot()` / `forRootAsync()`, known when the module is imported. */
export interface QueueJobModuleExtras {
  /** Register the module globally (default `true`), so `JobService` can be injected anywhere. */
  isGlobal?: boolean;
  /** The TypeORM DataSource to use: its name in `TypeOrmModule.forRoot({ name })`, or the DataSource options (default: the default one). */
  dataSource?: string | DataSource;
  /** Mounts the "Job Queue" admin (pages + REST API) at `admin.path` (default `/queue-job`), behind `admin.guard`; `true` = defaults. */
  admin?: QueueJobAdminOptions | boolean;
}

/** Options after environment overrides and defaults. */
export interface ResolvedQueueJobOptions {
  channels: string;
  runner: Required<RunnerOptions>;
  noDelay: boolean;
  /** The runner is enabled and jobs are delayed: this instance claims jobs, fires crons and runs autovacuum. */
  runsJobs: boolean;
  migrationsRun: boolean;
  strictChannels: boolean;
  lockTimeout: number;
  /** `interval` 0 = off. */
  autovacuum: Required<AutovacuumOptions>;
  /** The `context` option, checked; null when not set. */
  context: QueueJobContextOptions | null;
  observability: ResolvedObservabilityOptions;
}
