import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { QUEUE_JOB_MIGRATIONS } from '../../lib/store/migrations/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { fillOldSchema } from './support/old-schema-jobs.js';
import { BEFORE_LIFECYCLE, migrate } from './support/lifecycle-migrations.js';

/**
 * The upgrade to the lifecycle partitions waits a bounded time for its lock on `queue_job` (while
 * it waits, enqueues and claims queue behind it): a transaction holding the table makes it fail with
 * what to do, leaving the old table as it was; once that transaction ends, it runs.
 */
describe('migration …5000000 and a transaction that holds queue_job', () => {
  let db: TestDatabase;

  const isPartitioned = async () => (await db.pool.query(`SELECT 1 FROM pg_partitioned_table WHERE partrelid = 'queue_job'::regclass`)).rowCount === 1;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.url, BEFORE_LIFECYCLE);
    await fillOldSchema(db.pool, 200);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('gives up after 5 s with what to do, changes nothing, and runs once the table is free', async () => {
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT count(*) FROM queue_job`);
      const started = performance.now();
      await expect(migrate(db.url, QUEUE_JOB_MIGRATIONS)).rejects.toThrow(/queue_job is held by another transaction for more than 5s: migration QueueJobLifecyclePartitions1764405000000 waits no longer/);
      expect(performance.now() - started).toBeGreaterThan(4500);
      expect(performance.now() - started).toBeLessThan(9000);
      expect(await isPartitioned()).toBe(false);
      expect((await holder.query(`SELECT count(*)::int AS n FROM queue_job`)).rows[0].n).toBe(200);
      await holder.query('COMMIT');
    } finally {
      await holder.end();
    }
    await migrate(db.url, QUEUE_JOB_MIGRATIONS);
    expect(await isPartitioned()).toBe(true);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM queue_job`)).rows[0].n).toBe(200);
  }, 30_000);
});
