import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { JobService } from '../../lib/enqueue/job.service.js';
import { CLAIM_LOCK_KEY } from '../../lib/queue-job.constants.js';
import { JobRunner } from '../../lib/runner/job-runner.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { sleep, waitFor } from '../support/wait-for.js';
import { createFaultTables } from './support/fault-db.js';
import { printFigures, seconds } from './support/figures.js';
import { killAllWorkers, startWorker, type WorkerProcess } from './support/worker-process.js';
import { FaultJobs } from './worker/fault-jobs.js';

// SPEC §6: every transaction that holds the claim lock (or a lock other instances wait for) is
// bounded. Worker A runs a lock-heavy workload of graphs and manual actions (FAULT_ROLE=churn) and
// is paused (SIGSTOP) at random moments, sometimes inside such a transaction; instance B, in this
// process, runs probe jobs enqueued every 100 ms. B's probes may wait for A's lock at most the bound
// (after which PostgreSQL ends A's idle session) plus one poll.
describe('fault: a worker paused at 20 random moments of a graph + manual-action workload', () => {
  const BOUND_MS = 1_000;
  const POLL_MS = 500;
  const PAUSES = 20;
  const PAUSE_MS = 3_000;
  let db: TestDatabase;
  let a: WorkerProcess;
  let b: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    await createFaultTables(db.pool);
    a = await startWorker(db.url, { channels: 'root:0', pollMs: POLL_MS, env: { FAULT_ROLE: 'churn', FAULT_LOCK_TIMEOUT_MS: String(BOUND_MS) } });
    b = await createTestApp({
      url: db.url, channels: 'root:0', lockTimeout: BOUND_MS, runner: { pollInterval: POLL_MS }, autovacuum: false, providers: [FaultJobs],
    });
    await waitFor('A churning', async () => (await count("args->>0 LIKE 'churn-%' AND state IN ('done', 'cancelled')")) > 20, 30_000);
  }, 60_000);
  afterAll(async () => {
    await killAllWorkers();
    await b?.close();
    await db?.drop();
  });

  const count = async (where: string): Promise<number> =>
    Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM queue_job WHERE ${where}`)).rows[0].n);

  /** A session idle in a transaction, holding the claim lock: with A paused, it is A's. */
  const pausedHolderOfClaimLock = async (): Promise<boolean> => (await db.pool.query(`
    SELECT 1 FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.classid = 0 AND l.objid = $1 AND l.objsubid = 1 AND l.granted
      AND s.state = 'idle in transaction' AND s.datname = current_database()`, [CLAIM_LOCK_KEY])).rowCount! > 0;

  it(`9. another instance's jobs never wait more than the bound (${BOUND_MS} ms) plus one poll (${POLL_MS} ms)`, async () => {
    const jobs = b.get(JobService);
    const faults = b.get(FaultJobs);
    let probing = true;
    let probes = 0;
    const enqueuing = (async () => {
      while (probing) {
        await jobs.withDelay(faults).sleep(`probe-${probes++}`, 0, 0);
        await sleep(100);
      }
    })();

    let hits = 0;
    for (let i = 0; i < PAUSES; i++) {
      await sleep(300 + Math.random() * 900);
      a.kill('SIGSTOP');
      await sleep(150);
      if (await pausedHolderOfClaimLock()) hits++;
      await sleep(PAUSE_MS - 150);
      a.kill('SIGCONT');
    }
    probing = false;
    await enqueuing;

    const runnerB = b.get(JobRunner).workerId;
    await waitFor('every probe run by B done', async () => (await count(`args->>0 LIKE 'probe-%' AND worker_id = '${runnerB}' AND state <> 'done'`)) === 0, 30_000);
    const { rows } = await db.pool.query<{ wait_ms: number }>(`
      SELECT extract(epoch FROM date_started - date_created) * 1000 AS wait_ms FROM queue_job
      WHERE args->>0 LIKE 'probe-%' AND worker_id = $1 ORDER BY wait_ms`, [runnerB]);
    const waits = rows.map((r) => Number(r.wait_ms));
    const max = waits[waits.length - 1];
    const median = waits[waits.length >> 1];
    printFigures(`9. SIGSTOP of a lock-heavy worker at ${PAUSES} random moments, ${PAUSE_MS / 1000} s each (lockTimeout ${BOUND_MS} ms, poll ${POLL_MS} ms)`, {
      'pauses': PAUSES, 'pauses that caught A holding the claim lock': hits, 'probe jobs run by B': waits.length,
      'B probe wait, median s': seconds(median), 'B probe wait, max s': seconds(max), 'bound + poll s': seconds(BOUND_MS + POLL_MS),
      'A alive after': a.alive,
    });
    // The test means something only if some pause caught A inside a lock-holding transaction.
    expect(hits).toBeGreaterThan(0);
    expect(waits.length).toBeGreaterThan(PAUSES * 10);
    expect(max).toBeLessThan(BOUND_MS + POLL_MS + 300);
    expect(a.alive).toBe(true);
  }, 180_000);
});
