import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { ChannelConfig } from '../channels/channel-config.js';
import { CLAIM_LOCK_KEY, CLAIM_WAITING_LOCK_KEY } from '../queue-job.constants.js';
import type { ClaimedJobRow } from './claim-cycle.js';
import { ClaimNotFlushed, flushClaims } from './claim-durability.js';
import { retryMovedRows } from './moved-rows.js';
import { outcomesJson, type JobOutcomeRow } from './sql/record-outcomes.sql.js';

export interface ClaimNextInput {
  workerId: string;
  leaseSeconds: number;
  /** At most this many jobs (the free local slots); 0 writes the outcomes only. */
  limit: number;
  /** Every configured channel (parents included); none sequential or throttled: see `claimsInOneStatement`. */
  channels: readonly ChannelConfig[];
  /** Outcomes to write first; none may release graph children (recordOutcomes does that, under the lock). */
  outcomes: readonly JobOutcomeRow[];
  /** The job functions this instance has registered: only their jobs are claimed (mixed fleets). */
  jobFunctions: readonly string[];
  /** A claim that waited for the claim lock, or that others wait for, releases it before its WAL flush, then flushes apart (claim-durability.ts). */
  flushApart: boolean;
}

export interface ClaimNextResult {
  claimed: ClaimedJobRow[];
  /** Ids whose outcome was written (the others had lost their lease). */
  recorded: Set<string>;
  /** Earliest future eta (seconds), to schedule a wake-up. */
  nextEta: number | null;
}

/** The channel rules `queue_job_claim_next` applies itself: capacities (a paused channel has none left). */
export function claimsInOneStatement(channels: readonly ChannelConfig[]): boolean {
  return channels.every((c) => !c.sequential && c.throttle === 0 && !c.rate);
}

const CLAIM_NEXT_SQL = 'SELECT * FROM queue_job_claim_next($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)';

/**
 * One row: the jobs as one JSON array, without their lease token (the one sent, the same for all: set
 * here), and whether the claim committed without its flush.
 */
type ClaimNextRow = { recorded: string[] | null; claimed: ClaimedJobRow[] | null; next_eta: number | null; flush: boolean };

/**
 * A claim cycle in one prepared statement (autocommit): `queue_job_claim_next` writes the outcomes,
 * takes the claim lock, admits jobs by channel capacity, marks them enqueued under a new lease and
 * returns them, in queue order, with the earliest future eta. A claim made under contention comes back
 * before its WAL flush: the flush is awaited here, so the caller only ever gets durable claims.
 */
export async function claimNext(pool: Pool, input: ClaimNextInput): Promise<ClaimNextResult> {
  const leaseToken = randomUUID();
  const { rows } = await retryMovedRows(() => pool.query<ClaimNextRow>({
    name: 'qj_claim_next',
    text: CLAIM_NEXT_SQL,
    values: [
      outcomesJson(input.outcomes), CLAIM_LOCK_KEY, input.limit, Date.now() / 1000,
      input.channels.map((c) => c.name), input.channels.map((c) => (c.paused ? 0 : c.capacity)),
      input.workerId, leaseToken, input.leaseSeconds, input.workerId, input.jobFunctions,
      input.flushApart ? CLAIM_WAITING_LOCK_KEY : null,
    ],
  }));
  const { recorded, claimed, next_eta: nextEta, flush } = rows[0];
  if (flush) await flushClaims(pool).catch((error: unknown) => { throw new ClaimNotFlushed(claimed?.length ?? 0, error); });
  // Freshly parsed objects: completed in place, not copied.
  for (const job of claimed ?? []) job.lease_token = leaseToken;
  return { claimed: claimed ?? [], recorded: new Set(recorded), nextEta };
}
