import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from '../../lib/enqueue/job.js';
import { waitFor } from '../support/wait-for.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { createEnqueuer, createFaultTables, insertRawJob, jobRowsByTag, runsOf } from './support/fault-db.js';
import { printFigures } from './support/figures.js';
import { killAllWorkers, startWorker, type WorkerProcess } from './support/worker-process.js';

// Issue 5 §8 against a real worker process: rows it must not run, a channel string it must refuse,
// and a job hitting a serialization failure; the runner keeps running other jobs throughout.
describe('fault: bad inputs with a running worker', () => {
  let db: TestDatabase;
  let worker: WorkerProcess;
  let enqueuer: Awaited<ReturnType<typeof createEnqueuer>>;
  const figures: Record<string, string | number> = {};

  beforeAll(async () => {
    db = await createTestDatabase();
    await createFaultTables(db.pool);
    enqueuer = await createEnqueuer(db.url);
    // A job function that no worker declares fails once none did for the grace (1 s here).
    worker = await startWorker(db.url, { channels: 'root:2', env: { FAULT_UNKNOWN_GRACE: '1' } });
  }, 60_000);
  afterAll(async () => {
    printFigures('6. bad inputs with a running worker', figures);
    await killAllWorkers();
    await enqueuer?.app.close();
    await db?.drop();
  });

  const state = async (uuid: string) => (await db.pool.query('SELECT * FROM queue_job WHERE uuid = $1', [uuid])).rows[0];
  const settled = (uuid: string) => waitFor(`job ${uuid} to settle`, async () => {
    const row = await state(uuid);
    return ['done', 'failed'].includes(row.state) ? row : null;
  }, 30_000);
  const normalJobRuns = async (tag: string) => {
    const job = (await enqueuer.jobs.withDelay(enqueuer.faults).sleep(tag, 10, 10)) as Job;
    return (await settled(job.uuid)).state;
  };

  it('a row naming <Nope>.run is failed with a clear message, never executed', async () => {
    const uuid = await insertRawJob(db.pool, '<Nope>.run', '["nope-1"]');
    const row = await settled(uuid);
    expect(row).toMatchObject({ state: 'failed', exc_name: 'UnknownJobFunction', retry: 0 });
    expect(row.exc_message).toContain('No live worker declared job function <Nope>.run for 1 s');
    expect(await runsOf(db.pool, 'nope-%')).toHaveLength(0);
    expect(await normalJobRuns('after-nope')).toBe('done');
    figures['unknown job function'] = `failed ${row.exc_name} (never claimed; runner.unknownFunctionGrace 1 s)`;
  });

  it.each([
    ['{"not": "an array"}', 'args'],
    ['["bad-args", {"$date": 5}, 0]', 'args[1]'],
  ])('corrupted args %s are failed naming %s, never executed', async (args, path) => {
    const uuid = await insertRawJob(db.pool, '<FaultJobs>.sleep', args);
    const row = await settled(uuid);
    expect(row).toMatchObject({ state: 'failed', exc_name: 'ArgumentSerializationError' });
    expect(row.exc_message).toContain(`Cannot read stored job argument ${path}:`);
    expect(await runsOf(db.pool, 'bad-args')).toHaveLength(0);
    expect(await normalJobRuns(`after-${path}`)).toBe('done');
    figures[`corrupted args (${path})`] = `failed ${row.exc_name}`;
  });

  it('an injection-like QUEUE_JOB_CHANNELS: the worker exits non-zero with a ChannelConfigError naming the entry', async () => {
    const entry = "sale';DROP TABLE queue_job;--:2";
    const bad = await startWorker(db.url, { channels: `root:2,${entry}`, waitReady: false });
    const exit = await bad.exited;
    expect(exit.code).toBe(1);
    const fatal = bad.lines.find((l) => l.startsWith('FATAL '))!;
    expect(fatal).toContain('ChannelConfigError');
    expect(fatal).toContain(`"${entry}"`);
    expect(bad.lines.some((l) => l.startsWith('READY'))).toBe(false);
    expect((await db.pool.query("SELECT to_regclass('queue_job') AS t")).rows[0].t).toBe('queue_job');
    expect(worker.alive).toBe(true);
    expect(await normalJobRuns('after-bad-channels')).toBe('done');
    figures['injection-like channel string'] = `exit ${exit.code}, ${fatal.slice(0, 60)}...`;
  }, 60_000);

  it('a serialization failure (40001) is retried after ~5 s and counts against maxRetries (2)', async () => {
    const job = (await enqueuer.jobs.withDelay(enqueuer.faults).conflict('conflict-1')) as Job;
    const row = await waitFor('the retry and the failure', async () => {
      const r = await state(job.uuid);
      return r.state === 'failed' ? r : null;
    }, 30_000);
    expect(row).toMatchObject({ retry: 2, max_retries: 2, exc_name: 'FailedJobError' });
    expect(row.exc_message).toBe('Max. retries (2) reached: could not serialize access due to concurrent update');
    const runs = await runsOf(db.pool, 'conflict-1');
    expect(runs.map((r) => r.attempt)).toEqual([1, 2]);
    const gap = (runs[1]!.started_at.getTime() - runs[0]!.started_at.getTime()) / 1000;
    expect(gap).toBeGreaterThanOrEqual(4.9);
    expect(gap).toBeLessThan(9);
    figures['serialization failure, maxRetries 2'] = `2 attempts ${gap.toFixed(1)} s apart, then failed`;
    expect((await jobRowsByTag(db.pool, 'after-%')).every((r) => r.state === 'done')).toBe(true);
  }, 60_000);
});
