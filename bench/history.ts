// `npm run -s bench:history -- [--history H] [--n N] [--rounds R] [--expired E] [--concurrency C] [--quick]`:
// how the size of the history weighs on the queue (issue 18).
// - drain: the `drain` workload (bench.js, one process per round) of N jobs on an empty database
//   and on a copy of one holding H `done` jobs, in R alternating rounds; the ratio of the medians;
// - admin: the admin's documented queries on that history, median of 3 each;
// - autovacuum: a copy holding H kept and E expired done jobs, in R rounds drained once with the
//   library's autovacuum after the drain, once while it deletes the expired ones: its duration, and
//   the claim rate over the autovacuum's window against the same window without it;
// - autovacuum by rows: the same on a copy holding the H kept jobs only, with one channel given a
//   shorter removal interval (`root.mail`, 7 days), so that its expired jobs are deleted row by row
//   from day tables that also hold jobs to keep.
// Each autovacuum run checks that the intervals were honoured exactly (history-autovacuum.ts).
// DATABASE_URL is the admin connection: the databases are made (bench_history_<tag>_*) and dropped
// here. One JSON line on stdout, readable lines on stderr. `--quick`: H 50,000, N 5,000, E 20,000, 1 round.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { timeAdminQueries } from './history-admin.js';
import { measureAutovacuum } from './history-autovacuum-rounds.js';
import { BenchDatabases, settle, withClient } from './history-databases.js';
import { EXPIRED, insertDoneJobs, KEPT, SHORT_INTERVAL } from './history-rows.js';
import { median } from './median.js';
import { runScript } from './run-script.js';

const DEFAULTS = { history: 3_000_000, n: 100_000, rounds: 2, expired: 1_000_000, concurrency: 20 };
const QUICK = { history: 50_000, n: 5_000, rounds: 1, expired: 20_000, concurrency: 20 };

const { values: a } = parseArgs({
  options: {
    history: { type: 'string' }, n: { type: 'string' }, rounds: { type: 'string' }, expired: { type: 'string' },
    concurrency: { type: 'string' }, quick: { type: 'boolean', default: false },
  },
});
const base = a.quick ? QUICK : DEFAULTS;
const settings = {
  history: count('history', a.history, base.history), n: count('n', a.n, base.n), rounds: count('rounds', a.rounds, base.rounds),
  expired: count('expired', a.expired, base.expired), concurrency: count('concurrency', a.concurrency, base.concurrency),
};

/** A positive whole number option, or an error that names it and its value. */
function count(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a positive whole number, got ${JSON.stringify(value)}`);
  return parsed;
}

const log = (line: string) => process.stderr.write(`bench:history: ${line}\n`);
const seconds = (start: number) => Math.round((performance.now() - start) / 10) / 100;
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

async function drainRound(databases: BenchDatabases, make: () => Promise<string>): Promise<number> {
  const name = await make();
  try {
    const { jobs_per_s: rate, error } = await runScript<{ jobs_per_s: number; error?: string }>('./bench.js',
      ['--workload', 'drain', '--n', String(settings.n), '--concurrency', String(settings.concurrency)], databases.url(name));
    if (error !== undefined || !(rate > 0)) throw new Error(`drain on ${name} failed: ${error ?? rate}`);
    return rate;
  } finally {
    await databases.drop(name);
  }
}

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL is not set: give the admin connection, e.g. postgres://postgres@127.0.0.1:5432/postgres');
  const { history, n, rounds, expired, concurrency } = settings;
  log(`history ${fmt(history)} done jobs, drain of ${fmt(n)} (concurrency ${concurrency}), ${rounds} alternating round(s), autovacuum of ${fmt(expired)}`);
  const databases = new BenchDatabases(adminUrl);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void databases.dropAll().finally(() => process.exit(1)));
  }
  try {
    let start = performance.now();
    const template = await databases.build('template', (client) =>
      insertDoneJobs(client, history, KEPT, (done) => log(`history: ${fmt(done)} rows`)));
    const buildSeconds = seconds(start);
    const historyRows = await withClient(databases.url(template), async (client) =>
      (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM queue_job WHERE state = 'done'`)).rows[0].n);
    log(`history database built in ${buildSeconds} s (INSERT … generate_series, VACUUM (FREEZE, ANALYZE), CHECKPOINT)`);

    const empty: number[] = [];
    const withHistory: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      empty.push(await drainRound(databases, () => databases.create(`empty_${round}`)));
      withHistory.push(await drainRound(databases, () => databases.copy(template, `history_${round}`)));
      log(`round ${round}: empty ${fmt(empty[round - 1])} jobs/s, with history ${fmt(withHistory[round - 1])} jobs/s`);
    }
    const ratio = median(withHistory) / median(empty);
    log(`drain: median ${fmt(median(empty))} jobs/s empty, ${fmt(median(withHistory))} with ${fmt(history)} done: ${ratio.toFixed(2)} ×`);

    start = performance.now();
    const adminDatabase = await databases.copy(template, 'admin');
    const copySeconds = seconds(start);
    log(`a copy of the history database took ${copySeconds} s (CREATE DATABASE … TEMPLATE, STRATEGY FILE_COPY)`);
    const admin = await timeAdminQueries(databases.url(adminDatabase));
    await databases.drop(adminDatabase);
    for (const t of admin) log(`admin ${t.route}: ${t.median_ms} ms (median of ${t.runs_ms.join(', ')})`);

    const rowsTemplate = await databases.copy(template, 'rows');
    const expiredTemplate = await databases.copy(template, 'expired');
    await withClient(databases.url(expiredTemplate), async (client) => {
      await insertDoneJobs(client, expired, EXPIRED);
      await settle(client);
    });
    await databases.drop(template);
    const autovacuum = await measureAutovacuum(databases, expiredTemplate, { n, concurrency, rounds }, log);
    log(`autovacuum: median ${autovacuum.seconds_alone} s alone, ${autovacuum.seconds_during_drain} s during a drain; claims ${autovacuum.ratio.toFixed(2)} × (median)`);
    await databases.drop(expiredTemplate);
    const byRows = await measureAutovacuum(databases, rowsTemplate, { n, concurrency, rounds, channelInterval: SHORT_INTERVAL }, log);
    log(`autovacuum by rows: median ${byRows.seconds_alone} s alone, ${byRows.seconds_during_drain} s during a drain; claims ${byRows.ratio.toFixed(2)} × (median)`);
    await databases.drop(rowsTemplate);

    const r2 = (x: number) => Math.round(x * 100) / 100;
    process.stdout.write(`${JSON.stringify({
      bench: 'history', ...settings, databases: `${databases.prefix}*`,
      setup: { history_rows: historyRows, build_seconds: buildSeconds, copy_seconds: copySeconds },
      drain: { empty_jobs_per_s: empty, history_jobs_per_s: withHistory, median_empty: median(empty), median_history: median(withHistory), ratio: r2(ratio) },
      admin,
      autovacuum,
      autovacuum_by_rows: { channel_interval: SHORT_INTERVAL, ...byRows },
    })}\n`);
  } finally {
    await databases.dropAll();
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
