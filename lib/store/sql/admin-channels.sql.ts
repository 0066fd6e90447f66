import { UNFINISHED_PREDICATE } from './admin-job-filter.sql.js';

/**
 * Live counts per channel for the admin's channel tree: one aggregate per partial index (pending,
 * running, failed, unfinished), so the cost follows the backlog, never the done history.
 */
export const ADMIN_CHANNEL_COUNTS_SQL = `
SELECT channel, 'pending' AS bucket, count(*)::int AS n FROM queue_job WHERE state = 'pending' GROUP BY channel
UNION ALL
SELECT channel, 'running', count(*)::int FROM queue_job WHERE state IN ('enqueued', 'started') GROUP BY channel
UNION ALL
SELECT channel, 'failed', count(*)::int FROM queue_job WHERE state = 'failed' GROUP BY channel
UNION ALL
SELECT channel, 'waiting', count(*)::int FROM queue_job
WHERE state = 'wait_dependencies' AND ${UNFINISHED_PREDICATE} GROUP BY channel`;

/** The channel records (removal interval, declarers). */
export const ADMIN_CHANNEL_RECORDS_SQL = `
SELECT complete_name, removal_interval, declared_by FROM queue_job_channel ORDER BY complete_name`;

/** The recent starts of rate-limited channels, to tell which are rate limited now and until when. */
export const ADMIN_RATE_WINDOWS_SQL = 'SELECT channel, starts FROM queue_job_channel_rate';
