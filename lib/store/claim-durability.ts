import type { Pool, PoolClient } from 'pg';
import { CLAIM_LOCK_KEY, CLAIM_WAITING_LOCK_KEY } from '../queue-job.constants.js';

/**
 * The commit is most of the claim lock's hold: with the lock held to the end of the transaction, every
 * claim of the fleet waited for the one before it to reach the disk (one WAL flush at a time, never a
 * group commit). So a claim that waited for the lock, or that sees other claims waiting for it (in a
 * waiting-room lock, see claim-next-one-row.sql.ts), commits without waiting for its WAL flush
 * (`synchronous_commit = off` for its transaction alone, set in `queue_job_claim_next`): the lock
 * passes on as soon as the claim is visible, and the next claim is decided meanwhile. The claiming
 * instance then waits for the flush itself ({@link flushClaims}) and starts no job before it returns:
 * a job never runs on a claim that a database crash could forget. A claim that neither waited nor is
 * waited for commits as before, without the extra round trip (one instance alone pays nothing).
 *
 * Why a later claim cannot outlive an earlier one: the WAL is flushed in order, so a crash loses a
 * suffix of the commits. A claim decided on another (visible, not yet flushed) claim comes after it
 * in the WAL; if the earlier one is lost, so is the later. And the flush of a synchronous commit
 * covers every record before it, whichever session wrote them.
 */

/**
 * A WAL record in a transaction of its own, committed as the session commits (synchronously unless the
 * app set otherwise, and then as the app wants): its commit flushes the WAL up to itself, so every
 * claim before it. A transactional logical message is the smallest write that makes a commit flush (a
 * transaction that wrote no WAL commits without one) and leaves no row.
 */
const FLUSH_SQL = `SELECT pg_logical_emit_message(true, 'queue_job', 'claim') AS flushed`;

/** Waits until the claims committed without their flush are durable. */
export async function flushClaims(db: Pool | PoolClient): Promise<void> {
  await db.query({ name: 'qj_flush_claims', text: FLUSH_SQL });
}

/**
 * The channel manager's cycle (claim-cycle.ts) enters the waiting room as `queue_job_claim_next` does,
 * before `queue_job_cycle` takes the claim lock: if the lock is free it is taken here (the function
 * takes it again, which is allowed), else the room is taken shared and the function waits for the
 * lock. `waited` says which.
 */
export const ENTER_WAITING_ROOM_SQL = `SELECT CASE WHEN pg_try_advisory_xact_lock(${CLAIM_LOCK_KEY}) THEN false
  ELSE (SELECT true FROM pg_advisory_xact_lock_shared(${CLAIM_WAITING_LOCK_KEY})) END AS waited`;

/** Before the cycle's COMMIT: commit without the flush (a row) if it waited or claims wait for it. */
export const commitApartIfContendedSql = (waited: boolean) =>
  `SELECT set_config('synchronous_commit', 'off', true) AS apart WHERE ${waited} OR NOT pg_try_advisory_xact_lock(${CLAIM_WAITING_LOCK_KEY})`;

/**
 * Whether this role may write the flush record (`pg_logical_emit_message` is public unless revoked). By
 * oid: PostgreSQL 17 gave the text form a fourth argument (`flush`, defaulted), which the call leaves out.
 */
const CAN_FLUSH_CLAIMS_SQL = `SELECT coalesce(bool_or(has_function_privilege(p.oid, 'execute')), false) AS can
  FROM pg_proc p WHERE p.proname = 'pg_logical_emit_message' AND p.proargtypes[2] = 'text'::regtype`;

/**
 * The claim committed but its flush failed (the connection or the database went away): its jobs must
 * not start (a database crash may have forgotten them; else their leases run out and the rescuer
 * requeues them), and its outcomes were written (sending them again would find no lease).
 */
export class ClaimNotFlushed extends Error {
  constructor(jobs: number, cause: unknown) {
    super(`the claim of ${jobs} job(s) committed but its WAL flush failed (${(cause as Error)?.message ?? String(cause)})`, { cause });
    this.name = 'ClaimNotFlushed';
  }
}

/** Whether claims may flush apart here: the role may write the flush record (else claims commit as before). */
export async function canFlushClaims(pool: Pool): Promise<boolean> {
  return (await pool.query<{ can: boolean }>(CAN_FLUSH_CLAIMS_SQL)).rows[0].can;
}
