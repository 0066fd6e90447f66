import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { ChannelTree } from '../channels/channel-tree.js';
import { selectJobsToStart } from '../channels/dispatch.js';
import { QUEUE_JOB_RESOLVED_OPTIONS } from '../queue-job.constants.js';
import { noDelayWarning } from '../queue-job.messages.js';
import type { ResolvedQueueJobOptions } from '../queue-job.options.js';
import { runClaimCycle, type ClaimRequest, type ClaimedJobRow, type StartedMark } from '../store/claim-cycle.js';
import { rescueDeadJobs, type RescuedJob } from '../store/rescue-dead-jobs.js';
import { QueueJobHooks } from '../hooks/queue-job-hooks.js';
import { JobStore } from '../store/job-store.js';
import type { JobOutcomeRow } from '../store/sql/record-outcomes.sql.js';
import { JobExecutor } from './job-executor.js';
import { NotificationListener } from './notification-listener.js';
import { DeadWorkerWatch, RESCUE_INTERVAL_MS } from './dead-worker-watch.js';

const STARTED_FLUSH_MS = 100;
const ERROR_BACKOFF_MS = 1_000;

/**
 * Dispatches jobs in this instance: woken by NOTIFY, by a poll (@nestjs/schedule) and by its own
 * timers (etas, throttles), it runs claim cycles one at a time. A cycle writes the outcomes of the
 * jobs that finished since the last one and claims as many jobs as the channels and the free local
 * slots allow; claimed jobs run in this process at once.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('QueueJob');
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly channels: ChannelTree;
  private readonly running = new Map<string, { leaseToken: string; done: Promise<void> }>();
  private readonly deadWorkers = new DeadWorkerWatch();
  private heartbeat: NodeJS.Timeout | undefined;
  private rescueTicks: NodeJS.Timeout | undefined;
  private outcomes: JobOutcomeRow[] = [];
  private startedMarks: StartedMark[] = [];
  private cycling: Promise<void> | undefined;
  private again = false;
  /** Whether the next cycle claims: not when only the rescue tick asked for it. */
  private rescuing = false;
  private active = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Number.POSITIVE_INFINITY;
  private listener: NotificationListener | undefined;

  constructor(
    private readonly store: JobStore,
    private readonly executor: JobExecutor,
    private readonly scheduler: SchedulerRegistry,
    private readonly hooks: QueueJobHooks,
    @Inject(QUEUE_JOB_RESOLVED_OPTIONS) private readonly options: ResolvedQueueJobOptions,
  ) {
    this.channels = ChannelTree.parse(options.channels);
  }

  /** Jobs running in this instance now. */
  get runningCount(): number {
    return this.running.size;
  }

  /** Started and not stopping. */
  get isActive(): boolean {
    return this.active;
  }

  /** Its LISTEN connection is up (LISTEN issued and the worker lock held). */
  get isListening(): boolean {
    return this.listener?.listening === true;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.noDelay) this.logger.warn(noDelayWarning());
    if (this.options.runner.enabled && !this.options.noDelay) await this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async start(): Promise<void> {
    if (this.active) return;
    this.active = true;
    this.listener = new NotificationListener(this.store.dataSource, this.workerId, () => this.wake(), () => {
      this.deadWorkers.reset();
      this.wake();
    });
    await this.listener.start();
    this.scheduler.addInterval(this.pollName, setInterval(() => this.wake(), this.options.runner.pollInterval));
    this.heartbeat = setInterval(() => void this.renewLeases(), heartbeatMs(this.options.runner.leaseSeconds));
    // Dead executors are looked for every second even when nothing wakes this runner (an instance whose
    // channels are full of a dead worker's jobs has nothing to claim): recovery must not wait for the poll.
    // Ticks finer than the look interval: a look is due 1 s after the previous one was taken (mid-cycle),
    // and ticks of exactly 1 s would find it not quite due and skip to 2 s.
    this.rescueTicks = setInterval(() => void this.lookForDeadWorkers(), RESCUE_INTERVAL_MS);
    this.logger.log(`Runner ${this.workerId} started (channels ${this.options.channels})`);
    this.wake();
  }

  /** Stops claiming, waits for running jobs up to the shutdown timeout, and records their outcomes. */
  async stop(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    // @nestjs/schedule may have cleared its intervals already during shutdown.
    if (this.scheduler.doesExist('interval', this.pollName)) this.scheduler.deleteInterval(this.pollName);
    clearTimeout(this.wakeTimer);
    clearInterval(this.rescueTicks);
    // A cycle under way may still launch the jobs it claims: wait for it before counting running jobs.
    await this.cycling;
    const timeout = new Promise((resolve) => setTimeout(resolve, this.options.runner.shutdownTimeout).unref());
    await Promise.race([Promise.allSettled([...this.running.values()].map((r) => r.done)), timeout]);
    clearInterval(this.heartbeat);
    if (this.running.size > 0) {
      this.logger.warn(`${this.running.size} job(s) still running at shutdown: their lease will expire and they will be requeued`);
    }
    for (let attempt = 0; attempt < 3 && (this.cycling || this.outcomes.length > 0); attempt++) {
      if (!this.cycling) this.wake();
      await this.cycling;
    }
    // Last: the LISTEN connection holds this worker's lock, and other instances take back the jobs of a
    // worker without it (after a 3 s grace). Dropped earlier, jobs finishing within the timeout would run twice.
    await this.listener?.stop();
  }

  /**
   * Asks for a claim cycle; cycles never overlap, requests during one coalesce into the next. The
   * cycle starts after the current turn of the event loop, so that jobs finishing together are
   * recorded (and replaced) by one cycle.
   */
  wake(): void {
    if (this.cycling) {
      this.again = true;
      return;
    }
    this.cycling = new Promise((resolve) => setImmediate(resolve))
      .then(() => this.cycle())
      .finally(() => (this.cycling = undefined));
  }

  /**
   * Every second, on its own connection and outside claim cycles (so that a claim never waits for
   * it): jobs of dead workers and expired leases go back to pending, whose NOTIFY wakes the claimers.
   */
  private async lookForDeadWorkers(): Promise<void> {
    if (!this.active || this.rescuing) return;
    this.rescuing = true;
    try {
      const rescued = await this.store.withClient((client) =>
        rescueDeadJobs(client, this.workerId, (orphans) => this.deadWorkers.pickDead(orphans)));
      for (const job of rescued) this.reportRescued(job);
    } catch (error) {
      this.deadWorkers.reset();
      this.logger.warn(`Looking for dead workers failed: ${(error as Error).message}`);
    } finally {
      this.rescuing = false;
    }
  }

  private get pollName(): string {
    return `queue_job:poll:${this.workerId}`;
  }

  private async cycle(): Promise<void> {
    do {
      this.again = false;
      const outcomes = this.outcomes.splice(0);
      const started = this.takeStartedMarks();
      const room = this.active ? this.options.runner.concurrency - this.running.size : 0;
      let nextWakeup: number | null = null;
      const claim: ClaimRequest | null = room > 0 ? this.claimRequest(room, (t) => (nextWakeup = t)) : null;
      try {
        const result = await this.store.withClient((client) => runClaimCycle(client, {
          workerId: this.workerId, leaseSeconds: this.options.runner.leaseSeconds, outcomes, started, claim,
        }));
        this.warnLostLeases(outcomes, result.recorded);
        for (const job of result.claimed) this.launch(job);
        this.scheduleWake(earliest(earliest(nextWakeup, result.nextEta), this.nextStartedFlush()));
      } catch (error) {
        // Nothing is lost: outcomes go back to the list and are written by the next successful cycle.
        this.outcomes.unshift(...outcomes);
        this.startedMarks.unshift(...started);
        this.deadWorkers.reset();
        this.logger.error(`Claim cycle failed (${(error as Error).message}); retrying`);
        this.scheduleWake(Date.now() / 1000 + ERROR_BACKOFF_MS / 1000);
        return;
      }
    } while (this.again && (this.active || this.outcomes.length > 0));
  }

  private claimRequest(limit: number, onWakeup: (t: number | null) => void): ClaimRequest {
    const configs = this.channels.channels;
    return {
      limit,
      sequentialChannels: configs.filter((c) => c.sequential).map((c) => c.name),
      throttledChannels: configs.filter((c) => c.throttle > 0).map((c) => c.name),
      decide: (snapshot, now) => {
        const decision = selectJobsToStart(this.channels, snapshot, now, limit);
        onWakeup(decision.nextWakeup);
        return { ids: decision.start.map((job) => job.id), lastStart: decision.lastStart };
      },
    };
  }

  private launch(job: ClaimedJobRow): void {
    this.startedMarks.push({ id: job.id, leaseToken: job.lease_token, dateStarted: new Date() });
    const run = this.executor.execute(job).then(
      (result) => {
        if (!result.written) this.outcomes.push(result.row);
      },
      (error: unknown) => this.logger.error(`Job ${job.uuid}: executor error ${(error as Error).message}`),
    ).finally(() => {
      this.running.delete(job.id);
      this.startedMarks = this.startedMarks.filter((mark) => mark.id !== job.id);
      this.wake();
    });
    this.running.set(job.id, { leaseToken: job.lease_token, done: run });
    // Long jobs show as `started` soon; short ones are usually done before this fires.
    this.scheduleWake(Date.now() / 1000 + STARTED_FLUSH_MS / 1000);
  }

  private reportRescued(job: RescuedJob): void {
    this.logger.warn(`Job ${job.uuid} ${job.job_function}: its executor ${job.worker_id} stopped; job set ${job.state}${job.state === 'failed' ? ' (JobFoundDead)' : ''}`);
    this.hooks.emit({
      name: job.state === 'failed' ? 'job.failed' : 'job.retrying', uuid: job.uuid, jobFunction: job.job_function,
      channel: job.channel, retry: job.retry, maxRetries: job.max_retries, at: new Date(), reason: 'dead-executor',
      excName: job.exc_name ?? undefined, excMessage: job.exc_message ?? undefined,
    });
  }

  /** When the oldest mark not flushed yet becomes due (seconds), or null. */
  private nextStartedFlush(): number | null {
    if (this.startedMarks.length === 0) return null;
    return Math.min(...this.startedMarks.map((mark) => mark.dateStarted.getTime())) / 1000 + STARTED_FLUSH_MS / 1000;
  }

  /** Marks of jobs running for a while: shorter ones will likely be done before it matters. */
  private takeStartedMarks(): StartedMark[] {
    const cutoff = Date.now() - STARTED_FLUSH_MS;
    const due = this.startedMarks.filter((mark) => mark.dateStarted.getTime() <= cutoff);
    if (due.length > 0) this.startedMarks = this.startedMarks.filter((mark) => mark.dateStarted.getTime() > cutoff);
    return due;
  }

  /** Heartbeat: extends the leases of the jobs running here, so that nobody takes them back. */
  private async renewLeases(): Promise<void> {
    if (this.running.size === 0) return;
    const ids = [...this.running.keys()];
    const tokens = [...this.running.values()].map((r) => r.leaseToken);
    try {
      await this.store.renewLeases(ids, tokens, this.options.runner.leaseSeconds);
    } catch (error) {
      this.logger.warn(`Could not renew job leases: ${(error as Error).message}`);
    }
  }

  private scheduleWake(at: number | null): void {
    if (at === null || !this.active && this.outcomes.length === 0) return;
    if (at >= this.wakeAt && this.wakeTimer) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    const delay = Math.max(0, Math.min(at * 1000 - Date.now(), 2 ** 31 - 1));
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAt = Number.POSITIVE_INFINITY;
      this.wake();
    }, delay);
  }

  private warnLostLeases(outcomes: JobOutcomeRow[], recorded: Set<string>): void {
    for (const outcome of outcomes) {
      if (!recorded.has(outcome.id)) this.logger.warn(`Job #${outcome.id}: outcome not recorded, its lease was lost (the job was requeued)`);
    }
  }
}

/** A third of the lease, so that two missed heartbeats still leave the lease alive. */
const heartbeatMs = (leaseSeconds: number) => Math.max(200, (leaseSeconds * 1000) / 3);

function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
