import { boundTransactionColumns } from '../bounded-transaction.js';

/** Namespace of the transaction-scoped advisory locks `(CRON_LOCK_NAMESPACE, hashtext(job_function))`. */
export const CRON_LOCK_NAMESPACE = 0x716b;

/**
 * Serialises the slots of one job function across instances (noParallelRun reads the last slot's job);
 * the transaction is bounded first (`$2` ms, see bounded-transaction.ts): other instances wait for it.
 */
export const LOCK_CRON_FUNCTION_SQL = `SELECT ${boundTransactionColumns('$2')}, pg_advisory_xact_lock(${CRON_LOCK_NAMESPACE}, hashtext($1))`;

/** Claims a slot; no row returned when another instance already did (the primary key decides). */
export const CLAIM_CRON_SLOT_SQL = `
INSERT INTO queue_job_cron_slot (job_function, slot, outcome, claimed_by) VALUES ($1, $2, $3, $4)
ON CONFLICT (job_function, slot) DO NOTHING
RETURNING slot`;

/** Whether the job of the job function's latest slot that has one is still waiting, pending, enqueued or started. */
export const LAST_CRON_JOB_ACTIVE_SQL = `
SELECT EXISTS (
  SELECT 1 FROM queue_job j
  WHERE j.uuid = (SELECT s.job_uuid FROM queue_job_cron_slot s
                  WHERE s.job_function = $1 AND s.job_uuid IS NOT NULL ORDER BY s.slot DESC LIMIT 1)
    AND j.state IN ('wait_dependencies', 'pending', 'enqueued', 'started')
) AS active`;

/** Records the job enqueued for a slot, and prunes the job function's slots older than a day (keeping the last one with a job). */
export const SET_CRON_SLOT_JOB_SQL = `
WITH recorded AS (
  UPDATE queue_job_cron_slot SET job_uuid = $3 WHERE job_function = $1 AND slot = $2 RETURNING slot
)
DELETE FROM queue_job_cron_slot
WHERE job_function = $1 AND slot < $2::timestamptz - interval '1 day'
  AND slot < COALESCE((SELECT max(slot) FROM queue_job_cron_slot WHERE job_function = $1 AND job_uuid IS NOT NULL), '-infinity')`;

/** The job function's latest claimed slot. */
export const LAST_CRON_SLOT_SQL = `SELECT max(slot) AS slot FROM queue_job_cron_slot WHERE job_function = $1`;
