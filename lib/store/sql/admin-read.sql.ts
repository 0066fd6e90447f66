/** Admin reads run in a read-only transaction that stops any statement running past the timeout. */
export const adminReadBeginSql = (timeoutMs: number) =>
  `BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.trunc(timeoutMs)}`;

/** PostgreSQL's SQLSTATE for a statement stopped by `statement_timeout`. */
export const QUERY_CANCELED = '57014';
