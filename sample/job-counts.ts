import type { DataSource } from 'typeorm';

/** Number of jobs per channel and state, e.g. `{ 'root.mail': { done: 294, failed: 6 } }`. */
export type JobCounts = Record<string, Partial<Record<string, number>>>;

/** Every job of the database, counted per channel and state (`GET /jobs/summary`). */
export async function countAllJobs(db: DataSource): Promise<JobCounts> {
  const rows: CountRow[] = await db.query(
    'SELECT channel, state, count(*)::int AS n FROM queue_job GROUP BY channel, state ORDER BY channel, state');
  return tally(rows);
}

/** Jobs not finished yet (waiting, pending, enqueued or started). */
export async function countUnfinishedJobs(db: DataSource): Promise<number> {
  const [row]: Array<{ n: number }> = await db.query(
    "SELECT count(*)::int AS n FROM queue_job WHERE state IN ('wait_dependencies', 'pending', 'enqueued', 'started')");
  return row.n;
}

export interface CountRow { channel: string; state: string; n: number }

export function tally(rows: readonly CountRow[]): JobCounts {
  const counts: JobCounts = {};
  for (const { channel, state, n } of rows) (counts[channel] ??= {})[state] = (counts[channel][state] ?? 0) + n;
  return counts;
}
