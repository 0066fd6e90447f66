import { ADMIN_NAME_LIMIT } from './admin-limits.js';

/**
 * What a job's page polls (`$1` uuid): its state, retries, dates, exception class and progress, never its
 * arguments, result or stack, so a refresh stays small whatever the job holds.
 */
export const ADMIN_JOB_STATE_SQL = `
SELECT uuid, state, retry, max_retries AS "maxRetries", eta, date_enqueued AS "dateEnqueued", date_started AS "dateStarted",
  date_done AS "dateDone", date_cancelled AS "dateCancelled", exec_time AS "execTime", left(exc_name, ${ADMIN_NAME_LIMIT}) AS "excName",
  progress, left(progress_message, 500) AS "progressMessage"
FROM queue_job WHERE uuid = $1`;
