import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { copyJobs } from '../../lib/store/copy-jobs.js';
import { JobStore } from '../../lib/store/job-store.js';
import { COPY_MIN_ROWS, copyOfJobs } from '../../lib/store/sql/copy-jobs.sql.js';
import { INSERT_JOBS_SQL, insertJobsParams, type NewJobRow } from '../../lib/store/sql/insert-jobs.sql.js';
import { useMigratedDatabase } from '../support/migrated-database.js';

/**
 * The bulk insert (INSERT_JOBS_SQL) and the bulk copy (copyOfJobs) send the values every row
 * shares once and the others per row: whatever the mix, each row must be stored exactly as given.
 */

type Writer = (pool: pg.Pool, rows: NewJobRow[]) => Promise<unknown>;

const insertRows: Writer = (pool, rows) => pool.query(INSERT_JOBS_SQL, insertJobsParams(rows));

const copyRows: Writer = async (pool, rows) => {
  const client = await pool.connect();
  try {
    await copyJobs(client, copyOfJobs(rows));
  } finally {
    client.release();
  }
};

const ETA = new Date('2031-05-06T07:08:09.123Z');

function row(overrides: Partial<NewJobRow> = {}): NewJobRow {
  return {
    uuid: randomUUID(), graphUuid: null, name: 'Confirm', jobFunction: '<OrderService>.confirm', serviceName: 'OrderService',
    methodName: 'confirm', funcString: 'OrderService.confirm(1)', args: '[1]', records: '[]', dependencies: null, state: 'pending',
    priority: 10, eta: null, maxRetries: 5, channel: 'root.sale', identityKey: null, context: null, userId: null, traceContext: null, timeout: null,
    ...overrides,
  };
}

const COLUMNS = `uuid, graph_uuid, name, job_function, service_name, method_name, func_string, args, records, dependencies, state,
  priority, eta, max_retries, channel, identity_key, context, user_id, trace_context, timeout`;

/** A stored row in the shape of NewJobRow, to compare with what was sent. */
function asSent(stored: Record<string, unknown>): NewJobRow {
  return {
    uuid: stored.uuid as string, graphUuid: stored.graph_uuid as string | null, name: stored.name as string, jobFunction: stored.job_function as string,
    serviceName: stored.service_name as string, methodName: stored.method_name as string, funcString: stored.func_string as string,
    args: JSON.stringify(stored.args), records: JSON.stringify(stored.records),
    dependencies: JSON.stringify(stored.dependencies) === '{"depends_on":[],"reverse_depends_on":[]}' ? null : JSON.stringify(stored.dependencies),
    state: stored.state as NewJobRow['state'], priority: stored.priority as number, eta: stored.eta as Date | null,
    maxRetries: stored.max_retries as number, channel: stored.channel as string, identityKey: stored.identity_key as string | null,
    context: stored.context === null ? null : JSON.stringify(stored.context), userId: stored.user_id as string | null,
    traceContext: stored.trace_context === null ? null : JSON.stringify(stored.trace_context),
    timeout: stored.timeout as number | null,
  };
}

