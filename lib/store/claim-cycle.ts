import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { CandidateJob, DispatchSnapshot } from '../channels/dispatch.js';
import { CLAIM_LOCK_KEY } from '../queue-job.constants.js';
import { notifyRunners, NOTIFY_RUNNERS_SQL } from './notify-runners.js';
import { CLAIM_JOBS_SQL, CLAIM_SNAPSHOT_SQL, SAVE_THROTTLE_LAST_STARTS_SQL } from './sql/claim-jobs.sql.js';
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
 * the claim lock, read running counts and queue heads (one round trip: `queue_job_claim_snapshot`),
 * let the channel manager choose, and claim. Hot statements are prepared (named) per connection.
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
    const claiming = input.claim !== null && input.claim.limit > 0;
    // Graph releases and rescues must read under the claim lock; a plain claim takes it in its snapshot.
    if (graphDone.length > 0 || input.rescue) await client.query(LOCK_SQL, [CLAIM_LOCK_KEY]);
    if (input.outcomes.length > 0) {
      const { rows } = await client.query<{ id: string }>({ name: 'qj_record_outcomes', text: RECORD_OUTCOMES_SQL, values: recordOutcomesParams(input.outcomes) });
      for (const row of rows) recorded.add(row.id);
      if (input.outcomes.some((o) => o.state === 'pending')) await notifyRunners(sql);
    }
    await releaseChildren(sql, graphDone.filter((o) => recorded.has(o.id)).map((o) => o.uuid));
    if (input.started.length > 0) {
      const s = input.started;
      await client.query(MARK_STARTED_SQL, [s.map((m) => m.id), s.map((m) => m.leaseToken), s.map((m) => m.dateStarted)]);
    }
    const rescued = input.rescue ? await rescue(client, input.workerId, input.rescue) : [];
    const { claimed, nextEta } = claiming ? await claim(client, input, input.claim!) : { claimed: [], nextEta: null };
    await client.query('COMMIT');
    return { claimed, recorded, nextEta, rescued };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

const LOCK_SQL = 'SELECT pg_advisory_xact_lock($1)';

/** Under the claim lock, so that rescued jobs and capacity counts stay consistent. */
async function rescue(client: PoolClient, workerId: string, request: RescueRequest): Promise<RescuedJob[]> {
  const orphans = await client.query<{ worker_id: string }>(ORPHANED_WORKERS_SQL, [workerId]);
  const dead = request.pickDead(orphans.rows.map((row) => row.worker_id));
  const rescued = (await client.query<RescuedJob>(RESCUE_DEAD_JOBS_SQL, [dead])).rows;
  if (rescued.some((job) => job.state === 'pending')) await notifyRunners(sqlOfClient(client));
  return rescued;
}

async function claim(client: PoolClient, input: CycleInput, request: ClaimRequest) {
  const now = Date.now() / 1000;
  const { snapshot, nextEta } = await readSnapshot(client, request, now);
  const decision = request.decide(snapshot, now);
  if (decision.ids.length === 0) return { claimed: [], nextEta };
  const { rows } = await client.query<ClaimedJobRow>({
    name: 'qj_claim', text: CLAIM_JOBS_SQL, values: [decision.ids, input.workerId, randomUUID(), input.leaseSeconds],
  });
  // This instance is full but the channels may have room left: wake the others (delivered at commit).
  if (rows.length >= request.limit) await client.query(NOTIFY_RUNNERS_SQL);
  if (decision.lastStart.size > 0) {
    await client.query(SAVE_THROTTLE_LAST_STARTS_SQL, [[...decision.lastStart.keys()], [...decision.lastStart.values()]]);
  }
  return { claimed: rows, nextEta };
}

type SnapshotRow = {
  kind: 'running' | 'head' | 'next_eta' | 'failed' | 'throttle';
  job_id: string | null; job_channel: string | null; job_priority: number | null; created_ms: number | null; at: number | null; n: number | null;
};

/** One round trip: the claim lock, then running counts, queue heads, next eta, failed sequential channels, throttles. */
async function readSnapshot(client: PoolClient, request: ClaimRequest, now: number) {
  const { rows } = await client.query<SnapshotRow>({
    name: 'qj_claim_snapshot', text: CLAIM_SNAPSHOT_SQL,
    values: [CLAIM_LOCK_KEY, request.limit, now, request.sequentialChannels, request.throttledChannels],
  });
  const snapshot = { running: new Map<string, number>(), pending: [] as CandidateJob[], failedChannels: new Set<string>(), lastStart: new Map<string, number>() };
  let nextEta: number | null = null;
  for (const row of rows) {
    if (row.kind === 'running') snapshot.running.set(row.job_channel!, row.n!);
    else if (row.kind === 'head') {
      snapshot.pending.push({ id: row.job_id!, channel: row.job_channel!, priority: row.job_priority!, dateCreated: row.created_ms!, seq: Number(row.job_id), eta: row.at });
    } else if (row.kind === 'next_eta') nextEta = row.at;
    else if (row.kind === 'failed') snapshot.failedChannels.add(row.job_channel!);
    else snapshot.lastStart.set(row.job_channel!, row.at!);
  }
  return { snapshot: snapshot as DispatchSnapshot, nextEta };
}
