import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { JobFunctionRegistry } from '../discovery/job-function.registry.js';
import type { JobFunction } from '../discovery/job-function.js';
import { QUEUE_JOB_DATA_SOURCE, QUEUE_JOB_RESOLVED_OPTIONS } from '../queue-job.constants.js';
import type { ResolvedQueueJobOptions } from '../queue-job.options.js';
import { normalizeChannelName } from '../channels/channel-name.js';
import { alreadyDelayed, notDelayable, neverDelayed } from '../queue-job.messages.js';
import { currentJobOrUndefined, runInJobContext, type JobContext } from '../runner/job-context.js';
import { progressReport } from '../runner/progress-report.js';
import type { StoredProgress } from '../store/job-progress.js';
import type { QueueJob } from '../store/entities/queue-job.entity.js';
import { JobStore, type InsertedJob } from '../store/job-store.js';
import { applyManualAction } from '../store/manual-actions.js';
import { RelatedActionRegistry } from '../discovery/related-action.registry.js';
import { QueueJobHooks } from '../hooks/queue-job-hooks.js';
import { QueueJobMetrics } from '../observability/queue-job-metrics.js';
import type { QueueJobStats } from '../observability/queue-job-stats.js';
import { JobNotFoundError } from '../errors/job-not-found.error.js';
import { ChannelSettingsService, type ChannelActionOptions } from '../channels/channel-settings.service.js';
import type { ChannelLimits, ChannelSetting } from '../channels/channel-settings.js';
import { relatedActionOf, type RelatedActionResult } from './related-action.js';
import { AmbientTransaction } from './ambient-transaction.js';
import { QueueJobDelayPolicy } from './delay-policy.js';
import { collectGraph, dependencyOrder } from './graph/collect-graph.js';
import { DelayableNode } from './graph/delayable-node.js';
import { storeGraph } from './graph/store-graph.js';
import type { Job } from './job.js';
import { newJobUuid } from './job-uuid.js';
import type { JobSink } from './job-sink.js';
import { BULK_CHUNK } from './bulk-chunks.js';
import { insertStreamed, jobHandles, type JobOfHandle } from './stored-jobs.js';
import { prepareJob, sharedJobOptions, type PreparedJob } from './prepared-job.js';
import { TypeOrmEntities } from './typeorm-entities.js';
import type { PendingLimit } from './pending-limits.js';
import { PendingRoom } from './pending-room.js';
import { retryWhileFull, waitIfFullOf } from './wait-if-full.js';
import type { DelayCallOptions, Delayed, Prepared, MethodKeys, MethodParameters } from './with-delay.js';

/** Who did a manual action, for the job's `result` text. */
export interface ManualActionOptions {
  by?: string;
}

const DEFAULT_ACTOR = 'system';


/** Enqueues jobs and reads them back. Injected anywhere once `QueueJobModule` is imported. */
@Injectable()
export class JobService implements OnApplicationShutdown {
  private readonly logger = new Logger('QueueJob');
  private readonly ambient = new AmbientTransaction();
  private readonly entities: TypeOrmEntities;
  private readonly undelayed = new Set<WeakRef<DelayableNode>>();
  private sink: JobSink | undefined;
  private readonly room: PendingRoom;

