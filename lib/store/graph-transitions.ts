import type { PoolClient } from 'pg';
import type { QueryRunner } from 'typeorm';
import { CLAIM_LOCK_KEY } from '../queue-job.constants.js';
import { CANCEL_CHILDREN_SQL, RELEASE_CHILDREN_SQL } from './sql/graph.sql.js';
import { notifyRunners } from './notify-runners.js';
import { boundTransactionColumns } from './bounded-transaction.js';

/** Runs SQL in the current transaction: a pg client, or a TypeORM query runner through `sqlOf`. */
export interface Sql {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

export function sqlOfClient(client: PoolClient): Sql {
  return { query: async <R>(text: string, params?: unknown[]) => ({ rows: (await client.query(text, params)).rows as R[] }) };
}

export function sqlOfRunner(runner: QueryRunner): Sql {
  return { query: async <R>(text: string, params?: unknown[]) => ({ rows: (await runner.query(text, params, true)).records as R[] }) };
}

/**
 * Serialises graph transitions with claims (the same transaction-scoped lock): the release check of
 * a child must see every parent that finished before it, in whichever instance. The transaction is
 * bounded first (`lockTimeoutMs`, see bounded-transaction.ts): it now holds up every claim.
 */
export async function lockGraphTransitions(sql: Sql, lockTimeoutMs: number): Promise<void> {
  await sql.query(`SELECT ${boundTransactionColumns('$2')}, pg_advisory_xact_lock($1)`, [CLAIM_LOCK_KEY, String(Math.trunc(lockTimeoutMs))]);
}

/** Makes pending the children of `doneUuids` whose parents are all done. */
export async function releaseChildren(sql: Sql, doneUuids: string[]): Promise<void> {
  if (doneUuids.length === 0) return;
  const { rows } = await sql.query(RELEASE_CHILDREN_SQL, [doneUuids]);
  if (rows.length > 0) await notifyRunners(sql);
}

/** A job touched by a graph transition or a manual action. */
export interface TouchedJob { uuid: string; job_function: string; channel: string; retry: number; max_retries: number }

/** Cancels, level by level, the waiting descendants of `cancelledUuids` whose parents are all cancelled. */
export async function cancelDescendants(sql: Sql, cancelledUuids: string[], result: string): Promise<TouchedJob[]> {
  const cancelled: TouchedJob[] = [];
  let level = cancelledUuids;
  while (level.length > 0) {
    const { rows } = await sql.query<TouchedJob>(CANCEL_CHILDREN_SQL, [level, result]);
    level = rows.map((row) => row.uuid);
    cancelled.push(...rows);
  }
  return cancelled;
}
