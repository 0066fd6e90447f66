import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type pg from 'pg';
import { CLAIM_WAITING_LOCK_KEY } from '../../lib/queue-job.constants.js';
import { sleep, waitFor } from '../support/wait-for.js';
import { createFaultTables, createFaultsDatabase, poolFor } from './support/fault-db.js';
import { printFigures } from './support/figures.js';
import { startRestartablePostgres, type RestartablePostgres } from './support/restartable-postgres.js';
import { killAllWorkers, startWorker } from './support/worker-process.js';

// claim-durability.ts: three instances contend for the claim lock, so their claims (one-statement
// claims and the channel manager's cycles, in turn) commit without waiting for the WAL flush and
// flush apart before starting the jobs. The suite's own PostgreSQL is
// crashed (SIGQUIT: immediate shutdown, the WAL not yet written out is lost) while they drain; after
// recovery, every job that a worker noted as started (in a file, outside the database) must still be
// claimed (its attempt counted): a job never runs on a claim that the crash forgot.
describe('fault: a database crash forgets no claim whose jobs started', () => {
  const JOBS = 30_000;
  const CRASHES = 4;
  const log = `.tmp/claim-flush-crash-${process.pid}.log`;
  let server: RestartablePostgres;
  let url: string;
  const figures: Record<string, number | string> = {};

  beforeAll(async () => {
    server = await startRestartablePostgres('claim-flush-crash');
    url = await createFaultsDatabase(server);
    const pool = poolFor(url, 1);
    await createFaultTables(pool);
    await pool.end();
  }, 120_000);
  afterAll(async () => {
    await killAllWorkers();
    await server?.destroy();
    rmSync(log, { force: true });
    printFigures('claim flush crash', figures);
  });

  const notedStarts = (round: number) => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((tag) => tag.startsWith(`r${round}-`)) : []);

  async function insertJobs(pool: pg.Pool, round: number): Promise<void> {
    await pool.query(
      `INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, args, channel)
       SELECT gen_random_uuid(), 'noteStart', '<FaultJobs>.noteStart', 'FaultJobs', 'noteStart', jsonb_build_array('r' || $1 || '-' || i), 'root'
       FROM generate_series(1, $2) i`, [round, JOBS]);
  }

  it(`${CRASHES} crashes mid-drain: every job noted as started is still claimed after recovery`, async () => {
    let inWaitingRoom = 0;
    for (let round = 1; round <= CRASHES; round++) {
      // 3 × 20 slots sharing root:60: all three claim, and wait for the claim lock. (They migrate the database.)
      // Odd rounds claim in one statement; even ones through the channel manager's cycle (a sequential channel).
      const channels = round % 2 === 1 ? 'root:60' : 'root:60,root.seq:1:sequential';
      const workers = await Promise.all([1, 2, 3].map(() => startWorker(url, {
        channels, concurrency: 20, pollMs: 60_000, env: { FAULT_START_LOG: log },
      })));
      const pool = poolFor(url, 2);
      await insertJobs(pool, round);
      // Evidence that the claims went through the waiting room (so could flush apart): sampled in pg_locks.
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const { rows } = await pool.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND objsubid = 1 AND mode = 'ShareLock'`, [CLAIM_WAITING_LOCK_KEY]);
          if (rows.length > 0) inWaitingRoom++;
          await sleep(2);
        }
      })();
      await waitFor(`round ${round}: 3,000 jobs started`, () => notedStarts(round).length >= 3_000, 60_000, 5);
      sampling = false;
      await sampler;
      await pool.end();
      await server.crash();
      for (const worker of workers) worker.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exited));
      figures[`round ${round}: recovery (s)`] = await server.start();

      const started = notedStarts(round);
      const after = poolFor(url, 2);
      const { rows } = await after.query<{ tag: string; state: string }>(
        `SELECT args->>0 AS tag, state FROM queue_job WHERE args->>0 = ANY($1::text[]) AND retry = 0`, [started]);
      const { rows: [{ n }] } = await after.query<{ n: number }>(`SELECT count(*)::int AS n FROM queue_job WHERE args->>0 LIKE $1`, [`r${round}-%`]);
      await after.end();
      figures[`round ${round}: jobs started before the crash`] = started.length;
      expect({ round, jobs: n, startedButUnclaimed: rows.slice(0, 5), count: rows.length }).toEqual({ round, jobs: JOBS, startedButUnclaimed: [], count: 0 });
    }
    figures['pg_locks samples with a claim in the waiting room'] = inWaitingRoom;
    expect(inWaitingRoom).toBeGreaterThan(0);
  }, 300_000);
});
