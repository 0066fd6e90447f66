import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sleep, waitFor } from '../support/wait-for.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { createEnqueuer, createFaultTables, jobFigures } from './support/fault-db.js';
import { printFigures, seconds } from './support/figures.js';
import { killAllWorkers, startWorker, type WorkerProcess } from './support/worker-process.js';
import { FaultJobsV2 } from './worker/fault-jobs-v2.js';

// SPEC §6, mixed fleets: a rolling deploy, version 1 and version 2 of the app on one database, where
// version 2 adds a job function. Version 1 never claims its jobs (it would fail them as
// UnknownJobFunction); they wait while version 2 is down and run once it is back.
describe('fault: a rolling deploy, v1 and v2 of the worker on one database', () => {
  const JOBS = 500;
  const JOB_MS = 20;
  const CHANNELS = 'root:8';
  let db: TestDatabase;
  let enqueuer: Awaited<ReturnType<typeof createEnqueuer>>;
  let v1: WorkerProcess;

  beforeAll(async () => {
    db = await createTestDatabase();
    await createFaultTables(db.pool);
    enqueuer = await createEnqueuer(db.url, [FaultJobsV2]);
    v1 = await startWorker(db.url, { channels: CHANNELS, pollMs: 500 });
  }, 90_000);
  afterAll(async () => {
    await killAllWorkers();
    await enqueuer?.app.close();
    await db?.drop();
  });

  const v2Jobs = () => jobFigures(db.pool, 'v2-%');
  const runsBy = async (pid: number, tagLike: string) =>
    (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM fault_run WHERE worker_pid = $1 AND tag LIKE $2', [pid, tagLike])).rows[0].n;
  const enqueueV1 = (prefix: string, n: number) =>
    enqueuer.jobs.enqueueMany(enqueuer.faults, 'sleep', Array.from({ length: n }, (_, i) => [`${prefix}-${i}`, JOB_MS, JOB_MS] as [string, number, number]));

  it('v1 never claims v2-only jobs: 0 failed; they wait while v2 is down and all run once v2 is back', async () => {
    const v2 = await startWorker(db.url, { channels: CHANNELS, pollMs: 500, env: { FAULT_VERSION: '2' } });
    const v2App = enqueuer.app.get(FaultJobsV2);
    await enqueuer.jobs.enqueueMany(v2App, 'newInV2', Array.from({ length: JOBS }, (_, i) => [`v2-${i}`, JOB_MS] as [string, number]));
    await enqueueV1('v1a', 100);

    // v2 goes down (SIGTERM, graceful) part-way through, as in a deploy.
    await waitFor('v2 to run a fifth of its jobs', async () => (await v2Jobs()).done >= JOBS / 5, 60_000, 20);
    v2.kill('SIGTERM');
    await v2.exited;
    const downAt = Date.now();
    const atStop = await v2Jobs();

    // While v2 is down, v1 keeps running its own jobs and leaves v2's pending.
    await enqueueV1('v1b', 100);
    await waitFor('v1 jobs done while v2 is down', async () => (await jobFigures(db.pool, 'v1%')).done === 200, 60_000, 50);
    await sleep(3_000);
    const whileDown = await v2Jobs();
    const pendingWhileDown = (await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM queue_job WHERE args->>0 LIKE 'v2-%' AND state = 'pending'`)).rows[0].n;
    const downSeconds = (Date.now() - downAt) / 1000;

    const restartedAt = Date.now();
    const v2Again = await startWorker(db.url, { channels: CHANNELS, pollMs: 500, env: { FAULT_VERSION: '2' } });
    await waitFor('every v2 job done', async () => (await v2Jobs()).done === JOBS, 60_000, 50);
    const drainSeconds = (Date.now() - restartedAt) / 1000;
    const final = await v2Jobs();
    const byV1 = await runsBy(v1.pid, 'v2-%');

    printFigures('13. rolling deploy: v1 and v2 on one database, 500 jobs of a v2-only job function', {
      'v2-only jobs': final.jobs, done: final.done, failed: final.failed, 'run twice': final.run_twice, lost: final.unfinished,
      'run by v1 (it lacks the function)': byV1,
      'done when v2 stopped (SIGTERM)': atStop.done,
      'pending while v2 down / seconds down': `${pendingWhileDown} / ${seconds(downSeconds * 1000)}`,
      'v1 jobs done meanwhile (own function)': (await jobFigures(db.pool, 'v1%')).done,
      'seconds from v2 restart to all done': seconds(drainSeconds * 1000),
      'v1 alive throughout': v1.alive,
    });
    expect(whileDown).toMatchObject({ failed: 0, done: atStop.done });
    expect(pendingWhileDown).toBe(JOBS - atStop.done);
    expect(atStop.done).toBeLessThan(JOBS);
    expect(final).toMatchObject({ jobs: JOBS, done: JOBS, failed: 0, run_twice: 0, unfinished: 0 });
    expect(byV1).toBe(0);
    expect(await runsBy(v2Again.pid, 'v2-%')).toBe(JOBS - atStop.done);
    expect(v1.alive).toBe(true);
  }, 180_000);
});
