import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '../support/wait-for.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { createEnqueuer, createFaultTables, jobFigures, jobRowsByTag, runsOf } from './support/fault-db.js';
import { printFigures, seconds } from './support/figures.js';
import { killAllWorkers, startWorker } from './support/worker-process.js';

// SPEC §6: SIGTERM (app.enableShutdownHooks) stops claiming, lets running jobs finish within
// runner.shutdownTimeout, records them, and exits 0; what does not finish in time is rescued later
// by another instance, like the jobs of a dead one.
describe('fault: graceful shutdown (SIGTERM)', () => {
  let db: TestDatabase;
  let enqueuer: Awaited<ReturnType<typeof createEnqueuer>>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await createFaultTables(db.pool);
    enqueuer = await createEnqueuer(db.url);
  });
  afterEach(() => killAllWorkers());
  afterAll(async () => {
    await enqueuer?.app.close();
    await db?.drop();
  });

  it('waits for running jobs, claims nothing more, records them and exits 0; nothing is left enqueued or started', async () => {
    const { jobs, faults } = enqueuer;
    const a = await startWorker(db.url, { channels: 'root:3', shutdownMs: 20_000 });
    // 9 s jobs: once B is up they still have ~6 s to go, more than a dead worker's grace (3 s) plus a look
    // (every second), so that dropping the worker lock before the jobs end would show (B would rescue them).
    await jobs.withDelay(faults, { priority: 1 }).sleep('term-long-1', 9_000, 9_000);
    await jobs.withDelay(faults, { priority: 1 }).sleep('term-long-2', 9_000, 9_000);
    await jobs.withDelay(faults, { priority: 1 }).sleep('term-long-3', 9_000, 9_000);
    await jobs.enqueueMany(faults, 'sleep', [1, 2, 3].map((n) => [`term-short-${n}`, 100, 100] as [string, number, number]));
    await waitFor('3 long jobs running in A', async () => (await runsOf(db.pool, 'term-long-%')).length === 3);
    const b = await startWorker(db.url, { channels: 'root:3', pollMs: 1_000 });

    const termAt = Date.now();
    a.kill('SIGTERM');
    const exit = await a.exited;
    const shutdownSeconds = seconds(Date.now() - termAt);
    expect(exit).toEqual({ code: 0, signal: null });
    await waitFor('the short jobs, run by B', async () => (await jobFigures(db.pool, 'term-%')).done === 6, 30_000);

    const long = await jobRowsByTag(db.pool, 'term-long-%');
    for (const row of long) {
      expect(row).toMatchObject({ state: 'done', retry: 1 });
      expect(row.result).toMatchObject({ pid: a.pid });
    }
    const runs = await runsOf(db.pool, 'term-%');
    // Each job ran once: A finished its own (nobody took them while it shut down) and started nothing after SIGTERM.
    expect(runs).toHaveLength(6);
    expect(runs.filter((r) => r.worker_pid === a.pid).map((r) => r.tag).sort()).toEqual(['term-long-1', 'term-long-2', 'term-long-3']);
    expect(runs.filter((r) => r.worker_pid === b.pid)).toHaveLength(3);
    const left = await db.pool.query("SELECT count(*)::int AS n FROM queue_job WHERE state IN ('enqueued', 'started', 'pending')");
    expect(left.rows[0].n).toBe(0);
    const figures = await jobFigures(db.pool, 'term-%');
    printFigures('5a. graceful shutdown, jobs shorter than shutdownTimeout', {
      'jobs enqueued': figures.jobs, done: figures.done, 'run twice': figures.run_twice, lost: figures.unfinished,
      'exit code': exit.code ?? String(exit.signal), 'seconds SIGTERM -> exit (jobs had up to 9 s)': shutdownSeconds,
    });
    expect(figures.run_twice).toBe(0);
    b.kill('SIGTERM');
    await b.exited;
  }, 90_000);

  it('with a timeout shorter than the jobs, it exits after the timeout and another worker rescues the unfinished jobs', async () => {
    const { jobs, faults } = enqueuer;
    const a = await startWorker(db.url, { channels: 'root:2', shutdownMs: 500 });
    await jobs.enqueueMany(faults, 'sleep', [1, 2].map((n) => [`cut-${n}`, 30_000, 200] as [string, number, number]));
    await waitFor('2 jobs running in A', async () => (await runsOf(db.pool, 'cut-%')).length === 2);
    const b = await startWorker(db.url, { channels: 'root:2' });

    const termAt = Date.now();
    a.kill('SIGTERM');
    expect(await a.exited).toEqual({ code: 0, signal: null });
    const exitSeconds = seconds(Date.now() - termAt);
    expect(a.lines.some((l) => /2 job\(s\) still running at shutdown/.test(l))).toBe(true);
    const rescued = await waitFor('the rescue by B', async () => (await jobFigures(db.pool, 'cut-%')).done === 2 ? Date.now() : null, 30_000);

    const rows = await jobRowsByTag(db.pool, 'cut-%');
    for (const row of rows) {
      expect(row).toMatchObject({ state: 'done', retry: 2 });
      expect(row.result).toEqual({ pid: b.pid, tag: row.tag, attempt: 2 });
    }
    printFigures('5b. graceful shutdown, jobs longer than shutdownTimeout (500 ms)', {
      'jobs enqueued': 2, 'done (rerun by another worker)': rows.length, 'completions recorded twice': 0, lost: 0,
      'seconds SIGTERM -> exit': exitSeconds, 'seconds SIGTERM -> rescued and done': seconds(rescued - termAt),
    });
    expect(exitSeconds).toBeLessThan(10);
    b.kill('SIGTERM');
    await b.exited;
  }, 90_000);
});
