import type { EntityManager } from 'typeorm';
import {
  CLAIM_CRON_SLOT_SQL, LAST_CRON_JOB_ACTIVE_SQL, LAST_CRON_SLOT_SQL, LOCK_CRON_FUNCTION_SQL, SET_CRON_SLOT_JOB_SQL,
} from './sql/cron-slots.sql.js';

/** How a claimed slot was used: a job enqueued at its time, after downtime, or none (noParallelRun). */
export type CronSlotOutcome = 'enqueued' | 'catch_up' | 'skipped';

/** Statements on `queue_job_cron_slot`, in the caller's transaction (see `CronScheduler`). */
export const cronSlots = {
  /** Holds the job function's cron lock until the transaction ends, which is bounded by `lockTimeoutMs`. */
  async lock(manager: EntityManager, jobFunction: string, lockTimeoutMs: number): Promise<void> {
    await manager.query(LOCK_CRON_FUNCTION_SQL, [jobFunction, String(Math.trunc(lockTimeoutMs))]);
  },

  /** True when this call claimed the slot, false when another instance had. */
  async claim(manager: EntityManager, jobFunction: string, slot: Date, outcome: CronSlotOutcome, claimedBy: string): Promise<boolean> {
    const rows = (await manager.query(CLAIM_CRON_SLOT_SQL, [jobFunction, slot, outcome, claimedBy])) as unknown[];
    return rows.length === 1;
  },

  async lastJobActive(manager: EntityManager, jobFunction: string): Promise<boolean> {
    const [row] = (await manager.query(LAST_CRON_JOB_ACTIVE_SQL, [jobFunction])) as { active: boolean }[];
    return row?.active === true;
  },

  async setJob(manager: EntityManager, jobFunction: string, slot: Date, jobUuid: string | null): Promise<void> {
    await manager.query(SET_CRON_SLOT_JOB_SQL, [jobFunction, slot, jobUuid]);
  },

  async lastSlot(manager: EntityManager, jobFunction: string): Promise<Date | null> {
    const [row] = (await manager.query(LAST_CRON_SLOT_SQL, [jobFunction])) as { slot: Date | null }[];
    return row?.slot ?? null;
  },
};
