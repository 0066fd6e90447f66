import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { QueueJobAutovacuum } from '../../lib/maintenance/autovacuum.service.js';
import { QUEUE_JOB_MIGRATIONS_TABLE } from '../../lib/store/run-migrations.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { fillOldSchema } from './support/old-schema-jobs.js';
import { BEFORE_LIFECYCLE } from './support/lifecycle-migrations.js';

/**
 * The day tables of done jobs are named and bounded in UTC ISO dates, whatever the sessions'
 * DateStyle and time zone: here `SQL, DMY` and Asia/Kolkata (whose abbreviation IST also names other
 * zones), set on the database before the upgrade, the startup and the autovacuum.
 */
const utcDay = (offset: number) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10).replace(/-/g, '');

/** A new database whose sessions use DateStyle `SQL, DMY` and time zone Asia/Kolkata. */
async function dmyDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  await admin.query(`ALTER DATABASE ${db.name} SET datestyle = 'SQL, DMY'`);
  await admin.query(`ALTER DATABASE ${db.name} SET timezone = 'Asia/Kolkata'`);
  await admin.end();
  return db;
}

describe('lifecycle partitions under a non-ISO DateStyle and a non-UTC time zone', () => {
  let db: TestDatabase;
  let app: INestApplicationContext | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await db?.drop();
  });

  const query = async <T extends object>(sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      expect((await client.query('SHOW datestyle')).rows[0]).toEqual({ DateStyle: 'SQL, DMY' });
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };

  it('upgrades into tables named and bounded by UTC ISO dates', async () => {
    db = await dmyDatabase();
    const old = new DataSource({ type: 'postgres', url: db.url, migrations: BEFORE_LIFECYCLE, migrationsTableName: QUEUE_JOB_MIGRATIONS_TABLE, logging: false });
    await old.initialize();
    await old.runMigrations({ transaction: 'all' });
    await old.destroy();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await fillOldSchema(client as unknown as pg.Pool, 2_000);
    await client.end();
    app = await createTestApp({ url: db.url, autovacuum: { interval: 3_600_000 } });
    const tables = (await query<{ t: string }>(`SELECT c.relname AS t FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'queue_job_done'::regclass ORDER BY 1`)).map((r) => r.t);
    expect(tables).toEqual(expect.arrayContaining([`queue_job_done_until_${utcDay(1)}`, `queue_job_done_${utcDay(1)}`, 'queue_job_done_default']));
    // The first minute of tomorrow (UTC) goes into tomorrow's table, the last of today into the upgrade's.
    await query(`INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, channel, state, date_done) VALUES
      (gen_random_uuid(), 'first-minute', '<S>.x', 'S', 'x', 'root', 'done', to_timestamp($1, 'YYYYMMDD')::timestamp AT TIME ZONE 'UTC'),
      (gen_random_uuid(), 'last-minute', '<S>.x', 'S', 'x', 'root', 'done', (to_timestamp($1, 'YYYYMMDD')::timestamp - interval '1 minute') AT TIME ZONE 'UTC')`,
    [utcDay(1)]);
    expect(await query(`SELECT name, tableoid::regclass::text AS t FROM queue_job WHERE name LIKE '%-minute' ORDER BY name`)).toEqual([
      { name: 'first-minute', t: `queue_job_done_${utcDay(1)}` },
      { name: 'last-minute', t: `queue_job_done_until_${utcDay(1)}` },
    ]);
  });

  it('makes past day tables and drops an expired one, found by its name', async () => {
    db = await dmyDatabase();
    app = await createTestApp({ url: db.url, autovacuum: { interval: 3_600_000 } });
    // A day 45 days back, past root's 30 days: dropped whole, found by its name.
    await query(`SELECT queue_job_done_partitions(to_date($1, 'YYYYMMDD'), to_date($1, 'YYYYMMDD'))`, [utcDay(-45)]);
    await query(`INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, channel, state, date_done)
      SELECT gen_random_uuid(), 'old', '<S>.x', 'S', 'x', 'root', 'done', (to_timestamp($1, 'YYYYMMDD')::timestamp + interval '12 hours') AT TIME ZONE 'UTC'
      FROM generate_series(1, 4)`, [utcDay(-45)]);
    expect(await query(`SELECT tableoid::regclass::text AS t FROM queue_job WHERE name = 'old' LIMIT 1`)).toEqual([{ t: `queue_job_done_${utcDay(-45)}` }]);
    expect(await app.get(QueueJobAutovacuum).run()).toBe(4);
    expect(await query(`SELECT to_regclass($1) AS t`, [`queue_job_done_${utcDay(-45)}`])).toEqual([{ t: null }]);
  });

  it('deletes by rows, batch after batch, every expired job (each batch starts at the date where the last one ended)', async () => {
    db = await dmyDatabase();
    app = await createTestApp({ url: db.url, autovacuum: { interval: 3_600_000, batchSize: 2 } });
    // Ten jobs 40 days old, half an hour apart, in the default table (no day table covers them): row deletes,
    // five batches. A date read back in the session's style (`… IST`, which also names Israel's time) would put
    // the next batch's start 3.5 hours late and skip the jobs in between.
    await query(`INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, channel, state, date_done)
      SELECT gen_random_uuid(), 'old', '<S>.x', 'S', 'x', 'root', 'done', now() - interval '40 days' + k * interval '30 minutes'
      FROM generate_series(1, 10) k`);
    expect(await query(`SELECT DISTINCT tableoid::regclass::text AS t FROM queue_job WHERE name = 'old'`)).toEqual([{ t: 'queue_job_done_default' }]);
    expect(await app.get(QueueJobAutovacuum).run()).toBe(10);
    expect(await query(`SELECT count(*)::int AS n FROM queue_job WHERE name = 'old'`)).toEqual([{ n: 0 }]);
  });
});
