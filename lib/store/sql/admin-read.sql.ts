/**
 * Admin reads run in a read-only transaction that stops any statement running past the timeout, and
 * without JIT: the planner's estimates for a query over every table of a long history (a text search,
 * say) pass `jit_above_cost` although the query reads a few index pages; compiling its expressions
 * for each table took ~370 ms of a 390 ms search on 3,000,000 done jobs.
 */
export const adminReadBeginSql = (timeoutMs: number) =>
  `BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.trunc(timeoutMs)}; SET LOCAL jit = off`;

/** PostgreSQL's SQLSTATE for a statement stopped by `statement_timeout`. */
export const QUERY_CANCELED = '57014';
