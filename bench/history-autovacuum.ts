// `node dist/bench/history-autovacuum.js --autovacuum during|after [--n N] [--concurrency C] [--channel-interval NAME:DAYS]`:
// one process of `bench:history`'s autovacuum phases, on DATABASE_URL (a copy of a database holding
// expired jobs). `--channel-interval` declares the channel `root.NAME` with a removal interval of DAYS
// (its jobs older than that are deleted row by row from the day tables that also hold jobs to keep).
// The drain of bench/workloads.ts runs N jobs; the library's autovacuum
// (`QueueJobAutovacuum.run()`, default batch size) runs `during` the drain (started with its clock)
// or `after` it (alone). The handler calls are sampled every 50 ms, so `bench:history` can compare
// the claim rate over the same window with and without the autovacuum. Prints one JSON line.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { QueueJobAutovacuum, QueueJobModule } from '../lib/index.js';
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
  /** The history's jobs past their channel's removal interval, and those safely within it, before and after the pass. */
  removal: RemovalCheck;
}

/**
 * Whether the pass honoured the removal intervals exactly: `expired_left` (history jobs past their
 * channel's interval after the pass) must be 0, and every job at least an hour within its interval
 * when the run started must still be there (`kept_after` = `kept_before`).
 */
export interface RemovalCheck { expired_before: number; expired_left: number; kept_before: number; kept_after: number }

/**
 * The history's done jobs (bench/history-rows.ts) past their channel's removal interval at `$1`, and
 * those still an hour or more within it at `$2` (the run's start), each job by its channel's record,
 * or root's when its channel has none (as the autovacuum reads them).
 */
const REMOVAL_COUNTS_SQL = `
WITH h AS (
  SELECT j.date_done, make_interval(days => COALESCE((SELECT c.removal_interval FROM queue_job_channel c WHERE c.complete_name = j.channel),
    (SELECT c.removal_interval FROM queue_job_channel c WHERE c.complete_name = 'root'))) AS kept_for
  FROM queue_job j WHERE j.state = 'done' AND j.worker_id LIKE 'bench-history-%'
)
SELECT count(*) FILTER (WHERE h.date_done < $1::timestamptz - h.kept_for)::int AS expired,
       count(*) FILTER (WHERE h.date_done >= $2::timestamptz - h.kept_for + interval '1 hour')::int AS kept
FROM h`;

async function removalCounts(probe: pg.Client, at: Date, start: Date): Promise<{ expired: number; kept: number }> {
  return (await probe.query<{ expired: number; kept: number }>(REMOVAL_COUNTS_SQL, [at, start])).rows[0];
}

const { values: a } = parseArgs({
  options: {
    autovacuum: { type: 'string' }, n: { type: 'string', default: '100000' }, concurrency: { type: 'string', default: '20' },
    'channel-interval': { type: 'string' },
  },
});

/** `--channel-interval NAME:DAYS` as the module declaring that channel record, or an error naming the value. */
function channelRecords(value: string | undefined) {
  if (value === undefined) return [];
  const match = /^([a-z_]+):([1-9][0-9]*)$/.exec(value);
  if (!match) throw new Error(`--channel-interval must be NAME:DAYS (e.g. mail:7), got ${JSON.stringify(value)}`);
  return [QueueJobModule.forFeature({ channels: [{ name: match[1], removalInterval: Number(match[2]) }] })];
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  if (a.autovacuum !== 'during' && a.autovacuum !== 'after') throw new Error(`--autovacuum must be "during" or "after", not ${JSON.stringify(a.autovacuum)}`);
  const n = Number(a.n);
  const concurrency = Number(a.concurrency);
  const app = await createBenchApp(url, concurrency, concurrency, channelRecords(a['channel-interval']));
  const jobs = app.get(BenchJobs);
  const autovacuum = app.get(QueueJobAutovacuum);
  const probe = new pg.Client({ connectionString: url });
  await probe.connect();
  const start = new Date();
  const before = await removalCounts(probe, start, start);

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
  const after = await removalCounts(probe, new Date(), start);
  const run: AutovacuumRun = {
    drain_seconds: drain.seconds, calls, autovacuum_seconds: vacuum.seconds,
    autovacuum_ended_at: during ? vacuum.endedAt : null, deleted: vacuum.deleted,
    removal: { expired_before: before.expired, expired_left: after.expired, kept_before: before.kept, kept_after: after.kept },
  };
  process.stdout.write(`${JSON.stringify(run)}\n`);
  await Promise.all([app.close(), probe.end()]);
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
