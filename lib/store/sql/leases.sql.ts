/**
 * Each runner holds a session advisory lock `(WORKER_LOCK_NAMESPACE, hashtext(worker_id))` on its
 * LISTEN connection for as long as its process lives: PostgreSQL releases it the moment that
 * connection dies, so other instances see at once which workers are gone.
 */
export const WORKER_LOCK_NAMESPACE = 0x716a;

export const LOCK_WORKER_SQL = `SELECT pg_advisory_lock(${WORKER_LOCK_NAMESPACE}, hashtext($1))`;

/**
 * Extends the leases of the jobs this worker runs (heartbeat), each by its own length in seconds, and
 * returns the uuids of those cancelled meanwhile: a cancel whose NOTIFY this worker missed (its LISTEN
 * connection was down) still aborts them. A job is claimed from a state a cancel leads out of, and a
 * cancelled job stays cancelled, so a cancelled row here was cancelled during this worker's attempt.
 */
export const RENEW_LEASES_SQL = `
WITH renewed AS (
  UPDATE queue_job j SET lease_expires_at = now() + l.seconds * interval '1 second'
  FROM unnest($1::bigint[], $2::uuid[], $3::int[]) AS l(id, lease_token, seconds)
  WHERE j.id = l.id AND j.lease_token = l.lease_token AND j.state IN ('enqueued', 'started')
)
SELECT uuid::text FROM queue_job WHERE id = ANY($1::bigint[]) AND state = 'cancelled'`;

/** The worker's session lock is held: its process is alive and connected. */
const workerLockHeld = (workerId: string) => `EXISTS (SELECT 1 FROM pg_locks l
                  WHERE l.locktype = 'advisory' AND l.classid = ${WORKER_LOCK_NAMESPACE} AND l.objsubid = 2
                    AND l.objid = hashtext(${workerId})::oid AND l.granted)`;

/** Other workers that hold jobs but whose lock nobody holds: their process (or its connection) is gone. */
export const ORPHANED_WORKERS_SQL = `
SELECT DISTINCT j.worker_id FROM queue_job j
WHERE j.state IN ('enqueued', 'started') AND j.worker_id IS NOT NULL AND j.worker_id <> $1
  AND NOT ${workerLockHeld('j.worker_id')}`;

const EXHAUSTED = `max_retries > 0 AND retry >= max_retries`;

const LEASE_LOST_CAUSE = `format('its lease of %s s expired while its worker %s was alive but unresponsive (event loop blocked or process paused)', f.lease, worker_id)`;

/**
 * Jobs of dead workers (`$1`) or whose lease expired (a paused or cut-off executor, or one whose event
 * loop is blocked) go back to pending — the dead attempt counted (retry was incremented at claim) —
 * or fail when it was their last: as JobLeaseLost if the worker still holds its lock (alive but
 * unresponsive: the fix is a longer `leaseSeconds`, not a crash hunt), else as JobFoundDead. A lost
 * lease is recorded as JobLeaseLost on a requeue too, so the cause shows before retries run out.
 * `$2` maps job functions to their own lease and `$3` is the default, to say which lease was too short.
 * Clearing the lease token fences the old executor out. A requeued job loses its progress (its next
 * attempt reports its own); a failed one keeps the last it reported.
 */
export const RESCUE_DEAD_JOBS_SQL = `
WITH found AS (
  SELECT j.id, (j.worker_id <> ALL($1::text[]) AND ${workerLockHeld('j.worker_id')}) AS alive,
         COALESCE(($2::jsonb ->> j.job_function)::int, $3::int) AS lease
  FROM queue_job j
  WHERE j.state IN ('enqueued', 'started') AND (j.worker_id = ANY($1::text[]) OR j.lease_expires_at < now())
)
UPDATE queue_job SET
  state = CASE WHEN ${EXHAUSTED} THEN 'failed' ELSE 'pending' END,
  exc_name = CASE WHEN f.alive THEN 'JobLeaseLost' WHEN ${EXHAUSTED} THEN 'JobFoundDead' ELSE exc_name END,
  exc_message = CASE
    WHEN f.alive THEN format('Lease lost: %s, during attempt %s of %s; set leaseSeconds on the job function for CPU-bound jobs', ${LEASE_LOST_CAUSE}, retry, max_retries)
    WHEN ${EXHAUSTED} THEN format('Job found dead: its executor %s stopped during attempt %s of %s', worker_id, retry, max_retries)
    ELSE exc_message END,
  exc_info = CASE
    WHEN f.alive THEN format('JobLeaseLost: executor %s (its lock held), lease of %s s expired at %s', worker_id, f.lease, lease_expires_at)
    WHEN ${EXHAUSTED} THEN format('JobFoundDead: executor %s, lease expired at %s', worker_id, lease_expires_at)
    ELSE exc_info END,
  result = CASE WHEN ${EXHAUSTED} THEN result
    WHEN f.alive THEN to_jsonb(format('Requeued (JobLeaseLost): %s, during attempt %s', ${LEASE_LOST_CAUSE}, retry))
    ELSE to_jsonb(format('Requeued: its executor %s stopped during attempt %s', worker_id, retry)) END,
  progress = CASE WHEN ${EXHAUSTED} THEN progress END, progress_message = CASE WHEN ${EXHAUSTED} THEN progress_message END,
  date_enqueued = NULL, date_started = NULL, lease_token = NULL, lease_expires_at = NULL
FROM found f
WHERE queue_job.id = f.id AND queue_job.state IN ('enqueued', 'started')
  AND (queue_job.worker_id = ANY($1::text[]) OR queue_job.lease_expires_at < now())
RETURNING uuid, state, worker_id, job_function, channel, retry, max_retries, exc_name, exc_message, f.alive AS worker_alive, f.lease`;
