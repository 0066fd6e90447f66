import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { DEFAULTS, QUEUE_JOB_DATA_SOURCE } from '../queue-job.constants.js';
import type { QueueJob } from './entities/queue-job.entity.js';
import { toQueueJob } from './row-mapping.js';
import { isUuid } from './uuid.js';
import { RENEW_LEASES_SQL } from './sql/leases.sql.js';
import { retryMovedRows } from './moved-rows.js';
import { FIND_JOB_BY_UUID_SQL } from './sql/find-jobs.sql.js';
import { copyJobs } from './copy-jobs.js';
import { JobsCopyStream } from './jobs-copy-stream.js';
import { COPY_MIN_ROWS, copyOfJobs, type JobsCopy } from './sql/copy-jobs.sql.js';
import { FIND_IDENTITY_KEY_HOLDERS_SQL, INSERT_JOBS_SQL, insertJobsParams, type NewJobRow } from './sql/insert-jobs.sql.js';

/** A row with an identity key that INSERT_JOBS_SQL inserted. */
type KeyedInserted = { uuid: string };

/** A stored job as the enqueue path sees it. */
export interface InsertedJob {
  uuid: string;
  state: string;
  /** False when an existing job with the same identity key was returned instead. */
  created: boolean;
}

/**
 * The only place that talks SQL to the job table (with the claim cycle in `claim-cycle.ts`).
 * Hot paths use the pg pool of the app's DataSource directly; calls inside a caller's transaction
 * go through its EntityManager.
 */
@Injectable()
export class JobStore {
  /**
   * @param lockTimeoutMs bound of the transactions that hold locks other instances wait for
   *   (bounded-transaction.ts; option `lockTimeout`).
   */
  constructor(@Inject(QUEUE_JOB_DATA_SOURCE) readonly dataSource: DataSource, readonly lockTimeoutMs: number = DEFAULTS.lockTimeoutMs) {}

  /** The pg pool behind the app's TypeORM DataSource. */
  get pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  /** Runs `fn` with one pooled connection. */
  async withClient<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // The pool listens for errors of idle clients only: a connection cut while checked out (a database
    // restart) would emit an unhandled 'error' and crash the process. The query fails instead, and the
    // broken client is destroyed rather than handed out again.
    let broken: Error | undefined;
    const onError = (error: Error) => (broken ??= error);
    client.on('error', onError);
    try {
      return await fn(client);
    } finally {
      client.release(broken);
      if (!broken) client.off('error', onError);
    }
  }

  async query<R extends Record<string, unknown>>(sql: string, params: unknown[], manager?: EntityManager): Promise<R[]> {
    if (manager) return (await manager.query(sql, params)) as R[];
    return (await this.pool.query<R>(sql, params)).rows;
  }

  /**
   * Inserts jobs in one statement; a row whose identity key is taken resolves to the job holding it.
   * Many rows that no identity key can skip are copied (copyOfJobs), the others inserted (INSERT_JOBS_SQL).
   */
  insertJobs(rows: readonly NewJobRow[], manager?: EntityManager): Promise<InsertedJob[]> {
    const answerKey = new InsertAnswerKey(rows);
    const written = answerKey.keyed.size === 0 && rows.length >= COPY_MIN_ROWS
      ? this.copy(copyOfJobs(rows), manager)
      : this.insertStatement(insertJobsParams(rows), manager);
    rows = []; // not held across the round trip (see InsertAnswerKey)
    return this.answer(answerKey, written, manager);
  }

  private setsApplyWithin: Promise<boolean> | undefined;

  /** Whether the server applies a SET to the statements after it in one query string (PostgreSQL 13+): read once, or again after a failure. */
  setsApplyWithinQuery(connection: PoolClient): Promise<boolean> {
    this.setsApplyWithin ??= readSetsApplyWithinQuery(connection).catch((error: unknown) => {
      this.setsApplyWithin = undefined;
      throw error;
    });
    return this.setsApplyWithin;
  }

  /** What each row became: inserted, or (its identity key taken) the job holding the key. */
  private async answer(answerKey: InsertAnswerKey, written: Promise<KeyedInserted[]>, manager?: EntityManager): Promise<InsertedJob[]> {
    const inserted = new Set((await written).map((r) => r.uuid));
    // Rows skipped for their identity key resolve to the job holding it, all looked up at once.
    const skippedKeys = [...answerKey.keyed.values()].filter((row) => !inserted.has(row.uuid)).map((row) => row.identityKey!);
    const holders = skippedKeys.length > 0 ? await this.findIdentityKeyHolders([...new Set(skippedKeys)], manager) : new Map<string, InsertedJob>();
    const result: InsertedJob[] = [];
    for (const [i, uuid] of answerKey.uuids.entries()) {
      const row = answerKey.keyed.get(uuid);
      if (!row || inserted.has(uuid)) result.push(new NewlyInserted(uuid, answerKey.states[i]!));
      // The holder moved on (started or finished) between the two statements: the key is free again.
      else result.push(holders.get(row.identityKey!) ?? (await this.insertJobs([row], manager))[0]);
    }
    return result;
  }

  /** INSERT_JOBS_SQL: the rows with an identity key that were inserted. */
  private async insertStatement(values: unknown[], manager?: EntityManager): Promise<KeyedInserted[]> {
    // Prepared once per connection (named), in the caller's transaction or on the pool.
    const client = (await connectionOf(manager)) ?? this.pool;
    return (await client.query<KeyedInserted>({ name: 'qj_insert_jobs', text: INSERT_JOBS_SQL, values })).rows;
  }

  /** A COPY of jobs (copyOfJobs), on the connection of the caller's transaction if any: nothing is skipped, nothing comes back. */
  private async copy(jobs: JobsCopy, manager?: EntityManager): Promise<KeyedInserted[]> {
    const connection = await connectionOf(manager);
    await (connection ? copyJobs(connection, jobs) : this.withClient((client) => copyJobs(client, jobs)));
    return [];
  }

  /** The jobs holding these identity keys (waiting, pending or enqueued), by key. */
  async findIdentityKeyHolders(keys: string[], manager?: EntityManager): Promise<Map<string, InsertedJob>> {
    type Holder = { uuid: string; state: string; identity_key: string };
    const rows = await this.query<Holder>(FIND_IDENTITY_KEY_HOLDERS_SQL, [keys], manager);
    return new Map(rows.map((r) => [r.identity_key, { uuid: r.uuid, state: r.state, created: false }]));
  }

  /** Extends the leases of jobs still held under these tokens, each by its own length in seconds; returns the uuids of those cancelled. */
  async renewLeases(ids: string[], tokens: string[], leaseSeconds: number[]): Promise<string[]> {
    const { rows } = await retryMovedRows(() => this.pool.query<{ uuid: string }>(RENEW_LEASES_SQL, [ids, tokens, leaseSeconds]));
    return rows.map((row) => row.uuid);
  }

  async findByUuid(uuid: string, manager?: EntityManager): Promise<QueueJob | null> {
    if (!isUuid(uuid)) return null;
    const [row] = await this.query(FIND_JOB_BY_UUID_SQL, [uuid], manager);
    return row ? toQueueJob(row) : null;
  }
}

