import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import pg from 'pg';
import { serverUrl } from '../support/test-database.js';

// `npm test` compiles the project first (scripts/test.mjs): the bench runs as `npm run bench:history` runs it.
const HISTORY = 'dist/bench/history.js';
const RUN_TIMEOUT_MS = 150_000;

interface Run { code: number | null; stdout: string; stderr: string }

function runHistory(args: string[], env: NodeJS.ProcessEnv = { DATABASE_URL: serverUrl() }): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [HISTORY, ...args], { env: { ...process.env, DATABASE_URL: undefined, ...env }, timeout: RUN_TIMEOUT_MS },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
  });
}

const positive = expect.any(Number);

/** No timings are asserted (speed is measured, never tested): the shape, the counts, and that numbers are positive. */
describe('npm run bench:history -- --quick', () => {
  let run: Run;
  let result: Record<string, any>;

  beforeAll(async () => {
    run = await runHistory(['--quick']);
    result = JSON.parse(run.stdout.trim().split('\n').pop() ?? 'null');
  }, RUN_TIMEOUT_MS);

  it('exits 0 with one JSON line on stdout and readable lines on stderr', () => {
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/bench:history: drain: median [\d,]+ jobs\/s empty, [\d,]+ with 50,000 done: [\d.]+ ×/);
    expect(result).toMatchObject({ bench: 'history', history: 50_000, n: 5_000, rounds: 1, expired: 20_000, concurrency: 20 });
  });

  it('builds the history it was asked for and times building and copying it', () => {
    expect(result.setup.history_rows).toBe(50_000);
    expect(result.setup.build_seconds).toBeGreaterThan(0);
    expect(result.setup.copy_seconds).toBeGreaterThan(0);
  });

  it('drains on an empty database and on one with history, one rate per round, and gives the ratio of the medians', () => {
    const { drain } = result;
    expect(drain.empty_jobs_per_s).toEqual([positive]);
    expect(drain.history_jobs_per_s).toEqual([positive]);
    for (const rate of [...drain.empty_jobs_per_s, ...drain.history_jobs_per_s]) expect(rate).toBeGreaterThan(0);
    expect(drain.ratio).toBeCloseTo(drain.median_history / drain.median_empty, 2);
    expect(drain.ratio).toBeGreaterThan(0);
  });

  it('times the documented admin queries on the history, each answering from it', () => {
    const routes = Object.fromEntries((result.admin as Array<{ route: string; median_ms: number; runs_ms: number[]; answered: number }>)
      .map((t) => [t.route, t]));
    expect(Object.keys(routes)).toEqual(expect.arrayContaining([
      'GET api/jobs', 'GET api/jobs/counts', 'GET api/jobs?state=done&sort=dateDone', 'GET api/jobs/groups?by=channel&state=all',
      'GET api/jobs?state=all&q=invoice&sort=execTime',
    ]));
    for (const t of Object.values(routes)) {
      expect(t.runs_ms).toHaveLength(3);
      expect(t.median_ms).toBeGreaterThan(0);
    }
    expect(routes['GET api/jobs?state=done&sort=dateDone'].answered).toBe(50); // a full page of done jobs
    expect(routes['GET api/jobs/groups?by=channel&state=all'].answered).toBe(5); // the history's five channels
    expect(routes['GET api/jobs?state=all&q=invoice&sort=execTime'].answered).toBe(50);
  });

  it('runs the autovacuum of the expired jobs during a drain and alone, with the claim rates over its window', () => {
    const { autovacuum } = result;
    expect(autovacuum.deleted).toBe(20_000); // the expired ones, and none of the 50,000 kept
    for (const key of ['seconds_alone', 'seconds_during_drain', 'ratio']) expect(autovacuum[key]).toBeGreaterThan(0);
    expect(autovacuum.rounds).toHaveLength(1);
    for (const key of ['seconds_alone', 'seconds_during_drain', 'window_seconds', 'claims_per_s_during', 'claims_per_s_without', 'ratio']) {
      expect([key, autovacuum.rounds[0][key]]).toEqual([key, positive]);
      expect(autovacuum.rounds[0][key]).toBeGreaterThan(0);
    }
  });

  it('removes by rows the jobs of a channel with a shorter removal interval, exactly those, with the claim rates over its window', () => {
    const byRows = result.autovacuum_by_rows;
    expect(byRows.channel_interval).toBe('mail:7');
    // root.mail holds a sixth of the history, ~22 of its 29 days past 7 days: a few thousand jobs.
    expect(byRows.deleted).toBeGreaterThan(4_000);
    expect(byRows.deleted).toBeLessThan(50_000 / 6);
    expect(byRows.rounds).toHaveLength(1);
    for (const key of ['seconds_alone', 'seconds_during_drain', 'window_seconds', 'claims_per_s_during', 'claims_per_s_without', 'ratio']) {
      expect([key, byRows.rounds[0][key]]).toEqual([key, positive]);
      expect(byRows.rounds[0][key]).toBeGreaterThan(0);
    }
  });

  it('checks in every autovacuum run that nothing expired is left and nothing within its interval is gone', () => {
    const runs = [result.autovacuum, result.autovacuum_by_rows].flatMap((phase) =>
      phase.rounds.flatMap((round: Record<string, any>) => [round.removal_alone, round.removal_during]));
    expect(runs).toHaveLength(4);
    for (const removal of runs) {
      expect(removal.expired_before).toBeGreaterThan(0);
      expect(removal.expired_left).toBe(0);
      expect(removal.kept_before).toBeGreaterThan(0);
      expect(removal.kept_after).toBe(removal.kept_before);
    }
    // The expired history: the 20,000 past every interval; by rows, the mail jobs past 7 days (deleted >= those
    // counted at the run's start: a job may expire while it runs).
    expect(result.autovacuum.rounds[0].removal_during.expired_before).toBe(20_000);
    expect(result.autovacuum_by_rows.deleted).toBeGreaterThanOrEqual(result.autovacuum_by_rows.rounds[0].removal_during.expired_before);
  });

  it('drops every database it made', async () => {
    expect(result.databases).toMatch(/^bench_history_[0-9a-f]{6}_\*$/);
    const client = new pg.Client({ connectionString: serverUrl() });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [result.databases.slice(0, -1)]);
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
  });
});

describe('npm run bench:history with bad input', () => {
  it.each([
    [['--history', '0'], /--history must be a positive whole number, got "0"/],
    [['--n', 'many'], /--n must be a positive whole number, got "many"/],
    [['--rounds', '1.5'], /--rounds must be a positive whole number, got "1.5"/],
  ])('%j is refused, naming the option and its value', async (args, message) => {
    const bad = await runHistory(args);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(message);
    expect(bad.stdout).toBe('');
  });

  it('without DATABASE_URL says which connection to give', async () => {
    const bad = await runHistory(['--quick'], {});
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/DATABASE_URL is not set: give the admin connection, e.g. postgres:\/\//);
  });
});
