import type { ChannelGauges } from '../store/observability-reads.js';

export type { ChannelGauges };

/** Lifecycle events counted by this app instance since it started. */
export interface JobCounts {
  enqueued: number;
  started: number;
  /** By a run or by hand (set done). */
  done: number;
  /** Attempts that ended in a retry (RetryableJobError, concurrency errors, dead executors). */
  retried: number;
  /** Failed for good (errors, max retries reached, JobFoundDead). */
  failed: number;
  cancelled: number;
  /** Jobs of a dead executor this instance requeued or failed as JobFoundDead. */
  rescued: number;
}

/** Seconds: how many, their sum and the largest. */
export interface DurationStats {
  count: number;
  sum: number;
  max: number;
}

export interface JobFunctionStats extends JobCounts {
  jobFunction: string;
  channel: string;
  /** Execution time of the attempts run here. */
  execTime: DurationStats;
  /** Time from due (eta or creation) to start, of the attempts started here. */
  waitTime: DurationStats;
}

/** `QueueJobMetrics.snapshot()` / `JobService.stats()`. */
export interface QueueJobStats {
  /** Start of the counting (this instance's startup). */
  since: Date;
  totals: JobCounts;
  /** Per channel and job function, sorted. */
  byJobFunction: JobFunctionStats[];
  /** Read from the database now: the jobs of every instance. */
  channels: ChannelGauges[];
  /** Jobs running in this instance now. */
  runningHere: number;
}
