/** The `timeout` of the calls that set one, among the jobs `$1`. */
export const CALL_TIMEOUTS_SQL = `SELECT id::text AS id, timeout FROM queue_job WHERE id = ANY($1::bigint[]) AND state IN ('enqueued', 'started') AND timeout IS NOT NULL`;
