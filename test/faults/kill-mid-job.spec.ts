import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from '../../lib/enqueue/job.js';
import { waitFor } from '../support/wait-for.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { createEnqueuer, createFaultTables, jobFigures, jobRowsByTag, runsOf } from './support/fault-db.js';
import { printFigures, seconds } from './support/figures.js';
import { killAllWorkers, startWorker } from './support/worker-process.js';

// SPEC §6: an executor killed with SIGKILL mid-job leaves `started` rows; another instance finds
// them within seconds (the dead worker's session lock is gone) and requeues them, the dead attempt
// counted, or fails them as JobFoundDead when it was their last attempt.
describe('fault: kill -9 mid-job', () => {
  let db: TestDatabase;
  let enqueuer: Awaited<ReturnType<typeof createEnqueuer>>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await createFaultTables(db.pool);
    enqueuer = await createEnqueuer(db.url);
  });
  afterAll(async () => {
    await killAllWorkers();
    await enqueuer?.app.close();
    await db?.drop();
  });

  it('another worker requeues the jobs of a killed one within seconds; they complete once; the last attempt fails as JobFoundDead', async () => {
    // Default lease (30 s) and poll (5 s): the rescue must come from the lock, not from the lease.
    const a = await startWorker(db.url, { channels: 'root:4' });
    const { jobs, faults } = enqueuer;
    const long = await jobs.enqueueMany(faults, 'sleep', [1, 2, 3].map((n) => [`kill-${n}`, 60_000, 200] as [string, number, number]));
    const last = (await jobs.withDelay(faults, { maxRetries: 1 }).sleep('kill-last', 60_000, 200)) as Job;
    await waitFor('4 jobs running in worker A', async () => (await runsOf(db.pool, 'kill-%')).length === 4);
    const b = await startWorker(db.url, { channels: 'root:4' });

    const killedAt = Date.now();
    a.kill('SIGKILL');
    await a.exited;
    const rescued = await waitFor('the rescue', async () => {
      const rows = await jobRowsByTag(db.pool, 'kill-%');
      return rows.every((r) => r.state !== 'started' && r.state !== 'enqueued' || r.retry === 2) ? Date.now() : null;
    }, 30_000, 20);
    await waitFor('the jobs to settle', async () => (await jobFigures(db.pool, 'kill-%')).unfinished === 0, 30_000);

    const rows = await jobRowsByTag(db.pool, 'kill-%');
    const rerun = rows.filter((r) => long.some((j) => j.uuid === r.uuid));
    for (const row of rerun) {
      expect(row.state).toBe('done');
      expect(row.retry).toBe(2); // the dead attempt counted
      expect(row.result).toEqual({ pid: b.pid, tag: row.tag, attempt: 2 });
      const runs = (await runsOf(db.pool, row.tag)).map((r) => [r.attempt, r.worker_pid, r.ended_at !== null]);
      expect(runs).toEqual([[1, a.pid, false], [2, b.pid, true]]);
    }
    const dead = rows.find((r) => r.uuid === last.uuid)!;
    expect(dead).toMatchObject({ state: 'failed', exc_name: 'JobFoundDead', retry: 1 });
    expect(dead.exc_message).toMatch(/executor .* stopped during attempt 1 of 1/);
    expect(await runsOf(db.pool, 'kill-last')).toHaveLength(1);
    expect(b.lines.filter((l) => /: its executor \S+ stopped; job set (pending|failed)/.test(l))).toHaveLength(4);

    const recovery = seconds(rescued - killedAt);
    const figures = await jobFigures(db.pool, 'kill-%');
    printFigures('1. kill -9 mid-job', {
      'jobs enqueued': figures.jobs, done: figures.done, 'failed JobFoundDead (maxRetries 1)': figures.failed,
      'executions (dead attempt + rerun)': figures.runs, 'completions recorded twice': 0,
      lost: figures.unfinished, 'recovery seconds (kill -> requeued)': recovery,
    });
    expect(figures).toMatchObject({ jobs: 4, done: 3, failed: 1, unfinished: 0 });
    // Runners look every second; a worker is dead 3 s (grace) after a look found its lock gone.
    expect(recovery).toBeLessThan(10);
  }, 90_000);
});
