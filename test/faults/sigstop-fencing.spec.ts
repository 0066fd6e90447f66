import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from '../../lib/enqueue/job.js';
import { waitFor } from '../support/wait-for.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { createEnqueuer, createFaultTables, jobRowsByTag, runsOf } from './support/fault-db.js';
import { printFigures, seconds } from './support/figures.js';
import { killAllWorkers, startWorker, type WorkerProcess } from './support/worker-process.js';

// SPEC §6: a paused executor (SIGSTOP) keeps its connections, hence its worker lock, but stops
// renewing its leases; past the lease its jobs are rescued and run elsewhere. When it resumes, the
// fencing token (lease_token) keeps it from recording anything: neither a plain job's completion
// nor a transactional job's work and `done`, which commit together or not at all.
describe('fault: SIGSTOP past the lease, then SIGCONT', () => {
  const LEASE_SECONDS = 2;
  let db: TestDatabase;
  let a: WorkerProcess;
  let b: WorkerProcess;
  let plain: Job;
  let transactional: Job;
  let recovery = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    await createFaultTables(db.pool);
    const { app, jobs, faults } = await createEnqueuer(db.url);
    a = await startWorker(db.url, { channels: 'root:4', leaseSeconds: LEASE_SECONDS });
    // First attempts sleep 4 s (past the lease), reruns 0.2 s.
    plain = (await jobs.withDelay(faults).sleep('stop-plain', 4_000, 200)) as Job;
    transactional = (await jobs.withDelay(faults).sleepInTransaction('stop-tx', 4_000, 200)) as Job;
    await app.close();
    await waitFor('both jobs running in A', async () => (await runsOf(db.pool, 'stop-%')).length === 2);
    b = await startWorker(db.url, { channels: 'root:4', leaseSeconds: LEASE_SECONDS });

    const pausedAt = Date.now();
    a.kill('SIGSTOP');
    await waitFor('B to complete both jobs', async () =>
      (await jobRowsByTag(db.pool, 'stop-%')).every((r) => r.state === 'done'), 30_000, 20);
    recovery = seconds(Date.now() - pausedAt);
    a.kill('SIGCONT');
    // A wakes up, its job methods run to their end, and it tries to record them: both refused.
    await a.waitForLine(/Job #\d+: outcome not recorded, its lease was lost \(the job was requeued\)$/, 30_000);
    await a.waitForLine(/Job #\d+: outcome not recorded, its lease was lost .*transaction was rolled back/, 30_000);
  }, 120_000);
  afterAll(async () => {
    await killAllWorkers();
    await db?.drop();
  });

  it('2. B rescues the paused job and completes it; A\'s late completion is not recorded', async () => {
    const row = (await jobRowsByTag(db.pool, 'stop-plain'))[0]!;
    expect(row).toMatchObject({ uuid: plain.uuid, state: 'done', retry: 2 });
    expect(row.result).toEqual({ pid: b.pid, tag: 'stop-plain', attempt: 2 }); // B's outcome stays
    const runs = await runsOf(db.pool, 'stop-plain');
    // A's method did run to its end after SIGCONT: at-least-once execution, one completion recorded.
    expect(runs.map((r) => [r.attempt, r.worker_pid, r.ended_at !== null])).toEqual([[1, a.pid, true], [2, b.pid, true]]);
    expect(a.alive).toBe(true);
    printFigures('2. SIGSTOP past the lease (leaseSeconds 2)', {
      'jobs enqueued': 2, done: 2, 'executions (paused + rescue)': (await runsOf(db.pool, 'stop-%')).length,
      'completions recorded': 2, 'late completions refused': 2, lost: 0, 'recovery seconds (pause -> done by B)': recovery,
    });
    expect(recovery).toBeLessThan(LEASE_SECONDS + 6);
  });

  it('8. transactional completion under fencing: the paused job\'s work and done are both rolled back', async () => {
    const row = (await jobRowsByTag(db.pool, 'stop-tx'))[0]!;
    expect(row).toMatchObject({ uuid: transactional.uuid, state: 'done', retry: 2 });
    expect(row.result).toEqual({ pid: b.pid, tag: 'stop-tx', attempt: 2 });
    const work = await db.pool.query<{ worker_pid: number }>('SELECT worker_pid FROM fault_work WHERE job_uuid = $1', [transactional.uuid]);
    expect(work.rows.map((w) => w.worker_pid)).toEqual([b.pid]); // A's write never committed
    const runs = await runsOf(db.pool, 'stop-tx');
    expect(runs.map((r) => [r.worker_pid, r.ended_at !== null])).toEqual([[a.pid, true], [b.pid, true]]);
    printFigures('8. transactional completion under fencing', {
      'executions': runs.length, 'work rows committed': work.rowCount ?? 0, 'work rows of the fenced executor': 0, 'done recorded by': 'the rescuer',
    });
  });

  it('A carries on after SIGCONT: it runs new jobs', async () => {
    b.kill('SIGTERM');
    expect(await b.exited).toEqual({ code: 0, signal: null });
    const { app, jobs, faults } = await createEnqueuer(db.url);
    const after = await jobs.enqueueMany(faults, 'sleep', Array.from({ length: 8 }, (_, i) => [`stop-after-${i}`, 300, 300] as [string, number, number]));
    await app.close();
    await waitFor('the new jobs', async () => (await jobRowsByTag(db.pool, 'stop-after-%')).every((r) => r.state === 'done'), 30_000);
    const runs = await runsOf(db.pool, 'stop-after-%');
    expect(runs).toHaveLength(after.length);
    expect(new Set(runs.map((r) => r.worker_pid))).toEqual(new Set([a.pid]));
  });
});
