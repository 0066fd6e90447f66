import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { QUEUE_JOB_MIGRATIONS } from '../../lib/store/migrations/index.js';
import { QUEUE_JOB_MIGRATIONS_TABLE } from '../../lib/store/run-migrations.js';
import { INSERT_JOBS_SQL, insertJobsParams, type NewJobRow } from '../../lib/store/sql/insert-jobs.sql.js';
import { printFigures, seconds } from '../faults/support/figures.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { fillOldSchema, indexesAndTriggers, jobsByState } from './support/old-schema-jobs.js';
import { BEFORE_LIFECYCLE, THROUGH_LIFECYCLE, migrate } from './support/lifecycle-migrations.js';

/**
 * Migration `…5000000` (issue 18) on a database of the previous schema: `queue_job` becomes a table
 * partitioned by lifecycle with every job kept as it was (the done history attached, not copied);
 * down() gives the single table back; up() again works. QUEUE_JOB_MIGRATION_ROWS jobs (default 1,000,000).
 */
const ROWS = Number(process.env.QUEUE_JOB_MIGRATION_ROWS ?? 1_000_000);
const LAST = QUEUE_JOB_MIGRATIONS.at(-1)!;

const utcDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86400_000).toISOString().slice(0, 10).replace(/-/g, '');

function pendingRow(identityKey: string): NewJobRow {
  return {
    uuid: randomUUID(), graphUuid: null, name: 'Sync', jobFunction: '<Shop>.sync', serviceName: 'Shop', methodName: 'sync', funcString: '',
    args: '[]', records: '[]', dependencies: null, state: 'pending', priority: 10, eta: null, maxRetries: 5, channel: 'root',
    identityKey, context: null, userId: null, traceContext: null, timeout: null,
  };
}

