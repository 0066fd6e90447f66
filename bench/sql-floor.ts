// `npm run -s bench:floor -- [--n N] [--concurrency C]`: what the library's own statements cost with
// no JavaScript around them: the ceiling of a drain and of a bulk enqueue for this storage design.
// - `claim-loop`: N jobs pre-inserted, then `claimNext` in a loop (the drain's one statement per
//   batch: the outcomes of the previous batch written as `done`, then a claim of C jobs), no handler,
//   no executor, the next claim sent as soon as the previous one answered;
// - `insert`: N jobs in statements of 1000 rows (`copyOfJobs`, as `enqueueMany` stores calls
//   without identity keys; the data built untimed).
// `--foreign F` (default 0) adds F pending jobs of a job function the claimer has not registered, at
// a higher priority in the same channel (a mixed fleet whose other version is down): every claim
// walks past them.
// Runs on DATABASE_URL (or BENCH_PG_URL), a fresh database (migrated here). One JSON line per phase.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { ChannelTree } from '../lib/channels/channel-tree.js';
import { newJobUuid } from '../lib/enqueue/job-uuid.js';
import { claimNext } from '../lib/store/claim-next.js';
import { runQueueJobMigrations } from '../lib/store/run-migrations.js';
import { copyJobs } from '../lib/store/copy-jobs.js';
import { copyOfJobs } from '../lib/store/sql/copy-jobs.sql.js';
import type { NewJobRow } from '../lib/store/sql/insert-jobs.sql.js';
import type { JobOutcomeRow } from '../lib/store/sql/record-outcomes.sql.js';

const BATCH = 1000;
const { values: a } = parseArgs({ options: {
  n: { type: 'string', default: '20000' }, concurrency: { type: 'string', default: '20' }, foreign: { type: 'string', default: '0' },
} });
const n = Number(a.n);
const foreign = Number(a.foreign);
const concurrency = Number(a.concurrency);
const url = process.env.DATABASE_URL ?? process.env.BENCH_PG_URL;

/** A row as `enqueueMany` builds it for the bench's `BenchJobs.handle({ i })`. */
const benchRow = (i: number, jobFunction = '<BenchJobs>.handle', priority = 10): NewJobRow => ({
  uuid: newJobUuid(), graphUuid: null, name: jobFunction, jobFunction, serviceName: 'BenchJobs',
  methodName: 'handle', funcString: `BenchJobs.handle({i: ${i}})`, args: `[{"i":${i}}]`, records: '[]', dependencies: null,
  state: 'pending', priority, eta: null, maxRetries: 5, channel: 'root', identityKey: null, context: null, userId: null, traceContext: null, timeout: null,
});

const done = (job: { id: string; uuid: string; lease_token: string }): JobOutcomeRow => ({
  id: job.id, uuid: job.uuid, inGraph: false, leaseToken: job.lease_token, state: 'done', result: 'null', excName: null,
  excMessage: null, excInfo: null, eta: null, retryDelta: 0, dateStarted: new Date(), dateDone: new Date(), execTime: 0.0001,
});

const line = (phase: string, seconds: number, extra: object = {}) =>
  process.stdout.write(`${JSON.stringify({ system: 'ours-sql', phase, n, concurrency, ...(foreign > 0 ? { foreign } : {}), seconds: Math.round(seconds * 1000) / 1000, jobs_per_s: Math.round(n / seconds), ...extra })}\n`);

async function insertPhase(pool: pg.Pool): Promise<void> {
  const copies = Array.from({ length: Math.ceil(n / BATCH) }, (_, b) =>
    copyOfJobs(Array.from({ length: Math.min(BATCH, n - b * BATCH) }, (_, k) => benchRow(b * BATCH + k))));
  const client = await pool.connect();
  try {
    const t0 = performance.now();
    for (const copy of copies) await copyJobs(client, copy);
    line('insert', (performance.now() - t0) / 1000);
    // Untimed: the other version's jobs, ahead in the queue.
    for (let b = 0; b < foreign; b += BATCH) {
      await copyJobs(client, copyOfJobs(Array.from({ length: Math.min(BATCH, foreign - b) }, (_, k) => benchRow(b + k, '<OtherVersion>.handle', 1))));
    }
  } finally {
    client.release();
  }
}

async function claimLoop(pool: pg.Pool): Promise<void> {
  await pool.query('VACUUM ANALYZE queue_job');
  await pool.query('CHECKPOINT');
  const channels = ChannelTree.parse(`root:${concurrency}`).channels;
  let outcomes: JobOutcomeRow[] = [];
  let claims = 0;
  const t0 = performance.now();
  for (;;) {
    const { claimed } = await claimNext(pool, { workerId: 'floor', leaseSeconds: 60, limit: concurrency, channels, outcomes, jobFunctions: ['<BenchJobs>.handle'], flushApart: true });
    claims++;
    if (claimed.length === 0 && outcomes.length === 0) break;
    outcomes = claimed.map(done);
  }
  const seconds = (performance.now() - t0) / 1000;
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM queue_job WHERE state = 'done' AND job_function = '<BenchJobs>.handle'`);
  if (rows[0].n !== n) throw new Error(`${rows[0].n} jobs done, expected ${n}`);
  line('claim-loop', seconds, { statements: claims });
}

async function main(): Promise<void> {
  if (!url) throw new Error('DATABASE_URL (or BENCH_PG_URL) is not set');
  if (!(n >= 1 && concurrency >= 1 && Number.isInteger(foreign) && foreign >= 0)) throw new Error('--n and --concurrency must be positive integers, --foreign a whole number');
  const dataSource = new DataSource({ type: 'postgres', url });
  await dataSource.initialize();
  await runQueueJobMigrations(dataSource);
  await dataSource.destroy();
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await insertPhase(pool);
    await claimLoop(pool);
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
