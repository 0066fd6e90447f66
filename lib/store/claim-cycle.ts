import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { CandidateJob, DispatchSnapshot } from '../channels/dispatch.js';
import { CLAIM_LOCK_KEY } from '../queue-job.constants.js';
import { READ_RATE_WINDOWS_SQL, SAVE_RATE_WINDOWS_SQL, SAVE_THROTTLE_LAST_STARTS_SQL } from './sql/throttle.sql.js';
import { SqlLiterals } from './sql/literals.js';
import { boundedBeginSql } from './bounded-transaction.js';
import { ClaimNotFlushed, ENTER_WAITING_ROOM_SQL, commitApartIfContendedSql, flushClaims } from './claim-durability.js';
import { retryMovedRows } from './moved-rows.js';

/** A job this worker claimed, with what the executor needs to run it. */
export interface ClaimedJobRow {
  id: string;
  uuid: string;
  graph_uuid: string | null;
  job_function: string;
  args: unknown;
  retry: number;
  max_retries: number;
  channel: string;
  /** Dates as Date, or as epoch milliseconds from the one-statement claim. */
  eta: Date | number | null;
  date_created: Date | number;
  lease_token: string;
  context: Record<string, unknown> | null;
  user_id: string | null;
  trace_context: Record<string, string> | null;
}

export interface ClaimRequest {
  /** At most this many jobs (the free local slots). */
  limit: number;
  sequentialChannels: string[];
  throttledChannels: string[];
  /** Channels with a `rate`: their recent starts are read under the claim lock, and written back. */
  rateChannels: string[];
  /** The job functions this instance has registered: only their jobs are claimed (mixed fleets). */
  jobFunctions: readonly string[];
  /** The channel manager's decision on the snapshot read under the claim lock. */
  decide(snapshot: DispatchSnapshot, now: number): { ids: string[]; lastStart: Map<string, number>; recentStarts: Map<string, number[]> };
}

export interface CycleInput {
  workerId: string;
  leaseSeconds: number;
  /** A claim under contention releases the claim lock before its WAL flush, then flushes apart (claim-durability.ts). */
  flushApart: boolean;
  /** Bound of the cycle's transaction (bounded-transaction.ts). */
  lockTimeoutMs: number;
  claim: ClaimRequest;
}

export interface CycleResult {
  claimed: ClaimedJobRow[];
  /** Earliest future eta seen (seconds), to schedule a wake-up. */
  nextEta: number | null;
}

/**
 * A claim decided by the channel manager (sequential and throttled channels), in one short transaction
 * of two round trips: `BEGIN` + `queue_job_cycle` (the claim lock, then running counts and queue heads),
 * the channel manager chooses, then `queue_job_claim` + `COMMIT`. The transaction-scoped advisory lock
 * serialises claims of all instances, so capacity accounting never races. Under contention the claim
 * commits without its WAL flush and is flushed before it returns (claim-durability.ts). Configurations
 * of capacities only claim in one statement instead (claim-next.ts).
 */