  constructor(
    private readonly store: JobStore,
    private readonly registry: JobFunctionRegistry,
    private readonly policy: QueueJobDelayPolicy,
    private readonly relatedActions: RelatedActionRegistry,
    private readonly hooks: QueueJobHooks,
    @Inject(QUEUE_JOB_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(QUEUE_JOB_RESOLVED_OPTIONS) options: ResolvedQueueJobOptions,
  ) {
    this.entities = new TypeOrmEntities(dataSource);
    this.room = new PendingRoom(store, options.channels);
  }

  /**
   * `jobService.withDelay(orderService, { priority: 5 }).confirm(order)`: enqueues a `@Delayable()`
   * method of `target` with per-call options; resolves to the stored `Job`.
   */
  withDelay<T extends object>(target: T, options: DelayCallOptions = {}): Delayed<T> {
    return this.methodsOf(target, (fn) => (...args: unknown[]) => this.call(fn, args, options)) as Delayed<T>;
  }

  /**
   * `jobService.delayable(orderService).confirm(order)`: a graph node, stored only by `.delay()` on
   * the graph it belongs to (see `chain`, `group`, `onDone`).
   */
  delayable<T extends object>(target: T, options: DelayCallOptions = {}): Prepared<T> {
    return this.methodsOf(target, (fn) => (...args: unknown[]) => this.node(fn, args, options)) as Prepared<T>;
  }

  /** Runs `fn` in a transaction; jobs enqueued inside it are stored only if it commits. */
  transaction<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => this.ambient.run(manager, () => fn(manager)));
  }

  /** The job's row, or null. */
  findJob(uuid: string): Promise<QueueJob | null> {
    return this.store.findByUuid(uuid);
  }

  @Inject(QueueJobMetrics) private readonly metrics!: QueueJobMetrics;

  /** Counters, timings and pending / running gauges of the queue (`QueueJobMetrics.snapshot()`). */
  stats(): Promise<QueueJobStats> {
    return this.metrics.snapshot();
  }

  /** A call of a `@Delayable()` method: stored as a job, trapped by a test, or run at once (no-delay). */
  async call(fn: JobFunction, args: unknown[], options: DelayCallOptions = {}): Promise<Job | unknown> {
    const { manager, waitIfFull, ...callOptions } = options;
    const waitIfFullMs = waitIfFullOf(fn.name, waitIfFull);
    const prepared = this.hooks.prepared(prepareJob(fn, args, callOptions, this.entities));
    if (this.sink) return (await this.sink.accept([prepared]))[0];
    if (!this.policy.delays()) return this.runNow(prepared, manager);
    return (await this.storeJobs([prepared], manager, waitIfFullMs))[0];
  }

  /**
   * Enqueues many calls of one `@Delayable()` method, all or none (the bulk path): one statement
   * (a COPY from 100 calls without identity keys, else an INSERT), or for more than 500 calls outside
   * a transaction, a COPY streamed batch by batch in one transaction of its own (see `insertStreamed`).
   * `jobService.enqueueMany(orderService, 'confirm', [[1, 'a'], [2, 'b']], { priority: 5 })`.
   */
  async enqueueMany<T extends object, K extends keyof T & MethodKeys<T>>(
    // `Pick<T, K>`, not `T`: TypeScript then infers `T` from the target's members, so that
    // `enqueueMany(this, …)` in the class itself checks the arguments (it resolves nothing on `this` itself).
    target: Pick<T, K>, method: K, argsList: ReadonlyArray<MethodParameters<T, K>>, options: DelayCallOptions = {},
  ): Promise<Job[]> {
    const fn = this.jobFunctionOf(target, String(method));
    const { manager, waitIfFull, ...callOptions } = options;
    const waitIfFullMs = waitIfFullOf(fn.name, waitIfFull);
    const shared = sharedJobOptions(fn, callOptions);
    const prepare = (args: MethodParameters<T, K>) => this.hooks.prepared(prepareJob(fn, [...args], callOptions, this.entities, { shared }));
    if (argsList.length > BULK_CHUNK && !this.sink && this.policy.delays() && !manager && !(await this.enclosingTransaction())) {
      // Every job of one call goes to one channel (an invalid one is refused by prepare, and limits nothing).
      const channel = normalizeChannelName(shared?.channel ?? callOptions.channel ?? fn.channel);
      const limits = this.room.needed(channel, argsList.length);
      return retryWhileFull(waitIfFullMs, () => this.storeStreamed(argsList, prepare, limits));
    }
    const prepared = argsList.map(prepare);
    if (this.sink) return this.sink.accept(prepared);
    if (!this.policy.delays()) {
      for (const job of prepared) await this.runNow(job, manager);
      return [];
    }
    return this.storeJobs(prepared, manager, waitIfFullMs);
  }

  /** What the admin's "Related" button of the job opens (SPEC §7); throws NoRelatedActionError when nothing. */
  async relatedAction(uuid: string): Promise<RelatedActionResult> {
    const job = await this.store.findByUuid(uuid);
    if (!job) throw new JobNotFoundError(`No job with uuid ${uuid}.`);
    return relatedActionOf(job, this.registry.get(job.jobFunction)?.relatedAction ?? null, this.relatedActions);
  }

  /** Failed jobs back to pending with retry 0 (SPEC §3). Returns the uuids changed. */
  requeue(uuids: string | string[], options: ManualActionOptions = {}): Promise<string[]> {
    return applyManualAction(this.store, this.hooks, 'requeue', [uuids].flat(), options.by ?? DEFAULT_ACTOR);
  }

  /** Marks jobs done by hand; their waiting children whose parents are all done become pending. */
  setDone(uuids: string | string[], options: ManualActionOptions = {}): Promise<string[]> {
    return applyManualAction(this.store, this.hooks, 'setDone', [uuids].flat(), options.by ?? DEFAULT_ACTOR);
  }

  /** Cancels jobs, and recursively their waiting children whose parents are all cancelled. */
  cancel(uuids: string | string[], options: ManualActionOptions = {}): Promise<string[]> {
    return applyManualAction(this.store, this.hooks, 'cancel', [uuids].flat(), options.by ?? DEFAULT_ACTOR);
  }

  @Inject(ChannelSettingsService) private readonly channelSettings!: ChannelSettingsService;

  /**
   * Pauses a channel on every instance within a second (NOTIFY), until `resumeChannel`: running jobs
   * finish, no job of it or its sub-channels starts. Stored (a restart keeps it) and audited.
   */
  pauseChannel(name: string, options: ChannelActionOptions = {}): Promise<ChannelSetting> {
    return this.channelSettings.pause(name, options);
  }

  /** Resumes a channel paused by `pauseChannel` or by the configuration, on every instance. */
  resumeChannel(name: string, options: ChannelActionOptions = {}): Promise<ChannelSetting> {
    return this.channelSettings.resume(name, options);
  }

  /**
   * `setChannelLimits('root.sale', { capacity: 8, throttle: 2 }, { by })`: over the channels configuration
   * of every instance until `resetChannelLimits`; limits left out keep their value. Audited.
   */
  setChannelLimits(name: string, limits: ChannelLimits, options: ChannelActionOptions = {}): Promise<ChannelSetting> {
    return this.channelSettings.setLimits(name, limits, options);
  }

  /** Back to the configuration's capacity, throttle and sequential flag on every instance (a pause stays). */
  resetChannelLimits(name: string, options: ChannelActionOptions = {}): Promise<ChannelSetting> {
    return this.channelSettings.resetLimits(name, options);
  }

  /** Sends enqueues to `sink` instead of the database (trapJobs), or back to normal with `undefined`. */
  useSink(sink: JobSink | undefined): void {
    this.sink = sink;
  }

  /** Runs a prepared job now, in the caller's context: the no-delay mode, and a trap's performEnqueuedJobs. */
  runNow(job: PreparedJob, manager?: EntityManager, retry = 1, onProgress?: (report: StoredProgress) => void): Promise<unknown> {
    const context: JobContext = {
      uuid: job.row.uuid, jobFunction: job.fn.name, channel: job.options.channel, retry, maxRetries: job.options.maxRetries,
      manager: async () => manager ?? this.ambient.manager ?? this.dataSource.manager,
      // Run in the caller's context: the caller's own timeouts apply, none of the queue's.
      signal: new AbortController().signal,
      // Nothing to store it in: checked as the runner checks it, then given to the caller (a trap keeps it).
      progress: (fraction, message) => {
        const report = progressReport(fraction, message);
        onProgress?.(report);
      },
    };
    return Promise.resolve(runInJobContext(context, () => job.fn.method.apply(job.fn.instance, job.args)));
  }

  onApplicationShutdown(): void {
    for (const ref of this.undelayed) {
      const node = ref.deref();
      if (node && !node.delayed) this.logger.warn(neverDelayed(node.fn.name));
    }
    this.undelayed.clear();
  }

  private async delayGraph(start: DelayableNode): Promise<Job[]> {
    const nodes = collectGraph(start);
    // A second delay() would store the graph twice (queue_job too gives one job per prepared call).
    if (nodes.some((node) => node.delayed)) throw new Error(alreadyDelayed(start.fn.name));
    const order = dependencyOrder(nodes);
    for (const node of nodes) node.delayed = true;
    const graphUuid = nodes.length > 1 ? newJobUuid() : undefined;
    const uuids = new Map(nodes.map((node) => [node, newJobUuid()]));
    const prepared = new Map(nodes.map((node) => {
      const { manager: _manager, ...callOptions } = node.options;
      const placement = graphUuid
        ? { uuid: uuids.get(node)!, graphUuid, dependsOn: [...node.parents].map((p) => uuids.get(p)!), reverseDependsOn: [...node.children].map((c) => uuids.get(c)!) }
        : undefined;
      return [node, this.hooks.prepared(prepareJob(node.fn, node.args, callOptions, this.entities, { placement }))];
    }));
    const jobs = nodes.map((node) => prepared.get(node)!);
    // The longest wait any node of the graph asks for: the graph is stored whole or not at all.
    const waitIfFullMs = nodes.reduce((longest, node) => Math.max(longest, waitIfFullOf(node.fn.name, node.options.waitIfFull)), 0);
    if (this.sink) return this.sink.accept(jobs);
    const manager = start.options.manager;
    if (!this.policy.delays()) {
      for (const node of order) await this.runNow(prepared.get(node)!, manager);
      return [];
    }
    if (!graphUuid) return this.storeJobs(jobs, manager, waitIfFullMs);
    const target = manager ?? (await this.enclosingTransaction());
    const graph = await this.room.storeJobs(jobs, target, waitIfFullMs, (m) => storeGraph(this.store, jobs, m));
    return this.handles(graph.jobs, graph.stored);
  }

  private async storeJobs(jobs: PreparedJob[], manager: EntityManager | undefined, waitIfFullMs: number): Promise<Job[]> {
    const rows = jobs.map((j) => j.row);
    const target = manager ?? (await this.enclosingTransaction());
    return this.handles(jobs, await this.room.storeJobs(jobs, target, waitIfFullMs, (m) => this.store.insertJobs(rows, m)));
  }

  private async storeStreamed<A>(argsList: readonly A[], prepare: (args: A) => PreparedJob, limits: readonly PendingLimit[]): Promise<Job[]> {
    const { jobs, stored } = await insertStreamed(this.store, argsList, prepare, limits);
    return this.handles(jobs, stored);
  }

  private handles(jobs: readonly JobOfHandle[], stored: InsertedJob[]): Job[] {
    return jobHandles(jobs, stored, this.hooks, this.store);
  }

  /**
   * The transaction an enqueue joins when none is given: `jobService.transaction()`'s, else, inside a
   * running job, the job's own (as queue_job enqueues in the job's cursor): jobs enqueued by a job
   * that fails are rolled back with it.
   */
  private async enclosingTransaction(): Promise<EntityManager | undefined> {
    return this.ambient.manager ?? (await currentJobOrUndefined()?.manager());
  }

  private node(fn: JobFunction, args: unknown[], options: DelayCallOptions): DelayableNode {
    const node = new DelayableNode(fn, args, options, (n) => this.delayGraph(n));
    if (this.undelayed.size >= 1000) {
      for (const ref of this.undelayed) if (ref.deref()?.delayed !== false) this.undelayed.delete(ref);
    }
    this.undelayed.add(new WeakRef(node));
    return node;
  }

  private methodsOf<T extends object>(target: T, make: (fn: JobFunction) => Function): object {
    return new Proxy({}, { get: (_proxy, property) => make(this.jobFunctionOf(target, String(property))) });
  }

  private jobFunctionOf(target: object, method: string): JobFunction {
    const fn = this.registry.forMethod(target, method);
    if (!fn) throw new Error(notDelayable(target.constructor?.name ?? typeof target, method));
    return fn;
  }
}
