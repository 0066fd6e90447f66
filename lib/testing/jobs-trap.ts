import type { JobFunctionRegistry } from '../discovery/job-function.registry.js';
import { serializeArguments, type EntityInspector } from '../enqueue/argument-serializer.js';
import { Job } from '../enqueue/job.js';
import type { JobSink } from '../enqueue/job-sink.js';
import type { JobService } from '../enqueue/job.service.js';
import type { PreparedJob } from '../enqueue/prepared-job.js';
import { describeTrapped, toTrappedJob, type TrappedJob, type TrappedJobProperties } from './trapped-job.js';

/** A job method given as `shop.confirm`, `ShopService.prototype.confirm`, or a job function name. */
export type JobMethod = Function | string;

/**
 * Records enqueues instead of storing them (queue_job's JobsTrap). Made by `trapJobs(app)`; call
 * `restore()` (or use `using`) to go back to storing jobs.
 */
export class JobsTrap implements JobSink, Disposable {
  private readonly trapped: Array<{ job: TrappedJob; prepared: PreparedJob }> = [];

  constructor(
    private readonly jobs: JobService,
    private readonly registry: JobFunctionRegistry,
    private readonly entities: EntityInspector,
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
   * Runs the trapped jobs now, in priority order, graphs in dependency order. Jobs they enqueue are
   * trapped too and wait for the next call.
   */
  async performEnqueuedJobs(): Promise<void> {
    const batch = this.trapped.filter((t) => !t.job.performed);
    const done = new Set(this.trapped.filter((t) => t.job.performed).map((t) => t.job.uuid));
    while (batch.length > 0) {
      const ready = batch.filter((t) => t.job.dependsOn.every((uuid) => done.has(uuid)));
      if (ready.length === 0) throw new Error(`Trapped jobs wait for jobs that never ran:\n${this.listing()}`);
      ready.sort((a, b) => a.job.priority - b.job.priority);
      const next = ready[0];
      batch.splice(batch.indexOf(next), 1);
      next.job.performed = true;
      await this.jobs.runNow(next.prepared);
      done.add(next.job.uuid);
    }
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
    return JSON.stringify(serializeArguments(args, this.entities).args);
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
