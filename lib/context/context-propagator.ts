import { Inject, Injectable } from '@nestjs/common';
import { QueueJobHooks } from '../hooks/queue-job-hooks.js';
import { QUEUE_JOB_RESOLVED_OPTIONS } from '../queue-job.constants.js';
import type { ResolvedQueueJobOptions } from '../queue-job.options.js';
import { encodeContext } from './context-json.js';
import type { JsonObject } from './context-options.js';

/**
 * Wires the module option `context` into the hooks: `capture()` at every enqueue (stored, trapped or
 * run at once: all meet the same refusals), `restore()` around every execution by the runner. A
 * call run at once (no-delay mode, a trap's `performEnqueuedJobs`) keeps the caller's context as it
 * is. A job's calls to other `@Delayable()` methods run inside the restored context, so the jobs it
 * enqueues carry the same context.
 */
@Injectable()
export class JobContextPropagator {
  constructor(hooks: QueueJobHooks, @Inject(QUEUE_JOB_RESOLVED_OPTIONS) options: ResolvedQueueJobOptions) {
    const context = options.context;
    if (!context) return;
    // In the constructor, not onModuleInit: another provider may enqueue from its own onModuleInit.
    hooks.onEnqueue((job) => {
      const encoded = encodeContext(job.fn.name, context.capture());
      job.row.context = encoded?.json ?? null;
      job.row.userId = encoded?.userId ?? null;
    });
    // Every execution gets a context of its own, even an empty one: what the runner's async context
    // happens to carry (e.g. the request whose enqueue woke it) never leaks into a job.
    hooks.wrapExecution((job, run) => context.restore((job.context ?? {}) as JsonObject, run));
  }
}
