import { type CandidateJob, compareJobs, queueWakeup, startableJobs } from './channel-job.js';

/** The pending jobs of one channel in queue order; a job with an eta waits aside until it is due. */
export class ChannelQueue<T extends CandidateJob = CandidateJob> {
  private readonly jobs: T[] = [];

  /** A sequential queue only ever yields its head, once due. */
  constructor(private readonly sequential = false) {}

  /** Number of jobs in the queue. */
  get size(): number {
    return this.jobs.length;
  }

  /** Adds a job, or replaces the job with the same id (its priority or eta may have changed). */
  add(job: T): void {
    this.remove(job.id);
    const at = this.jobs.findIndex((queued) => compareJobs(job, queued) < 0);
    this.jobs.splice(at < 0 ? this.jobs.length : at, 0, job);
  }

  /** Removes and returns the first job that may start at `now`, if any. */
  pop(now: number): T | undefined {
    const [job] = startableJobs(this.jobs, now, this.sequential);
    if (job !== undefined) this.remove(job.id);
    return job;
  }

  /** Removes a job; unknown ids are ignored. */
  remove(id: string): void {
    const at = this.jobs.findIndex((job) => job.id === id);
    if (at >= 0) this.jobs.splice(at, 1);
  }

  /** The earliest future eta that would let `pop` return a job, or null. */
  wakeup(now: number): number | null {
    return queueWakeup(this.jobs, now, this.sequential);
  }
}
