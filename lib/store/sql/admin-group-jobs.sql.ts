import { adminJobFilterSql, type AdminJobFilter } from './admin-job-filter.sql.js';
import { ADMIN_NAME_LIMIT } from './admin-limits.js';

/** Group keys of the admin's job list and their columns (an exception class cut as the list shows it). */
export const ADMIN_JOB_GROUPS = {
  channel: 'channel',
  jobFunction: 'job_function',
  state: 'state',
  exception: `left(exc_name, ${ADMIN_NAME_LIMIT})`,
} as const;

export type AdminJobGroup = keyof typeof ADMIN_JOB_GROUPS;

/** Counts of the filtered jobs per value of one column, largest first (rows `{ key, n }`). */
export function adminGroupJobsSql(filter: AdminJobFilter, by: AdminJobGroup, limit: number): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const where = adminJobFilterSql(filter, params);
  const text = `
SELECT ${ADMIN_JOB_GROUPS[by]} AS key, count(*)::int AS n FROM queue_job WHERE ${where}
GROUP BY 1 ORDER BY n DESC, key NULLS FIRST LIMIT $${params.push(limit)}`;
  return { text, params };
}
