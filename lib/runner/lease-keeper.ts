import { Logger } from '@nestjs/common';
import { JobCancelledError } from '../errors/job-cancelled.error.js';
import { messageOf } from '../errors/describe-thrown.js';
import { jobCancelledWhileRunning } from '../queue-job.messages.js';
import type { ClaimedJobRow } from '../store/claim-cycle.js';
import type { JobStore } from '../store/job-store.js';
import type { AttemptAbort } from './job-abort.js';
import type { JobLeases } from './job-leases.js';

/** A job running in this instance, as far as its lease goes. */
export interface RunningAttempt {
  job: ClaimedJobRow;
  abort: AttemptAbort;
}

/**
 * The leases of the jobs running here: extended by the heartbeat (each by its job function's length)
 * so that nobody takes them back, and at once for jobs whose function has a lease of its own. Jobs
 * cancelled meanwhile (named by a cancel's NOTIFY, or found by the heartbeat when that was missed)
 * have their attempts aborted, which frees their local slots.
 */
export class LeaseKeeper {
  private readonly logger = new Logger('QueueJob');

  constructor(
    private readonly store: JobStore,
    private readonly leases: JobLeases,
    private readonly running: () => Iterable<RunningAttempt>,
  ) {}

  /** Heartbeat: extends every running job's lease; aborts those found cancelled. */
  async renew(): Promise<void> {
    const jobs = [...this.running()].map((r) => r.job);
    if (jobs.length === 0) return;
    try {
      this.abortCancelled(await this.store.renewLeases(jobs.map((j) => j.id), jobs.map((j) => j.lease_token), jobs.map((j) => this.leases.of(j.job_function))));
    } catch (error) {
      this.logger.warn(`Could not renew job leases: ${messageOf(error)}`);
    }
  }

  /** Jobs whose function has a lease of its own get it before their code runs: a CPU-bound job may block the heartbeat at once. */
  async extendOwn(own: { ids: string[]; tokens: string[]; seconds: number[] }): Promise<void> {
    try {
      await this.store.renewLeases(own.ids, own.tokens, own.seconds);
    } catch (error) {
      this.logger.warn(`Could not extend ${own.ids.length} job lease(s) to their job function's leaseSeconds: ${messageOf(error)}`);
    }
  }

  /** The cancel already wrote these jobs' rows and freed their channel slots: their attempts end now. */
  abortCancelled(uuids: readonly string[]): void {
    if (uuids.length === 0) return;
    const cancelled = new Set(uuids);
    for (const { job, abort } of this.running()) {
      if (!cancelled.has(job.uuid) || abort.aborted) continue;
      this.logger.log(jobCancelledWhileRunning(job.uuid, job.job_function));
      abort.abort(new JobCancelledError());
    }
  }
}
