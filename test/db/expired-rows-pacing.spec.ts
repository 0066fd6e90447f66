import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { QueueJobAutovacuum } from '../../lib/maintenance/autovacuum.service.js';
import { deleteExpiredRows, type ExpiredRows } from '../../lib/maintenance/expired-rows.js';
import type { Rest } from '../../lib/maintenance/pacing.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Expired jobs that no dropped day table takes with it (days that also hold jobs to keep, the default
 * table, cancelled jobs) are deleted in batches; after each full batch the pass rests in proportion to
 * the batch's work, so that claims keep their pace. Shutting down ends the rest and the pass: the rows
 * not reached are left for the next pass.
 */
describe('autovacuum: expired rows deleted in batches, with rests', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ url: db.url, autovacuum: { interval: 3_600_000, batchSize: 3 } });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    await db.pool.query(`TRUNCATE queue_job`);
    // 10 done and 3 cancelled jobs 40 days old (no day table covers that date: the done ones are in the
    // default table, which is never dropped whole), and 5 done 10 days ago, within root's 30 days.
    await db.pool.query(`SELECT queue_job_done_partitions((now() - interval '10 days')::date, (now() - interval '10 days')::date)`);
    for (const [state, column, n, age] of [['done', 'date_done', 10, 40], ['cancelled', 'date_cancelled', 3, 40], ['done', 'date_done', 5, 10]] as const) {
      await db.pool.query(`
        INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, channel, state, ${column})
        SELECT gen_random_uuid(), $1, '<Shop>.sync', 'Shop', 'sync', 'root', $2, now() - make_interval(days => $3::int)
        FROM generate_series(1, $4::int)`, [age > 30 ? 'old' : 'kept', state, age, n]);
    }
  });

  const count = async (name: 'old' | 'kept') =>
    (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM queue_job WHERE name = $1`, [name])).rows[0].n;
  const rowsPass = (rest: Rest): Promise<number> => db.pool.connect().then(async (client: PoolClient) => {
    const p: ExpiredRows = { minDays: 30, rootDays: 30, batchSize: 3, lockTimeoutMs: 1000, left: [] };
    try {
      return await deleteExpiredRows(client, p, rest);
    } finally {
      client.release();
    }
  });

  it('rests after each full batch, in proportion to the batch\'s work, and deletes every expired job and no other', async () => {
    const oldAtRests: number[] = [];
    /** Each rest asked for, and how long the pass worked before asking (since it started or last rested). */
    const rests: Array<{ ms: number; worked: number }> = [];
    let resumed = performance.now();
    const deleted = await rowsPass(async (ms) => {
      rests.push({ ms, worked: performance.now() - resumed });
      oldAtRests.push(await count('old'));
      resumed = performance.now();
      return true;
    });

    expect(deleted).toBe(13);
    // Done: batches of 3, 3, 3 (each followed by a rest), then 1 (the last); cancelled: 3 (a rest), then none.
    expect(oldAtRests).toEqual([10, 7, 4, 0]);
    for (const { ms, worked } of rests) {
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThanOrEqual(9 * worked + 0.01);
    }
    expect([await count('old'), await count('kept')]).toEqual([0, 5]);
  });

  it('a rest that says stop ends the pass: the jobs not reached are left for the next one', async () => {
    expect(await rowsPass(async () => false)).toBe(3);
    expect([await count('old'), await count('kept')]).toEqual([10, 5]);
    expect(await rowsPass(async () => true)).toBe(10);
    expect([await count('old'), await count('kept')]).toEqual([0, 5]);
  });

  it('once the app is shutting down, a pass deletes one batch and leaves the rest to the next pass', async () => {
    const autovacuum = app.get(QueueJobAutovacuum);
    await autovacuum.beforeApplicationShutdown();
    expect(await autovacuum.run()).toBe(3);
    expect([await count('old'), await count('kept')]).toEqual([10, 5]);
  });
});
