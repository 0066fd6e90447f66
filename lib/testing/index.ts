/** `nestjs-queue-job/testing`: helpers for testing apps that enqueue jobs. */
export { trapJobs, type ProviderSource } from './trap-jobs.js';
export { JobsTrap, type JobMethod, type PerformedJobs } from './jobs-trap.js';
export type { TrappedJob, TrappedJobProperties } from './trapped-job.js';
export { NoDelayPolicy, QueueJobDelayPolicy, QUEUE_JOB_DELAY_POLICY } from '../enqueue/delay-policy.js';
