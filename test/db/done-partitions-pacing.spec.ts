import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { dropExpiredDonePartitions } from '../../lib/maintenance/done-partitions.js';
import type { Rest } from '../../lib/maintenance/pacing.js';
import { QueueJobAutovacuum } from '../../lib/maintenance/autovacuum.service.js';
import { inPoolTransaction } from '../support/pool-transaction.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The autovacuum removes expired day tables one at a time: each is emptied under its own lock alone
 * (completions, which write today's table, go on), then the pass rests before the next one; the
 * empty tables are dropped together at the end. Shutting down ends the rest: the days not reached
 * are left whole for the next pass.
 */
describe('autovacuum: expired day tables removed one at a time, with rests', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ url: db.url, autovacuum: { interval: 3_600_000 } });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    await db.pool.query(`TRUNCATE queue_job`);
  });

  const day = (offset: number) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10);
  const table = (offset: number) => `queue_job_done_${day(offset).replace(/-/g, '')}`;
  const exists = async (name: string) => (await db.pool.query(`SELECT to_regclass($1) IS NOT NULL AS e`, [name])).rows[0].e as boolean;
  const rowsOf = async (name: string) => (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}`)).rows[0].n;
  /** Day tables `offsets` ago, each holding `n` done jobs done at its noon. */
  const expiredDays = async (offsets: number[], n: number) => {
    for (const offset of offsets) {
      await db.pool.query(`SELECT queue_job_done_partitions($1::date, $1::date)`, [day(offset)]);
      await db.pool.query(`
        INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, channel, state, date_done)
        SELECT gen_random_uuid(), 'old', '<Shop>.sync', 'Shop', 'sync', 'root', 'done', $1::timestamptz FROM generate_series(1, $2::int)`,
      [`${day(offset)} 12:00:00+00`, n]);
    }
  };
  /** A job completed now, as a claim writes it, from another session that waits 200 ms at most for a lock. */
  const completeJobNow = () => inPoolTransaction(db.pool, async (client) => {
    await client.query(`SET LOCAL lock_timeout = '200ms'`);
    await client.query(`INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, channel, state, date_done)
      VALUES (gen_random_uuid(), 'now', '<Shop>.sync', 'Shop', 'sync', 'root', 'done', now())`);
  });
  const withClient = async <T>(fn: (client: PoolClient) => Promise<T>) => {
    const client = await db.pool.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  };

  it('empties the days one at a time and rests after each, completions going on meanwhile', async () => {
    const days = [-70, -69, -68];
    await expiredDays(days, 50);
    const seenAtRests: number[][] = [];
    /** Each rest asked for, and how long the pass worked before asking (since it started or last rested). */
    const rests: Array<{ ms: number; worked: number }> = [];
    let resumed = 0;
    const rest: Rest = async (ms) => {
      rests.push({ ms, worked: performance.now() - resumed });
      seenAtRests.push(await Promise.all(days.map((d) => rowsOf(table(d)))));
      await completeJobNow();
      resumed = performance.now();
      return true;
    };
    const dropped = await withClient((client) => {
      resumed = performance.now();
      return dropExpiredDonePartitions(client, 30, rest);
    });

    expect(seenAtRests).toEqual([[0, 50, 50], [0, 0, 50], [0, 0, 0]]);
    // In proportion to the work: nine times the emptying, which took some of the time the pass worked.
    for (const { ms, worked } of rests) {
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThanOrEqual(9 * worked + 0.01);
    }
    expect(dropped).toEqual({ tables: days.map(table), jobs: 150, left: [] });
    for (const d of days) expect(await exists(table(d))).toBe(false);
    expect(await rowsOf('queue_job')).toBe(3); // the three completions made during the rests
  });

  it('while a day is being emptied, it alone is locked, for 500 ms at most: a completion writes today\'s table without waiting', async () => {
    await expiredDays([-71], 20);
    const locksWhileEmptying: string[] = [];
    const bounds: string[] = [];
    const rest: Rest = async () => true;
    await withClient(async (client) => {
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      // Between the TRUNCATE and its COMMIT: the locks the emptying holds, and a completion from elsewhere.
      const spied = Object.assign(Object.create(client) as PoolClient, {
        query: async (...args: Parameters<PoolClient['query']>) => {
          const result = await (client.query as (...a: unknown[]) => Promise<unknown>)(...args);
          if (typeof args[0] === 'string' && args[0].startsWith('TRUNCATE')) {
            const { rows } = await db.pool.query<{ rel: string }>(`SELECT DISTINCT relation::regclass::text AS rel FROM pg_locks
              WHERE pid = $1 AND locktype = 'relation' AND relation::regclass::text LIKE 'queue_job%' AND relation::regclass::text NOT LIKE '%idx'`, [pid]);
            locksWhileEmptying.push(...rows.map((r) => r.rel));
            // Bounded: a process paused here would hold the day's lock 500 ms at most, and waits for one as long.
            for (const setting of ['idle_in_transaction_session_timeout', 'lock_timeout']) {
              bounds.push((await client.query<Record<string, string>>(`SHOW ${setting}`)).rows[0][setting]);
            }
            await completeJobNow();
          }
          return result;
        },
      });
      await dropExpiredDonePartitions(spied, 30, rest);
    });
    expect(locksWhileEmptying.sort()).toEqual([table(-71)]);
    expect(bounds).toEqual(['500ms', '500ms']);
    expect(await rowsOf(`queue_job WHERE name = 'now'`)).toBe(1);
    expect(await exists(table(-71))).toBe(false);
  });

  it('while a day\'s jobs are counted, reads of that day go on; only its TRUNCATE keeps them out', async () => {
    await expiredDays([-72], 20);
    /** A lookup by uuid from another session (it reads every table of done jobs), waiting 200 ms at most for a lock. */
    const lookup = () => inPoolTransaction(db.pool, async (client) => {
      await client.query(`SET LOCAL lock_timeout = '200ms'`);
      return (await client.query(`SELECT count(*)::int AS n FROM queue_job WHERE uuid = '00000000-0000-7000-8000-000000000000'`)).rows[0].n as number;
    }).then(() => 'read', (error: { code?: string }) => (error.code === '55P03' ? 'lock timeout' : `error ${error.code}`));
    const seen: Record<string, string> = {};
    await withClient(async (client) => {
      const spied = Object.assign(Object.create(client) as PoolClient, {
        query: async (...args: Parameters<PoolClient['query']>) => {
          const sql = typeof args[0] === 'string' ? args[0] : '';
          if (sql.startsWith('SELECT count(*)')) seen.count = await lookup();
          const result = await (client.query as (...a: unknown[]) => Promise<unknown>)(...args);
          if (sql.startsWith('TRUNCATE')) seen.truncate = await lookup();
          return result;
        },
      });
      await dropExpiredDonePartitions(spied, 30, async () => true);
    });
    expect(seen).toEqual({ count: 'read', truncate: 'lock timeout' });
    expect(await exists(table(-72))).toBe(false);
  });

  it('a rest that says stop leaves the days not reached whole, and drops those already emptied', async () => {
    const days = [-75, -74, -73];
    await expiredDays(days, 10);
    const dropped = await withClient((client) => dropExpiredDonePartitions(client, 30, async () => false));
    expect(dropped).toEqual({ tables: [table(-75)], jobs: 10, left: [table(-74), table(-73)] });
    expect(await exists(table(-75))).toBe(false);
    expect([await rowsOf(table(-74)), await rowsOf(table(-73))]).toEqual([10, 10]);
  });

  it('once the app is shutting down, a pass empties one day and leaves the others to the next pass', async () => {
    const days = [-80, -79];
    await expiredDays(days, 5);
    const autovacuum = app.get(QueueJobAutovacuum);
    await autovacuum.beforeApplicationShutdown();
    expect(await autovacuum.run()).toBe(5);
    expect(await exists(table(-80))).toBe(false);
    expect(await rowsOf(table(-79))).toBe(5);
  });
});
