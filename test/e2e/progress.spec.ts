import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { JobService } from '../../lib/enqueue/job.service.js';
import type { Job } from '../../lib/enqueue/job.js';
import type { JobEvent } from '../../lib/hooks/job-event.js';
import { QueueJobHooks } from '../../lib/hooks/queue-job-hooks.js';
import { QueueJobMetrics } from '../../lib/observability/queue-job-metrics.js';
import { trapJobs } from '../../lib/testing/trap-jobs.js';
import { PROGRESS_WRITE_LOG_SQL, ProgressJobs, ProgressProbe } from '../fixtures/progress-jobs.service.js';
import { inState, jobRow, waitForRow } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { sleep, waitFor } from '../support/wait-for.js';

/** Receives `job.progress` through @nestjs/event-emitter, as an app would. */
@Injectable()
class ProgressInbox {
  readonly events: JobEvent[] = [];

  @OnEvent('job.progress')
  onProgress(event: JobEvent): void {
    this.events.push(event);
  }
}

interface ProgressWrite { state: string; progress: number | null; message: string | null; at: Date }

/** The messages of BAD_PROGRESS, in its order. */
const BAD_PROGRESS_ERRORS = [
  'RangeError: currentJob().progress(NaN): the fraction done must be a number from 0 to 1 (0.42 for 42 %); divide by the total (done / total) and call it again.',
  'RangeError: currentJob().progress(-0.1): the fraction done must be a number from 0 to 1 (0.42 for 42 %); divide by the total (done / total) and call it again.',
  'RangeError: currentJob().progress(1.5): the fraction done must be a number from 0 to 1 (0.42 for 42 %); divide by the total (done / total) and call it again.',
  'TypeError: currentJob().progress("0.5"): the fraction done must be a number from 0 to 1 (0.42 for 42 %); divide by the total (done / total) and call it again.',
  'TypeError: currentJob().progress(null): the fraction done must be a number from 0 to 1 (0.42 for 42 %); divide by the total (done / total) and call it again.',
  'RangeError: currentJob().progress(Infinity): the fraction done must be a number from 0 to 1 (0.42 for 42 %); divide by the total (done / total) and call it again.',
  'TypeError: currentJob().progress(0.5, 42): the message must be a string (e.g. \'row 4200 of 10000\'), or left out.',
  'TypeError: currentJob().progress(0.5, {text: "row 1"}): the message must be a string (e.g. \'row 4200 of 10000\'), or left out.',
];

