/** The jobs of one graph (`$1` graph_uuid, at most `$2`), for drawing it: served by `queue_job_graph_idx`. */
export const ADMIN_JOB_GRAPH_SQL = `
SELECT uuid, name, job_function, method_name, state, dependencies
FROM queue_job WHERE graph_uuid = $1 ORDER BY id LIMIT $2`;
