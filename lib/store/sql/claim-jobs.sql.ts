/**
 * The claim lock and every read of a claim, in one round trip (see migration QueueJobClaimSnapshot):
 * running counts per channel; the first `$2` pending jobs of every channel's queue in queue order
 * (distinct channels from a loose index scan over the pending index, so the cost depends on the
 * number of channels and `$2`, never on the backlog; jobs waiting for their eta are left out except in
 * sequential channels `$4`, where they hold back the jobs behind them); the next future eta; the
 * sequential channels holding a failed job; the last starts of throttled channels `$5`.
 */
export const CLAIM_SNAPSHOT_SQL = `SELECT * FROM queue_job_claim_snapshot($1, $2, $3, $4::text[], $5::text[])`;

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
