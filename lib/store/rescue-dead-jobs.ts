import type { PoolClient } from 'pg';
import { notifyRunners } from './notify-runners.js';
import { inBoundedTransaction } from './bounded-transaction.js';
import { sqlOfClient } from './graph-transitions.js';
import { ORPHANED_WORKERS_SQL, RESCUE_DEAD_JOBS_SQL } from './sql/leases.sql.js';
import { retryMovedRows } from './moved-rows.js';

/** A job taken back from a dead (or paused past its lease) executor. */
export interface RescuedJob {
  uuid: string; state: string; worker_id: string; job_function: string; channel: string; retry: number; max_retries: number;
  exc_name: string | null; exc_message: string | null;
  /** Its worker still held its lock: alive but unresponsive past the lease (JobLeaseLost), not dead. */
  worker_alive: boolean;
  /** The lease, in seconds, that expired (as this rescuer knows the job function). */
  lease: number;
}

/** Lease lengths as the rescuer knows them, to name the one that expired. */
export interface LeaseLengths {
  /** Job functions with a lease of their own: name → seconds. */
  byFunction: Record<string, number>;
  /** `runner.leaseSeconds`. */
  default: number;
}

/**
 * Takes back the jobs of other workers whose lock is gone and that `pickDead` declares dead (after
 * its grace period), and the jobs whose lease expired. Outside the claim transaction: a claim that
 * runs meanwhile still counts those jobs as running, which only makes it claim less this once.
 */
export async function rescueDeadJobs(
  client: PoolClient, workerId: string, pickDead: (orphanedWorkers: string[]) => string[], leases: LeaseLengths, lockTimeoutMs: number,
): Promise<RescuedJob[]> {
  const orphans = await client.query<{ worker_id: string }>(ORPHANED_WORKERS_SQL, [workerId]);
  const dead = pickDead(orphans.rows.map((row) => row.worker_id));
  return retryMovedRows(() => inBoundedTransaction(client, lockTimeoutMs, async () => {
    const rescued = (await client.query<RescuedJob>(RESCUE_DEAD_JOBS_SQL, [dead, JSON.stringify(leases.byFunction), leases.default])).rows;
    if (rescued.some((job) => job.state === 'pending')) await notifyRunners(sqlOfClient(client));
    return rescued;
  }));
}
