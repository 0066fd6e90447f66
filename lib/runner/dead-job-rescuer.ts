import { Logger } from '@nestjs/common';
import { messageOf } from '../errors/describe-thrown.js';
import type { QueueJobHooks } from '../hooks/queue-job-hooks.js';
import type { JobStore } from '../store/job-store.js';
import { rescueDeadJobs, type LeaseLengths, type RescuedJob } from '../store/rescue-dead-jobs.js';
import { DeadWorkerWatch, RESCUE_INTERVAL_MS } from './dead-worker-watch.js';

/**
 * Every second, on its own connection and outside claim cycles (so that a claim never waits for
 * it): jobs of dead workers and expired leases go back to pending, whose NOTIFY wakes the claimers.
 * It looks even when nothing wakes the runner (an instance whose channels are full of a dead worker's
 * jobs has nothing to claim): recovery must not wait for the poll.
 */
export class DeadJobRescuer {
  private readonly logger = new Logger('QueueJob');
  private readonly deadWorkers = new DeadWorkerWatch();
  private ticks: NodeJS.Timeout | undefined;
  private looking = false;

  constructor(
    private readonly store: JobStore,
    private readonly hooks: QueueJobHooks,
    private readonly workerId: string,
    private readonly leases: () => LeaseLengths,
  ) {}

  start(): void {
    // Ticks finer than the look interval: a look is due 1 s after the previous one was taken (mid-cycle),
    // and ticks of exactly 1 s would find it not quite due and skip to 2 s.
    this.ticks = setInterval(() => void this.look(), RESCUE_INTERVAL_MS);
  }

  stop(): void {
    clearInterval(this.ticks);
    this.ticks = undefined;
  }

  /** This instance lost the database for a while: what it saw before says nothing about the others now. */
  reset(): void {
    this.deadWorkers.reset();
  }

  private async look(): Promise<void> {
    if (!this.ticks || this.looking) return;
    this.looking = true;
    try {
      const rescued = await this.store.withClient((client) =>
        rescueDeadJobs(client, this.workerId, (orphans) => this.deadWorkers.pickDead(orphans), this.leases(), this.store.lockTimeoutMs));
      for (const job of rescued) this.report(job);
    } catch (error) {
      this.deadWorkers.reset();
      this.logger.warn(`Looking for dead workers failed: ${messageOf(error)}`);
    } finally {
      this.looking = false;
    }
  }

  private report(job: RescuedJob): void {
    const cause = job.worker_alive
      ? `its lease of ${job.lease} s expired while its executor ${job.worker_id} was alive but unresponsive`
      : `its executor ${job.worker_id} stopped`;
    this.logger.warn(`Job ${job.uuid} ${job.job_function}: ${cause}; job set ${job.state}${job.state === 'failed' ? ` (${job.exc_name})` : ''}`);
    this.hooks.emit({
      name: job.state === 'failed' ? 'job.failed' : 'job.retrying', uuid: job.uuid, jobFunction: job.job_function,
      channel: job.channel, retry: job.retry, maxRetries: job.max_retries, at: new Date(), reason: job.worker_alive ? 'lease-lost' : 'dead-executor',
      excName: job.exc_name ?? undefined, excMessage: job.exc_message ?? undefined,
    });
  }
}
