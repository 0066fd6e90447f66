import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronScheduler } from '../../lib/cron/cron-scheduler.js';
import { CronSchedule, formatSlot } from '../../lib/cron/cron-schedule.js';
import { QueueJobHooks } from '../../lib/hooks/queue-job-hooks.js';
import { JobRunner } from '../../lib/runner/job-runner.js';
import {
  BadCron, BadMissedSlots, CATCH_UP_MINUTE, EverySecondReport, HourlyReports, SlowReport, cronLog,
} from '../fixtures/cron-probes.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { allJobRows } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { sleep, waitFor } from '../support/wait-for.js';

interface SlotRow {
  job_function: string;
  slot: Date;
  outcome: string;
  job_uuid: string | null;
  claimed_by: string;
}

/** Counts the outcomes of every `fire` of an instance's scheduler (its ticks, lost or won). */
function countFires(app: INestApplicationContext): Map<string, number> {
  const scheduler = app.get(CronScheduler);
  const outcomes = new Map<string, number>();
  const fire = scheduler.fire.bind(scheduler);
  scheduler.fire = async (...args: Parameters<typeof fire>) => {
    const outcome = await fire(...args);
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    return outcome;
  };
  return outcomes;
}

const sum = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

describe('@DelayableCron', () => {
  let db: TestDatabase;
  const slotRows = async (jobFunction: string) =>
    (await db.pool.query<SlotRow>('SELECT * FROM queue_job_cron_slot WHERE job_function = $1 ORDER BY slot', [jobFunction])).rows;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('three instances with a 1-second schedule for ~5 s: exactly one job per slot, in the configured channel and priority', async () => {
    const apps = await Promise.all([1, 2, 3].map(() => createTestApp({ url: db.url, channels: 'root:4,root.cron:4', providers: [EverySecondReport] })));
    const web = await createTestApp({ url: db.url, runner: false, providers: [EverySecondReport] });
    const fires = apps.map(countFires);
    const webFires = countFires(web);
    try {
      for (const app of apps) expect(app.get(SchedulerRegistry).doesExist('cron', 'queue_job:cron:<EverySecondReport>.tick')).toBe(true);
      expect(web.get(SchedulerRegistry).doesExist('cron', 'queue_job:cron:<EverySecondReport>.tick')).toBe(false);
      await sleep(5_200);
    } finally {
      await Promise.all([...apps, web].map((app) => app.close()));
    }

    const jobs = await allJobRows(db, 'job_function = $1', ['<EverySecondReport>.tick']);
    const perSlot = new Map<string, number>();
    for (const job of jobs) {
      const slot = (job.args as Array<{ $date: string }>)[0]!.$date;
      perSlot.set(slot, (perSlot.get(slot) ?? 0) + 1);
    }
    expect(jobs.length).toBeGreaterThanOrEqual(4);
    expect([...perSlot.values()].every((n) => n === 1)).toBe(true);
    // Every second between the first and the last slot has its job (one may be lost if the shared
    // event loop of the three instances stalls for over a second, as with cron in any one process).
    const slots = [...perSlot.keys()].map((s) => Date.parse(s)).sort((a, b) => a - b);
    expect(slots.length).toBeGreaterThanOrEqual((slots.at(-1)! - slots[0]!) / 1000);

    for (const job of jobs) {
      const slot = (job.args as Array<{ $date: string }>)[0]!.$date;
      expect(job.name).toBe(`<EverySecondReport>.tick @ ${formatSlot(new Date(slot))}`);
      expect(job.channel).toBe('root.cron');
      expect(job.priority).toBe(3);
    }
    const rows = await slotRows('<EverySecondReport>.tick');
    expect(rows.map((r) => r.slot.toISOString())).toEqual(slots.map((s) => new Date(s).toISOString()));
    expect(new Set(rows.map((r) => r.job_uuid))).toEqual(new Set(jobs.map((j) => j.uuid)));
    expect(rows.every((r) => r.outcome === 'enqueued')).toBe(true);

    // Every instance fired at (nearly) every slot; all but one lost each slot.
    for (const counts of fires) expect(sum(counts)).toBeGreaterThanOrEqual(jobs.length - 3);
    // (counted from when each app was up: the first one may have claimed a slot before the others were.)
    expect(fires.reduce((n, counts) => n + (counts.get('enqueued') ?? 0), 0)).toBeLessThanOrEqual(jobs.length);
    expect(fires.reduce((n, counts) => n + (counts.get('taken') ?? 0), 0)).toBeGreaterThanOrEqual(jobs.length);
    const workers = apps.map((app) => app.get(JobRunner).workerId);
    expect(rows.every((r) => workers.includes(r.claimed_by))).toBe(true);
    expect(sum(webFires)).toBe(0); // runner off: no schedule
    // The jobs ran, each with its slot as argument.
    const done = jobs.filter((j) => j.state === 'done');
    expect(done.length).toBeGreaterThanOrEqual(jobs.length - 2);
    for (const job of done) expect(job.result).toBe((job.args as Array<{ $date: string }>)[0]!.$date);
  }, 30_000);

  it('an instance firing late for a slot (clock skew) enqueues nothing, even after that slot\'s job is done', async () => {
    const app = await createTestApp({ url: db.url, providers: [EverySecondReport] });
    try {
      const scheduler = app.get(CronScheduler);
      const [first] = await slotRows('<EverySecondReport>.tick');
      const ofFirstSlot = () => allJobRows(db, 'job_function = $1 AND args @> $2', ['<EverySecondReport>.tick', JSON.stringify([{ $date: first!.slot.toISOString() }])]);
      expect((await ofFirstSlot()).map((j) => j.state)).toEqual(['done']);
      expect(await scheduler.fire(scheduler.crons[0]!, first!.slot)).toBe('taken');
      expect((await ofFirstSlot()).map((j) => j.state)).toEqual(['done']);
    } finally {
      await app.close();
    }
  });

  it('an enqueue hook throwing a value that refuses every read: the slot is logged as failed, the next slots still fire', async () => {
    const logger = new CaptureLogger();
    const app = await createTestApp({ url: db.url, channels: 'root:4,root.cron:4', providers: [EverySecondReport], logger });
    const refusing = new Proxy({}, { getPrototypeOf: () => { throw new Error('trap'); }, get: () => { throw new Error('trap'); } });
    let throwing = true;
    const off = app.get(QueueJobHooks).onEnqueue(() => {
      if (throwing) throw refusing;
    });
    try {
      const failed = () => logger.messages('error').filter((m) => m.startsWith('Cron <EverySecondReport>.tick: the slot '));
      await waitFor('a slot logged as failed', () => failed().length > 0 || undefined, 3_000);
      expect(failed()[0]).toMatch(/could not be enqueued: \[object Object\]|could not be enqueued: \[unprintable value\]/);
      throwing = false;
      const before = (await slotRows('<EverySecondReport>.tick')).length;
      await waitFor('a later slot enqueued', async () => (await slotRows('<EverySecondReport>.tick')).length > before || undefined, 3_000);
    } finally {
      off();
      await app.close();
    }
  });

  it('noParallelRun with a job slower than the period: slots are skipped, two runs never overlap', async () => {
    cronLog.maxRunning = 0;
    const apps = await Promise.all([1, 2, 3].map(() => createTestApp({ url: db.url, channels: 'root:4', providers: [SlowReport] })));
    try {
      await sleep(6_500);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
    const rows = await slotRows('<SlowReport>.crunch');
    const enqueued = rows.filter((r) => r.outcome === 'enqueued');
    const skipped = rows.filter((r) => r.outcome === 'skipped');
    expect(enqueued.length).toBeGreaterThanOrEqual(2);
    expect(skipped.length).toBeGreaterThanOrEqual(2);
    expect(skipped.every((r) => r.job_uuid === null)).toBe(true);
    // One row per slot, skipped or not (slots are consecutive seconds).
    expect(rows.length).toBeGreaterThanOrEqual((rows.at(-1)!.slot.getTime() - rows[0]!.slot.getTime()) / 1000);

    expect(cronLog.maxRunning).toBe(1);
    const runs = cronLog.runs.filter((r) => r.method === 'crunch').sort((a, b) => a.start - b.start);
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.start).toBeGreaterThanOrEqual(runs[i - 1]!.end!);
    const jobs = await allJobRows(db, 'job_function = $1', ['<SlowReport>.crunch']);
    expect(jobs.length).toBe(enqueued.length);
  }, 30_000);

  it('missed slots after downtime: runOnce enqueues one catch-up job for the latest, skip none, a first start none', async () => {
    const schedule = new CronSchedule(`0 ${CATCH_UP_MINUTE} * * * *`, 'UTC');
    const lastRun = schedule.latest(new Date(Date.now() - 3 * 3600_000))!;
    for (const fn of ['<HourlyReports>.catchUp', '<HourlyReports>.skipMissed']) {
      await db.pool.query(`INSERT INTO queue_job_cron_slot (job_function, slot, outcome, claimed_by) VALUES ($1, $2, 'enqueued', 'before-downtime')`, [fn, lastRun]);
    }
    // Two instances start together: still one catch-up job.
    const apps = await Promise.all([1, 2].map(() => createTestApp({ url: db.url, providers: [HourlyReports] })));
    try {
      const missed = schedule.latest(new Date())!;
      const jobs = await waitFor('the catch-up job to run', async () => {
        const rows = await allJobRows(db, 'job_function LIKE $1', ['<HourlyReports>.%']);
        return rows.length === 1 && rows[0]!.state === 'done' ? rows : null;
      });
      expect(jobs[0]!.job_function).toBe('<HourlyReports>.catchUp');
      expect(jobs[0]!.name).toBe(`<HourlyReports>.catchUp @ ${formatSlot(missed)} (catch-up)`);
      expect(jobs[0]!.result).toBe(missed.toISOString());
      const rows = await slotRows('<HourlyReports>.catchUp');
      expect(rows.map((r) => [r.slot.toISOString(), r.outcome])).toEqual([[lastRun.toISOString(), 'enqueued'], [missed.toISOString(), 'catch_up']]);
      expect(rows[1]!.job_uuid).toBe(jobs[0]!.uuid);
      expect((await slotRows('<HourlyReports>.skipMissed')).length).toBe(1);
      expect((await slotRows('<HourlyReports>.firstDeploy')).length).toBe(0);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
    // A restart right after: nothing missed any more.
    const again = await createTestApp({ url: db.url, providers: [HourlyReports] });
    await sleep(300);
    await again.close();
    expect((await allJobRows(db, 'job_function LIKE $1', ['<HourlyReports>.%'])).length).toBe(1);
  });

  it('stops the app at startup on an invalid expression or option, naming the method', async () => {
    await expect(createTestApp({ url: db.url, runner: false, providers: [BadCron] })).rejects.toThrow(
      /^@DelayableCron\("61 \* \* \* \*"\) on BadCron\.never: .+\. Use a cron expression of 5 fields, or 6 with seconds first/);
    await expect(createTestApp({ url: db.url, providers: [BadMissedSlots] })).rejects.toThrow(
      `@DelayableCron() on BadMissedSlots.never: option "missedSlots" is "all"; expected 'runOnce' (the default) or 'skip'.`);
  });
});
