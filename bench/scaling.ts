// `npm run -s bench:scaling -- --instances K [--n N] [--concurrency C]`: drain with K processes on one
// database. Pre-inserts N jobs (untimed), VACUUM ANALYZE + CHECKPOINT, then starts the runner of K
// child processes at once (each a bench app with channels `root:<C>`, so C is the capacity of all of
// them together), and stops the clock when no job is left pending or running (a look through the
// partial indexes, cheap every 5 ms; a count of done rows would scan the table), then checks that
// the database holds N jobs `done`. Runs on DATABASE_URL
// (or BENCH_PG_URL), which should be a fresh database. Prints one JSON line on stdout.
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { JobService } from '../lib/index.js';
import { JobRunner } from '../lib/runner/job-runner.js';
import { BenchJobs, createBenchApp } from './bench-app.js';

const BATCH = 1000;
const POLL_MS = 5;

const { values: a } = parseArgs({
  options: { instances: { type: 'string', default: '1' }, n: { type: 'string', default: '20000' }, concurrency: { type: 'string', default: '20' }, worker: { type: 'boolean' } },
});
const instances = Number(a.instances);
const n = Number(a.n);
const concurrency = Number(a.concurrency);
const url = process.env.DATABASE_URL ?? process.env.BENCH_PG_URL;

/** A child: builds the app (migrated already), says ready, starts its runner on `go`, stops on `stop`. */
async function worker(): Promise<void> {
  const app = await createBenchApp(url!, concurrency);
  const runner = app.get(JobRunner);
  process.on('message', (message) => {
    if (message === 'go') void runner.start();
    if (message === 'stop') void app.close().then(() => process.exit(0));
  });
  process.send!('ready');
}

async function main(): Promise<void> {
  if (!url) throw new Error('DATABASE_URL (or BENCH_PG_URL) is not set');
  if (!(instances >= 1 && n >= 1 && concurrency >= 1)) throw new Error('--instances, --n and --concurrency must be positive integers');
  const app = await createBenchApp(url, concurrency); // migrations run here; its runner stays off
  const jobs = app.get(BenchJobs);
  const jobService = app.get(JobService);
  for (let i = 0; i < n; i += BATCH) {
    await jobService.enqueueMany(jobs, 'handle', Array.from({ length: Math.min(BATCH, n - i) }, (_, k) => [{ i: i + k }] as [{ i: number }]));
  }
  const probe = new pg.Client({ connectionString: url });
  await probe.connect();
  await probe.query('VACUUM ANALYZE');
  await probe.query('CHECKPOINT');
  const children: ChildProcess[] = [];
  for (let k = 0; k < instances; k++) {
    const child = fork(fileURLToPath(import.meta.url), ['--worker', '--concurrency', String(concurrency)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`instance ${k + 1} exited (${code}) before it was ready`)));
    });
    children.push(child);
  }
  const t0 = performance.now();
  for (const child of children) child.send('go');
  const left = `SELECT EXISTS (SELECT 1 FROM queue_job WHERE state IN ('pending', 'enqueued', 'started')) AS left`;
  while ((await probe.query<{ left: boolean }>(left)).rows[0].left) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  const seconds = (performance.now() - t0) / 1000;
  const perInstance = await probe.query<{ n: number }>(`SELECT count(*)::int AS n FROM queue_job WHERE state = 'done' GROUP BY worker_id ORDER BY 1 DESC`);
  const done = perInstance.rows.reduce((sum, row) => sum + row.n, 0);
  if (done !== n) throw new Error(`${done} jobs done, expected ${n}`);
  console.error(`jobs done per instance: ${perInstance.rows.map((r) => r.n).join(', ')}`);
  process.stdout.write(`${JSON.stringify({ system: 'ours', workload: 'drain-scaling', instances, n, concurrency, seconds: Math.round(seconds * 100) / 100, jobs_per_s: Math.round(n / seconds) })}\n`);
  for (const child of children) child.send('stop');
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve))));
  await probe.end();
  await app.close();
}

const run = a.worker ? worker() : main();
run.catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
