import type { JobFunctionRegistry } from '../discovery/job-function.registry.js';
import type { LeaseLengths } from '../store/rescue-dead-jobs.js';

/** A claimed job, as far as its lease goes. */
export interface LeasedJob { id: string; job_function: string; lease_token: string }

/**
 * Lease lengths: a job function's own `leaseSeconds` (for CPU-bound jobs, whose blocked event loop
 * stops the heartbeat), else `runner.leaseSeconds`. Claims give every job the runner's lease; a job
 * whose function has its own is extended to it before its code runs.
 */
export class JobLeases {
  /** Whether any job function has a lease of its own: read at the first claim, when the records are synchronised. */
  private anyOwn: boolean | undefined;

  constructor(private readonly registry: JobFunctionRegistry, readonly defaultSeconds: number) {}

  of(jobFunction: string): number {
    return this.registry.get(jobFunction)?.leaseSeconds ?? this.defaultSeconds;
  }

  /** A third of the shortest lease in use, so that two missed heartbeats still leave every lease alive. */
  heartbeatMs(): number {
    const shortest = Math.min(this.defaultSeconds, ...this.registry.all().map((fn) => fn.leaseSeconds ?? this.defaultSeconds));
    return Math.max(200, (shortest * 1000) / 3);
  }

  /** For the rescuer, to say which lease expired. */
  lengths(): LeaseLengths {
    const byFunction: Record<string, number> = {};
    for (const fn of this.registry.all()) if (fn.leaseSeconds !== null) byFunction[fn.name] = fn.leaseSeconds;
    return { byFunction, default: this.defaultSeconds };
  }

  /**
   * The jobs just claimed whose lease differs from the claim's: ids, tokens and seconds to renew them
   * with; null when none can (no job function has its own lease: the common case costs the claim nothing).
   */
  ownLeases(jobs: readonly LeasedJob[]): { ids: string[]; tokens: string[]; seconds: number[] } | null {
    this.anyOwn ??= this.registry.all().some((fn) => fn.leaseSeconds !== null && fn.leaseSeconds !== undefined);
    if (!this.anyOwn) return null;
    const own = { ids: [] as string[], tokens: [] as string[], seconds: [] as number[] };
    for (const job of jobs) {
      const seconds = this.of(job.job_function);
      if (seconds === this.defaultSeconds) continue;
      own.ids.push(job.id);
      own.tokens.push(job.lease_token);
      own.seconds.push(seconds);
    }
    return own.ids.length > 0 ? own : null;
  }
}
