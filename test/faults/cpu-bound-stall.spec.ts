import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '../support/wait-for.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { createEnqueuer, createFaultTables, jobRowsByTag, runsOf } from './support/fault-db.js';
import { printFigures, seconds } from './support/figures.js';
import { killAllWorkers, startWorker, type WorkerProcess } from './support/worker-process.js';

// Issue 16, item 4: a CPU-bound job blocks its process's event loop, hence the timer that renews its
// lease. Its worker is alive (its lock held) but unresponsive. With `leaseSeconds` on its job function
// longer than the stall, it runs once and is done; without, the lease is lost, the job runs again and
// fails as JobLeaseLost (not JobFoundDead: nobody died). Either way the worker names the job that was
// running when its loop was blocked.
describe('fault: CPU-bound job blocking the event loop longer than the lease', () => {
  const LEASE_SECONDS = 2;
  const BUSY_MS = 5_000;
  let db: TestDatabase;
  let a: WorkerProcess;
  let b: WorkerProcess;
  const workers = () => [a, b];
  const byPid = (pid: number) => workers().find((w) => w.pid === pid)!;

  beforeAll(async () => {
    db = await createTestDatabase();
    await createFaultTables(db.pool);
    // One slot for the fleet: a requeued job can only run in the other worker while one is blocked.
    a = await startWorker(db.url, { channels: 'root:1', leaseSeconds: LEASE_SECONDS });
    b = await startWorker(db.url, { channels: 'root:1', leaseSeconds: LEASE_SECONDS });
  }, 60_000);
  afterAll(async () => {
    await killAllWorkers();
    await db?.drop();
  });

  async function enqueue(method: 'busy' | 'busyWithLease', tag: string): Promise<string> {
    const { app, jobs, faults } = await createEnqueuer(db.url);
    const job = await jobs.withDelay(faults)[method](tag, BUSY_MS, BUSY_MS);
    await app.close();
    return job.uuid;
  }

  it('with leaseSeconds 10 on its job function: a 5 s busy loop under a 2 s runner lease runs once and is done', async () => {
    const started = Date.now();
    const uuid = await enqueue('busyWithLease', 'cpu-lease');
    await waitFor('the CPU-bound job to end', async () =>
      ['done', 'failed'].includes((await jobRowsByTag(db.pool, 'cpu-lease'))[0]!.state), 30_000);
    const elapsed = seconds(Date.now() - started);
    const row = (await jobRowsByTag(db.pool, 'cpu-lease'))[0]!;
    expect(row).toMatchObject({ uuid, state: 'done', retry: 1, exc_name: null });
    const runs = await runsOf(db.pool, 'cpu-lease');
    expect(runs).toHaveLength(1);
    const runner = byPid(runs[0]!.worker_pid);
    const warning = await runner.waitForLine(new RegExp(`Event loop blocked for [\\d.]+ s while running job ${uuid} <FaultJobs>\\.busyWithLease: its lease is 10 s;`), 5_000);
    const stall = Number(/blocked for ([\d.]+) s/.exec(warning)![1]);
    expect(stall).toBeGreaterThanOrEqual(4.5);
    printFigures('CPU-bound job with leaseSeconds (5 s busy loop, runner lease 2 s, function lease 10 s)', {
      executions: runs.length, 'state': row.state, retry: row.retry, 'stall logged (s)': stall, 'seconds to done': elapsed,
      'late outcomes refused': runner.lines.filter((l) => l.includes('outcome not recorded')).length,
    });
  }, 60_000);

  it('without it: the lease is lost while the worker is alive; the job fails as JobLeaseLost, not JobFoundDead', async () => {
    const started = Date.now();
    const uuid = await enqueue('busy', 'cpu-nolease');
    // maxRetries 2: both attempts block their worker past the lease.
    await waitFor('the CPU-bound job to end', async () =>
      ['done', 'failed'].includes((await jobRowsByTag(db.pool, 'cpu-nolease'))[0]!.state), 60_000);
    const elapsed = seconds(Date.now() - started);
    const row = (await jobRowsByTag(db.pool, 'cpu-nolease'))[0]!;
    expect(row).toMatchObject({ uuid, state: 'failed', retry: 2, exc_name: 'JobLeaseLost' });
    expect(row.exc_message).toMatch(/^Lease lost: its lease of 2 s expired while its worker \S+ was alive but unresponsive \(event loop blocked or process paused\), during attempt 2 of 2; set leaseSeconds on the job function for CPU-bound jobs$/);
    await waitFor('both attempts to end', async () => (await runsOf(db.pool, 'cpu-nolease')).every((r) => r.ended_at !== null), 15_000);
    const runs = await runsOf(db.pool, 'cpu-nolease');
    expect(runs.map((r) => r.attempt)).toEqual([1, 2]);
    // Each blocked worker, once awake, names the job and its lease, and sees its outcome refused.
    const stalls: number[] = [];
    for (const run of runs) {
      const worker = byPid(run.worker_pid);
      const line = await worker.waitForLine(new RegExp(`Event loop blocked for [\\d.]+ s while running job ${uuid} <FaultJobs>\\.busy: its lease is 2 s, so it was lost`), 10_000);
      stalls.push(Number(/blocked for ([\d.]+) s/.exec(line)![1]));
      await worker.waitForLine(/outcome not recorded, its lease was lost/, 10_000);
    }
    // The rescuer said why: lease lost, the worker alive; nobody reported a dead executor.
    const all = [...a.lines, ...b.lines];
    expect(all.some((l) => l.includes(`Job ${uuid} <FaultJobs>.busy: its lease of 2 s expired while its executor`) && l.includes('alive but unresponsive'))).toBe(true);
    expect(all.some((l) => l.includes('JobFoundDead') || /its executor (\S+ )?stopped/.test(l))).toBe(false);
    // The transition log and the hooks' event say the same (reason 'lease-lost', not 'dead-executor').
    expect(all.some((l) => l.includes(`Job ${uuid} <FaultJobs>.busy failed (attempt 2/2, its lease expired while its executor was alive but unresponsive): JobLeaseLost`))).toBe(true);
    expect(a.alive && b.alive).toBe(true);
    printFigures('CPU-bound job without leaseSeconds (5 s busy loop, lease 2 s, maxRetries 2)', {
      executions: runs.length, state: row.state, exc_name: row.exc_name!, 'stalls logged (s)': stalls.join(', '),
      'late outcomes refused': runs.length, 'seconds to failed': elapsed,
    });
  }, 90_000);
});