// Issue 19, item 4: progress of a running job, stored coalesced, shown by findJob, sent as job.progress.
describe('job progress', () => {
  const probe = new ProgressProbe();
  const subscribed: JobEvent[] = [];
  let db: TestDatabase;
  let app: INestApplicationContext;
  let svc: ProgressJobs;
  let jobs: JobService;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({
      url: db.url, channels: 'root:4',
      imports: [EventEmitterModule.forRoot()],
      providers: [ProgressJobs, ProgressInbox, { provide: ProgressProbe, useValue: probe }],
    });
    await db.pool.query(PROGRESS_WRITE_LOG_SQL);
    app.get(QueueJobHooks).on((event) => subscribed.push(event));
    svc = app.get(ProgressJobs);
    jobs = app.get(JobService);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const writesOf = async (uuid: string) =>
    (await db.pool.query<ProgressWrite>('SELECT state, progress, message, at FROM progress_write WHERE uuid = $1 ORDER BY id', [uuid])).rows;
  const progressEvents = (events: JobEvent[], uuid: string) =>
    events.filter((e) => e.uuid === uuid && e.name === 'job.progress').map((e) => [e.progress, e.progressMessage]);

  it('reports in quick succession: at most one write a second while it runs, the last stored at its end, each a job.progress event', async () => {
    // 50 reports, one every 50 ms: ~2.5 s of work.
    const job = (await svc.reportsOften(50, 50)) as unknown as Job;
    const done = await waitForRow(db, job.uuid, inState('done', 'failed'), 15_000);
    expect(done.state).toBe('done');
    const writes = await writesOf(job.uuid);
    expect(writes.length).toBeGreaterThanOrEqual(3);
    expect(writes.length).toBeLessThanOrEqual(4);
    // Every write reached the row while the attempt ran; none after its outcome.
    expect(writes.every((w) => w.state === 'enqueued' || w.state === 'started')).toBe(true);
    const gaps = writes.slice(1).map((w, i) => (w.at.getTime() - writes[i]!.at.getTime()) / 1000);
    // All but the last (the job's end) are a second apart at least.
    for (const gap of gaps.slice(0, -1)) expect(gap).toBeGreaterThanOrEqual(0.95);
    expect(writes[0]!.progress).toBeLessThan(0.1);
    expect(writes.at(-1)).toMatchObject({ progress: 1, message: 'row 50 of 50' });
    const row = await jobRow(db, job.uuid) as unknown as { progress: number; progress_message: string };
    expect([row.progress, row.progress_message]).toEqual([1, 'row 50 of 50']);
    // One event per stored report, in order, before job.done; through EventEmitter2 too.
    expect(progressEvents(subscribed, job.uuid)).toEqual(writes.map((w) => [w.progress, w.message]));
    await waitFor('the event-emitter copy', () => progressEvents(app.get(ProgressInbox).events, job.uuid).length === writes.length, 2_000);
    const names = subscribed.filter((e) => e.uuid === job.uuid).map((e) => e.name);
    expect(names.indexOf('job.done')).toBeGreaterThan(names.lastIndexOf('job.progress'));
    // Metrics count transitions only: progress adds no count (and no NaN).
    const totals = (await app.get(QueueJobMetrics).snapshot()).totals;
    expect(Object.keys(totals).sort()).toEqual(['cancelled', 'done', 'enqueued', 'failed', 'rescued', 'retried', 'started']);
    expect(Object.values(totals).every(Number.isInteger)).toBe(true);
  });

  it('findJob() shows the progress of a running job, and keeps the last one once it is done', async () => {
    const job = (await svc.reportsAndWaits('find', 0.42, 'row 4200 of 10000')) as unknown as Job;
    const running = await waitFor('the progress stored', async () => {
      const found = await jobs.findJob(job.uuid);
      return found?.progress !== null ? found : null;
    }, 5_000);
    expect(running).toMatchObject({ progress: 0.42, progressMessage: 'row 4200 of 10000' });
    expect(['enqueued', 'started']).toContain(running.state);
    probe.open('find');
    await waitForRow(db, job.uuid, inState('done'), 5_000);
    expect(await jobs.findJob(job.uuid)).toMatchObject({ state: 'done', progress: 0.42, progressMessage: 'row 4200 of 10000' });
  });

  it('bad values are refused with an error naming the value; nothing is stored', async () => {
    const job = (await svc.reportsBadValues('bad')) as unknown as Job;
    await waitForRow(db, job.uuid, inState('done'), 5_000);
    expect(probe.of('bad')).toEqual(BAD_PROGRESS_ERRORS);
    expect(await writesOf(job.uuid)).toEqual([]);
    expect(await jobs.findJob(job.uuid)).toMatchObject({ progress: null, progressMessage: null });
  });

  it('a job going back to pending for a retry loses its progress: the next attempt starts without', async () => {
    const job = (await svc.reportsThenRetries()) as unknown as Job;
    const retried = await waitForRow(db, job.uuid, (r) => r.state === 'pending' && r.retry === 1, 5_000);
    expect(retried.result).toBe('again later');
    expect(await jobs.findJob(job.uuid)).toMatchObject({ state: 'pending', progress: null, progressMessage: null });
    // Written once, then cleared before the retry was recorded.
    expect((await writesOf(job.uuid)).map((w) => [w.progress, w.message])).toEqual([[0.5, 'half'], [null, null]]);
  });

  it('an attempt that timed out writes nothing more: its late report is dropped', async () => {
    const job = (await svc.reportsPastTimeout('late')) as unknown as Job;
    await waitForRow(db, job.uuid, (r) => r.exc_name === 'JobTimeoutError', 5_000);
    await waitFor('the late report', () => probe.of('late').includes('reported late'), 5_000);
    await sleep(1_200);
    expect(await jobs.findJob(job.uuid)).toMatchObject({ state: 'pending', progress: null, progressMessage: null });
    expect((await writesOf(job.uuid)).map((w) => [w.progress, w.message])).toEqual([[0.3, 'before the timeout'], [null, null]]);
  });

  it('in a trap, progress() is checked and its last report kept on the trapped job; nothing is stored', async () => {
    const trap = trapJobs(app);
    try {
      await svc.reportsOften(4, 1);
      await svc.reportsBadValues('trapped');
      const report = await trap.performEnqueuedJobs();
      expect(report.failed).toEqual([]);
      expect(trap.enqueuedJobs[0]).toMatchObject({ state: 'done', progress: 1, progressMessage: 'row 4 of 4' });
      expect(probe.of('trapped')).toEqual(BAD_PROGRESS_ERRORS);
    } finally {
      trap.restore();
    }
  });
});

describe('job progress in no-delay mode', () => {
  const probe = new ProgressProbe();
  let db: TestDatabase;
  let app: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ url: db.url, noDelay: true, providers: [ProgressJobs, { provide: ProgressProbe, useValue: probe }] });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('progress() does not fail: checked, nothing stored', async () => {
    const svc = app.get(ProgressJobs);
    expect(await svc.reportsOften(3, 1)).toBe(3);
    await svc.reportsBadValues('inline');
    expect(probe.of('inline')).toEqual(BAD_PROGRESS_ERRORS);
  });
});
