import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { inCopyTransaction } from '../../lib/store/copy-transaction.js';
import { JobStore } from '../../lib/store/job-store.js';
import { INSERT_JOBS_SQL, insertJobsParams, type NewJobRow } from '../../lib/store/sql/insert-jobs.sql.js';
import { useMigratedDatabase } from '../support/migrated-database.js';

/**
 * The transaction of a streamed bulk call: BEGIN and its statement_timeout (lockTimeout, here 400 ms)
 * ride on the first COPY's query string from PostgreSQL 13 on, or go first on their own; the
 * maxPending reservation runs between BEGIN and the bound; all or nothing is kept.
 */
function row(i: number): NewJobRow {
  return {
    uuid: randomUUID(), graphUuid: null, name: 'Confirm', jobFunction: '<OrderService>.confirm', serviceName: 'OrderService',
    methodName: 'confirm', funcString: `OrderService.confirm(${i})`, args: `[${i}]`, records: '[]', dependencies: null, state: 'pending',
    priority: 10, eta: null, maxRetries: 5, channel: 'root', identityKey: null, context: null, userId: null, traceContext: null, timeout: null,
  };
}
const batch = (from: number, count: number) => Array.from({ length: count }, (_, k) => row(from + k));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const BEGIN = 'BEGIN; SET LOCAL idle_in_transaction_session_timeout = 400; SET LOCAL lock_timeout = 400';
const COPY_SQL = 'COPY queue_job_live (uuid, name, job_function, service_name, method_name, func_string, args, state, priority, max_retries, channel) FROM STDIN';

describe('inCopyTransaction', () => {
  const database = useMigratedDatabase();
  let dataSource: DataSource;
  let store: JobStore;

  beforeAll(async () => {
    dataSource = new DataSource({ type: 'postgres', url: database().url });
    await dataSource.initialize();
    store = new JobStore(dataSource, 400);
  });
  afterAll(async () => {
    await dataSource?.destroy();
  });

  const count = async () => (await database().pool.query<{ n: number }>('SELECT count(*)::int AS n FROM queue_job')).rows[0]!.n;
  const clientOf = (manager: EntityManager) => manager.queryRunner!.connect() as Promise<PoolClient>;
  const show = async (client: PoolClient, name: string) => Object.values((await client.query(`SHOW ${name}`)).rows[0] as object)[0];
  /** What `client` is sent from now on: statements' text. */
  const record = (client: PoolClient) => {
    const spy = jest.spyOn(client, 'query');
    return { sent: () => spy.mock.calls.map(([q]) => (q as { text?: string }).text ?? q), restore: () => spy.mockRestore() };
  };

  it('PostgreSQL 13+: BEGIN and the bound go in the first COPY (no round trip of their own), then COMMIT', async () => {
    let sent: unknown[] = [];
    await inCopyTransaction(store, async (copy, manager) => {
      const client = await clientOf(manager);
      expect(await show(client, 'statement_timeout')).toBe('0'); // not yet: it comes with the COPY
      const recorder = record(client);
      await copy.write(batch(0, 10));
      await copy.end();
      expect(await show(client, 'statement_timeout')).toBe('400ms');
      sent = recorder.sent();
      recorder.restore();
    });
    expect(sent).toEqual([`${BEGIN}; SET LOCAL statement_timeout = 400; ${COPY_SQL}`, 'SHOW statement_timeout']);
    expect(await count()).toBe(10);
  });

  it('a COPY whose process stops sending is cancelled by the bound; a live one is renewed before it; nothing is kept', async () => {
    await expect(inCopyTransaction(store, async (copy) => {
      // Alive: a batch every 150 ms for 900 ms, each COPY renewed past 200 ms, none cancelled.
      for (let i = 0; i < 6; i++) {
        await copy.write(batch(i * 10, 10));
        await sleep(150);
      }
      // Stopped: nothing sent for 700 ms, the COPY under way is cancelled.
      await copy.write(batch(60, 10));
      await sleep(700);
    })).rejects.toThrow(/statement timeout/);
    expect(await count()).toBe(0);
  });

  it('a statement before any COPY (rows with identity keys) runs in the transaction: end() sends BEGIN first', async () => {
    const insertFirst = (fail: boolean) => inCopyTransaction(store, async (copy, manager) => {
      await copy.end();
      await manager.query(INSERT_JOBS_SQL, insertJobsParams([{ ...row(1), identityKey: `key-${randomUUID()}` }]));
      await copy.write(batch(2, 3));
      if (fail) throw new Error('the call stops here');
    });
    await expect(insertFirst(true)).rejects.toThrow('the call stops here');
    expect(await count()).toBe(0); // the INSERT was not in autocommit
    await insertFirst(false);
    expect(await count()).toBe(4);
  });

  it('a call paused between statements (after an identity-key INSERT, before its next COPY) loses its session after the bound: nothing held longer, nothing kept', async () => {
    await expect(inCopyTransaction(store, async (copy, manager) => {
      await copy.end();
      await manager.query(INSERT_JOBS_SQL, insertJobsParams([{ ...row(1), identityKey: `key-${randomUUID()}` }]));
      await sleep(700); // idle in its transaction, past the 400 ms bound
      await copy.write(batch(2, 3));
    })).rejects.toThrow(/idle-in-transaction|terminat|not queryable|Connection/i);
    expect(await count()).toBe(0);
  });

  it('with a first step (the maxPending reservation): BEGIN, the step without the bound, then the bound with the first COPY', async () => {
    let atFirst: unknown;
    let sent: unknown[] = [];
    await inCopyTransaction(store, async (copy, manager) => {
      const client = await clientOf(manager);
      const recorder = record(client);
      await copy.write(batch(0, 5));
      await copy.end();
      sent = recorder.sent();
      recorder.restore();
      expect(await show(client, 'application_name')).toBe('in-the-transaction');
    }, async (manager) => {
      const client = await clientOf(manager);
      atFirst = await show(client, 'statement_timeout');
      await client.query(`SELECT set_config('application_name', 'in-the-transaction', true)`);
    });
    expect(atFirst).toBe('0');
    expect(sent).toEqual([`SET LOCAL statement_timeout = 400; ${COPY_SQL}`]);
    expect(await count()).toBe(5);
  });

  it('before PostgreSQL 13 (a SET in a query string may not bound what follows it): BEGIN and the bound on their own, before any COPY', async () => {
    const older = new JobStore(dataSource, 400);
    (older as unknown as { setsApplyWithin: Promise<boolean> }).setsApplyWithin = Promise.resolve(false);
    let sent: unknown[] = [];
    await inCopyTransaction(older, async (copy, manager) => {
      const client = await clientOf(manager);
      expect(await show(client, 'statement_timeout')).toBe('400ms');
      const recorder = record(client);
      await copy.write(batch(0, 5));
      await copy.end();
      sent = recorder.sent();
      recorder.restore();
    });
    expect(sent).toEqual([COPY_SQL]);
    expect(await count()).toBe(5);
  });
});
