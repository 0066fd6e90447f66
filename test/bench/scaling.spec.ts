import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// `npm test` compiles the project first (scripts/test.mjs): the bench runs as `npm run bench:scaling` runs it.
const SCALING = 'dist/bench/scaling.js';
const RUN_TIMEOUT_MS = 60_000;

/** No timings are asserted (speed is measured, never tested): the keys, the counts, and that the meter saw the lock. */
describe('npm run bench:scaling -- --instances 2 --n 400', () => {
  let db: TestDatabase;
  let result: Record<string, any>;
  let code: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    const stdout = await new Promise<string>((resolve) => {
      execFile(process.execPath, [SCALING, '--instances', '2', '--n', '400', '--concurrency', '4'],
        { env: { ...process.env, BENCH_PG_URL: undefined, DATABASE_URL: db.url }, timeout: RUN_TIMEOUT_MS },
        (error, out) => { code = error ? 1 : 0; resolve(out); });
    });
    result = JSON.parse(stdout.trim().split('\n').pop() ?? 'null');
  }, RUN_TIMEOUT_MS);
  afterAll(() => db.drop());

  it('prints the drain and the claim lock figures in one JSON line', () => {
    expect(code).toBe(0);
    expect(result).toMatchObject({ system: 'ours', workload: 'drain-scaling', instances: 2, n: 400, concurrency: 4, capacity: 4 });
    expect(result.jobs_per_s).toBeGreaterThan(0);
    // At most 4 jobs per claim (the capacity), and every claim counted by the function's statistics.
    expect(result.claims).toBeGreaterThanOrEqual(100);
    expect(result.jobs_per_claim).toBeLessThanOrEqual(4);
    expect(result.claim_fn_ms).toBeGreaterThan(0);
    expect(result.lock_samples).toBeGreaterThan(0);
    expect(result.lock_held_fraction).toBeGreaterThan(0);
    expect(result.lock_held_fraction).toBeLessThanOrEqual(1);
    expect(result.lock_hold_ms).toBeGreaterThan(0);
    expect(result.lock_waiting_max).toBeGreaterThanOrEqual(0);
  });

  it('leaves track_functions of the database as it found it', async () => {
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = current_database()`);
    expect(rows[0].n).toBe(0);
  });
});
