/**
 * Each runner holds a session advisory lock `(WORKER_LOCK_NAMESPACE, hashtext(worker_id))` on its
 * LISTEN connection for as long as its process lives: PostgreSQL releases it the moment that
 * connection dies, so other instances see at once which workers are gone.
 */
export const WORKER_LOCK_NAMESPACE = 0x716a;

export const LOCK_WORKER_SQL = `SELECT pg_advisory_lock(${WORKER_LOCK_NAMESPACE}, hashtext($1))`;

/** Extends the leases of the jobs this worker runs (heartbeat). */
export const RENEW_LEASES_SQL = `
UPDATE queue_job SET lease_expires_at = now() + $3 * interval '1 second'
WHERE id = ANY($1::bigint[]) AND lease_token = ANY($2::uuid[]) AND state IN ('enqueued', 'started')`;

/** Other workers that hold jobs but whose lock nobody holds: their process (or its connection) is gone. */
export const ORPHANED_WORKERS_SQL = `
SELECT DISTINCT j.worker_id FROM queue_job j
WHERE j.state IN ('enqueued', 'started') AND j.worker_id IS NOT NULL AND j.worker_id <> $1
  AND NOT EXISTS (SELECT 1 FROM pg_locks l
                  WHERE l.locktype = 'advisory' AND l.classid = ${WORKER_LOCK_NAMESPACE} AND l.objsubid = 2
                    AND l.objid = hashtext(j.worker_id)::oid AND l.granted)`;

const EXHAUSTED = `max_retries > 0 AND retry >= max_retries`;

/**
 * Jobs of dead workers (`$1`) or whose lease expired (a paused or cut-off executor) go back to
 * pending — the dead attempt counted (retry was incremented at claim) — or fail as JobFoundDead
 * when it was their last. Clearing the lease token fences the old executor out.
 */
export const RESCUE_DEAD_JOBS_SQL = `
UPDATE queue_job SET
  state = CASE WHEN ${EXHAUSTED} THEN 'failed' ELSE 'pending' END,
  exc_name = CASE WHEN ${EXHAUSTED} THEN 'JobFoundDead' ELSE exc_name END,
  exc_message = CASE WHEN ${EXHAUSTED}
    THEN format('Job found dead: its executor %s stopped during attempt %s of %s', worker_id, retry, max_retries)
    ELSE exc_message END,
  exc_info = CASE WHEN ${EXHAUSTED} THEN format('JobFoundDead: executor %s, lease expired at %s', worker_id, lease_expires_at) ELSE exc_info END,
  result = CASE WHEN ${EXHAUSTED} THEN result ELSE to_jsonb(format('Requeued: its executor %s stopped during attempt %s', worker_id, retry)) END,
  date_enqueued = NULL, date_started = NULL, lease_token = NULL, lease_expires_at = NULL
WHERE state IN ('enqueued', 'started') AND (worker_id = ANY($1::text[]) OR lease_expires_at < now())
RETURNING uuid, state, worker_id, job_function, channel, retry, max_retries, exc_name, exc_message`;
