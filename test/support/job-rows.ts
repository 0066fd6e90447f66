import type { TestDatabase } from './test-database.js';
import { waitFor } from './wait-for.js';

/** A `queue_job` row as pg returns it: what the e2e tests assert on (the public column contract). */
export interface JobRow {
  id: string;
  uuid: string;
  name: string;
  job_function: string;
  service_name: string;
  method_name: string;
  func_string: string;
  args: unknown;
  records: unknown;
  state: string;
  priority: number;
  eta: Date | null;
  retry: number;
  max_retries: number;
  channel: string;
  result: unknown;
  exc_name: string | null;
  exc_message: string | null;
  exc_info: string | null;
  date_created: Date;
  date_enqueued: Date | null;
  date_started: Date | null;
  date_done: Date | null;
  exec_time: number | null;
  worker_id: string | null;
}

export async function jobRow(db: TestDatabase, uuid: string): Promise<JobRow> {
  const { rows } = await db.pool.query<JobRow>('SELECT * FROM queue_job WHERE uuid = $1', [uuid]);
  if (!rows[0]) throw new Error(`no queue_job row with uuid ${uuid}`);
  return rows[0];
}

export async function allJobRows(db: TestDatabase, where = 'true', params: unknown[] = []): Promise<JobRow[]> {
  return (await db.pool.query<JobRow>(`SELECT * FROM queue_job WHERE ${where} ORDER BY id`, params)).rows;
}

export async function countJobs(db: TestDatabase, where = 'true', params: unknown[] = []): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM queue_job WHERE ${where}`, params);
  return rows[0]!.n;
}

/** Waits until the job's row satisfies `accept` (default: a final state) and returns it. */
export function waitForRow(
  db: TestDatabase, uuid: string, accept: (row: JobRow) => boolean = (row) => ['done', 'failed'].includes(row.state),
  timeoutMs?: number,
): Promise<JobRow> {
  return waitFor(`job ${uuid}`, async () => {
    const row = await jobRow(db, uuid);
    return accept(row) ? row : null;
  }, timeoutMs);
}

export const inState = (...states: string[]) => (row: JobRow) => states.includes(row.state);

/** Seconds between two timestamps of a row. */
export const secondsBetween = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;
