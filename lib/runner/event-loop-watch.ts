import { performance } from 'node:perf_hooks';

/** A stall at least this long is reported. */
export const STALL_WARNING_MS = 1_000;
const TICK_MS = 250;

export interface LoopWatchedJob { uuid: string; jobFunction: string; leaseSeconds: number }

/**
 * Measures how late its own timer fires: a late timer means the event loop was blocked (a CPU-bound
 * job, a synchronous call) or the process paused. Leases are renewed by a timer too, so a stall
 * longer than a lease loses the job; the warning names the jobs that were running, to point at the
 * culprit and at the fix (`leaseSeconds` on its job function).
 */
export class EventLoopWatch {
  private readonly running = new Map<string, LoopWatchedJob>();
  /** Jobs that ended during the stall under way: the blocking job often ends before the timer can fire. */
  private endedInStall: LoopWatchedJob[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastTick = 0;

  constructor(
    private readonly report: (stallMs: number, jobs: LoopWatchedJob[]) => void,
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

  began(id: string, job: LoopWatchedJob): void {
    this.running.set(id, job);
  }

  ended(id: string): void {
    const job = this.running.get(id);
    this.running.delete(id);
    // Seen from inside the stall: the loop has not ticked for longer than the threshold.
    if (job && this.timer && this.stallSoFar() >= this.thresholdMs) this.endedInStall.push(job);
  }

  /** Run by the timer; a test may call it to simulate one. */
  tick(): void {
    const stall = this.stallSoFar();
    const jobs = [...this.endedInStall, ...this.running.values()];
    this.endedInStall = [];
    this.lastTick = this.now();
    if (stall >= this.thresholdMs && jobs.length > 0) this.report(stall, jobs);
  }

  private stallSoFar(): number {
    return this.now() - this.lastTick - TICK_MS;
  }
}
