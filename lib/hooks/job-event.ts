/** Lifecycle events of a job (issue "Observability": OTel, metrics, @nestjs/event-emitter, notifications). */
export type JobEventName = JobTransitionName | 'job.progress';

/** The events that change a job's state (every one but `job.progress`). */
export type JobTransitionName = 'job.enqueued' | 'job.started' | 'job.done' | 'job.retrying' | 'job.failed' | 'job.cancelled';

export interface JobEvent {
  name: JobEventName;
  uuid: string;
  jobFunction: string;
  channel: string;
  /** Attempt number (0 before the first run). */
  retry: number;
  maxRetries: number;
  at: Date;
  /** Seconds the attempt ran (done, retrying, failed after a run). */
  execTime?: number;
  /** Seconds between the job becoming due (eta or creation) and its start (started). */
  waitSeconds?: number;
  /** Return value (done). */
  result?: unknown;
  excName?: string;
  excMessage?: string;
  /** When a retry runs again (retrying). */
  retryEta?: Date;
  /** How far the job got, 0 to 1 (progress: a report stored, at most one per job per second). */
  progress?: number;
  /** What the job said with it (progress); null: nothing. */
  progressMessage?: string | null;
  /** Who acted, for manual actions. */
  by?: string;
  /**
   * What led to a failure or retry outside an execution: `dead-executor` (its worker is gone),
   * `lease-lost` (its worker was alive but did not renew the lease: a blocked event loop, a pause),
   * `manual`.
   */
  reason?: 'dead-executor' | 'lease-lost' | 'manual';
}

/** The event changes the job's state (what counts and logs track); `job.progress` does not. */
export const isTransition = (event: JobEvent): event is JobTransition => event.name !== 'job.progress';

export type JobTransition = JobEvent & { name: JobTransitionName };

/** The job was taken back from its executor (dead, or alive past its lease). */
export const isRescue = (event: JobEvent): boolean => event.reason === 'dead-executor' || event.reason === 'lease-lost';

/** A job as its execution wrappers see it. */
export interface ExecutingJob {
  uuid: string;
  jobFunction: string;
  channel: string;
  retry: number;
  maxRetries: number;
  context: Record<string, unknown> | null;
  userId: string | null;
  traceContext: Record<string, string> | null;
}
