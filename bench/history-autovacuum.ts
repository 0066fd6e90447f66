// `node dist/bench/history-autovacuum.js --autovacuum during|after [--n N] [--concurrency C]`: one
// process of `bench:history`'s autovacuum phase, on DATABASE_URL (a copy of a database holding
// expired jobs). The drain of bench/workloads.ts runs N jobs; the library's autovacuum
// (`QueueJobAutovacuum.run()`, default batch size) runs `during` the drain (started with its clock)
// or `after` it (alone). The handler calls are sampled every 50 ms, so `bench:history` can compare
// the claim rate over the same window with and without the autovacuum. Prints one JSON line.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { QueueJobAutovacuum } from '../lib/index.js';
import { BenchJobs, createBenchApp } from './bench-app.js';
import { runWorkload } from './workloads.js';

const SAMPLE_MS = 50;

export interface AutovacuumRun {
  drain_seconds: number;
  /** Handler calls since the drain's clock started: [ms, calls], every 50 ms. */
  calls: Array<[number, number]>;
  autovacuum_seconds: number;
  /** When the autovacuum ended, in seconds since the drain's clock started (`during` only). */
  autovacuum_ended_at: number | null;
  deleted: number;
}

const { values: a } = parseArgs({
  options: { autovacuum: { type: 'string' }, n: { type: 'string', default: '100000' }, concurrency: { type: 'string', default: '20' } },
});

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  if (a.autovacuum !== 'during' && a.autovacuum !== 'after') throw new Error(`--autovacuum must be "during" or "after", not ${JSON.stringify(a.autovacuum)}`);
  const n = Number(a.n);
  const concurrency = Number(a.concurrency);
  const app = await createBenchApp(url, concurrency);
  const jobs = app.get(BenchJobs);
  const autovacuum = app.get(QueueJobAutovacuum);
  const probe = new pg.Client({ connectionString: url });
  await probe.connect();

  let t0 = 0;
  const calls: Array<[number, number]> = [];
  const sampler = setInterval(() => t0 > 0 && calls.push([Math.round(performance.now() - t0), jobs.calls]), SAMPLE_MS);
  const timedAutovacuum = async () => {
    const start = performance.now();
    const deleted = await autovacuum.run();
    return { deleted, seconds: (performance.now() - start) / 1000, endedAt: (performance.now() - t0) / 1000 };
  };
  let during: ReturnType<typeof timedAutovacuum> | undefined;
  const drain = await runWorkload('drain', app, probe, {
    n, concurrency, backlog: 0,
    onStart: () => {
      t0 = performance.now();
      if (a.autovacuum === 'during') during = timedAutovacuum();
    },
  });
  clearInterval(sampler);
  calls.push([Math.round(drain.seconds * 1000), jobs.calls]);
  const vacuum = await (during ?? timedAutovacuum());
  const run: AutovacuumRun = {
    drain_seconds: drain.seconds, calls, autovacuum_seconds: vacuum.seconds,
    autovacuum_ended_at: during ? vacuum.endedAt : null, deleted: vacuum.deleted,
  };
  process.stdout.write(`${JSON.stringify(run)}\n`);
  await Promise.all([app.close(), probe.end()]);
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
