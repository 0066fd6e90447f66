import { FINISHED_STATES, JOB_STATES, type JobState } from '../job-state.js';
import { adminJobFilterSql, UNFINISHED_PREDICATE, type AdminJobFilter } from './admin-job-filter.sql.js';

/**
 * Counts per state under a filter (its own states ignored), each stopped at `cap` rows: every
 * state's count is served by its partial index (pending, running, failed, unfinished, done,
 * cancelled), so a page view never counts a million done rows. `n = cap` means "at least cap".
 * Returns rows `{ state, n }`.
 */
export function adminCountByStateSql(
  filter: AdminJobFilter, cap: number, states: readonly JobState[] = JOB_STATES,
): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const where = adminJobFilterSql({ ...filter, states: undefined }, params);
  const limit = `$${params.push(cap)}`;
  const text = states.filter((state) => JOB_STATES.includes(state)).map((state) => `
SELECT '${state}'::text AS state, (SELECT count(*) FROM (
  SELECT 1 FROM queue_job WHERE state = '${state}'${FINISHED_STATES.includes(state) ? '' : ` AND ${UNFINISHED_PREDICATE}`} AND ${where} LIMIT ${limit}
) s)::int AS n`).join('\nUNION ALL');
  return { text, params };
}

/** How many jobs match a filter, stopped at `cap` rows (`n` = cap: at least that many). */
export function adminCountJobsSql(filter: AdminJobFilter, cap: number): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const where = adminJobFilterSql(filter, params);
  return { text: `SELECT count(*)::int AS n FROM (SELECT 1 FROM queue_job WHERE ${where} LIMIT $${params.push(cap)}) s`, params };
}

/** The planner's estimate of the rows matching a filter (from table statistics: no rows are read). */
export function adminEstimateJobsSql(filter: AdminJobFilter): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  return { text: `EXPLAIN (FORMAT JSON) SELECT 1 FROM queue_job WHERE ${adminJobFilterSql(filter, params)}`, params };
}

/** Rows of the tables of `queue_job` as of their last ANALYZE (never analysed: 0): tells a long history from a small table. */
export const ADMIN_TABLE_ROWS_SQL = `
SELECT COALESCE(sum(GREATEST(c.reltuples, 0)), 0)::float8 AS n FROM pg_partition_tree('queue_job') t JOIN pg_class c ON c.oid = t.relid
WHERE t.isleaf`;
