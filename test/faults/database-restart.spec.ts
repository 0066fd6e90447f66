import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { WORKER_LOCK_NAMESPACE } from '../../lib/store/sql/leases.sql.js';
import { waitFor } from '../support/wait-for.js';
import { createFaultTables, createFaultsDatabase, insertRawJob, jobFigures, poolFor, runsOf } from './support/fault-db.js';
import { printFigures, seconds } from './support/figures.js';
import { startRestartablePostgres, type RestartablePostgres } from './support/restartable-postgres.js';
import { killAllWorkers, startWorker, type WorkerProcess } from './support/worker-process.js';

// SPEC §6: losing the database does not crash the app; the runner and executors reconnect
// (LISTEN included) and nothing is lost or left stuck. The suite's own PostgreSQL is restarted
// (fast shutdown: every session cut) while an enqueuer process keeps enqueueing and two workers run.
describe('fault: database restart under load', () => {
  const TOTAL = 5_000;
  let server: RestartablePostgres;
  let url: string;
  let pool: pg.Pool;
  let workers: WorkerProcess[];

  beforeAll(async () => {
    server = await startRestartablePostgres('faults-pg');
    url = await createFaultsDatabase(server);
    pool = poolFor(url);
    pool.on('error', () => undefined); // the test's own idle connections are cut by the restart too
    await createFaultTables(pool);
    // A 10-minute poll: after the restart only LISTEN can wake a runner quickly.
    const settings = { channels: 'root:16', pollMs: 600_000, leaseSeconds: 10 };
    workers = await Promise.all([startWorker(url, settings), startWorker(url, settings)]);
  }, 120_000);
  /** What is stuck, who holds or waits for a worker lock, what every session does, and what the workers said: printed when the test times out. */
  const diagnosis = async () => {
    const states = await pool.query(`SELECT state, worker_id, count(*)::int AS n, min(lease_expires_at) AS lease FROM queue_job GROUP BY 1, 2`);
    const locks = await pool.query(`SELECT l.pid, l.objid, l.granted, a.state, a.query, a.backend_start FROM pg_locks l
      JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objsubid = 2`, [WORKER_LOCK_NAMESPACE]);
    const sessions = await pool.query(`SELECT pid, application_name, state, wait_event, left(query, 80) AS query, backend_start
      FROM pg_stat_activity WHERE datname = current_database()`);
    // Each line behind a bar: a crash's stack frames stay in the message (jest folds lines that start with "at").
    // A dead worker's last 80: a crash report (which emitter, which error) is longer than 25 lines.
    const tails = workers.map((w) => `worker ${w.pid} (${w.alive ? 'alive' : 'dead'}):\n${w.lines.slice(w.alive ? -25 : -80).map((line) => `| ${line}`).join('\n')}`);
    return [JSON.stringify(states.rows), `worker locks: ${JSON.stringify(locks.rows)}`, `sessions: ${JSON.stringify(sessions.rows)}`, ...tails].join('\n');
  };
  afterAll(async () => {
    await killAllWorkers();
    await pool?.end();
    await server?.destroy();
  });

  it('every job enqueued successfully is done exactly once; failed enqueues threw; workers reconnect, LISTEN included', async () => {
    // A job working in its own transaction (currentJob().manager()) for 15 s, across the restart.
    await insertRawJob(pool, '<FaultJobs>.sleepInTransaction', '["restart-tx", 15000, 0]');
    await waitFor('the transactional job running', async () => (await runsOf(pool, 'restart-tx')).length === 1, 30_000, 20);
    const firstEnqueueAt = Date.now();
    const enqueuer = await startWorker(url, {
      env: { FAULT_ROLE: 'enqueue', QUEUE_JOB_RUNNER: '0', FAULT_ENQUEUE_COUNT: String(TOTAL), FAULT_ENQUEUE_BATCH: '25', FAULT_ENQUEUE_PAUSE_MS: '2', FAULT_JOB_MS: '0' },
    });
    await enqueuer.waitForLine(/^PROGRESS [2-9]\d{3} /, 60_000); // 2000 enqueued
    const startedAt = Date.now();
    const downSeconds = await server.restart();
    const result = await enqueuer.waitForLine(/^RESULT /, 120_000);
    expect(await enqueuer.exited).toEqual({ code: 0, signal: null });
    const { ok, threw } = JSON.parse(result.slice('RESULT '.length)) as { ok: string[]; threw: string[] };

    await waitFor('the transactional job to finish', async () => (await pool.query(
      `SELECT 1 FROM queue_job WHERE args->>0 = 'restart-tx' AND state IN ('done', 'failed')`).catch(() => ({ rowCount: 0 }))).rowCount === 1, 60_000, 200);
    const unfinished = () => jobFigures(pool, 'e-%').then((f) => f.unfinished, () => -1); // -1: the test's pool reconnecting
    await waitFor('every stored job to finish', async () => (await unfinished()) === 0, 120_000, 200)
      .catch(async (error: Error) => { throw new Error(`${error.message}\n${await diagnosis()}`); });
    const recoveredAt = Date.now();
    const figures = await jobFigures(pool, 'e-%');
    const stored = await pool.query<{ tag: string; state: string }>(`SELECT args->>0 AS tag, state FROM queue_job WHERE args->>0 LIKE 'e-%'`);
    const stateOf = new Map(stored.rows.map((r) => [r.tag, r.state]));
    const lost = ok.filter((tag) => stateOf.get(tag) !== 'done');
    const threwButStored = threw.filter((tag) => stateOf.has(tag)).length;

    // Both runners hold their worker lock again: it is taken on the LISTEN connection, right after LISTEN.
    await waitFor('both worker locks', async () => (await pool.query(
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objsubid = 2 AND granted`,
      [WORKER_LOCK_NAMESPACE])).rows[0].n === 2, 10_000)
      .catch(async (error: Error) => { throw new Error(`${error.message}\n${await diagnosis()}`); });
    // A job enqueued now starts at once, although no runner polls for 10 minutes: LISTEN works again.
    const probeAt = Date.now();
    await insertRawJob(pool, '<FaultJobs>.sleep', '["probe", 0, 0]');
    await waitFor('the probe job to start', async () => (await runsOf(pool, 'probe')).length === 1, 10_000, 10);
    const probeSeconds = seconds(Date.now() - probeAt);

    // Its connection was cut with its transaction: retried like a concurrency error (not failed as
    // QueryRunnerAlreadyReleasedError), its first attempt's work rolled back, done by the second.
    const transactional = (await pool.query<{ state: string; retry: number }>(`SELECT state, retry FROM queue_job WHERE args->>0 = 'restart-tx'`)).rows[0];
    const transactionalWork = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM fault_work WHERE tag = 'restart-tx'`)).rows[0].n;
    const transactionalRuns = (await runsOf(pool, 'restart-tx')).length;

    const errorLines = workers.flatMap((w) => w.lines.filter((l) => /ERROR|WARN/.test(l)));
    printFigures('4. database restart under load (2 workers, root:16, instant jobs)', {
      'enqueue calls attempted (jobs)': TOTAL, 'jobs enqueued OK': ok.length, 'jobs whose enqueue threw': threw.length,
      'of which stored anyway (commit ack lost)': threwButStored, 'jobs stored': figures.jobs, done: figures.done,
      'run twice': figures.run_twice, lost: lost.length, 'seconds the database was down': downSeconds,
      'seconds restart -> all done (enqueueing went on)': seconds(recoveredAt - startedAt),
      'seconds enqueuer start -> all done': seconds(recoveredAt - firstEnqueueAt), 'seconds probe job -> started (poll is 10 min)': probeSeconds,
      'worker warnings/errors logged': errorLines.length, 'workers alive': workers.filter((w) => w.alive).length,
      'job in its own transaction across the restart': `${transactional?.state}, retry ${transactional?.retry}, ${transactionalRuns} runs, ${transactionalWork} work row(s)`,
    });
    expect(transactional).toEqual({ state: 'done', retry: 2 });
    expect([transactionalRuns, transactionalWork]).toEqual([2, 1]);
    expect(ok.length + threw.length).toBe(TOTAL);
    expect(threw.length).toBeGreaterThan(0); // the restart did hit the enqueuer
    expect(lost).toEqual([]);
    expect(figures).toMatchObject({ jobs: ok.length + threwButStored, done: ok.length + threwButStored, failed: 0, run_twice: 0 });
    expect(figures.runs).toBe(figures.jobs);
    expect(probeSeconds).toBeLessThan(3);
    for (const worker of workers) expect(worker.alive).toBe(true);
  }, 240_000);
});
