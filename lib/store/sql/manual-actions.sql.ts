import type { ManualAction } from '../job-state.js';
import { CLEAR_PROGRESS } from './progress.sql.js';

export const LOCK_JOBS_SQL = `
SELECT uuid, state, job_function, channel, retry, max_retries FROM queue_job WHERE uuid = ANY($1::uuid[]) ORDER BY id FOR UPDATE`;

/** The same, failing at once (55P03) when a row is locked: see applyManualAction. */
export const LOCK_JOBS_NOWAIT_SQL = `${LOCK_JOBS_SQL} NOWAIT`;

const RELEASE_LEASE = `lease_token = NULL, lease_expires_at = NULL`;

/** One statement per action; `$1` the uuids, `$2` the result text. */
export const MANUAL_ACTION_SQL: Record<ManualAction, string> = {
  requeue: `UPDATE queue_job SET state = 'pending', retry = 0, eta = NULL, date_enqueued = NULL, date_started = NULL,
              date_done = NULL, worker_id = NULL, ${RELEASE_LEASE}, ${CLEAR_PROGRESS}
            WHERE uuid = ANY($1::uuid[]) AND $2::text IS NOT NULL`, // $2 is only typed: every action takes the same parameters
  setDone: `UPDATE queue_job SET state = 'done', date_done = now(), result = to_jsonb($2::text), ${RELEASE_LEASE}
            WHERE uuid = ANY($1::uuid[])`,
  cancel: `UPDATE queue_job SET state = 'cancelled', date_cancelled = now(), result = to_jsonb($2::text), ${RELEASE_LEASE}
           WHERE uuid = ANY($1::uuid[])`,
};
