/**
 * `queue_job_worker`: each app instance announces what it declares (mixed fleets, SPEC §6). A worker
 * counts as having declared something "within the grace" while its row was seen less than
 * `runner.unknownFunctionGrace` seconds ago; rows older than that are deleted.
 */

/** At startup and at every heartbeat; re-creates the row if another instance deleted it meanwhile (this one stalled). */
export const ANNOUNCE_WORKER_SQL = `
INSERT INTO queue_job_worker (worker_id, app, job_functions, declared_functions, declared_channels)
VALUES ($1, $2, $3::text[], $4::text[], $5::text[])
ON CONFLICT (worker_id) DO UPDATE
SET app = excluded.app, job_functions = excluded.job_functions, declared_functions = excluded.declared_functions,
    declared_channels = excluded.declared_channels, last_seen = now()`;

export const FORGET_WORKERS_SQL = `DELETE FROM queue_job_worker WHERE last_seen < now() - $1::int * interval '1 second'`;

/** The job functions some worker seen within `$1` seconds runs (a set: compared with NOT IN, hashed). */
const RUN_WITHIN = `SELECT unnest(w.job_functions) FROM queue_job_worker w WHERE w.last_seen > now() - $1::int * interval '1 second'`;

/**
 * Pending jobs of a job function that no worker seen within the grace (`$1` seconds) runs fail as
 * `UnknownJobFunction`; the caller makes sure that it has been watching the fleet for that long.
 * The pending queues (channel, job function) are found with one index probe each, and only the jobs
 * of unknown functions are read: a sweep costs next to nothing when every function has a worker,
 * whatever the backlog (reading every pending job took 120 ms for 300,000).
 */
export const FAIL_UNKNOWN_FUNCTIONS_SQL = `
WITH unknown AS (
  SELECT p.channel, p.job_function FROM queue_job_pending_queues() p WHERE p.job_function NOT IN (${RUN_WITHIN})
)
UPDATE queue_job SET state = 'failed', exc_name = 'UnknownJobFunction',
  exc_message = format('No live worker declared job function %s for %s s (runner.unknownFunctionGrace): no running instance '
    || 'has a @Delayable() method with this name, so the job was not executed. Deploy the code that declares it, then requeue the job.',
    queue_job.job_function, $1::int),
  exc_info = format('UnknownJobFunction: %s, not declared by any worker seen since %s', queue_job.job_function, now() - $1::int * interval '1 second')
FROM unknown u
WHERE queue_job.state = 'pending' AND queue_job.channel = u.channel AND queue_job.job_function = u.job_function
RETURNING uuid, queue_job.job_function, queue_job.channel, retry, max_retries, exc_message`;

/** A worker that announced itself within this many seconds is live (heartbeats come every 5 s at most). */
export const LIVE_WORKER_SECONDS = 30;

const noLiveWorker = (state: string, jobFunction: string) => `(${state} = 'pending' AND NOT EXISTS (SELECT 1 FROM queue_job_worker w
  WHERE ${jobFunction} = ANY(w.job_functions) AND w.last_seen > now() - interval '${LIVE_WORKER_SECONDS} seconds'))`;

/** The admin's "no live worker runs this job function", for a pending job of the list. */
export const NO_LIVE_WORKER_COLUMN = `${noLiveWorker('state', 'job_function')} AS no_live_worker`;

/** The same for one job: `$1` its state, `$2` its job function. */
export const NO_LIVE_WORKER_SQL = `SELECT ${noLiveWorker('$1::text', '$2::text')} AS no_live_worker`;
