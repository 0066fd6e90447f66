import type { JobFunctionRegistry } from '../discovery/job-function.registry.js';
import type { EntityInspector, EntityLoader, JsonValue } from '../enqueue/argument-serializer.js';
import { storedArguments } from '../enqueue/stored-arguments.js';
import { Job } from '../enqueue/job.js';
import type { JobSink } from '../enqueue/job-sink.js';
import type { JobService } from '../enqueue/job.service.js';
import type { PreparedJob } from '../enqueue/prepared-job.js';
import { jobArguments } from '../runner/job-arguments.js';
import { errorOutcome } from '../runner/job-outcome.js';
import { describeTrapped, toTrappedJob, type TrappedJob, type TrappedJobProperties } from './trapped-job.js';

/** A job method given as `shop.confirm`, `ShopService.prototype.confirm`, or a job function name. */
export type JobMethod = Function | string;

/** How the jobs of one `performEnqueuedJobs()` call ended. */
export interface PerformedJobs {
  done: TrappedJob[];
  /** Still trapped, with `retry + 1` and a later `eta`: the next call runs them again. */
  retrying: TrappedJob[];
  /** With what was thrown, and the `exc_name` / `exc_message` the runner would record. */
  failed: Array<{ job: TrappedJob; error: unknown; excName: string; excMessage: string }>;
}

/**
 * Records enqueues instead of storing them (queue_job's JobsTrap). Made by `trapJobs(app)`; call
 * `restore()` (or use `using`) to go back to storing jobs.
 */
export class JobsTrap implements JobSink, Disposable {
  private readonly trapped: Array<{ job: TrappedJob; prepared: PreparedJob }> = [];

  constructor(
    private readonly jobs: JobService,
    private readonly registry: JobFunctionRegistry,
    private readonly entities: EntityInspector & EntityLoader,
  ) {}

  /** Every trapped job, in enqueue order. */
  get enqueuedJobs(): readonly TrappedJob[] {
    return this.trapped.map((t) => t.job);
  }

  /** The trapped calls: job function and arguments, in enqueue order. */
  get calls(): ReadonlyArray<{ jobFunction: string; args: unknown[] }> {
    return this.trapped.map(({ job }) => ({ jobFunction: job.jobFunction, args: job.args }));
  }

  async accept(jobs: PreparedJob[]): Promise<Job[]> {
    return jobs.map((prepared) => {
      const key = prepared.options.identityKey;
      const holder = key === null ? undefined : this.trapped.find((t) => !t.job.performed && t.job.identityKey === key);
      const entry = holder ?? { job: toTrappedJob(prepared), prepared };
      if (!holder) this.trapped.push(entry);
      const j = entry.job;
      return new Job(j.uuid, j.jobFunction, j.channel, j.priority, j.eta, j.dependsOn.length ? 'wait_dependencies' : 'pending',
        !holder, async () => null);
    });
  }

  /** Asserts that `count` jobs were trapped (of `only`, when given). */
  assertJobsCount(count: number, only?: JobMethod): void {
    const name = only === undefined ? undefined : this.nameOf(only);
    const matching = this.trapped.filter((t) => name === undefined || t.job.jobFunction === name);
    if (matching.length !== count) {
      throw new Error(`Expected ${count} trapped job(s)${name ? ` of ${name}` : ''}, found ${matching.length}.\n${this.listing()}`);
    }
  }

  /** Asserts that a job of `method` with these arguments (and these properties, on the keys given) was trapped. */
  assertEnqueued(method: JobMethod, args: readonly unknown[], properties: TrappedJobProperties = {}): void {
    const name = this.nameOf(method);
    const wanted = this.stored(args);
    const found = this.trapped.some(({ job }) =>
      job.jobFunction === name && this.stored(job.args) === wanted && matchesProperties(job, properties));
    if (!found) {
      const props = Object.keys(properties).length ? ` with ${JSON.stringify(properties)}` : '';
      throw new Error(`No trapped job ${name}(${wanted.slice(1, -1)})${props}.\n${this.listing()}`);
    }
  }

