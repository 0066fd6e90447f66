// The history of `bench:history`: finished jobs written straight into `queue_job` by one
// `INSERT … SELECT generate_series` per chunk, with values shaped like a real app's: six job functions
// on five channels, arguments and results of a few hundred bytes, time-ordered (version 7) uuids,
// dates spread over the period, rows in date order as a live table gets them.
// Only the public columns of `queue_job` (SPEC §9) are written, through the relation; the day tables
// of done jobs (lifecycle partitions) are made first, as the autovacuum would have made them.
import type pg from 'pg';

/** Job functions of the history (job function, service, method, channel); the admin searches one of them. */
const FUNCTIONS: ReadonlyArray<readonly [string, string, string]> = [
  ['SaleOrderService', 'confirm', 'root.sale'],
  ['StockMoveService', 'reserve', 'root.stock'],
  ['MailService', 'send', 'root.mail'],
  ['PartnerService', 'syncPartner', 'root'],
  ['InvoiceService', 'post', 'root.accounting'],
  ['ReportService', 'render', 'root.accounting'],
];

/** A word of one job function's name: the admin's text search finds about one job in six. */
export const SEARCHED_WORD = 'invoice';

/** A period of finished jobs, in days before now: `done` from `fromDays` ago up to `toDays` ago. */
export interface HistoryPeriod { fromDays: number; toDays: number }

/** History kept by the default removal interval (30 days): finished in the last 29 days. */
export const KEPT: HistoryPeriod = { fromDays: 29, toDays: 0.01 };
/**
 * History past every removal interval: finished 38 to 31 days ago, what autovacuum deletes (a daily
 * autovacuum finds one expired day; this is a week of them, as after a week with the autovacuum off).
 */
export const EXPIRED: HistoryPeriod = { fromDays: 38, toDays: 31 };

/**
 * A channel of the history given a shorter removal interval (`--channel-interval` of
 * history-autovacuum.ts): `root.mail`, a sixth of the jobs, kept 7 days, so about three quarters of
 * its kept history is expired, in day tables that also hold other channels' jobs to keep.
 */
export const SHORT_INTERVAL = 'mail:7';

const CHUNK = 250_000;

const functionsValues = FUNCTIONS.map(([service, method, channel], k) =>
  `(${k}, '<${service}>.${method}', '${service}', '${method}', '${channel}')`).join(', ');

/** Rows `$1 + 1 … $2` of `$3` in the period ending `$5` days ago and `$4` days long. */
const INSERT_DONE_SQL = `
WITH f (k, job_function, service_name, method_name, channel) AS (VALUES ${functionsValues}),
t AS (
  SELECT i, now() - make_interval(secs => ($5 + $4 * (1 - i::float8 / $3)) * 86400) AS created, md5(i::text || random()::text) AS r
  FROM generate_series($1::int + 1, $2::int) AS i
),
v AS (
  SELECT t.*, ((extract(epoch FROM created) * 1000)::bigint) AS ms, (0.005 + ('x' || substr(r, 27, 6))::bit(24)::int / 16777216.0 * 0.65)::float8 AS exec_time FROM t
)
INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, func_string, args, state, priority, channel,
                       result, date_created, date_enqueued, date_started, date_done, exec_time, worker_id)
SELECT (substr(lpad(to_hex(v.ms), 12, '0'), 1, 8) || '-' || substr(lpad(to_hex(v.ms), 12, '0'), 9, 4) || '-7' || substr(r, 1, 3)
        || '-' || '8' || substr(r, 4, 3) || '-' || substr(r, 7, 12))::uuid,
       f.job_function, f.job_function, f.service_name, f.method_name,
       f.service_name || '.' || f.method_name || '(Record#' || i || ', {ref: "' || upper(substr(r, 19, 10)) || '"})',
       jsonb_build_array(jsonb_build_object('__entity', f.service_name, 'id', i),
         jsonb_build_object('ref', upper(substr(r, 19, 10)), 'note', repeat('lorem ipsum ', 8), 'lines', jsonb_build_array(i % 7, i % 11, i % 13))),
       'done', 10 + (i % 3) * 5, f.channel,
       jsonb_build_object('ok', true, 'id', i, 'message', 'processed ' || f.method_name || ' for record ' || i),
       created, created + interval '40 ms', created + interval '50 ms', created + interval '50 ms' + make_interval(secs => exec_time),
       exec_time, 'bench-history-' || (i % 3)
FROM v JOIN f ON f.k = v.i % ${FUNCTIONS.length}`;

/**
 * Inserts `count` done jobs finished in `period`, in chunks (each its own statement, in date order),
 * telling `progress` after each.
 */
export async function insertDoneJobs(client: pg.ClientBase, count: number, period: HistoryPeriod, progress: (done: number) => void = () => undefined): Promise<void> {
  const length = period.fromDays - period.toDays;
  // The day tables a live database would have made on those days (the autovacuum makes them ahead).
  await client.query(`SELECT queue_job_done_partitions(((now() - make_interval(secs => $1 * 86400)) AT TIME ZONE 'UTC')::date,
    (now() AT TIME ZONE 'UTC')::date)`, [period.fromDays]);
  for (let from = 0; from < count; from += CHUNK) {
    const to = Math.min(count, from + CHUNK);
    await client.query(INSERT_DONE_SQL, [from, to, count, length, period.toDays]);
    progress(to);
  }
}
