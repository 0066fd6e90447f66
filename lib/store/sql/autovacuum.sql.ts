/**
 * Deletes at most `$3` done (or cancelled) jobs older than their channel's removal interval; jobs of
 * channels without a record use root's (`$2` days). `$1` (the smallest interval of any channel) lets
 * the partial index on the finish date bound the scan.
 */
const deleteOld = (state: string, dateColumn: string) => `
DELETE FROM queue_job WHERE id IN (
  SELECT j.id FROM queue_job j LEFT JOIN queue_job_channel c ON c.complete_name = j.channel
  WHERE j.state = '${state}' AND j.${dateColumn} < now() - make_interval(days => $1)
    AND j.${dateColumn} < now() - make_interval(days => COALESCE(c.removal_interval, $2))
  ORDER BY j.${dateColumn}
  LIMIT $3)`;

export const DELETE_OLD_DONE_SQL = deleteOld('done', 'date_done');
export const DELETE_OLD_CANCELLED_SQL = deleteOld('cancelled', 'date_cancelled');

export const REMOVAL_INTERVALS_SQL = `
SELECT min(removal_interval)::int AS min_days, max(removal_interval) FILTER (WHERE complete_name = 'root')::int AS root_days
FROM queue_job_channel`;