  /**
   * Runs the trapped jobs now, in priority order, graphs in dependency order, and says how each ended,
   * as the runner would. Each runs with its arguments as stored, records loaded again (a record
   * deleted since the enqueue fails it as a RecordNotFoundError, or, with `onMissingRecord: 'done'`,
   * ends it done without calling the method). A `RetryableJobError` (or a database concurrency error)
   * leaves the job trapped with `retry + 1` and its next `eta`, to run again at the next call (the eta
   * is not waited for), and fails it once `maxRetries` is reached; any other error fails it, and its
   * children keep waiting. Failures are reported, not thrown, unless `throwOnFailure` is set. Jobs they enqueue are
   * trapped too and wait for the next call.
   */
  async performEnqueuedJobs(options: { throwOnFailure?: boolean } = {}): Promise<PerformedJobs> {
    const report: PerformedJobs = { done: [], retrying: [], failed: [] };
    const batch = this.trapped.filter((t) => !t.job.performed);
    const done = new Set(this.trapped.filter((t) => t.job.state === 'done').map((t) => t.job.uuid));
    while (batch.length > 0) {
      const ready = batch.filter((t) => t.job.dependsOn.every((uuid) => done.has(uuid)));
      if (ready.length === 0) {
        // Children of a job that failed or is retrying wait, as they would in the queue.
        if (report.failed.length > 0 || report.retrying.length > 0) break;
        throw new Error(`Trapped jobs wait for jobs that never ran:\n${this.listing()}`);
      }
      ready.sort((a, b) => a.job.priority - b.job.priority);
      const next = ready[0];
      batch.splice(batch.indexOf(next), 1);
      await this.perform(next, report);
      if (next.job.state === 'done') done.add(next.job.uuid);
    }
    if (options.throwOnFailure && report.failed.length > 0) {
      throw new Error(`${report.failed.length} trapped job(s) failed:\n${report.failed.map((f) => `  ${f.job.jobFunction}: ${f.excName}: ${f.excMessage}`).join('\n')}`);
    }
    return report;
  }

  /** One attempt, its outcome decided by the runner's own rule (errorOutcome). */
  private async perform(entry: { job: TrappedJob; prepared: PreparedJob }, report: PerformedJobs): Promise<void> {
    const { job } = entry;
    job.retry += 1;
    try {
      const args = await jobArguments(JSON.parse(entry.prepared.row.args) as JsonValue[], this.entities, entry.prepared.fn);
      await this.jobs.runNow({ ...entry.prepared, args }, undefined, job.retry, (report) => {
        job.progress = report.progress;
        job.progressMessage = report.message;
      });
      report.done.push(this.finish(job, 'done'));
    } catch (error) {
      const outcome = errorOutcome(error, { retry: job.retry, maxRetries: job.maxRetries, retryPattern: this.registry.get(job.jobFunction)?.retryPattern ?? null });
      if (outcome.state === 'done') {
        report.done.push(this.finish(job, 'done'));
      } else if (outcome.state === 'pending') {
        if (!outcome.countsAsRetry) job.retry -= 1;
        job.progress = job.progressMessage = null;
        job.eta = new Date(Date.now() + outcome.delaySeconds * 1000);
        report.retrying.push(job);
      } else {
        report.failed.push({ job: this.finish(job, 'failed'), error, excName: outcome.excName, excMessage: outcome.excMessage });
      }
    }
  }

  /** The job ran to an end: it is not performed again. */
  private finish(job: TrappedJob, state: 'done' | 'failed'): TrappedJob {
    job.performed = true;
    job.state = state;
    return job;
  }

  /** Stops trapping: enqueues are stored again. */
  restore(): void {
    this.jobs.useSink(undefined);
  }

  [Symbol.dispose](): void {
    this.restore();
  }

  private nameOf(method: JobMethod): string {
    const fn = this.registry.resolve(method);
    if (!fn) throw new Error(`${typeof method === 'string' ? method : method.name || 'This function'} is not a @Delayable() job function of this app.`);
    return fn.name;
  }

  private stored(args: readonly unknown[]): string {
    return storedArguments(args, this.entities).args;
  }

  private listing(): string {
    if (this.trapped.length === 0) return 'Nothing was enqueued.';
    return `Enqueued:\n${this.trapped.map(({ job }) => describeTrapped(job, this.stored(job.args))).join('\n')}`;
  }
}

function matchesProperties(job: TrappedJob, properties: TrappedJobProperties): boolean {
  return Object.entries(properties).every(([key, value]) => {
    const actual = job[key as keyof TrappedJobProperties];
    return actual instanceof Date && value instanceof Date ? actual.getTime() === value.getTime() : actual === value;
  });
}
