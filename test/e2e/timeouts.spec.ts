import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { JobService } from '../../lib/enqueue/job.service.js';
import type { Job } from '../../lib/enqueue/job.js';
import { QueueJobModule } from '../../lib/queue-job.module.js';
import { TIMEOUT_NOTE_TABLE_SQL, TimeoutJobs, TimeoutLog } from '../fixtures/timeout-jobs.service.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { inState, jobRow, waitForRow } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { sleep, waitFor } from '../support/wait-for.js';
import { printFigures, seconds } from '../faults/support/figures.js';

/** `declared` gets its timeout (1 s) from a forFeature declaration, not from its decorator. */
@Module({ imports: [QueueJobModule.forFeature({ jobFunctions: [{ name: '<TimeoutJobs>.declared', timeout: 1 }] })] })
class TimeoutFeatureModule {}

// Job timeouts (issue 16, item 4): per call > job function (decorator or forFeature) > runner.jobTimeout.
describe('job timeouts', () => {
  const log = new TimeoutLog();
  const logger = new CaptureLogger();
  let db: TestDatabase;
  let app: INestApplicationContext;
  let svc: TimeoutJobs;
  let jobs: JobService;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(TIMEOUT_NOTE_TABLE_SQL);
    app = await createTestApp({
      url: db.url, channels: 'root:8,slow:1', runner: { jobTimeout: 2 }, logger,
      imports: [TimeoutFeatureModule], providers: [TimeoutJobs, { provide: TimeoutLog, useValue: log }],
    });
    svc = app.get(TimeoutJobs);
    jobs = app.get(JobService);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  /** When the attempt of `tag` ended, as the job saw it: its signal aborted, or it returned. */
  const endOf = (tag: string) => {
    const start = log.of(tag, 'start')[0]!.at;
    const aborted = log.of(tag, 'aborted')[0];
    return { abortedAfter: aborted ? (aborted.at - start) / 1000 : null };
  };

  it('a hanging job with timeout 1: signal aborted, slot free at once, retried as JobTimeoutError, late return not recorded', async () => {
    const hung = (await svc.hangs('hang', 3_000)) as unknown as Job;
    const next = (await svc.quick('after-hang')) as unknown as Job;
    // The channel has one slot: the quick job starts only once the hung one's attempt is over.
    await waitForRow(db, next.uuid, inState('done'), 5_000);
    const hangStart = log.of('hang', 'start')[0]!.at;
    const quickStart = log.of('after-hang', 'start')[0]!.at;
    expect((quickStart - hangStart) / 1000).toBeGreaterThanOrEqual(0.95);
    expect((quickStart - hangStart) / 1000).toBeLessThan(1.5);
    expect(log.of('hang', 'aborted')).toEqual([expect.objectContaining({ retry: 1, detail: 'JobTimeoutError' })]);
    expect(endOf('hang').abortedAfter).toBeGreaterThanOrEqual(0.95);
    expect(endOf('hang').abortedAfter).toBeLessThan(1.3);

    const retried = await jobRow(db, hung.uuid);
    expect(retried).toMatchObject({ state: 'pending', retry: 1, exc_name: 'JobTimeoutError' });
    expect(retried.result).toMatch(/^Job timed out: still running after its timeout of 1 s/);
    // Its late return (3 s) changes nothing: no done, no result of its own.
    await waitFor('the hung job to return', () => log.of('hang', 'returned').length === 1, 5_000);
    await sleep(300);
    expect(await jobRow(db, hung.uuid)).toMatchObject({ state: 'pending', retry: 1, result: retried.result, date_done: null });
    expect(logger.messages('warn').some((m) => m.includes(`Job ${hung.uuid} <TimeoutJobs>.hangs: timed out after 1 s`))).toBe(true);
    printFigures('hung job (ignores its signal, returns after 3 s), timeout 1 s, channel of capacity 1', {
      'signal aborted after (s)': endOf('hang').abortedAfter!, 'next job of the channel started after (s)': seconds(quickStart - hangStart),
      'state after the timeout': `${retried.state} (retry ${retried.retry}, ${retried.exc_name})`, 'late return recorded': false,
    });
  });

  it('the last attempt fails as JobTimeoutError', async () => {
    // The call's maxRetries 1 makes the first attempt the last.
    const job = await jobs.withDelay(svc, { maxRetries: 1 }).hangs('last', 1_500);
    const failed = await waitForRow(db, job.uuid, inState('failed', 'done'), 5_000);
    expect(failed).toMatchObject({ state: 'failed', retry: 1, exc_name: 'JobTimeoutError' });
    expect(failed.exc_message).toMatch(/^Max\. retries \(1\) reached: Job timed out: still running after its timeout of 1 s/);
  });

  it('precedence: a call\'s timeout > the job function\'s (decorator or forFeature) > runner.jobTimeout', async () => {
    const cases = [
      // [tag, enqueue, expected timeout (null: ran to its end)]
      ['global', () => svc.sleeps('global', 3_000), 2],
      ['global-ok', () => svc.sleeps('global-ok', 1_500), null],
      ['function', () => svc.hangs('function', 1_500), 1],
      ['feature', () => svc.declared('feature', 1_500), 1],
      ['call-longer', () => jobs.withDelay(svc, { timeout: 3 }).hangs('call-longer', 1_500), null],
      ['call-shorter', () => jobs.withDelay(svc, { timeout: 1 }).sleeps('call-shorter', 1_500), 1],
      ['bulk', () => jobs.enqueueMany(svc, 'declared', [['bulk', 1_500]], { timeout: 3 }), null],
    ] as const;
    const uuids: string[] = [];
    for (const [, enqueue] of cases) {
      const enqueued = (await enqueue()) as unknown as Job | Job[];
      uuids.push((Array.isArray(enqueued) ? enqueued[0]! : enqueued).uuid);
    }
    const rows = await Promise.all(uuids.map((uuid) => waitForRow(db, uuid, (r) => r.state === 'done' || r.exc_name !== null, 20_000)));
    const seen = cases.map(([tag], i) => [tag, rows[i]!.state, rows[i]!.state === 'done' ? null : Number(/timeout of (\d+) s/.exec(String(rows[i]!.result))![1])]);
    expect(seen).toEqual(cases.map(([tag, , timeout]) => [tag, timeout === null ? 'done' : 'pending', timeout]));
    for (const [tag, , timeout] of cases) {
      if (timeout !== null) expect(endOf(tag).abortedAfter).toBeGreaterThanOrEqual(timeout - 0.05);
      if (timeout !== null) expect(endOf(tag).abortedAfter).toBeLessThan(timeout + 0.5);
    }
    // The call's timeout travels with the job (the single INSERT and the bulk one).
    const stored = await db.pool.query<{ timeout: number | null }>('SELECT timeout FROM queue_job WHERE uuid = ANY($1) ORDER BY id', [uuids]);
    expect(stored.rows.map((r) => r.timeout)).toEqual([null, null, null, null, 3, 1, 3]);
  });

  it('the job\'s own transaction is rolled back and released; its later queries through it fail', async () => {
    const job = await jobs.withDelay(svc).hangInTransaction('tx', 1_500);
    await waitForRow(db, job.uuid, (r) => r.exc_name === 'JobTimeoutError', 5_000);
    await waitFor('the hung job to try its second write', () => log.of('tx', 'refused').length === 1, 5_000);
    await sleep(200);
    const notes = await db.pool.query('SELECT tag FROM timeout_note');
    expect(notes.rows).toEqual([]);
    // No connection left idle in a transaction by the abandoned attempt.
    const idle = await db.pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`);
    expect(idle.rows[0].n).toBe(0);
    expect(await jobRow(db, job.uuid)).toMatchObject({ state: 'pending', retry: 1 });
  });

  it("a graph node's timeout travels with its job too", async () => {
    const [stored] = await jobs.delayable(svc, { timeout: 7, eta: 3600 }).quick('graph').delay();
    const { rows } = await db.pool.query<{ timeout: number | null }>('SELECT timeout FROM queue_job WHERE uuid = $1', [stored!.uuid]);
    expect(rows).toEqual([{ timeout: 7 }]);
  });

  it('refuses a timeout that is not a whole number of seconds >= 1, storing nothing', async () => {
    await expect(jobs.withDelay(svc, { timeout: 0.5 }).hangs('bad', 1)).rejects.toThrow(/option "timeout" is 0.5 \(number\); expected a whole number of seconds from 1/);
  });
});
