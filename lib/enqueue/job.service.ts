import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { JobFunctionRegistry } from '../discovery/job-function.registry.js';
import type { JobFunction } from '../discovery/job-function.js';
import { QUEUE_JOB_DATA_SOURCE } from '../queue-job.constants.js';
import { notDelayable } from '../queue-job.messages.js';
import { runInJobContext, type JobContext } from '../runner/job-context.js';
import type { QueueJob } from '../store/entities/queue-job.entity.js';
import type { JobState } from '../store/job-state.js';
import { JobStore } from '../store/job-store.js';
import { AmbientTransaction } from './ambient-transaction.js';
import { serializeArguments } from './argument-serializer.js';
import { effectiveDelayOptions, type EffectiveDelayOptions } from './delay-options.js';
import { QueueJobDelayPolicy } from './delay-policy.js';
import { describeCall } from './describe-call.js';
import { Job } from './job.js';
import { TypeOrmEntities } from './typeorm-entities.js';
import type { DelayCallOptions, Delayed, MethodKeys, MethodParameters } from './with-delay.js';
import type { NewJobRow } from '../store/sql/insert-jobs.sql.js';

/** Enqueues jobs and reads them back. Injected anywhere once `QueueJobModule` is imported. */
@Injectable()
export class JobService {
  private readonly ambient = new AmbientTransaction();
  private readonly entities: TypeOrmEntities;

  constructor(
    private readonly store: JobStore,
    private readonly registry: JobFunctionRegistry,
    private readonly policy: QueueJobDelayPolicy,
    @Inject(QUEUE_JOB_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {
    this.entities = new TypeOrmEntities(dataSource);
  }

  /**
   * `jobService.withDelay(orderService, { priority: 5 }).confirm(order)`: enqueues a `@Delayable()`
   * method of `target` with per-call options; resolves to the stored `Job`.
   */
  withDelay<T extends object>(target: T, options: DelayCallOptions = {}): Delayed<T> {
    return new Proxy({} as Delayed<T>, {
      get: (_proxy, property) => {
        const fn = typeof property === 'string' ? this.registry.forMethod(target, property) : undefined;
        if (!fn) throw new Error(notDelayable(target.constructor?.name ?? typeof target, String(property)));
        return (...args: unknown[]) => this.call(fn, args, options);
      },
    });
  }

  /** Runs `fn` in a transaction; jobs enqueued inside it are stored only if it commits. */
  transaction<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => this.ambient.run(manager, () => fn(manager)));
  }

  /** The job's row, or null. */
  findJob(uuid: string): Promise<QueueJob | null> {
    return this.store.findByUuid(uuid);
  }

  /** A call of a `@Delayable()` method: stored as a job, or run at once when the delay policy says so. */
  async call(fn: JobFunction, args: unknown[], options: DelayCallOptions = {}): Promise<Job | unknown> {
    if (!this.policy.delays()) return this.runNow(fn, args, options.manager);
    return this.enqueue(fn, args, options);
  }

  async enqueue(fn: JobFunction, args: unknown[], options: DelayCallOptions = {}): Promise<Job> {
    return (await this.enqueueAll(fn, [args], options))[0];
  }

  /**
   * Enqueues many calls of one `@Delayable()` method in one INSERT statement (the bulk path):
   * `jobService.enqueueMany(orderService, 'confirm', [[1, 'a'], [2, 'b']], { priority: 5 })`.
   */
  async enqueueMany<T extends object, K extends MethodKeys<T>>(
    target: T, method: K, argsList: ReadonlyArray<MethodParameters<T, K>>, options: DelayCallOptions = {},
  ): Promise<Job[]> {
    const fn = this.registry.forMethod(target, String(method));
    if (!fn) throw new Error(notDelayable(target.constructor?.name ?? typeof target, String(method)));
    if (!this.policy.delays()) {
      for (const args of argsList) await this.runNow(fn, [...args], options.manager);
      return [];
    }
    return this.enqueueAll(fn, argsList.map((args) => [...args]), options);
  }

  private async enqueueAll(fn: JobFunction, argsList: unknown[][], options: DelayCallOptions): Promise<Job[]> {
    const { manager, ...callOptions } = options;
    const effective = effectiveDelayOptions(fn.name, fn.options, callOptions, 'root');
    const rows = argsList.map((args) => this.newRow(fn, args, effective));
    const stored = await this.store.insertJobs(rows, manager ?? this.ambient.manager);
    return stored.map((s) => new Job(s.uuid, fn.name, effective.channel, effective.priority, effective.eta,
      s.state as JobState, s.created, (id) => this.store.findByUuid(id)));
  }

  private newRow(fn: JobFunction, args: unknown[], effective: EffectiveDelayOptions): NewJobRow {
    const serialized = serializeArguments(args, this.entities);
    return {
      uuid: randomUUID(),
      graphUuid: null,
      name: effective.description,
      jobFunction: fn.name,
      serviceName: fn.serviceName,
      methodName: fn.methodName,
      funcString: describeCall(fn.serviceName, fn.methodName, args, this.entities),
      args: JSON.stringify(serialized.args),
      records: JSON.stringify(serialized.records),
      dependencies: null,
      state: 'pending',
      priority: effective.priority,
      eta: effective.eta,
      maxRetries: effective.maxRetries,
      channel: effective.channel,
      identityKey: effective.identityKey,
    };
  }

  /** No-delay mode: the method runs now, in the caller's context and transaction, and its result is returned. */
  private runNow(fn: JobFunction, args: unknown[], manager: EntityManager | undefined): unknown {
    const context: JobContext = {
      uuid: randomUUID(), jobFunction: fn.name, channel: fn.options.channel ?? 'root', retry: 1,
      maxRetries: fn.options.maxRetries ?? 0,
      manager: async () => manager ?? this.ambient.manager ?? this.dataSource.manager,
    };
    return runInJobContext(context, () => fn.method.apply(fn.instance, args));
  }
}
