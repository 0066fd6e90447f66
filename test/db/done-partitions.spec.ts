import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import pg from 'pg';
import { QueueJobAutovacuum } from '../../lib/maintenance/autovacuum.service.js';
import { QueueJobModule } from '../../lib/queue-job.module.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The done jobs of each UTC day have a table of their own (`queue_job_done_YYYYMMDD`): made ahead at
 * startup and by each autovacuum pass, dropped whole once every channel's removal_interval is past it,
 * without waiting long for its lock; the expired jobs of the days kept are deleted row by row.
 */
describe('autovacuum by day tables of done jobs', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({
      url: db.url, autovacuum: { interval: 3_600_000 },
      imports: [QueueJobModule.forFeature({ channels: [{ name: 'sale', parent: 'root', removalInterval: 5 }] })],
    });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    await db.pool.query(`TRUNCATE queue_job`);
    await db.pool.query(`DELETE FROM queue_job_channel WHERE complete_name = 'root.archive'`);
  });

  const run = () => app.get(QueueJobAutovacuum).run();
  /** The UTC day `offset` days from today, as a date (`YYYY-MM-DD`). */
  const day = (offset: number) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10);
  const table = (offset: number) => `queue_job_done_${day(offset).replace(/-/g, '')}`;
  const exists = async (name: string) => (await db.pool.query(`SELECT to_regclass($1) IS NOT NULL AS e`, [name])).rows[0].e as boolean;
  const makeTables = async (from: number, to: number) => (await db.pool.query<{ made: string }>(
    `SELECT queue_job_done_partitions($1::date, $2::date) AS made`, [day(from), day(to)])).rows.map((r) => r.made);
  /** `n` done jobs of `channel` tagged `tag`, done at `doneAt` (SQL). */
  const done = (n: number, channel: string, doneAt: string, tag = 'x') => db.pool.query(`
    INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, channel, state, date_done)
    SELECT gen_random_uuid(), $1, '<Shop>.sync', 'Shop', 'sync', $2, 'done', ${doneAt} FROM generate_series(1, $3::int)`, [tag, channel, n]);
  const noonOf = (offset: number) => `'${day(offset)} 12:00:00+00'::timestamptz`;
  /** Runs `fn` while another session holds an ACCESS SHARE lock on `name` (as a report or pg_dump would), then lets it go. */
  const whileLocked = async (name: string, fn: () => Promise<void>) => {
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE ${name} IN ACCESS SHARE MODE`);
      await fn();
      await holder.query('COMMIT');
    } finally {
      await holder.end();
    }
  };
  const tagged = async (tag: string) => (await db.pool.query<{ t: string; channel: string }>(
    `SELECT tableoid::regclass::text AS t, channel FROM queue_job WHERE name = $1 ORDER BY channel`, [tag])).rows;

  it('makes the day tables of today and the next 3 days at startup', async () => {
    for (const offset of [0, 1, 2, 3]) expect(await exists(table(offset))).toBe(true);
    await done(1, 'root', `'${day(3)} 23:59:59.999+00'::timestamptz`, 'last');
    await done(1, 'root', `'${day(3)} 00:00:00+00'::timestamptz`, 'first');
    expect(await tagged('first')).toEqual([{ t: table(3), channel: 'root' }]);
    expect(await tagged('last')).toEqual([{ t: table(3), channel: 'root' }]);
  });

  it('queue_job_done_partitions makes each missing day once: called twice, the second call makes none', async () => {
    expect(await makeTables(-12, -10)).toEqual([table(-12), table(-11), table(-10)]);
    expect(await makeTables(-12, -10)).toEqual([]);
    expect(await makeTables(-13, -10)).toEqual([table(-13)]);
    await done(1, 'root', `'${day(-11)} 00:00:00+00'::timestamptz`, 'midnight');
    await done(1, 'root', `'${day(-11)} 23:59:59.999+00'::timestamptz`, 'midnight');
    expect((await tagged('midnight')).map((r) => r.t)).toEqual([table(-11), table(-11)]);
  });

  it('queue_job_done_partitions waits 2 s at most for a lock, and leaves the lock_timeout of the caller\'s transaction as it was', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = '7s'`);
      expect(await client.query(`SELECT queue_job_done_partitions($1::date, $1::date)`, [day(-30)]).then((r) => r.rows)).toHaveLength(1);
      expect((await client.query('SHOW lock_timeout')).rows[0].lock_timeout).toBe('7s');
      await client.query('COMMIT');
      // Another transaction holds queue_job_done: the day is skipped after 2 s, with no error and no table left.
      await client.query('BEGIN');
      await client.query('LOCK TABLE ONLY queue_job_done IN ACCESS EXCLUSIVE MODE');
      const started = performance.now();
      expect(await makeTables(-31, -31)).toEqual([]);
      expect(performance.now() - started).toBeGreaterThan(1900);
      expect(performance.now() - started).toBeLessThan(4000);
      expect(await exists(table(-31))).toBe(false);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('skips, without error, a day whose done jobs already sit in the default table', async () => {
    await done(2, 'root', noonOf(-20), 'early');
    expect(await tagged('early')).toEqual([{ t: 'queue_job_done_default', channel: 'root' }, { t: 'queue_job_done_default', channel: 'root' }]);
    expect(await makeTables(-21, -19)).toEqual([table(-21), table(-19)]);
    expect(await exists(table(-20))).toBe(false);
    expect((await tagged('early')).map((r) => r.t)).toEqual(['queue_job_done_default', 'queue_job_done_default']);
  });

  it('drops a day table once every channel\'s removal_interval is past it, and counts the jobs it held', async () => {
    await makeTables(-46, -44);
    await done(5, 'root', noonOf(-45), 'old');
    await done(3, 'root.sale', noonOf(-45), 'old');
    await done(2, 'root.ghost', noonOf(-46), 'old'); // a channel without a record: root's 30 days
    await done(2, 'root', 'now()', 'recent');
    expect(new Set((await tagged('old')).map((r) => r.t))).toEqual(new Set([table(-45), table(-46)]));

    expect(await run()).toBe(10);
    expect(await exists(table(-45))).toBe(false);
    expect(await exists(table(-46))).toBe(false);
    expect(await exists(table(-44))).toBe(false); // empty, expired too
    expect(await tagged('recent')).toHaveLength(2);
    expect(await run()).toBe(0);
  });

  it('keeps a day table while a channel\'s interval is longer, and deletes its expired jobs row by row, per channel', async () => {
    await db.pool.query(`INSERT INTO queue_job_channel (name, complete_name, parent_id, removal_interval)
      SELECT 'archive', 'root.archive', id, 60 FROM queue_job_channel WHERE complete_name = 'root'`);
    await makeTables(-45, -45);
    await makeTables(-7, -3);
    await done(2, 'root', noonOf(-45), 'gone');
    await done(2, 'root.sale', noonOf(-45), 'gone');
    await done(2, 'root.archive', noonOf(-45), 'archived');
    await done(1, 'root.sale', `now() - interval '5 days 1 minute'`, 'gone');
    await done(1, 'root.sale', `now() - interval '4 days 23 hours 59 minutes'`, 'kept');
    await done(1, 'root', `now() - interval '6 days'`, 'kept');

    expect(await run()).toBe(5);
    expect(await tagged('gone')).toEqual([]);
    expect(await tagged('kept')).toHaveLength(2);
    expect(await tagged('archived')).toEqual([{ t: table(-45), channel: 'root.archive' }, { t: table(-45), channel: 'root.archive' }]);

    // Without the longer interval, root's 30 days apply to those jobs too: the day goes whole.
    await db.pool.query(`DELETE FROM queue_job_channel WHERE complete_name = 'root.archive'`);
    expect(await run()).toBe(2);
    expect(await exists(table(-45))).toBe(false);
  });

  it('drops the other expired days when one is busy, and that one at the next pass', async () => {
    await makeTables(-60, -58);
    for (const offset of [-60, -59, -58]) await done(2, 'root', noonOf(offset), `day${offset}`);
    await whileLocked(table(-59), async () => {
      expect(await run()).toBe(4);
      expect([await exists(table(-60)), await exists(table(-59)), await exists(table(-58))]).toEqual([false, true, false]);
      expect(await tagged('day-59')).toHaveLength(2);
    });
    expect(await run()).toBe(2);
    expect(await exists(table(-59))).toBe(false);
  });

  it('leaves a day table whose lock is held for the next pass, without waiting for it', async () => {
    await makeTables(-50, -50);
    await done(3, 'root', noonOf(-50), 'locked');
    await whileLocked(table(-50), async () => {
      const started = performance.now();
      const deleted = await run();
      expect(performance.now() - started).toBeLessThan(2000); // 500 ms for the lock, and the pass's own work
      expect(await exists(table(-50))).toBe(true);
      // The day is left whole for the next pass, not deleted row by row meanwhile.
      expect(deleted).toBe(0);
      expect(await tagged('locked')).toHaveLength(3);
    });
    expect(await run()).toBe(3);
    expect(await exists(table(-50))).toBe(false);
  });
});
