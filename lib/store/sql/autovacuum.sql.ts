/**
 * Deletes at most `$3` done (or cancelled) jobs older than their channel's removal interval, finished
 * at `$5` or later (where the previous batch ended: `-infinity` first); jobs of channels without a
 * record use root's (`$2` days). `$1` (the smallest interval of any channel) bounds the scan. Returns
 * the jobs deleted (`n`) and the latest date among them (`last`), the next batch's `$5`: ISO 8601 in
 * UTC, exact to the microsecond, read back the same whatever the session's DateStyle and time zone (in
 * the session's own style, `… IST` for Asia/Kolkata would be read back as Israel's time, 3.5 h off).
 * - The channel's interval is read per job (a subquery, not a join), so the jobs are read in
 *   finish-date order from the date indexes of the tables, and a batch stops after `$3` of them: with
 *   a join the planner read every expired job and sorted them, for every batch (0.33 s a batch of
 *   1000 among 300,000, against 0.03 s).
 * - The batch starts where the previous one ended: from the oldest date each batch read again the
 *   jobs that it keeps (other channels' jobs, within their longer intervals), so that a pass took
 *   time in the square of the jobs it deleted (batches of 1000 from 0.12 s to 0.6 s after 50 of them).
 * - The jobs are deleted by uuid and date: the date picks the one table of each (by uuid alone, each
 *   was looked up in every table of done jobs).
 * Run without JIT and with a nested loop as its join (expired-rows.ts). The jobs of the expired day tables whose lock
 * was busy (`$4`, names) are left to the next pass, which removes them whole.
 */
const deleteOld = (state: string, dateColumn: string) => `
WITH gone AS (
  DELETE FROM queue_job d USING (
    SELECT j.uuid, j.${dateColumn} AS at FROM queue_job j
    WHERE j.state = '${state}' AND j.${dateColumn} < now() - make_interval(days => $1) AND j.${dateColumn} >= $5::timestamptz
      AND j.${dateColumn} < now() - make_interval(days =>
        COALESCE((SELECT c.removal_interval FROM queue_job_channel c WHERE c.complete_name = j.channel), $2))
      AND j.tableoid <> ALL($4::text[]::regclass[])
    ORDER BY j.${dateColumn}
    LIMIT $3) expired
  WHERE d.state = '${state}' AND d.uuid = expired.uuid AND d.${dateColumn} = expired.at
  RETURNING d.${dateColumn} AS at
)
SELECT count(*)::int AS n, to_char(max(at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS last FROM gone`;

export const DELETE_OLD_DONE_SQL = deleteOld('done', 'date_done');
export const DELETE_OLD_CANCELLED_SQL = deleteOld('cancelled', 'date_cancelled');

export const REMOVAL_INTERVALS_SQL = `
SELECT min(removal_interval)::int AS min_days, max(removal_interval)::int AS max_days,
  max(removal_interval) FILTER (WHERE complete_name = 'root')::int AS root_days
FROM queue_job_channel`;

/** The UTC day of the database's clock, and the tables of done jobs made for the next days (names). */
export const MAKE_DONE_PARTITIONS_SQL = `
SELECT queue_job_done_partitions((now() AT TIME ZONE 'UTC')::date, (now() AT TIME ZONE 'UTC')::date + $1::int) AS made`;

/**
 * The tables of done jobs whose range ends at least `$1` days ago (the longest removal interval of
 * any channel): every job in them is expired, so they are dropped whole. A day table
 * (`queue_job_done_YYYYMMDD`) ends at the next UTC midnight, the upgrade's table
 * (`queue_job_done_until_YYYYMMDD`) at that date's; read from the names (`to_date` with a format, so
 * no DateStyle or time zone of the session changes them). The default table has no end.
 */
export const EXPIRED_DONE_PARTITIONS_SQL = `
SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'queue_job_done'::regclass AND c.relname ~ '^queue_job_done_(until_)?[0-9]{8}$'
  AND (to_date(right(c.relname, 8), 'YYYYMMDD') + CASE WHEN c.relname LIKE 'queue_job_done_until_%' THEN 0 ELSE 1 END)::timestamp
      AT TIME ZONE 'UTC' <= now() - make_interval(days => $1)
ORDER BY c.relname`;
