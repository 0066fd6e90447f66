import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { ChannelTree } from '../channels/channel-tree.js';
import { earliest } from '../channels/channel-job.js';
import { JobFunctionRegistry } from '../discovery/job-function.registry.js';
import { QUEUE_JOB_RESOLVED_OPTIONS } from '../queue-job.constants.js';
import { eventLoopBlocked, jobTimedOut, noDelayWarning } from '../queue-job.messages.js';
import { readCallTimeouts } from '../store/call-timeouts.js';
import type { ResolvedQueueJobOptions } from '../queue-job.options.js';
import { runClaimCycle, type ClaimedJobRow } from '../store/claim-cycle.js';
import { claimNext } from '../store/claim-next.js';
import { ClaimNotFlushed, canFlushClaims } from '../store/claim-durability.js';
import { readChannelSettings } from '../store/channel-settings.js';
import { EffectiveChannels } from './effective-channels.js';
import type { JobEvent } from '../hooks/job-event.js';
import { QueueJobHooks } from '../hooks/queue-job-hooks.js';
import { JobStore } from '../store/job-store.js';
import { isStatementError } from '../store/database-errors.js';
import type { JobOutcomeRow } from '../store/sql/record-outcomes.sql.js';
import { DeferredEvents } from './deferred-events.js';
import { JobExecutor } from './job-executor.js';
import { OutcomeRecorder } from './outcome-recorder.js';
import { messageOf } from '../errors/describe-thrown.js';
import { NotificationListener } from './notification-listener.js';
import { DeadJobRescuer } from './dead-job-rescuer.js';
import { SerialTask } from './serial-task.js';
import { WakeTimer } from './wake-timer.js';
import { channelManagerRequest } from './channel-manager-request.js';
import { JobTimeouts } from './job-timeout.js';
import { JobLeases } from './job-leases.js';
import { LeaseKeeper } from './lease-keeper.js';
import { EventLoopWatch } from './event-loop-watch.js';
import type { AttemptAbort } from './job-abort.js';
import { cancelledUuidsOf } from '../store/cancel-notices.js';

const ERROR_BACKOFF_MS = 1_000;

