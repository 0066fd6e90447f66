import type { PoolClient } from 'pg';
import { inBoundedTransaction } from './bounded-transaction.js';
import { lockGraphTransitions, releaseChildren, sqlOfClient, type Sql } from './graph-transitions.js';
import { MARK_STARTED_SQL, RECORD_OUTCOMES_SQL, outcomesJson, type JobOutcomeRow } from './sql/record-outcomes.sql.js';

export interface StartedMark { id: string; leaseToken: string; dateStarted: Date }

/**
 * Writes the outcomes that claims do not carry (with the channel manager's claims, a done graph job's,
 * any at shutdown) and marks long-running jobs `started`. Only rows still held under the executor's
 * lease token are written (fencing); returns the ids written. The common case — outcomes only, none releasing graph children — is one
 * prepared statement in autocommit; a done graph job releases its children under the claim lock,
 * in the same transaction as its outcome.
 */
export async function recordOutcomes(
  client: PoolClient, outcomes: JobOutcomeRow[], started: StartedMark[], lockTimeoutMs: number,
): Promise<Set<string>> {
  if (!outcomes.some(releasesChildren) && started.length === 0) return writeOutcomes(client, outcomes);
  return inBoundedTransaction(client, lockTimeoutMs, async () => {
    if (started.length > 0) {
      await client.query(MARK_STARTED_SQL, [started.map((m) => m.id), started.map((m) => m.leaseToken), started.map((m) => m.dateStarted)]);
    }
    return writeOutcomesInTransaction(sqlOfClient(client), outcomes, lockTimeoutMs);
  });
}

/**
 * In the caller's transaction (a runner's, or a job's own with its work): writes the outcomes, and
 * for done graph jobs takes the claim lock first and releases the children whose parents are all done.
 * Returns the ids written.
 */
export async function writeOutcomesInTransaction(sql: Sql, outcomes: JobOutcomeRow[], lockTimeoutMs: number): Promise<Set<string>> {
  const graphDone = outcomes.filter(releasesChildren);
  if (graphDone.length > 0) await lockGraphTransitions(sql, lockTimeoutMs);
  const { rows } = await sql.query<{ id: string }>(RECORD_OUTCOMES_SQL, [outcomesJson(outcomes)]);
  const recorded = new Set(rows.map((row) => row.id));
  await releaseChildren(sql, graphDone.filter((o) => recorded.has(o.id)).map((o) => o.uuid));
  return recorded;
}

const releasesChildren = (outcome: JobOutcomeRow): boolean => outcome.inGraph && outcome.state === 'done';

/** Outside a transaction: one prepared statement. */
async function writeOutcomes(client: PoolClient, outcomes: JobOutcomeRow[]): Promise<Set<string>> {
  if (outcomes.length === 0) return new Set();
  const { rows } = await client.query<{ id: string }>({ name: 'qj_record_outcomes', text: RECORD_OUTCOMES_SQL, values: [outcomesJson(outcomes)] });
  return new Set(rows.map((row) => row.id));
}