describe('migration …5000000: queue_job partitioned by lifecycle, on an existing database', () => {
  let db: TestDatabase;
  let before: Record<string, string>;
  let oldIndexes: string[];
  let oldMaxId: number;
  const figures: Record<string, string | number> = { jobs: ROWS };

  const query = async <T extends object>(sql: string, params: unknown[] = []) => (await db.pool.query<T>(sql, params)).rows;
  const isPartitioned = async () => (await query(`SELECT 1 FROM pg_partitioned_table WHERE partrelid = 'queue_job'::regclass`)).length === 1;
  const partitionOf = async (uuid: string) => (await query<{ t: string }>('SELECT tableoid::regclass::text AS t FROM queue_job WHERE uuid = $1', [uuid]))[0]?.t;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.url, BEFORE_LIFECYCLE);
    const filling = performance.now();
    await fillOldSchema(db.pool, ROWS);
    await db.pool.query('ANALYZE queue_job');
    figures['fill (s)'] = seconds(performance.now() - filling);
    before = await jobsByState(db.pool);
    oldIndexes = await indexesAndTriggers(db.pool, 'queue_job');
    oldMaxId = Number((await query<{ max: string }>('SELECT max(id) AS max FROM queue_job'))[0].max);
  }, 300_000);
  afterAll(async () => {
    printFigures(`lifecycle migration (${ROWS} jobs)`, figures);
    await db?.drop();
  });

  it('up() keeps every job as it was, the live ones in queue_job_live, the done history in the old table attached', async () => {
    expect(await isPartitioned()).toBe(false);
    expect(Object.keys(before).sort()).toEqual(['cancelled', 'done', 'enqueued', 'failed', 'pending', 'started', 'wait_dependencies']);
    figures['up (s)'] = seconds(await migrate(db.url, THROUGH_LIFECYCLE));

    expect(await jobsByState(db.pool)).toEqual(before);
    expect(await isPartitioned()).toBe(true);
    const history = `queue_job_done_until_${utcDay(1)}`;
    const placed = await query<{ t: string; states: string; n: number }>(`
      SELECT tableoid::regclass::text AS t, string_agg(DISTINCT state, ',' ORDER BY state) AS states, count(*)::int AS n
      FROM queue_job GROUP BY 1 ORDER BY 1`);
    const doneCount = Number(before.done.split(' ')[0]);
    expect(placed).toEqual([
      { t: 'queue_job_cancelled', states: 'cancelled', n: expect.any(Number) },
      { t: 'queue_job_done_default', states: 'done', n: 3 }, // done without a date
      { t: history, states: 'done', n: doneCount - 3 },
      { t: 'queue_job_failed', states: 'failed', n: expect.any(Number) },
      { t: 'queue_job_live', states: 'enqueued,pending,started,wait_dependencies', n: expect.any(Number) },
    ]);
    // The old table itself became the partition (no copy): it is still the relation the sequence's old rows live in.
    expect((await query<{ relkind: string }>(`SELECT relkind FROM pg_class WHERE relname = $1`, [history]))[0].relkind).toBe('r');
    const days = await query<{ relname: string }>(`SELECT relname FROM pg_class WHERE relname ~ '^queue_job_done_\\d{8}$' ORDER BY 1`);
    expect(days.map((d) => d.relname)).toEqual(expect.arrayContaining([1, 2, 3].map((d) => `queue_job_done_${utcDay(d)}`)));
  }, 120_000);

  it('after up(), a second pending job with an identity key in use is refused', async () => {
    const [{ identity_key: key }] = await query<{ identity_key: string }>(
      `SELECT identity_key FROM queue_job WHERE state = 'pending' AND identity_key IS NOT NULL LIMIT 1`);
    expect((await db.pool.query(INSERT_JOBS_SQL, insertJobsParams([pendingRow(key)]))).rows).toEqual([]);
    await expect(db.pool.query(`INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, identity_key)
      VALUES (gen_random_uuid(), 'Sync', '<Shop>.sync', 'Shop', 'sync', $1)`, [key])).rejects.toMatchObject({ code: '23505' });
    expect((await query<{ n: number }>('SELECT count(*)::int AS n FROM queue_job WHERE identity_key = $1', [key]))[0].n).toBe(1);
    const fresh = pendingRow(`new-${randomUUID()}`);
    expect((await db.pool.query(INSERT_JOBS_SQL, insertJobsParams([fresh]))).rows).toEqual([{ uuid: fresh.uuid }]);
    expect(await partitionOf(fresh.uuid)).toBe('queue_job_live');
  });

  it('after up(), new jobs get ids above the old ones, and jobs done move to the table of their day', async () => {
    const fresh = pendingRow(`done-${randomUUID()}`);
    await db.pool.query(INSERT_JOBS_SQL, insertJobsParams([fresh]));
    const [{ id }] = await query<{ id: string }>('SELECT id FROM queue_job WHERE uuid = $1', [fresh.uuid]);
    expect(Number(id)).toBeGreaterThan(oldMaxId);
    // Today belongs to the attached history (its range ends tomorrow); the day tables begin there.
    await db.pool.query(`UPDATE queue_job SET state = 'done', date_done = now() WHERE uuid = $1`, [fresh.uuid]);
    expect(await partitionOf(fresh.uuid)).toBe(`queue_job_done_until_${utcDay(1)}`);
    await db.pool.query(`UPDATE queue_job SET date_done = now() + interval '1 day' WHERE uuid = $1`, [fresh.uuid]);
    expect(await partitionOf(fresh.uuid)).toBe(`queue_job_done_${utcDay(1)}`);
    await db.pool.query(`UPDATE queue_job SET state = 'failed' WHERE uuid = $1`, [fresh.uuid]);
    expect(await partitionOf(fresh.uuid)).toBe('queue_job_failed');
  });

  it('down() gives back the single table, with every job, its indexes under their names and its trigger', async () => {
    const beforeDown = await jobsByState(db.pool);
    figures['down (s)'] = seconds(await migrate(db.url, THROUGH_LIFECYCLE, 'down'));

    expect(await isPartitioned()).toBe(false);
    expect((await query<{ relkind: string }>(`SELECT relkind FROM pg_class WHERE oid = 'queue_job'::regclass`))[0].relkind).toBe('r');
    expect(await query(`SELECT relname FROM pg_class WHERE relname LIKE 'queue\\_job\\_%' AND relname ~ '(live|done|failed|cancelled)' AND relkind = 'r'`)).toEqual([]);
    expect(await jobsByState(db.pool)).toEqual(beforeDown);
    expect(await indexesAndTriggers(db.pool, 'queue_job')).toEqual(oldIndexes);
    expect(oldIndexes.join('\n')).toMatch(/queue_job_identity_key_idx/);
    expect((await query<{ owner: string }>(`SELECT pg_get_serial_sequence('queue_job', 'id') AS owner`))[0].owner).toBe('public.queue_job_id_seq');
    expect(await query(`SELECT 1 FROM pg_proc WHERE proname = 'queue_job_done_partitions'`)).toEqual([]);
    const [{ rettype }] = await query<{ rettype: string }>(`SELECT prorettype::regtype::text AS rettype FROM pg_proc WHERE proname = 'queue_job_claim'`);
    expect(rettype).toBe('queue_job');
  }, 120_000);

  it('up() again, after down(), works', async () => {
    const beforeUp = await jobsByState(db.pool);
    await migrate(db.url, THROUGH_LIFECYCLE);
    expect(await isPartitioned()).toBe(true);
    expect(await jobsByState(db.pool)).toEqual(beforeUp);
    const [{ n }] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM queue_job_live`);
    expect(n).toBe(['pending', 'enqueued', 'started', 'wait_dependencies'].reduce((sum, s) => sum + Number(beforeUp[s].split(' ')[0]), 0));
  }, 120_000);
});

describe('migration …5000000 on a new database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.url, QUEUE_JOB_MIGRATIONS);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('leaves no table of history and makes the day tables around today', async () => {
    expect((await db.pool.query(`SELECT name FROM ${QUEUE_JOB_MIGRATIONS_TABLE} ORDER BY id DESC LIMIT 1`)).rows).toEqual([{ name: new LAST().name }]);
    expect((await db.pool.query(`SELECT relname FROM pg_class WHERE relname LIKE 'queue\\_job\\_done\\_until\\_%'`)).rows).toEqual([]);
    const { rows } = await db.pool.query<{ relname: string }>(`SELECT relname FROM pg_class WHERE relname ~ '^queue_job_done_\\d{8}$'`);
    expect(rows.map((r) => r.relname)).toEqual(expect.arrayContaining([0, 1, 2].map((d) => `queue_job_done_${utcDay(d)}`)));
    const { rows: [job] } = await db.pool.query<{ t: string }>(`
      INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, state, date_done)
      VALUES (gen_random_uuid(), 'Sync', '<Shop>.sync', 'Shop', 'sync', 'done', now()) RETURNING tableoid::regclass::text AS t`);
    expect(job.t).toBe(`queue_job_done_${utcDay(0)}`);
  });
});
