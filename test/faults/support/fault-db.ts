import type { INestApplicationContext, Type } from '@nestjs/common';
import pg from 'pg';
import { JobService } from '../../../lib/enqueue/job.service.js';
import { createTestApp } from '../../support/test-app.js';
import { FaultJobs } from '../worker/fault-jobs.js';
import { FAULT_TABLES_SQL } from '../worker/fault-tables.js';

/** One execution of a job method, as the job recorded it. */
export interface FaultRun {
  job_uuid: string;
  attempt: number;
  tag: string;
  channel: string;
  worker_pid: number;
  started_at: Date;
  ended_at: Date | null;
}

export async function createFaultTables(pool: pg.Pool): Promise<void> {
  await pool.query(FAULT_TABLES_SQL);
}

/** An app context with the runner off, to enqueue the suite's jobs from the test process (and `providers`' jobs). */
export async function createEnqueuer(url: string, providers: Type[] = []): Promise<{ app: INestApplicationContext; jobs: JobService; faults: FaultJobs }> {
  const app = await createTestApp({ url, runner: false, autovacuum: false, providers: [FaultJobs, ...providers] });
  return { app, jobs: app.get(JobService), faults: app.get(FaultJobs) };
}

export async function runsOf(pool: pg.Pool, tagLike: string): Promise<FaultRun[]> {
  return (await pool.query<FaultRun>('SELECT * FROM fault_run WHERE tag LIKE $1 ORDER BY started_at', [tagLike])).rows;
}

/**
 * Counts over the jobs whose first argument (the tag) is LIKE `tagLike`: how many there are, how many
 * are done, how many ran more than once, and how many are lost (not done nor failed: still waiting,
 * or stuck in enqueued/started).
 */
export async function jobFigures(pool: pg.Pool, tagLike: string) {
  const { rows } = await pool.query<{ jobs: number; done: number; failed: number; unfinished: number; run_twice: number; runs: number }>(`
    WITH j AS (SELECT uuid, state FROM queue_job WHERE args->>0 LIKE $1),
         r AS (SELECT job_uuid, count(*) AS n FROM fault_run WHERE tag LIKE $1 GROUP BY job_uuid)
    SELECT (SELECT count(*) FROM j)::int AS jobs,
           (SELECT count(*) FROM j WHERE state = 'done')::int AS done,
           (SELECT count(*) FROM j WHERE state = 'failed')::int AS failed,
           (SELECT count(*) FROM j WHERE state NOT IN ('done', 'failed', 'cancelled'))::int AS unfinished,
           (SELECT count(*) FROM r WHERE n > 1)::int AS run_twice,
           (SELECT coalesce(sum(n), 0) FROM r)::int AS runs`, [tagLike]);
  return rows[0]!;
}

/**
 * The most executions running at once among those LIKE `tagLike` (optionally of one channel
 * prefix), from their recorded start and end times: a sweep over the events, ends before starts at
 * equal times (touching intervals do not overlap).
 */
export async function maxConcurrency(pool: pg.Pool, tagLike: string, channelLike = '%'): Promise<number> {
  const { rows } = await pool.query<{ max: number | null }>(`
    WITH r AS (SELECT started_at, ended_at FROM fault_run WHERE tag LIKE $1 AND channel LIKE $2 AND ended_at IS NOT NULL),
         events AS (SELECT started_at AS t, 1 AS d FROM r UNION ALL SELECT ended_at, -1 FROM r)
    SELECT max(running)::int AS max FROM (SELECT sum(d) OVER (ORDER BY t, d ROWS UNBOUNDED PRECEDING) AS running FROM events) s`,
    [tagLike, channelLike]);
  return rows[0]!.max ?? 0;
}

/** Inserts a job row by hand, as another program (or a corrupted table) could: the runner must cope. */
export async function insertRawJob(pool: pg.Pool, jobFunction: string, args: string, channel = 'root'): Promise<string> {
  const [service, method] = jobFunction.replace(/^</, '').split(/>\./);
  const { rows } = await pool.query<{ uuid: string }>(
    `INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, args, channel)
     VALUES (gen_random_uuid(), 'inserted by hand', $1, $2, $3, $4::jsonb, $5) RETURNING uuid`,
    [jobFunction, service, method, args, channel]);
  return rows[0]!.uuid;
}

export async function jobRowsByTag(pool: pg.Pool, tagLike: string) {
  type Row = { uuid: string; tag: string; state: string; retry: number; result: unknown; exc_name: string | null; exc_message: string | null };
  return (await pool.query<Row>(`SELECT uuid, args->>0 AS tag, state, retry, result, exc_name, exc_message
                                 FROM queue_job WHERE args->>0 LIKE $1 ORDER BY id`, [tagLike])).rows;
}

export const poolFor = (url: string, max = 4) => new pg.Pool({ connectionString: url, max });

/** Makes the database `faults` on a server of the suite's own (`startRestartablePostgres`) and returns its URL. */
export async function createFaultsDatabase(server: { url: string }): Promise<string> {
  const admin = poolFor(server.url, 1);
  try {
    await admin.query('CREATE DATABASE faults');
  } finally {
    await admin.end();
  }
  return server.url.replace(/\/postgres$/, '/faults');
}