describe.each<[string, Writer]>([['INSERT_JOBS_SQL', insertRows], ['copyOfJobs', copyRows]])('%s', (_, write) => {
  const database = useMigratedDatabase();

  async function insertAndRead(rows: NewJobRow[]): Promise<NewJobRow[]> {
    await write(database().pool, rows);
    const { rows: stored } = await database().pool.query(`SELECT ${COLUMNS} FROM queue_job ORDER BY id`);
    return stored.map(asSent);
  }

  it('stores every column of rows that share some values and differ in others', async () => {
    const graph = randomUUID();
    const rows = [
      row({ graphUuid: graph, funcString: 'OrderService.confirm(1)', args: '[1]', eta: new Date(ETA), identityKey: 'k1', context: '{"tenant":"a"}', userId: 'u1' }),
      row({
        graphUuid: graph, name: 'Ship', jobFunction: '<OrderService>.ship', methodName: 'ship', funcString: 'OrderService.ship(2)', args: '[2]',
        records: '[{"$record":{"id":2,"entity":"Order"}}]', dependencies: '{"depends_on":["x"],"reverse_depends_on":[]}',
        state: 'wait_dependencies', priority: 5, eta: new Date(ETA), maxRetries: 0, channel: 'root', identityKey: 'k2',
        context: '{"tenant":"a"}', userId: 'u1', traceContext: '{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}', timeout: 30,
      }),
      row({ graphUuid: graph, funcString: 'OrderService.confirm("\\u00e9")', args: '["é"]', eta: new Date(ETA), context: '{"tenant":"a"}', userId: 'u1' }),
    ];
    expect(await insertAndRead(rows)).toEqual(rows);
  });

  it('stores rows that share every value but the uuid, and a single row', async () => {
    const rows = [row(), row(), row()];
    expect(await insertAndRead(rows)).toEqual(rows);
    await database().pool.query('TRUNCATE queue_job');
    const single = [row({ eta: ETA, identityKey: 'only', priority: 1 })];
    expect(await insertAndRead(single)).toEqual(single);
  });

  it('stores etas that differ between rows, a missing one first or last (dates are compared by time)', async () => {
    const later = new Date(ETA.getTime() + 1000);
    const rows = [row(), row({ eta: new Date(ETA) }), row({ eta: new Date(ETA) }), row({ eta: later })];
    expect(await insertAndRead(rows)).toEqual(rows);
    await database().pool.query('TRUNCATE queue_job');
    const reversed = [row({ eta: new Date(ETA) }), row({ eta: later }), row()];
    expect(await insertAndRead(reversed)).toEqual(reversed);
  });

  it('inserts nothing for no rows', async () => {
    await write(database().pool, []);
    expect((await database().pool.query('SELECT count(*)::int AS n FROM queue_job')).rows[0].n).toBe(0);
  });

  it('stores text that COPY escapes (tab, newline, carriage return, backslash, \\N, \\.) as given; NUL becomes U+FFFD', async () => {
    const tricky = 'tab\there, line\nbreak, cr\r, back\\slash, \\N, \\., "quoted", é, 😀';
    const rows = [
      row({ name: tricky, funcString: `OrderService.confirm(${JSON.stringify(tricky)})`, args: JSON.stringify([tricky, '\\N']), userId: '\\N' }),
      row({ name: 'nul\u0000inside', identityKey: 'key\twith\ttabs', context: '{"note":"nul \\u0000 in JSON","path":"C:\\\\dir"}' }),
    ];
    expect(await insertAndRead(rows)).toEqual([
      rows[0],
      { ...rows[1], name: 'nul\uFFFDinside', context: JSON.stringify({ note: 'nul \uFFFD in JSON', path: 'C:\\dir' }) },
    ]);
  });
});

describe('insertJobsParams', () => {
  it('sends what every row shares once, and only what differs with each row', () => {
    const [perRow, shared] = insertJobsParams([row({ args: '[1]', funcString: 'a' }), row({ args: '[2]', funcString: 'b' })]) as [string, string];
    const rows = JSON.parse(perRow) as Array<Record<string, unknown>>;
    expect(rows.map((r) => Object.keys(r).sort())).toEqual([['args', 'func_string', 'uuid'], ['args', 'func_string', 'uuid']]);
    expect(JSON.parse(shared)).toEqual({
      name: 'Confirm', job_function: '<OrderService>.confirm', service_name: 'OrderService', method_name: 'confirm', records: [],
      state: 'pending', priority: 10, max_retries: 5, channel: 'root.sale',
    });
  });
});

describe('JobStore.insertJobs picks the statement', () => {
  const database = useMigratedDatabase();
  let dataSource: DataSource;
  let store: JobStore;
  beforeAll(async () => {
    dataSource = await new DataSource({ type: 'postgres', url: database().url }).initialize();
    store = new JobStore(dataSource);
  });
  afterAll(() => dataSource?.destroy());

  /** The kind of statement (COPY, or the INSERT's WITH) each connection was sent while `fn` ran. */
  async function statementsOf(fn: () => Promise<unknown>): Promise<string[]> {
    const query = jest.spyOn(pg.Client.prototype, 'query');
    try {
      await fn();
      return query.mock.calls.map(([config]) => String(typeof config === 'string' ? config : (config as { text: string }).text).trim().split(/\s/)[0]!);
    } finally {
      query.mockRestore();
    }
  }
  const rows = (n: number, keyed = 0) => Array.from({ length: n }, (_, i) => row({ args: `[${i}]`, identityKey: i < keyed ? `key ${i}` : null }));
  const stored = async () => (await database().pool.query('SELECT count(*)::int AS n FROM queue_job')).rows[0].n as number;

  it(`copies ${COPY_MIN_ROWS} rows or more that have no identity key, inserts fewer`, async () => {
    expect(await statementsOf(() => store.insertJobs(rows(COPY_MIN_ROWS)))).toEqual(['COPY']);
    expect(await statementsOf(() => store.insertJobs(rows(COPY_MIN_ROWS - 1)))).toEqual(['WITH']);
    expect(await stored()).toBe(2 * COPY_MIN_ROWS - 1);
  });

  it('inserts many rows when one of them has an identity key (a taken key must be skipped, not fail the COPY)', async () => {
    const first = await store.insertJobs(rows(COPY_MIN_ROWS, 1));
    let again: Awaited<ReturnType<JobStore['insertJobs']>> = [];
    expect(await statementsOf(async () => (again = await store.insertJobs(rows(COPY_MIN_ROWS, 1))))).toEqual(['WITH', 'SELECT']);
    expect(again[0]).toEqual({ uuid: first[0]!.uuid, state: 'pending', created: false });
    expect(await stored()).toBe(2 * COPY_MIN_ROWS - 1);
  });
});

