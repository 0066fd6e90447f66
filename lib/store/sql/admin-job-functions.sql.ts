/** The job function records. */
export const ADMIN_JOB_FUNCTIONS_SQL = `
SELECT f.name, f.channel, f.retry_pattern, f.related_action, f.declared_by
FROM queue_job_function f ORDER BY f.name`;

/** One job function record (`$1` its name). */
export const ADMIN_JOB_FUNCTION_SQL = `
SELECT name, channel, retry_pattern, related_action, declared_by FROM queue_job_function WHERE name = $1`;
