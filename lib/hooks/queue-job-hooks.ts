import { Injectable, Logger } from '@nestjs/common';
import { messageOf } from '../errors/describe-thrown.js';
import type { PreparedJob } from '../enqueue/prepared-job.js';
import type { ExecutingJob, JobEvent } from './job-event.js';

/** Runs when a job is prepared, before it is stored (or trapped, or run at once): may set `job.row.context` etc. */
export type EnqueueHook = (job: PreparedJob) => void;

/** Runs around a job's execution (restore a context, open a span…); must call `run` and return its result. */
export type ExecutionWrapper = (job: ExecutingJob, run: () => Promise<unknown>) => Promise<unknown>;

export type JobEventListener = (event: JobEvent) => void;

/**
 * The module's extension points: enqueue hooks, execution wrappers and lifecycle events. One per
 * app. Integrations (tracing, metrics, context propagation) register here at startup; apps can
 * too (`hooks.on((event) => …)`). A listener that throws is logged and never breaks a job.
 */
@Injectable()
export class QueueJobHooks {
  private readonly logger = new Logger('QueueJob');
  private readonly enqueueHooks: EnqueueHook[] = [];
  private readonly wrappers: ExecutionWrapper[] = [];
  private readonly listeners = new Set<JobEventListener>();

  onEnqueue(hook: EnqueueHook): () => void {
    this.enqueueHooks.push(hook);
    return () => this.enqueueHooks.splice(this.enqueueHooks.indexOf(hook) >>> 0, 1);
  }

  /** The first registered wrapper is the outermost. */
  wrapExecution(wrapper: ExecutionWrapper): () => void {
    this.wrappers.push(wrapper);
    return () => this.wrappers.splice(this.wrappers.indexOf(wrapper) >>> 0, 1);
  }

  /** Subscribes to every lifecycle event; returns the unsubscribe function. */
  on(listener: JobEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  prepared(job: PreparedJob): PreparedJob {
    for (const hook of this.enqueueHooks) hook(job);
    return job;
  }

  execute(job: ExecutingJob, run: () => Promise<unknown>): Promise<unknown> {
    return this.wrappers.reduceRight<() => Promise<unknown>>((next, wrapper) => () => wrapper(job, next), run)();
  }

  emit(event: JobEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error(`A ${event.name} listener threw: ${messageOf(error)}`);
      }
    }
  }
}
