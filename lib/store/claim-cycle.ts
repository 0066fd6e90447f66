import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { CandidateJob, DispatchSnapshot } from '../channels/dispatch.js';
import { CLAIM_LOCK_KEY, NOTIFY_CHANNEL } from '../queue-job.constants.js';
import {
  CLAIM_JOBS_SQL, FAILED_CHANNELS_SQL, NEXT_ETA_SQL, QUEUE_HEADS_SQL, RUNNING_COUNTS_SQL,
  SAVE_THROTTLE_LAST_STARTS_SQL, THROTTLE_LAST_STARTS_SQL,
} from './sql/claim-jobs.sql.js';
import { lockGraphTransitions, releaseChildren, sqlOfClient } from './graph-transitions.js';
import { ORPHANED_WORKERS_SQL, RESCUE_DEAD_JOBS_SQL } from './sql/leases.sql.js';
import { MARK_STARTED_SQL, RECORD_OUTCOMES_SQL, recordOutcomesParams, type JobOutcomeRow } from './sql/record-outcomes.sql.js';

/** A job this worker claimed, with what the executor needs to run it. */
export interface ClaimedJobRow {
  id: string;
  uuid: string;
  graph_uuid: string | null;
  name: string;
  job_function: string;
  service_name: string;
  method_name: string;
  args: unknown;
  records: unknown;
  retry: number;
  max_retries: number;
  channel: string;
  priority: number;
  eta: Date | null;
  date_created: Date;
  lease_token: string;
  context: Record<string, unknown> | null;
  user_id: string | null;
  trace_context: Record<string, string> | null;
}

export interface StartedMark { id: string; leaseToken: string; dateStarted: Date }

export interface ClaimRequest {
  /** At most this many jobs (the free local slots). */
  limit: number;
  sequentialChannels: string[];
  throttledChannels: string[];
  /** The channel manager's decision on the snapshot read under the claim lock. */
  decide(snapshot: DispatchSnapshot, now: number): { ids: string[]; lastStart: Map<string, number> };
}

/** Finding jobs whose executor died: asked every second or so, not at every cycle. */
export interface RescueRequest {
  /** Given the other workers whose lock is gone, which to declare dead now (the runner applies a grace period). */
  pickDead(orphanedWorkers: string[]): string[];
}

export interface RescuedJob {
  uuid: string; state: string; worker_id: string; job_function: string; channel: string; retry: number; max_retries: number;
  exc_name: string | null; exc_message: string | null;
}

export interface CycleInput {
  workerId: string;
  leaseSeconds: number;
  outcomes: JobOutcomeRow[];
  started: StartedMark[];
  claim: ClaimRequest | null;
  rescue: RescueRequest | null;
}

export interface CycleResult {
  claimed: ClaimedJobRow[];
  /** Ids whose outcome was written (the others had lost their lease). */
  recorded: Set<string>;
  /** Earliest future eta seen (seconds), to schedule a wake-up. */
  nextEta: number | null;
  rescued: RescuedJob[];
}

/**
 * One short transaction: write the outcomes of finished jobs, then (when there are free slots) take
 * the claim lock, read running counts and queue heads, let the channel manager choose, and claim.
 * Writing outcomes in the claim transaction frees their capacity for this very claim and costs no
 * extra commit. The transaction-scoped advisory lock serialises claims of all instances, so capacity
 * accounting never races; it is held for a few statements.
 */
