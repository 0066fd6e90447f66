import { performance } from 'node:perf_hooks';

/** A stall at least this long is reported. */
export const STALL_WARNING_MS = 1_000;
const TICK_MS = 250;

/**
 * Measures how late its own timer fires: a late timer means the event loop was blocked (a CPU-bound
 * job, a synchronous call) or the process paused. Leases are renewed by a timer too, so a stall
 * longer than a lease loses the job; the report names the jobs (`J`) that were running, to point at
 * the culprit and at the fix (`leaseSeconds` on its job function). It reads the running jobs from its
 * owner only when a stall is seen, and is told of each job that ends: an ending job costs a clock read.
 */
export class EventLoopWatch<J> {
  /** Jobs that ended during the stall under way: the blocking job often ends before the timer can fire. */
  private endedInStall: J[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastTick = 0;

  constructor(
    private readonly report: (stallMs: number, jobs: J[]) => void,
    private readonly runningJobs: () => Iterable<J>,
    private readonly thresholdMs = STALL_WARNING_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(): void {
    this.lastTick = this.now();
    this.timer ??= setInterval(() => this.tick(), TICK_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  ended(job: J): void {
    // Seen from inside the stall: the loop has not ticked for longer than the threshold.
    if (this.timer && this.stallSoFar() >= this.thresholdMs) this.endedInStall.push(job);
  }

  /** Run by the timer; a test may call it to simulate one. */
  tick(): void {
    const stall = this.stallSoFar();
    if (stall >= this.thresholdMs) {
      const jobs = [...this.endedInStall, ...this.runningJobs()];
      if (jobs.length > 0) this.report(stall, jobs);
    }
    this.endedInStall = [];
    this.lastTick = this.now();
  }

  private stallSoFar(): number {
    return this.now() - this.lastTick - TICK_MS;
  }
}
