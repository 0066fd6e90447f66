/** Waits `ms` milliseconds; false when the pass must stop (the app is shutting down). */
export type Rest = (ms: number) => Promise<boolean>;

/**
 * After each step of its work (emptying a day table, deleting a batch of rows) the autovacuum rests
 * this many times as long as the step took, so that at most a tenth of its time is work: removing
 * history competes with the claims for the cores and the disk (as PostgreSQL's own vacuum spreads its
 * I/O with `vacuum_cost_delay`). Measured in BENCHMARKS.md ("Autovacuum by days", "… by rows").
 */
const REST_PER_WORK = 9;
/** The longest rest after one step (a very large table), in milliseconds. */
const MAX_REST_MS = 10_000;

/** Rests in proportion to the work done since `started` (a `performance.now()`): false when the pass must stop. */
export function restAfterWork(rest: Rest, started: number): Promise<boolean> {
  return rest(Math.min(MAX_REST_MS, REST_PER_WORK * (performance.now() - started)));
}
