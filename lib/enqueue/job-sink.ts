import type { Job } from './job.js';
import type { PreparedJob } from './prepared-job.js';

/** Where enqueued jobs go instead of the database while a test traps them (see `trapJobs`). */
export interface JobSink {
  accept(jobs: PreparedJob[]): Promise<Job[]>;
}
