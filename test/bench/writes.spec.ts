import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import pg from 'pg';
import { serverUrl } from '../support/test-database.js';

// `npm test` compiles the project first (scripts/test.mjs): the bench runs as `npm run bench:writes` runs it.
const WRITES = 'dist/bench/writes.js';
const RUN_TIMEOUT_MS = 60_000;
const N = 400;

interface Run { code: number | null; stdout: string; stderr: string }

/** No timings: what one job writes over its life, counted from the WAL, is a property of the layout. */
describe('npm run bench:writes', () => {
  let run: Run;
  let result: { bench: string; n: number; per_job: Record<string, number> & { records: Record<string, number> } };

  beforeAll(async () => {
    run = await new Promise<Run>((resolve) => {
      execFile(process.execPath, [WRITES, '--n', String(N)], { env: { ...process.env, DATABASE_URL: serverUrl() }, timeout: RUN_TIMEOUT_MS },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
    });
    result = JSON.parse(run.stdout.trim().split('\n').pop() ?? 'null');
  }, RUN_TIMEOUT_MS);
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: serverUrl() });
    await admin.connect();
    const left = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_writes\\_%'`);
    await admin.end();
    expect(left.rows).toEqual([]);
  });

  it('exits 0 with one JSON line', () => {
    expect(run.code).toBe(0);
    expect(result).toMatchObject({ bench: 'writes', n: N });
  });

  it('counts the index entries and heap records of a job\'s life: enqueue, claim, and the move into the day table', () => {
    const perJob = result.per_job;
    // 4 at enqueue, 4 at claim, 5 in the day table (13); a few jobs also marked started.
    expect(perJob.index_entries).toBeGreaterThanOrEqual(12);
    expect(perJob.index_entries).toBeLessThanOrEqual(17);
    // The completion moves the row: one delete from the live table and one insert into today's.
    expect(perJob.heap_deletes).toBeCloseTo(1, 1);
    expect(perJob.heap_inserts).toBeGreaterThanOrEqual(1);
    expect(perJob.wal_record_bytes).toBeGreaterThan(0);
    expect(Object.keys(perJob.records)).toContain('Btree/INSERT_LEAF');
  });
});
