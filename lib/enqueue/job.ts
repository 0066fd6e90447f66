import type { QueueJob } from '../store/entities/queue-job.entity.js';
import type { JobState } from '../store/job-state.js';

/** Handle of a stored job, returned by a delayed call. */
export class Job {
  constructor(
    readonly uuid: string,
    readonly jobFunction: string,
    readonly channel: string,
    readonly priority: number,
    readonly eta: Date | null,
    /** The state when the call returned. */
    readonly state: JobState,
    /** `false` when a job with the same identity key already existed and is returned instead. */
    readonly created: boolean,
    private readonly load: (uuid: string) => Promise<QueueJob | null>,
  ) {}

  /** The job's row as it is now. */
  async dbRecord(): Promise<QueueJob> {
    const record = await this.load(this.uuid);
    if (!record) throw new Error(`Job ${this.uuid} (${this.jobFunction}) no longer exists: it was deleted, e.g. by autovacuum.`);
    return record;
  }
}