export async function runClaimCycle(client: PoolClient, input: CycleInput): Promise<CycleResult> {
  const literals = new SqlLiterals(client);
  const { result, apart } = await retryMovedRows(async () => {
    try {
      const now = Date.now() / 1000;
      const read = await cycleRows(client, literals, input, now);
      return await claimAndCommit(client, literals, input, input.claim, read, now);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
  if (apart) await flushClaims(client).catch((error: unknown) => { throw new ClaimNotFlushed(result.claimed.length, error); });
  return result;
}


type CycleRow = {
  kind: 'running' | 'head' | 'held' | 'next_eta' | 'failed' | 'throttle';
  job_id: string | null; job_channel: string | null; job_priority: number | null; created_ms: number | null; at: number | null; n: number | null;
};

type RateWindowRow = { channel: string; starts: number[] };

/** What a cycle reads under the claim lock, and whether it waited for the lock (in the waiting room). */
interface CycleRead {
  rows: CycleRow[];
  windows: RateWindowRow[];
  waited: boolean;
}

/**
 * `BEGIN; SELECT * FROM queue_job_cycle(...)` in one round trip, plus the rate windows of rate-limited
 * channels (read once the function holds the claim lock). Parameters are inlined as checked literals
 * because a simple query cannot carry bound parameters; the function's own plans stay cached per connection.
 */
async function cycleRows(client: PoolClient, l: SqlLiterals, input: CycleInput, now: number): Promise<CycleRead> {
  const request = input.claim;
  const call = `SELECT * FROM queue_job_cycle('[]'::jsonb, ${l.number(CLAIM_LOCK_KEY)}, ${l.number(request.limit)}, ${l.number(now)}, `
    + `${l.textArray(request.sequentialChannels)}, ${l.textArray(request.throttledChannels)}, ${l.textArray(request.jobFunctions)})`;
  const rates = request.rateChannels.length > 0 ? `; ${READ_RATE_WINDOWS_SQL(l.textArray(request.rateChannels))}` : '';
  const room = input.flushApart ? `${ENTER_WAITING_ROOM_SQL}; ` : '';
  // A cycle holds the claim lock of every instance: bounded (bounded-transaction.ts).
  const results = resultsOf<CycleRow & RateWindowRow & { waited: boolean }>(
    await client.query(`${boundedBeginSql(input.lockTimeoutMs)}; ${room}${call}${rates}`));
  const waited = input.flushApart && results.at(rates ? -3 : -2)!.rows[0].waited;
  return rates
    ? { rows: results.at(-2)!.rows, windows: results.at(-1)!.rows, waited }
    : { rows: results.at(-1)!.rows, windows: [], waited };
}

async function commit(client: PoolClient): Promise<CycleResult> {
  await client.query('COMMIT');
  return { claimed: [], nextEta: null };
}

/** The claim made, and whether it committed without its flush (claim-durability.ts). */
interface Committed {
  result: CycleResult;
  apart: boolean;
}

/** The results of each statement of a simple query (pg returns an array of results for several statements). */
function resultsOf<R>(result: unknown): Array<{ rows: R[] }> {
  return (Array.isArray(result) ? result : [result]) as Array<{ rows: R[] }>;
}


/** The channel manager decides on the snapshot; `SELECT * FROM queue_job_claim(...); COMMIT` in one round trip. */
async function claimAndCommit(
  client: PoolClient, l: SqlLiterals, input: CycleInput, request: ClaimRequest, read: CycleRead, now: number,
): Promise<Committed> {
  const { snapshot, nextEta } = toSnapshot(read);
  const decision = request.decide(snapshot, now);
  if (decision.ids.length === 0) return { result: { ...(await commit(client)), nextEta }, apart: false };
  if (decision.lastStart.size > 0) {
    await client.query(SAVE_THROTTLE_LAST_STARTS_SQL, [[...decision.lastStart.keys()], [...decision.lastStart.values()]]);
  }
  if (decision.recentStarts.size > 0) await client.query(SAVE_RATE_WINDOWS_SQL, [JSON.stringify(Object.fromEntries(decision.recentStarts))]);
  // This instance is full but the channels may have room left: the claim wakes the other instances.
  const wakeOthers = decision.ids.length >= request.limit ? input.workerId : null;
  const claim = `SELECT * FROM queue_job_claim(${l.bigintArray(decision.ids)}, ${l.text(input.workerId)}, `
    + `${l.text(randomUUID())}::uuid, ${l.number(input.leaseSeconds)}, ${l.text(wakeOthers)})`;
  const apart = input.flushApart ? `; ${commitApartIfContendedSql(read.waited)}` : '';
  const results = (await client.query(`${claim}${apart}; COMMIT`)) as unknown as Array<{ rows: ClaimedJobRow[] }>;
  return { result: { claimed: results[0].rows, nextEta }, apart: input.flushApart && results[1].rows.length > 0 };
}

function toSnapshot({ rows, windows }: CycleRead): { snapshot: DispatchSnapshot; nextEta: number | null } {
  const snapshot = {
    running: new Map<string, number>(), pending: [] as CandidateJob[], failedChannels: new Set<string>(), lastStart: new Map<string, number>(),
    recentStarts: new Map(windows.map((w) => [w.channel, w.starts])),
  };
  let nextEta: number | null = null;
  for (const row of rows) {
    if (row.kind === 'running') snapshot.running.set(row.job_channel!, row.n!);
    else if (row.kind === 'head' || row.kind === 'held') {
      // A held head (another instance's job function, at the front of a sequential channel) never
      // becomes due here: like a job waiting for its eta, it holds back the jobs behind it.
      const eta = row.kind === 'held' ? Number.POSITIVE_INFINITY : row.at;
      snapshot.pending.push({ id: row.job_id!, channel: row.job_channel!, priority: row.job_priority!, dateCreated: row.created_ms!, seq: Number(row.job_id), eta });
    } else if (row.kind === 'next_eta') nextEta = row.at;
    else if (row.kind === 'failed') snapshot.failedChannels.add(row.job_channel!);
    else if (row.kind === 'throttle') snapshot.lastStart.set(row.job_channel!, row.at!);
  }
  return { snapshot, nextEta };
}
