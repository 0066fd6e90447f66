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

/** States a job never leaves by itself: the admin's "finished" jobs, the history autovacuum deletes. */
export const FINISHED_STATES: readonly JobState[] = [JobState.Done, JobState.Cancelled];

/** States in which a job holds a slot of its channel's capacity. */
export const RUNNING_STATES: readonly JobState[] = [JobState.Enqueued, JobState.Started];

/**
 * The manual actions of SPEC §3 and the states each one accepts. Cancel also takes a `started` job
 * (issue 19): the runner running it aborts its attempt (cancel-notices.ts), whose outcome is fenced.
 */
export const MANUAL_ACTION_FROM = {
  requeue: [JobState.Failed],
  setDone: [JobState.WaitDependencies, JobState.Pending, JobState.Enqueued, JobState.Failed],
  cancel: [JobState.WaitDependencies, JobState.Pending, JobState.Enqueued, JobState.Started, JobState.Failed],
} as const satisfies Record<string, readonly JobState[]>;

export type ManualAction = keyof typeof MANUAL_ACTION_FROM;