export async function runClaimCycle(client: PoolClient, input: CycleInput): Promise<CycleResult> {
  await client.query('BEGIN');
  try {
    const recorded = new Set<string>();
    const sql = sqlOfClient(client);
    const graphDone = input.outcomes.filter((o) => o.inGraph && o.state === 'done');
    if (graphDone.length > 0) await lockGraphTransitions(sql);
    if (input.outcomes.length > 0) {
      const { rows } = await client.query<{ id: string }>(RECORD_OUTCOMES_SQL, recordOutcomesParams(input.outcomes));
      for (const row of rows) recorded.add(row.id);
    }
    await releaseChildren(sql, graphDone.filter((o) => recorded.has(o.id)).map((o) => o.uuid));
    if (input.started.length > 0) {
      const s = input.started;
      await client.query(MARK_STARTED_SQL, [s.map((m) => m.id), s.map((m) => m.leaseToken), s.map((m) => m.dateStarted)]);
    }
    let claimed: ClaimedJobRow[] = [];
    let nextEta: number | null = null;
    let rescued: RescuedJob[] = [];
    const claiming = input.claim !== null && input.claim.limit > 0;
    if (claiming || input.rescue) await client.query('SELECT pg_advisory_xact_lock($1)', [CLAIM_LOCK_KEY]);
    if (input.rescue) rescued = await rescue(client, input.workerId, input.rescue);
    if (claiming) ({ claimed, nextEta } = await claim(client, input, input.claim!));
    await client.query('COMMIT');
    return { claimed, recorded, nextEta, rescued };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Under the claim lock, so that rescued jobs and capacity counts stay consistent. */
async function rescue(client: PoolClient, workerId: string, request: RescueRequest): Promise<RescuedJob[]> {
  const orphans = await client.query<{ worker_id: string }>(ORPHANED_WORKERS_SQL, [workerId]);
  const dead = request.pickDead(orphans.rows.map((row) => row.worker_id));
  return (await client.query<RescuedJob>(RESCUE_DEAD_JOBS_SQL, [dead])).rows;
}

async function claim(client: PoolClient, input: CycleInput, request: ClaimRequest) {
  const now = Date.now() / 1000;
  const snapshot = await readSnapshot(client, request, now);
  const nextEta = (await client.query<{ eta: number | null }>(NEXT_ETA_SQL, [now])).rows[0]?.eta ?? null;
  const decision = request.decide(snapshot, now);
  if (decision.ids.length === 0) return { claimed: [], nextEta };
  const { rows } = await client.query<ClaimedJobRow>(CLAIM_JOBS_SQL, [decision.ids, input.workerId, randomUUID(), input.leaseSeconds]);
  // This instance is full but the channels may have room left: wake the others (delivered at commit).
  if (rows.length >= request.limit) await client.query(`SELECT pg_notify('${NOTIFY_CHANNEL}', '')`);
  if (decision.lastStart.size > 0) {
    await client.query(SAVE_THROTTLE_LAST_STARTS_SQL, [[...decision.lastStart.keys()], [...decision.lastStart.values()]]);
  }
  return { claimed: rows, nextEta };
}

async function readSnapshot(client: PoolClient, request: ClaimRequest, now: number): Promise<DispatchSnapshot> {
  const running = new Map<string, number>();
  for (const row of (await client.query<{ channel: string; n: number }>(RUNNING_COUNTS_SQL)).rows) running.set(row.channel, row.n);
  type Head = { id: string; channel: string; priority: number; created_ms: number; eta: number | null };
  const heads = await client.query<Head>(QUEUE_HEADS_SQL, [request.limit, now, request.sequentialChannels]);
  const pending: CandidateJob[] = heads.rows.map((h) => ({
    id: h.id, channel: h.channel, priority: h.priority, dateCreated: h.created_ms, seq: Number(h.id), eta: h.eta,
  }));
  const failedChannels = new Set<string>();
  if (request.sequentialChannels.length > 0) {
    const failed = await client.query<{ channel: string }>(FAILED_CHANNELS_SQL, [request.sequentialChannels]);
    for (const row of failed.rows) failedChannels.add(row.channel);
  }
  const lastStart = new Map<string, number>();
  if (request.throttledChannels.length > 0) {
    const starts = await client.query<{ channel: string; last_start: number }>(THROTTLE_LAST_STARTS_SQL, [request.throttledChannels]);
    for (const row of starts.rows) lastStart.set(row.channel, row.last_start);
  }
  return { running, pending, failedChannels, lastStart };
}
