import { ADMIN_NAME_LIMIT } from './admin-limits.js';
import { adminJobFilterSql, type AdminJobFilter } from './admin-job-filter.sql.js';
import { NO_LIVE_WORKER_COLUMN } from './fleet.sql.js';

/** Sort keys of the admin's job list and their columns; `nullable` ones sort their NULLs last. */
export const ADMIN_JOB_SORTS = {
  dateCreated: { column: 'date_created', nullable: false },
  dateStarted: { column: 'date_started', nullable: true },
  dateDone: { column: 'date_done', nullable: true },
  eta: { column: 'eta', nullable: true },
  priority: { column: 'priority', nullable: false },
  state: { column: 'state', nullable: false },
  channel: { column: 'channel', nullable: false },
  jobFunction: { column: 'job_function', nullable: false },
  retry: { column: 'retry', nullable: false },
  execTime: { column: 'exec_time', nullable: true },
} as const;

export type AdminJobSort = keyof typeof ADMIN_JOB_SORTS;

/** A row of the list: what a table row shows, without the heavy columns (args, result, stack). */
export interface AdminJobListRow {
  uuid: string;
  graph_uuid: string | null;
  name: string;
  job_function: string;
  channel: string;
  state: string;
  priority: number;
  eta: Date | null;
  retry: number;
  max_retries: number;
  date_created: Date;
  date_started: Date | null;
  date_done: Date | null;
  date_cancelled: Date | null;
  exec_time: number | null;
  exc_name: string | null;
  exc_message: string | null;
  no_live_worker: boolean;
  progress: number | null;
  progress_message: string | null;
}

const LIST_COLUMNS = `uuid, graph_uuid, left(name, ${ADMIN_NAME_LIMIT}) AS name, job_function, channel, state, priority, eta, retry, max_retries,
       date_created, date_started, date_done, date_cancelled, exec_time, left(exc_name, ${ADMIN_NAME_LIMIT}) AS exc_name,
       left(exc_message, 500) AS exc_message, progress, left(progress_message, 500) AS progress_message`;
const OUTPUT_COLUMNS = `uuid, graph_uuid, name, job_function, channel, state, priority, eta, retry, max_retries, date_created, date_started,
       date_done, date_cancelled, exec_time, exc_name, exc_message, progress, progress_message`;

/**
 * One page of jobs. Newest first is served by the indexes on `date_created` of each table of
 * `queue_job`; ties on the sort key go by date and id, so pages never overlap. Asks for one row more
 * than the page to know if there is a next. A column that may be NULL sorts its NULLs last, in two
 * parts: the jobs that have a value, in the order of the column's index (read backwards for a
 * descending sort: `DESC NULLS LAST` is no index's order, and would sort the whole history), then
 * those without one, newest first; each part reads at most the rows up to the page's end.
 */
export function adminListJobsSql(
  filter: AdminJobFilter, sort: AdminJobSort, descending: boolean, limit: number, offset: number,
): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const where = adminJobFilterSql(filter, params);
  const { column, nullable } = ADMIN_JOB_SORTS[sort];
  const direction = descending ? 'DESC' : 'ASC';
  // Only the page's rows are asked whether a live worker runs them (a subquery per row), outside
  // the scans of the tables.
  const page = (inner: string) => `SELECT ${OUTPUT_COLUMNS}, ${NO_LIVE_WORKER_COLUMN} FROM (${inner}) page`;
  if (!nullable) {
    const order = column === 'date_created' ? `date_created ${direction}, id ${direction}` : `${column} ${direction}, date_created DESC, id DESC`;
    const inner = `SELECT id, ${LIST_COLUMNS} FROM queue_job WHERE ${where} ORDER BY ${order}
LIMIT $${params.push(limit)} OFFSET $${params.push(offset)}`;
    return { text: `${page(inner)} ORDER BY ${order}`, params };
  }
  const end = `$${params.push(limit + offset)}`;
  const inner = `
  (SELECT 0 AS without_value, id, ${LIST_COLUMNS} FROM queue_job WHERE ${where} AND ${column} IS NOT NULL
   ORDER BY ${column} ${direction}, date_created DESC, id DESC LIMIT ${end})
  UNION ALL
  (SELECT 1 AS without_value, id, ${LIST_COLUMNS} FROM queue_job WHERE ${where} AND ${column} IS NULL
   ORDER BY date_created DESC, id DESC LIMIT ${end})
  ORDER BY without_value, ${column} ${direction}, date_created DESC, id DESC
  LIMIT $${params.push(limit)} OFFSET $${params.push(offset)}`;
  const text = `${page(inner)} ORDER BY without_value, ${column} ${direction}, date_created DESC, id DESC`;
  return { text, params };
}
