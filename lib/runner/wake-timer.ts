/**
 * The runner's one timer for its next claim without a NOTIFY: the soonest of the etas, throttle and
 * rate windows a claim reported. A later time than the one already set changes nothing.
 */
export class WakeTimer {
  private timer: NodeJS.Timeout | undefined;
  private at = Number.POSITIVE_INFINITY;

  constructor(private readonly wake: () => void) {}

  /** Wakes the runner at `at` (epoch seconds), unless it is already woken sooner; null: no time to wait for. */
  set(at: number | null): void {
    // Infinity: a sequential channel held by a job that only another instance can run, which has no
    // time to wait for: the next NOTIFY or poll looks again.
    if (at === null || !Number.isFinite(at)) return;
    if (at >= this.at && this.timer) return;
    clearTimeout(this.timer);
    this.at = at;
    const delay = Math.max(0, Math.min(at * 1000 - Date.now(), 2 ** 31 - 1));
    this.timer = setTimeout(() => {
      this.clear();
      this.wake();
    }, delay);
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.at = Number.POSITIVE_INFINITY;
  }
}
