import { describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { JobsCopyStream } from '../../lib/store/jobs-copy-stream.js';
import { copyOfJobs } from '../../lib/store/sql/copy-jobs.sql.js';
import type { NewJobRow } from '../../lib/store/sql/insert-jobs.sql.js';
import { useMigratedDatabase } from '../support/migrated-database.js';
import { inPoolTransaction } from '../support/pool-transaction.js';

/**
 * The COPY a large bulk call streams its rows into: rows that need a column the COPY under way left
 * out start another one, and a cancelled stream keeps nothing.
 */

const ETA = new Date('2031-05-06T07:08:09.123Z');

function row(i: number, overrides: Partial<NewJobRow> = {}): NewJobRow {
  return {
    uuid: randomUUID(), graphUuid: null, name: 'Confirm', jobFunction: '<OrderService>.confirm', serviceName: 'OrderService',
    methodName: 'confirm', funcString: `OrderService.confirm(${i})`, args: `[${i}]`, records: '[]', dependencies: null, state: 'pending',
    priority: 10, eta: null, maxRetries: 5, channel: 'root', identityKey: null, context: null, userId: null, traceContext: null, timeout: null,
    ...overrides,
  };
}

const batch = (from: number, count: number, overrides: Partial<NewJobRow> = {}) =>
  Array.from({ length: count }, (_, k) => row(from + k, overrides));

/** Runs `fn` with a stream in a transaction of its own connection, committed unless `fn` throws. */
const inTransaction = (pool: pg.Pool, fn: (copy: JobsCopyStream, client: pg.PoolClient) => Promise<void>): Promise<void> =>
  inPoolTransaction(pool, (client) => fn(new JobsCopyStream(client), client));

/** Writes `batches` through one stream (in a committed transaction); returns the COPY statements it sent. */
async function copyStatementsOf(pool: pg.Pool, batches: NewJobRow[][], limits?: { rowsPerCopy?: number; maxCopyMs?: number }): Promise<string[]> {
  const statements: string[] = [];
  await inTransaction(pool, async (_copy, client) => {
    const copy = new JobsCopyStream(client, limits);
    const query = jest.spyOn(client, 'query');
    try {
      for (const rows of batches) await copy.write(rows);
      await copy.end();
      for (const [q] of query.mock.calls) {
        const text = (q as unknown as { text?: string }).text;
        if (text?.startsWith('COPY')) statements.push(text);
      }
    } finally {
      query.mockRestore(); // the pool hands this client to the next test
    }
  });
  return statements;
}

describe('JobsCopyStream', () => {
  const database = useMigratedDatabase();

  async function stored(): Promise<Array<Record<string, unknown>>> {
    const { rows } = await database().pool.query(
      `SELECT uuid::text, func_string, args, records, eta, context, dependencies FROM queue_job ORDER BY id`);
    return rows;
  }

  it('stores every row in order, starting another COPY when later rows need a column the first one left out', async () => {
    const plain = batch(0, 150);
    const withEta = batch(150, 100, { eta: ETA });
    const withRecords = batch(250, 100, { records: '[{"$record":{"entity":"Order","id":7}}]', context: '{"tenant":"a"}' });
    const plainAgain = batch(350, 120);
    // The COPY statements sent, as the stream names their columns.
    const statements = await copyStatementsOf(database().pool, [plain, withEta, withRecords, plainAgain]);
    const all = [...plain, ...withEta, ...withRecords, ...plainAgain];
    const rows = await stored();
    expect(rows.map((r) => r.uuid)).toEqual(all.map((r) => r.uuid));
    expect(rows.map((r) => r.func_string)).toEqual(all.map((r) => r.funcString));
    expect(rows.slice(150, 250).every((r) => (r.eta as Date).getTime() === ETA.getTime())).toBe(true);
    expect(rows.filter((r) => r.eta !== null)).toHaveLength(100);
    expect(rows.slice(250, 350).every((r) => JSON.stringify(r.records) === '[{"$record":{"id":7,"entity":"Order"}}]')).toBe(true);
    expect(rows.slice(250, 350).every((r) => JSON.stringify(r.context) === '{"tenant":"a"}')).toBe(true);
    expect(rows.filter((r) => JSON.stringify(r.records) === '[]')).toHaveLength(370);
    expect(rows.every((r) => JSON.stringify(r.dependencies) === '{"depends_on":[],"reverse_depends_on":[]}')).toBe(true);
    // The first COPY left eta, records and context out; the rows with an eta needed another, and so
    // did those with records; the plain rows after them fit the third and went in with it.
    expect(statements).toHaveLength(3);
    expect(statements[0]).not.toMatch(/\beta\b|records|context/);
    expect(statements[1]).toMatch(/\beta\b/);
    expect(statements[2]).toMatch(/records.*context/);
  });

  it('starts another COPY before one would take more than its row limit (each statement stays short)', async () => {
    const batches = [batch(0, 100), batch(100, 100), batch(200, 50), batch(250, 100)];
    const statements = await copyStatementsOf(database().pool, batches, { rowsPerCopy: 150 });
    // 100 | 100 + 50 | 100: a batch that would pass 150 rows goes into the next COPY, whole.
    expect(statements).toHaveLength(3);
    expect((await stored()).map((r) => r.uuid)).toEqual(batches.flat().map((r) => r.uuid));
  });

  it('leaves out of a COPY the columns every row leaves at their default, and stores those defaults', async () => {
    const copy = copyOfJobs(batch(0, 3));
    expect(copy.sql).toBe('COPY queue_job_live (uuid, name, job_function, service_name, method_name, func_string, args, state, priority, max_retries, channel) FROM STDIN');
    expect(copyOfJobs(batch(0, 3, { timeout: 30 })).sql).toMatch(/channel, timeout\) FROM STDIN$/);
    // What the columns left out store: the values a row sent in full gets (insert-jobs.spec compares those).
    await inTransaction(database().pool, async (stream) => {
      await stream.write(batch(0, 2));
      await stream.end();
    });
    const { rows } = await database().pool.query(
      `SELECT graph_uuid, records, dependencies, eta, identity_key, context, user_id, trace_context, timeout FROM queue_job`);
    expect(rows).toEqual(Array(2).fill({
      graph_uuid: null, records: [], dependencies: { depends_on: [], reverse_depends_on: [] }, eta: null, identity_key: null,
      context: null, user_id: null, trace_context: null, timeout: null,
    }));
  });

  it('abort cancels the COPY under way: the transaction is aborted (nothing sent is kept) and the connection answers', async () => {
    const reason = new Error('a bad argument in the third batch');
    await expect(inTransaction(database().pool, async (copy, client) => {
      await copy.write(batch(0, 100));
      await copy.write(batch(100, 100, { eta: ETA })); // a second COPY: the first one ended with its rows sent
      await new Promise((resolve) => setTimeout(resolve, 50)); // the database has the rows
      await copy.abort(reason);
      // Out of COPY mode: the next statement is answered, refused as the transaction is aborted.
      await expect(client.query('SELECT 1')).rejects.toThrow(/current transaction is aborted/);
      throw reason;
    })).rejects.toBe(reason);
    expect(await stored()).toEqual([]);
  });

  it('a COPY the database refuses fails the next write or the end, with the database\'s error', async () => {
    await expect(inTransaction(database().pool, async (copy) => {
      await copy.write([row(0, { state: 'nonsense' as NewJobRow['state'] })]);
      await copy.end();
    })).rejects.toThrow(/partition constraint|queue_job_state_check/);
    expect(await stored()).toEqual([]);
  });
});
