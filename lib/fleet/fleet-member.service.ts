import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JobFunctionRegistry } from '../discovery/job-function.registry.js';
import { QueueJobHooks } from '../hooks/queue-job-hooks.js';
import { QUEUE_JOB_RESOLVED_OPTIONS } from '../queue-job.constants.js';
import type { ResolvedQueueJobOptions } from '../queue-job.options.js';
import type { DesiredRecords } from '../records/desired-records.js';
import { JobRunner } from '../runner/job-runner.js';
import { announceWorker, failUnknownFunctionJobs, forgetWorkers, type UnknownFunctionJob, type WorkerAnnouncement } from '../store/fleet.js';
import { JobStore } from '../store/job-store.js';
import { fleetTimings } from './fleet-timings.js';
import { messageOf } from '../errors/describe-thrown.js';

/**
 * This instance as a member of the fleet on its database (rolling deploys, several apps): it
 * announces what it declares in `queue_job_worker` at startup (with the records) and at every
 * heartbeat, forgets the workers not seen within `runner.unknownFunctionGrace`, and — when it runs
 * jobs and has watched the fleet for that long itself — fails the pending jobs of job functions
 * that no worker seen within the grace runs, as `UnknownJobFunction`.
 */
@Injectable()
export class FleetMember implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('QueueJob');
  private readonly startedAt = Date.now();
  private readonly timings: ReturnType<typeof fleetTimings>;
  private announcement: WorkerAnnouncement | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private sweeps: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: JobStore,
    private readonly runner: JobRunner,
    private readonly registry: JobFunctionRegistry,
    private readonly hooks: QueueJobHooks,
    @Inject(QUEUE_JOB_RESOLVED_OPTIONS) private readonly options: ResolvedQueueJobOptions,
  ) {
    this.timings = fleetTimings(options.runner.unknownFunctionGrace);
  }

  get graceSeconds(): number {
    return this.options.runner.unknownFunctionGrace;
  }

  /** What this instance declares, given the records it declares (kept for the heartbeats). */
  announce(records: DesiredRecords): WorkerAnnouncement {
    this.announcement = {
      workerId: this.runner.workerId,
      app: process.argv[1] ?? 'node',
      jobFunctions: this.options.runsJobs ? this.registry.all().map((fn) => fn.name) : [],
      declaredFunctions: records.jobFunctions.map((fn) => fn.name),
      declaredChannels: records.channels.map((c) => c.completeName),
    };
    return this.announcement;
  }

  onApplicationBootstrap(): void {
    this.heartbeat = setInterval(() => void this.beat(), this.timings.heartbeatMs).unref();
    if (this.options.runsJobs) this.sweeps = setInterval(() => void this.sweep(), this.timings.sweepMs).unref();
  }

  /** The row stays: a version stopped for a deploy keeps its records and its jobs for the grace. */
  beforeApplicationShutdown(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.sweeps);
  }

  private async beat(): Promise<void> {
    if (!this.announcement) return;
    try {
      await announceWorker(this.store.pool, this.announcement);
      await forgetWorkers(this.store.pool, this.graceSeconds);
    } catch (error) {
      this.logger.warn(`Could not announce this worker: ${messageOf(error)}`);
    }
  }

  /** Only after watching the fleet for the grace: a fresh instance cannot tell "gone" from "not started yet". */
  private async sweep(): Promise<void> {
    if (Date.now() - this.startedAt < this.graceSeconds * 1000) return;
    try {
      for (const job of await failUnknownFunctionJobs(this.store.pool, this.graceSeconds)) this.report(job);
    } catch (error) {
      this.logger.warn(`Looking for jobs of undeclared job functions failed: ${messageOf(error)}`);
    }
  }

  private report(job: UnknownFunctionJob): void {
    this.logger.warn(`Job ${job.uuid} ${job.job_function}: failed (UnknownJobFunction): ${job.exc_message}`);
    this.hooks.emit({
      name: 'job.failed', uuid: job.uuid, jobFunction: job.job_function, channel: job.channel, retry: job.retry,
      maxRetries: job.max_retries, at: new Date(), excName: 'UnknownJobFunction', excMessage: job.exc_message,
    });
  }
}
