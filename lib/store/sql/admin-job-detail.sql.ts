import { ADMIN_NAME_LIMIT } from './admin-limits.js';

/**
 * The columns of a job that may hold anything, by their admin names: JSON (read as text, as
 * PostgreSQL writes it: the pg driver would parse it, and a value nested thousands of levels deep
 * parses but cannot be encoded again) and long texts.
 */
export const ADMIN_LARGE_FIELDS = {
  funcString: 'func_string', args: 'args', records: 'records', dependencies: 'dependencies', result: 'result',
  excMessage: 'exc_message', excInfo: 'exc_info', context: 'context', traceContext: 'trace_context',
} as const;
export type AdminLargeField = keyof typeof ADMIN_LARGE_FIELDS;

const SMALL_COLUMNS = `j.id, j.uuid, j.graph_uuid AS "graphUuid", left(j.name, ${ADMIN_NAME_LIMIT}) AS name,
  j.job_function AS "jobFunction", j.service_name AS "serviceName", j.method_name AS "methodName", j.state, j.priority, j.eta, j.retry, j.max_retries AS "maxRetries", j.channel,
  j.identity_key AS "identityKey", left(j.exc_name, ${ADMIN_NAME_LIMIT}) AS "excName", j.date_created AS "dateCreated",
  j.date_enqueued AS "dateEnqueued", j.date_started AS "dateStarted", j.date_done AS "dateDone", j.date_cancelled AS "dateCancelled",
  j.exec_time AS "execTime", j.worker_id AS "workerId", j.user_id AS "userId", j.lease_token AS "leaseToken",
  j.lease_expires_at AS "leaseExpiresAt", j.progress, left(j.progress_message, 500) AS "progressMessage"`;

const large = Object.entries(ADMIN_LARGE_FIELDS);

/**
 * One job (`$1` uuid) for its page: the small columns, and each large one as its first `$2`
 * characters of text (`<field>:text`) with its whole length (`<field>:length`); `hasRecords` for
 * the related action. Only the cut text leaves the database.
 */
export const ADMIN_JOB_DETAIL_SQL = `
SELECT ${SMALL_COLUMNS},
  ${large.map(([name]) => `left(t.${name}, $2) AS "${name}:text", length(t.${name}) AS "${name}:length"`).join(',\n  ')},
  CASE WHEN jsonb_typeof(j.records) = 'array' THEN jsonb_array_length(j.records) > 0 ELSE false END AS "hasRecords"
FROM queue_job j
CROSS JOIN LATERAL (SELECT ${large.map(([name, column]) => `j.${column}::text AS ${name}`).join(', ')}) t
WHERE j.uuid = $1`;

/** The whole of one large field of a job (`$1` uuid) as text: null when the column is. */
export const adminJobFieldSql = (field: AdminLargeField) => `SELECT ${ADMIN_LARGE_FIELDS[field]}::text AS text FROM queue_job WHERE uuid = $1`;