/**
 * Dispatches jobs in this instance with two tasks, each running one call at a time:
 * - claims, woken by NOTIFY, by a poll (@nestjs/schedule), by finished jobs and by its own timers
 *   (etas, throttles), take as many jobs as the channels and the free local slots allow, and run them
 *   in this process at once. With channels of capacities only, a claim is one statement that first
 *   writes the outcomes of the jobs finished since the last one, so their slots serve that very claim;
 *   with sequential or throttled channels the channel manager decides (two round trips);
 * - records (OutcomeRecorder) write the other outcomes (all of them with the channel manager, a done
 *   graph job's, any at shutdown or after a refused claim) and mark long-running jobs `started`.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('QueueJob');
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly effective: EffectiveChannels;
  private readonly running = new Map<string, { job: ClaimedJobRow; done: Promise<void>; abort: AttemptAbort }>();
  private readonly rescuer: DeadJobRescuer;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Outcomes waiting for the next claim, which writes them (see `claimsCarry`); the recorder writes the others. */
  private forClaims: JobOutcomeRow[] = [];
  private readonly records: OutcomeRecorder;
  private readonly claims = new SerialTask(() => this.claim());
  /** The events of the jobs run here, delivered while the next claim is under way. */
  private readonly events: DeferredEvents;
  /** Given to the executor for every job launched (one function, not one per job). */
  private readonly addEvent = (event: () => JobEvent) => this.events.add(event);
  /** Capacities only: a claim is one statement, which also writes the outcomes (see `claimsCarry`). */
  /** The job functions registered here, read at start: claims take only their jobs (mixed fleets). */
  private jobFunctions: readonly string[] = [];
  /** Claims under contention may flush apart (claim-durability.ts): the role may write the flush record. */
  private flushApart = false;
  /** At most this many jobs per claim: the concurrency, halved after claims the database refused (afterClaimFailed). */
  private claimCap: number;
  private active = false;
  private readonly wakeTimer = new WakeTimer(() => this.wake());
  private listener: NotificationListener | undefined;
  private readonly leases: JobLeases;
  private readonly leaseKeeper: LeaseKeeper;
  private readonly timeouts: JobTimeouts;
  private readonly loopWatch = new EventLoopWatch<ClaimedJobRow>((stallMs, jobs) => this.warnStall(stallMs, jobs),
    () => [...this.running.values()].map((r) => r.job));

  constructor(
    private readonly store: JobStore,
    private readonly executor: JobExecutor,
    private readonly scheduler: SchedulerRegistry,
    hooks: QueueJobHooks,
    @Inject(QUEUE_JOB_RESOLVED_OPTIONS) private readonly options: ResolvedQueueJobOptions,
    private readonly registry: JobFunctionRegistry,
  ) {
    this.leases = new JobLeases(registry, options.runner.leaseSeconds);
    this.leaseKeeper = new LeaseKeeper(store, this.leases, () => this.running.values());
    this.timeouts = new JobTimeouts((ids) => readCallTimeouts(this.store.pool, ids),
      (job, seconds) => this.logger.warn(jobTimedOut(job.uuid, job.job_function, seconds)),
      (error) => this.logger.warn(`Reading the timeouts of running jobs failed (${error.message}); retrying`));
    this.effective = new EffectiveChannels(options.channels, () => readChannelSettings(store), () => this.wake());
    this.claimCap = options.runner.concurrency;
    this.events = new DeferredEvents(hooks);
    this.records = new OutcomeRecorder(store, options.lockTimeout, () => this.wake());
    this.rescuer = new DeadJobRescuer(store, hooks, this.workerId, () => this.leases.lengths());
  }

  /** The channels this instance dispatches by: its configuration with the run-time settings over it. */
  get channels(): ChannelTree {
    return this.effective.tree;
  }

  private get oneStatementClaims(): boolean {
    return this.effective.claimsInOneStatement;
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
    if (this.options.runsJobs) await this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async start(): Promise<void> {
    if (this.active) return;
    this.active = true;
    this.jobFunctions = this.registry.all().map((fn) => fn.name);
    this.flushApart = await canFlushClaims(this.store.pool);
    await this.effective.load();
    this.listener = new NotificationListener(this.store.dataSource, this.workerId, (payload) => {
      this.leaseKeeper.abortCancelled(cancelledUuidsOf(payload));
      this.wake();
    }, () => {
      this.rescuer.reset();
      // NOTIFYs sent while away are lost: settings may have changed too.
      this.effective.refresh();
      this.wake();
    }, () => this.effective.refresh());
    await this.listener.start();
    this.scheduler.addInterval(this.pollName, setInterval(() => this.wake(), this.options.runner.pollInterval));
    this.heartbeat = setInterval(() => void this.leaseKeeper.renew(), this.leases.heartbeatMs());
    this.loopWatch.start();
    this.rescuer.start();
    this.logger.log(`Runner ${this.workerId} started (channels ${this.options.channels})`);
    this.wake();
  }

  /** Stops claiming, waits for running jobs up to the shutdown timeout, and records their outcomes. */
  async stop(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    // @nestjs/schedule may have cleared its intervals already during shutdown.
    if (this.scheduler.doesExist('interval', this.pollName)) this.scheduler.deleteInterval(this.pollName);
    this.wakeTimer.clear();
    this.records.stopMarking();
    this.rescuer.stop();
    // A claim under way may still launch the jobs it claims: wait for it before counting running jobs.
    await this.claims.settled();
    const timeout = new Promise((resolve) => setTimeout(resolve, this.options.runner.shutdownTimeout).unref());
    await Promise.race([Promise.allSettled([...this.running.values()].map((r) => r.done)), timeout]);
    clearInterval(this.heartbeat);
    this.timeouts.stop();
    this.loopWatch.stop();
    if (this.running.size > 0) {
      this.logger.warn(`${this.running.size} job(s) still running at shutdown: their lease will expire and they will be requeued`);
    }
    // No claim will come: the recorder writes what was waiting for one.
    this.records.add(...this.forClaims.splice(0));
    await this.records.flush();
    // Last: the LISTEN connection holds this worker's lock, and other instances take back the jobs of a
    // worker without it (after a 3 s grace). Dropped earlier, jobs finishing within the timeout would run twice.
    await this.listener?.stop();
    this.events.deliver();
  }

  /** Asks for a claim; claims never overlap, requests during one coalesce into the next. */
  wake(): void {
    this.claims.request();
  }

  private get pollName(): string {
    return `queue_job:poll:${this.workerId}`;
  }

  /** Claims and launches jobs for the free local slots; false stops a run of requests (idle, stopping, error). */
  private async claim(): Promise<boolean> {
    if (!this.active) return false;
    const limit = Math.min(this.claimCap, this.options.runner.concurrency - this.running.size);
    const outcomes = this.forClaims.splice(0);
    const oneStatement = this.oneStatementClaims;
    // Queued before a run-time setting switched claims to the channel manager's cycle, which carries none.
    if (!oneStatement && outcomes.length > 0) this.records.add(...outcomes.splice(0));
    // The claim statement below goes out in this turn (the one-statement claim; the channel manager's
    // waits for a pooled connection first): the listeners run in the next, while it is under way.
    this.events.deliverSoon();
    if (limit <= 0 && outcomes.length === 0) return false;
    try {
      let nextWakeup: number | null = null;
      const { claimed, nextEta } = oneStatement
        ? await this.claimInOneStatement(Math.max(0, limit), outcomes)
        : await this.store.withClient((client) => runClaimCycle(client, {
          workerId: this.workerId, leaseSeconds: this.options.runner.leaseSeconds, lockTimeoutMs: this.options.lockTimeout, flushApart: this.flushApart,
          claim: channelManagerRequest(this.channels, this.jobFunctions, limit, (t) => (nextWakeup = t)),
        }));
      // Back up to the full batch by doubling: a claim refused for its size would be refused again at once.
      this.claimCap = Math.min(this.options.runner.concurrency, this.claimCap * 2);
      const own = this.leases.ownLeases(claimed);
      if (own) await this.leaseKeeper.extendOwn(own);
      for (const job of claimed) this.launch(job);
      this.scheduleWake(earliest([nextWakeup, nextEta]));
      return true;
    } catch (error) {
      this.rescuer.reset();
      this.scheduleWake(Date.now() / 1000 + this.afterClaimFailed(error, outcomes) / 1000);
      return false;
    }
  }

  /**
   * Nothing is lost: outcomes go back to the list, written by the next claim. When the database refused
   * the statement for what it holds (not the connection), the next claim must not send it again: the
   * outcomes it carried are written apart (`record` isolates an unstorable one), and a claim refused
   * without outcomes is retried for half as many jobs, down to one (a job too big to claim with others).
   * Returns the milliseconds to wait before the next claim.
   */
  private afterClaimFailed(error: unknown, outcomes: JobOutcomeRow[]): number {
    const message = messageOf(error);
    if (error instanceof ClaimNotFlushed) {
      this.logger.error(`Claim not started: ${message}; its jobs go back to pending when their lease ends`);
      return ERROR_BACKOFF_MS;
    }
    if (!isStatementError(error)) {
      this.forClaims.unshift(...outcomes);
      this.logger.error(`Claim failed (${message}); retrying`);
      return ERROR_BACKOFF_MS;
    }
    if (outcomes.length > 0) {
      this.records.add(...outcomes);
      this.logger.error(`Claim refused by the database (${message}); the ${outcomes.length} outcome(s) it carried are written apart`);
      return 0;
    }
    const halved = Math.max(1, this.claimCap >> 1);
    this.logger.error(`Claim refused by the database (${message}); next claim for at most ${halved} job(s)`);
    if (halved === this.claimCap) return ERROR_BACKOFF_MS;
    this.claimCap = halved;
    return 0;
  }

  private async claimInOneStatement(limit: number, outcomes: JobOutcomeRow[]) {
    const result = await claimNext(this.store.pool, {
      workerId: this.workerId, leaseSeconds: this.options.runner.leaseSeconds, limit, channels: this.channels.channels, outcomes,
      jobFunctions: this.jobFunctions, flushApart: this.flushApart,
    });
    this.records.warnLostLeases(outcomes, result.recorded);
    return result;
  }

  /**
   * Whether the next claim writes this outcome: one-statement claims write outcomes in their own
   * transaction, before counting running jobs, so a finished job's slot is free for that very claim.
   * Not a done graph job's, whose children `record` releases under the claim lock, nor any once the
   * runner stops claiming.
   */
  private claimsCarry(outcome: JobOutcomeRow): boolean {
    return this.oneStatementClaims && this.active && !(outcome.inGraph && outcome.state === 'done');
  }

  private queueOutcome(outcome: JobOutcomeRow): void {
    if (this.claimsCarry(outcome)) this.forClaims.push(outcome);
    else this.records.add(outcome);
  }

  private launch(job: ClaimedJobRow): void {
    const abort = this.timeouts.watch(job, this.timeoutOf(job));
    const run = this.executor.execute(job, this.addEvent, abort).then(
      (result) => {
        if (!result.written) this.queueOutcome(result.row);
      },
      (error: unknown) => this.logger.error(`Job ${job.uuid}: executor error ${messageOf(error)}`),
    ).finally(() => {
      this.timeouts.unwatch(job.id);
      this.loopWatch.ended(job);
      this.running.delete(job.id);
      this.records.ended(job.id);
      // After this turn of the event loop (SerialTask): jobs finishing together make one claim.
      this.wake();
    });
    this.running.set(job.id, { job, done: run, abort });
    this.records.launched(job);
  }

  /** The job function's timeout, else `runner.jobTimeout` (0: none); a call's own replaces it once read (JobTimeouts). */
  private timeoutOf(job: ClaimedJobRow): number | null {
    return this.registry.get(job.job_function)?.timeout ?? (this.options.runner.jobTimeout || null);
  }

  private warnStall(stallMs: number, jobs: ClaimedJobRow[]): void {
    for (const job of jobs) this.logger.warn(eventLoopBlocked(stallMs / 1000, job.uuid, job.job_function, this.leases.of(job.job_function)));
  }

  private scheduleWake(at: number | null): void {
    if (this.active) this.wakeTimer.set(at);
  }
}
