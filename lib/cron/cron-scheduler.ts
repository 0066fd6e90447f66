import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type { DataSource } from 'typeorm';
import { messageOf } from '../errors/describe-thrown.js';
import { JobFunctionRegistry } from '../discovery/job-function.registry.js';
import type { JobFunction } from '../discovery/job-function.js';
import { Job } from '../enqueue/job.js';
import { JobService } from '../enqueue/job.service.js';
import type { DelayCallOptions } from '../enqueue/with-delay.js';
import { QUEUE_JOB_DATA_SOURCE, QUEUE_JOB_RESOLVED_OPTIONS } from '../queue-job.constants.js';
import type { ResolvedQueueJobOptions } from '../queue-job.options.js';
import { JobRunner } from '../runner/job-runner.js';
import { cronSlots, type CronSlotOutcome } from '../store/cron-slots.js';
import { cronJobName } from './cron.constants.js';
import { cronNotRegistered, cronSlotFailed } from './cron.messages.js';
import { formatSlot } from './cron-schedule.js';
import { DelayableCronExplorer, type CronDefinition } from './delayable-cron.explorer.js';

/** A cron whose method is a registered job function. */
export interface ScheduledCron extends CronDefinition {
  fn: JobFunction;
}

/** A tick is never early (the cron package re-arms early timers); this only absorbs clock rounding. */
const TICK_TOLERANCE_MS = 10;

/**
 * Schedules each `@DelayableCron()` method in `@nestjs/schedule`'s `SchedulerRegistry` (a `CronJob`
 * of the `cron` package), in every instance whose runner is on. At each slot every instance fires;
 * each tries to claim the slot in `queue_job_cron_slot` (primary key: job function + slot time) and
 * enqueues the job in the same transaction, so exactly one job is enqueued per slot, even for an
 * instance whose clock lags, and long after that job is done.
 */
@Injectable()
export class CronScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('QueueJob');
  /** The crons this instance schedules (none when its runner is off). */
  readonly crons: ScheduledCron[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly explorer: DelayableCronExplorer,
    private readonly registry: JobFunctionRegistry,
    private readonly jobs: JobService,
    private readonly runner: JobRunner,
    private readonly scheduler: SchedulerRegistry,
    @Inject(QUEUE_JOB_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(QUEUE_JOB_RESOLVED_OPTIONS) private readonly options: ResolvedQueueJobOptions,
  ) {}

  onApplicationBootstrap(): void {
    // Instances without a runner (web-only, scripts) and no-delay mode schedule nothing.
    if (!this.options.runsJobs) return;
    for (const definition of this.explorer.crons) {
      const fn = this.registry.forMethod(definition.instance, definition.methodName);
      if (!fn) {
        this.logger.warn(cronNotRegistered(definition.label));
        continue;
      }
      this.schedule({ ...definition, fn });
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const cron of this.crons) {
      const name = cronJobName(cron.fn.name);
      if (this.scheduler.doesExist('cron', name)) this.scheduler.deleteCronJob(name);
    }
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Claims `slot` and enqueues its job, unless another instance claimed it first (`'taken'`) or
   * `noParallelRun` finds the previous slot's job unfinished (`'skipped'`, the slot is used up).
   */
  fire(cron: ScheduledCron, slot: Date, outcome: 'enqueued' | 'catch_up' = 'enqueued'): Promise<CronSlotOutcome | 'taken'> {
    const name = cron.fn.name;
    return this.jobs.transaction(async (manager) => {
      await cronSlots.lock(manager, name, this.options.lockTimeout);
      const skip = cron.options.noParallelRun === true && (await cronSlots.lastJobActive(manager, name));
      if (!(await cronSlots.claim(manager, name, slot, skip ? 'skipped' : outcome, this.runner.workerId))) return 'taken';
      if (skip) return 'skipped';
      const job = await this.jobs.call(cron.fn, [slot], { ...jobOptions(cron, slot, outcome), manager });
      await cronSlots.setJob(manager, name, slot, job instanceof Job ? job.uuid : null);
      return outcome;
    });
  }

  private schedule(cron: ScheduledCron): void {
    const name = cronJobName(cron.fn.name);
    const { timeZone } = cron.options;
    const job = CronJob.from({
      cronTime: cron.schedule.expression, ...(timeZone && { timeZone }), start: false, name,
      onTick: () => this.onSlot(cron),
    });
    this.scheduler.addCronJob(name, job);
    this.crons.push(cron);
    const startedAt = new Date();
    job.start();
    if (cron.options.missedSlots !== 'skip') this.track(cron, this.catchUp(cron, startedAt), 'catch-up');
    this.logger.log(`Cron ${cron.fn.name} scheduled '${cron.schedule.expression}'${timeZone ? ` (${timeZone})` : ''}`);
  }

  private onSlot(cron: ScheduledCron): void {
    const slot = cron.schedule.latest(new Date(Date.now() + TICK_TOLERANCE_MS));
    if (slot) this.track(cron, this.fire(cron, slot), formatSlot(slot));
  }

  /** After downtime: one job for the latest slot missed since the last one claimed (slots after `startedAt` are the CronJob's). */
  private async catchUp(cron: ScheduledCron, startedAt: Date): Promise<unknown> {
    const last = await cronSlots.lastSlot(this.dataSource.manager, cron.fn.name);
    const missed = last && cron.schedule.latest(startedAt, last);
    return missed ? this.fire(cron, missed, 'catch_up') : undefined;
  }

  private track(cron: ScheduledCron, work: Promise<unknown>, slot: string): void {
    const tracked = work
      .then((outcome) => outcome && this.logger.debug(`Cron ${cron.fn.name} @ ${slot}: ${String(outcome)}`))
      .catch((error: unknown) => this.logger.error(cronSlotFailed(cron.fn.name, slot, messageOf(error))))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}

function jobOptions(cron: ScheduledCron, slot: Date, outcome: CronSlotOutcome): DelayCallOptions {
  const { priority, maxRetries, channel } = cron.options;
  const base = cron.options.description ?? cron.fn.options.description ?? cron.fn.name;
  const at = formatSlot(slot);
  return {
    priority, maxRetries, channel,
    description: `${base} @ ${at}${outcome === 'catch_up' ? ' (catch-up)' : ''}`,
    identityKey: `${cron.fn.name}@${at}`,
  };
}
