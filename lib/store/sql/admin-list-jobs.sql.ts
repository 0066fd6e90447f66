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

/**
 * One page of jobs. Newest first is served by `queue_job_date_created_idx`, and by the partial
 * `queue_job_unfinished_idx` when only unfinished states are wanted (the default view); ties on the
 * sort key go by id, so pages never overlap. Asks for one row more than the page to know if there is a next.
 */
export function adminListJobsSql(
  filter: AdminJobFilter, sort: AdminJobSort, descending: boolean, limit: number, offset: number,
): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const where = adminJobFilterSql(filter, params);
  const { column, nullable } = ADMIN_JOB_SORTS[sort];
  const direction = descending ? 'DESC' : 'ASC';
  const order = column === 'date_created'
    ? `date_created ${direction}, id ${direction}`
    : `${column} ${direction}${nullable ? ' NULLS LAST' : ''}, date_created DESC, id DESC`;
  const text = `
SELECT uuid, graph_uuid, left(name, ${ADMIN_NAME_LIMIT}) AS name, job_function, channel, state, priority, eta, retry, max_retries,
       date_created, date_started, date_done, date_cancelled, exec_time, left(exc_name, ${ADMIN_NAME_LIMIT}) AS exc_name,
       left(exc_message, 500) AS exc_message, progress, left(progress_message, 500) AS progress_message,
       ${NO_LIVE_WORKER_COLUMN}
FROM queue_job WHERE ${where}
ORDER BY ${order}
LIMIT $${params.push(limit)} OFFSET $${params.push(offset)}`;
  return { text, params };
}
