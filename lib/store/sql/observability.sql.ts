/**
 * Pending and running jobs per channel, for the metrics gauges. Each branch repeats the predicate of
 * one partial index (queue_job_pending_function_idx, queue_job_running_idx), so done history is never read.
 */
export const QUEUE_GAUGES_SQL = `
SELECT channel, sum(pending)::int AS pending, sum(running)::int AS running FROM (
  SELECT channel, count(*) AS pending, 0 AS running FROM queue_job WHERE state = 'pending' GROUP BY channel
  UNION ALL
  SELECT channel, 0, count(*) FROM queue_job WHERE state IN ('enqueued', 'started') GROUP BY channel
) counts
GROUP BY channel ORDER BY channel`;

/**
 * Seconds the pending job that became due first has been waiting (null: none is due). Two index
 * probes: the oldest pending job without eta (queue_job_unfinished_idx walked from its oldest end),
 * and the pending job with the earliest past eta (queue_job_pending_eta_idx).
 */
export const OLDEST_DUE_WAIT_SQL = `
SELECT extract(epoch FROM now() - least(
  (SELECT date_created FROM queue_job WHERE state = 'pending' AND eta IS NULL ORDER BY date_created, id LIMIT 1),
  (SELECT greatest(eta, date_created) FROM queue_job WHERE state = 'pending' AND eta IS NOT NULL AND eta <= now() ORDER BY eta LIMIT 1)
))::float8 AS wait`;
