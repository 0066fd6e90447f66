import type { Pool, PoolClient } from 'pg';
import { ANNOUNCE_WORKER_SQL, FAIL_UNKNOWN_FUNCTIONS_SQL, FORGET_WORKERS_SQL } from './sql/fleet.sql.js';

/** What one app instance declares: the job functions it runs and the records it declares. */
export interface WorkerAnnouncement {
  workerId: string;
  /** Which program: its main script. */
  app: string;
  /** Job functions this instance runs (none when its runner is off). */
  jobFunctions: readonly string[];
  /** Job function records (`queue_job_function`) and channel records (`queue_job_channel`) it declares. */
  declaredFunctions: readonly string[];
  declaredChannels: readonly string[];
}

/** A pending job failed because no live worker declared its job function. */
export interface UnknownFunctionJob {
  uuid: string; job_function: string; channel: string; retry: number; max_retries: number; exc_message: string;
}

export async function announceWorker(db: Pool | PoolClient, a: WorkerAnnouncement): Promise<void> {
  await db.query(ANNOUNCE_WORKER_SQL, [a.workerId, a.app, a.jobFunctions, a.declaredFunctions, a.declaredChannels]);
}

/** Deletes the rows of workers not seen for `graceSeconds`. */
export async function forgetWorkers(pool: Pool, graceSeconds: number): Promise<void> {
  await pool.query(FORGET_WORKERS_SQL, [graceSeconds]);
}

/** Fails the pending jobs of job functions that no worker seen within `graceSeconds` runs. */
export async function failUnknownFunctionJobs(pool: Pool, graceSeconds: number): Promise<UnknownFunctionJob[]> {
  return (await pool.query<UnknownFunctionJob>(FAIL_UNKNOWN_FUNCTIONS_SQL, [graceSeconds])).rows;
}
