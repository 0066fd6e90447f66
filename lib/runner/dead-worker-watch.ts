/** How long another worker's lock must stay missing, as this worker sees it, before its jobs are taken back. */
export const DEAD_WORKER_GRACE_MS = 3_000;

/** How often a runner looks for dead workers and expired leases. */
export const RESCUE_INTERVAL_MS = 1_000;

/**
 * Decides when a worker whose lock is gone is dead. A worker briefly without its lock (its LISTEN
 * connection reconnecting after a database restart) is alive: it must stay lockless for a grace
 * period counted from when this worker could observe it, and observations start over whenever this
 * worker itself lost the database.
 */
export class DeadWorkerWatch {
  private readonly missingSince = new Map<string, number>();

  constructor(private readonly graceMs = DEAD_WORKER_GRACE_MS, private readonly now: () => number = Date.now) {}

  /** Given the workers seen without their lock now, those missing for longer than the grace period. */
  pickDead(orphaned: string[]): string[] {
    const now = this.now();
    const seen = new Set(orphaned);
    for (const worker of this.missingSince.keys()) if (!seen.has(worker)) this.missingSince.delete(worker);
    for (const worker of orphaned) if (!this.missingSince.has(worker)) this.missingSince.set(worker, now);
    return orphaned.filter((worker) => now - this.missingSince.get(worker)! >= this.graceMs);
  }

  /** This worker lost the database for a while: what it saw before says nothing about the others now. */
  reset(): void {
    this.missingSince.clear();
  }
}
