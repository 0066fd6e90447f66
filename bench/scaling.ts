// `npm run -s bench:scaling -- --instances K [--n N] [--concurrency C] [--capacity R]`: drain with K processes
// on one database. Pre-inserts N jobs (untimed), VACUUM ANALYZE + CHECKPOINT, then starts the runner of K
// child processes at once (each a bench app with C slots and channels `root:<R>`, R = C unless given: the
// capacity of all of them together), and stops the clock when no job is left pending or running (a look through the
// partial indexes, cheap every 5 ms; a count of done rows would scan the table), then checks that
// the database holds N jobs `done`. Runs on DATABASE_URL
// (or BENCH_PG_URL), which should be a fresh database. Prints one JSON line on stdout, with the claim
// lock's figures (claim-lock-meter.ts: pg_locks sampled every --sample-ms, 1 by default, 0 for none;
// the claims counted by pg_stat_user_functions, for which the database gets track_functions = 'pl').
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { JobService } from '../lib/index.js';
import { CLAIM_LOCK_KEY } from '../lib/queue-job.constants.js';
import { JobRunner } from '../lib/runner/job-runner.js';
import { BenchJobs, createBenchApp } from './bench-app.js';
import { ClaimLockMeter, functionStats, lockMeterFigures, type FunctionStats } from './claim-lock-meter.js';

const BATCH = 1000;
const POLL_MS = 5;
const CLAIM_FUNCTION = 'queue_job_claim_next';

const { values: a } = parseArgs({
  options: { instances: { type: 'string', default: '1' }, n: { type: 'string', default: '20000' }, concurrency: { type: 'string', default: '20' }, capacity: { type: 'string' }, 'sample-ms': { type: 'string', default: '1' }, worker: { type: 'boolean' } },
});
const instances = Number(a.instances);
const n = Number(a.n);
const concurrency = Number(a.concurrency);
const capacity = Number(a.capacity ?? a.concurrency);
const sampleMs = Number(a['sample-ms']);
const url = process.env.DATABASE_URL ?? process.env.BENCH_PG_URL;

/** A child: builds the app (migrated already), says ready, starts its runner on `go`, stops on `stop`. */
async function worker(): Promise<void> {
  const app = await createBenchApp(url!, concurrency, capacity);
  const runner = app.get(JobRunner);
  process.on('message', (message) => {
    if (message === 'go') void runner.start();
    if (message === 'stop') void app.close().then(() => process.exit(0));
  });
  process.send!('ready');
}

async function main(): Promise<void> {
  if (!url) throw new Error('DATABASE_URL (or BENCH_PG_URL) is not set');
  if (!(instances >= 1 && n >= 1 && concurrency >= 1 && capacity >= 1)) throw new Error('--instances, --n, --concurrency and --capacity must be positive integers');
  if (!(sampleMs >= 0)) throw new Error('--sample-ms must be 0 (no lock meter) or more');
  const app = await createBenchApp(url, concurrency, capacity); // migrations run here; its runner stays off
  const jobs = app.get(BenchJobs);
  const jobService = app.get(JobService);
  for (let i = 0; i < n; i += BATCH) {
    await jobService.enqueueMany(jobs, 'handle', Array.from({ length: Math.min(BATCH, n - i) }, (_, k) => [{ i: i + k }] as [{ i: number }]));
  }
  const probe = new pg.Client({ connectionString: url });
  await probe.connect();
  await probe.query('VACUUM ANALYZE');
  await probe.query('CHECKPOINT');
  // Before the instances connect: their sessions count the claim function's calls and times.
  await setTrackFunctions(probe, 'pl');
  const meter = sampleMs > 0 ? await ClaimLockMeter.connect(url, CLAIM_LOCK_KEY, sampleMs) : null;
  const { rows: [{ pids: ownSessions }] } = await probe.query<{ pids: number[] }>(
    'SELECT array_agg(pid) AS pids FROM pg_stat_activity WHERE datname = current_database()');
  const children: ChildProcess[] = [];
  for (let k = 0; k < instances; k++) {
    const child = fork(fileURLToPath(import.meta.url), ['--worker', '--concurrency', String(concurrency), '--capacity', String(capacity)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`instance ${k + 1} exited (${code}) before it was ready`)));
    });
    children.push(child);
  }
  const before = await functionStats(probe, CLAIM_FUNCTION);
  meter?.start();
  const t0 = performance.now();
  for (const child of children) child.send('go');
  const left = `SELECT EXISTS (SELECT 1 FROM queue_job WHERE state IN ('pending', 'enqueued', 'started')) AS left`;
  while ((await probe.query<{ left: boolean }>(left)).rows[0].left) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  const seconds = (performance.now() - t0) / 1000;
  const samples = await meter?.stop();
  const perInstance = await probe.query<{ n: number }>(`SELECT count(*)::int AS n FROM queue_job WHERE state = 'done' GROUP BY worker_id ORDER BY 1 DESC`);
  const done = perInstance.rows.reduce((sum, row) => sum + row.n, 0);
  if (done !== n) throw new Error(`${done} jobs done, expected ${n}`);
  console.error(`jobs done per instance: ${perInstance.rows.map((r) => r.n).join(', ')}`);
  for (const child of children) child.send('stop');
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve))));
  // A session's function statistics are flushed at the latest when it ends: wait for the instances' to end.
  // They count until the instances stop, a moment after the clock: idle runners make no claims meanwhile.
  await waitForSessions(probe, ownSessions);
  const after = await functionStats(probe, CLAIM_FUNCTION);
  await setTrackFunctions(probe, null);
  const claims: FunctionStats = { calls: after.calls - before.calls, totalMs: after.totalMs - before.totalMs, selfMs: after.selfMs - before.selfMs };
  const lock = lockMeterFigures(samples, claims, seconds, n);
  process.stdout.write(`${JSON.stringify({ system: 'ours', workload: 'drain-scaling', instances, n, concurrency, capacity, seconds: Math.round(seconds * 100) / 100, jobs_per_s: Math.round(n / seconds), ...lock })}\n`);
  await probe.end();
  await app.close();
}

/** `ALTER DATABASE <this one> SET track_functions` (null: RESET), for the sessions that connect afterwards. */
async function setTrackFunctions(client: pg.Client, value: 'pl' | null): Promise<void> {
  const { rows: [{ db }] } = await client.query<{ db: string }>('SELECT quote_ident(current_database()) AS db');
  await client.query(value ? `ALTER DATABASE ${db} SET track_functions = '${value}'` : `ALTER DATABASE ${db} RESET track_functions`);
}

/** Until no session but `own` is left on this database (the instances' have ended). */
async function waitForSessions(client: pg.Client, own: number[], timeoutMs = 5000): Promise<void> {
  const others = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> ALL($1::int[])`;
  const until = performance.now() + timeoutMs;
  while ((await client.query<{ n: number }>(others, [own])).rows[0].n > 0) {
    if (performance.now() > until) throw new Error(`the instances' sessions did not end within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const run = a.worker ? worker() : main();
run.catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
