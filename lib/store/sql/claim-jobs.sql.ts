/** Jobs holding a slot (enqueued or started), counted per channel. Served by a partial index: a few rows. */
export const RUNNING_COUNTS_SQL = `
SELECT channel, count(*)::int AS n FROM queue_job WHERE state IN ('enqueued', 'started') GROUP BY channel`;

/**
 * The first `$1` pending jobs of every channel's queue, in queue order (priority, date_created, id).
 * Distinct channels come from a loose index scan (a recursive CTE hopping over the pending index), so
 * the cost depends on the number of channels and `$1`, never on the backlog. Jobs waiting for their
 * eta are left out, except in sequential channels (`$3`), where they hold back the jobs behind them.
 */
export const QUEUE_HEADS_SQL = `
WITH RECURSIVE channels AS (
  (SELECT channel FROM queue_job WHERE state = 'pending' ORDER BY channel LIMIT 1)
  UNION ALL
  SELECT (SELECT q.channel FROM queue_job q WHERE q.state = 'pending' AND q.channel > c.channel ORDER BY q.channel LIMIT 1)
  FROM channels c WHERE c.channel IS NOT NULL
)
SELECT h.id::text AS id, h.channel, h.priority,
       extract(epoch FROM h.date_created)::float8 * 1000 AS created_ms,
       extract(epoch FROM h.eta)::float8 AS eta
FROM channels c CROSS JOIN LATERAL (
  SELECT q.id, q.channel, q.priority, q.date_created, q.eta FROM queue_job q
  WHERE q.state = 'pending' AND q.channel = c.channel
    AND (q.eta IS NULL OR q.eta <= to_timestamp($2) OR q.channel = ANY($3::text[]))
  ORDER BY q.priority, q.date_created, q.id
  LIMIT $1
) h
WHERE c.channel IS NOT NULL`;

/** The earliest eta still in the future: when to wake up for it. */
export const NEXT_ETA_SQL = `
SELECT extract(epoch FROM min(eta))::float8 AS eta FROM queue_job WHERE state = 'pending' AND eta > to_timestamp($1)`;

/** Channels (among `$1`) that hold a failed job: a failed job blocks a sequential channel. */
export const FAILED_CHANNELS_SQL = `
SELECT DISTINCT channel FROM queue_job WHERE state = 'failed' AND channel = ANY($1::text[])`;

export const THROTTLE_LAST_STARTS_SQL = `
SELECT channel, extract(epoch FROM last_start)::float8 AS last_start FROM queue_job_channel_throttle WHERE channel = ANY($1::text[])`;

export const SAVE_THROTTLE_LAST_STARTS_SQL = `
INSERT INTO queue_job_channel_throttle (channel, last_start)
SELECT channel, to_timestamp(t) FROM unnest($1::text[], $2::float8[]) AS s(channel, t)
ON CONFLICT (channel) DO UPDATE SET last_start = excluded.last_start`;

/**
 * Marks the chosen jobs enqueued for this worker under a fresh lease token (the fencing token checked
 * when the outcome is recorded) and increments `retry` (the first run has retry = 1).
 */
export const CLAIM_JOBS_SQL = `
UPDATE queue_job SET state = 'enqueued', date_enqueued = now(), worker_id = $2, lease_token = $3,
       lease_expires_at = now() + $4 * interval '1 second', retry = retry + 1
WHERE id = ANY($1::bigint[]) AND state = 'pending'
RETURNING id::text, uuid, graph_uuid, name, job_function, service_name, method_name, args, records, retry,
          max_retries, channel, priority, eta, date_created, lease_token, context, user_id, trace_context`;