/**
 * What an insert's answer is read against, kept instead of the rows during the round trip: each
 * row's uuid and state, and the rows with an identity key (the statement may skip them). Objects
 * still referenced when V8 collects the young generation, which it does while the process waits for
 * the database, teach it to allocate their kind straight into the old generation, where they stay as
 * garbage until a full collection: the rows of a bulk enqueue were such objects.
 */
class InsertAnswerKey {
  readonly uuids: string[];
  readonly states: Array<NewJobRow['state']>;
  /** Rows with an identity key, by uuid. */
  readonly keyed = new Map<string, NewJobRow>();

  constructor(rows: readonly NewJobRow[]) {
    this.uuids = rows.map((row) => row.uuid);
    this.states = rows.map((row) => row.state);
    for (const row of rows) if (row.identityKey !== null) this.keyed.set(row.uuid, row);
  }
}

/**
 * A row the insert stored, as its caller gets it back: made with `new`, not as an object literal. A
 * literal's allocation site whose objects are all still referenced at a young-generation collection
 * (these live until the whole bulk call ends) is pretenured by V8: every later object from it goes
 * straight to the old generation and stays there as garbage until a full collection. As a literal,
 * this answer made the old generation grow by ~30 MB during a pre-insert of 300,000 jobs.
 */
export class NewlyInserted implements InsertedJob {
  readonly created = true;
  constructor(readonly uuid: string, readonly state: string) {}
}

/**
 * PostgreSQL 13 resets `statement_timeout` between the statements of one query string; before, a
 * SET there could leave the rest of the string under the session's own timeout.
 */
async function readSetsApplyWithinQuery(connection: PoolClient): Promise<boolean> {
  const { rows } = await connection.query<{ num: number }>(`SELECT current_setting('server_version_num')::int AS num`);
  return rows[0]!.num >= 130_000;
}

/** The pg connection of a caller's manager (its transaction's), connecting it if need be; undefined when it has no query runner. */
function connectionOf(manager: EntityManager | undefined): Promise<PoolClient> | undefined {
  return manager?.queryRunner?.connect() as Promise<PoolClient> | undefined;
}
