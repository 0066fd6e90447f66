/** The states of a job, stored as these exact strings in `queue_job.state` (SPEC §3). */
export const JobState = {
  WaitDependencies: 'wait_dependencies',
  Pending: 'pending',
  Enqueued: 'enqueued',
  Started: 'started',
  Done: 'done',
  Cancelled: 'cancelled',
  Failed: 'failed',
} as const;

export type JobState = (typeof JobState)[keyof typeof JobState];

export const JOB_STATES: readonly JobState[] = Object.values(JobState);

/** States in which a job holds a slot of its channel's capacity. */
export const RUNNING_STATES: readonly JobState[] = [JobState.Enqueued, JobState.Started];
