import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { chain } from '../../lib/enqueue/graph/chain-and-group.js';
import type { Job } from '../../lib/enqueue/job.js';
import { JobService } from '../../lib/enqueue/job.service.js';
import { IllegalJobTransitionError } from '../../lib/errors/illegal-job-transition.error.js';
import type { JobEvent } from '../../lib/hooks/job-event.js';
import { QueueJobHooks } from '../../lib/hooks/queue-job-hooks.js';
import { CANCEL_CHANNELS, CANCEL_NOTE_TABLE_SQL, CancelJobs, CancelLog } from '../fixtures/cancel-jobs.service.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { inState, jobRow, waitForRow } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { sleep, waitFor } from '../support/wait-for.js';

/** One app instance: its jobs' log, its logger and the lifecycle events it emitted. */
interface Instance {
  app: INestApplicationContext;
  log: CancelLog;
  logger: CaptureLogger;
  events: JobEvent[];
}

async function startInstance(url: string, runner: Parameters<typeof createTestApp>[0]['runner']): Promise<Instance> {
  const log = new CancelLog();
  const logger = new CaptureLogger();
  const app = await createTestApp({ url, channels: CANCEL_CHANNELS, runner, logger, providers: [CancelJobs, { provide: CancelLog, useValue: log }] });
  const events: JobEvent[] = [];
  app.get(QueueJobHooks).on((event) => events.push(event));
  return { app, log, logger, events };
}

const namesFor = (instance: Instance, uuid: string) => instance.events.filter((e) => e.uuid === uuid).map((e) => e.name);

describe('cancel a running job, across two instances', () => {
  let db: TestDatabase;
  /** Runs the jobs; a long poll interval, so that only NOTIFYs wake it. */
  let a: Instance;
  /** Enqueues and cancels; runs nothing. */
  let b: Instance;
  const logged = (level: string) => [...a.logger.messages(level), ...b.logger.messages(level)];
  const enqueue = (call: (jobs: CancelJobs) => Promise<unknown>) => call(b.app.get(CancelJobs)) as Promise<Job>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(CANCEL_NOTE_TABLE_SQL);
    a = await startInstance(db.url, { pollInterval: 60_000 });
    b = await startInstance(db.url, false);
  });
  afterAll(async () => {
    await a?.app.close();
    await b?.app.close();
    await db?.drop();
  });

  it('cancelled on B while it runs on A: cancelled at once, A aborts its signal within a second, its slot runs the next job', async () => {
    const hold = await enqueue((jobs) => jobs.honours('hold', 60_000));
    const next = await enqueue((jobs) => jobs.quick('next'));
    await waitForRow(db, hold.uuid, inState('started'));
    expect((await jobRow(db, next.uuid)).state).toBe('pending');

    const calledAt = Date.now();
    expect(await b.app.get(JobService).cancel(hold.uuid, { by: 'ops' })).toEqual([hold.uuid]);
    const answeredAt = Date.now();
    const row = await jobRow(db, hold.uuid);
    expect(row).toMatchObject({ state: 'cancelled', result: 'Cancelled by ops', lease_token: null });
    expect((row as unknown as { date_cancelled: Date | null }).date_cancelled).toBeInstanceOf(Date);

    const aborted = await waitFor('the signal aborted on A', () => a.log.of('hold', 'aborted')[0], 5_000);
    expect(aborted.detail).toBe('JobCancelledError');
    const abortMs = aborted.at - calledAt;
    console.log(`cancel called on instance B -> currentJob().signal aborted on instance A: ${abortMs} ms (the call returned after ${answeredAt - calledAt} ms)`);
    expect(abortMs).toBeLessThan(1_000);
    // Capacity 1: the waiting job starts only once the cancelled one's slot is free (A polls once a minute: the cancel's NOTIFY woke it).
    await waitForRow(db, next.uuid, inState('done'), 5_000);
    expect(a.log.of('next', 'start')).toHaveLength(1);

    expect(namesFor(a, hold.uuid)).toEqual(['job.started']);
    expect(namesFor(b, hold.uuid)).toEqual(['job.enqueued', 'job.cancelled']);
    expect(b.events.find((e) => e.uuid === hold.uuid && e.name === 'job.cancelled')).toMatchObject({ by: 'ops', reason: 'manual' });
    // Nest's Logger is process-wide: the last app's logger (B's) receives every instance's lines.
    expect(logged('log')).toContain(`Job ${hold.uuid} <CancelJobs>.honours: cancelled while it ran; its slot is free, its signal aborted, and whatever it does next is ignored`);
    expect((await jobRow(db, hold.uuid)).state).toBe('cancelled');
  });

  it("a running graph job: its waiting children follow it (cancelled, as a cancel's children are)", async () => {
    const jobs = b.app.get(JobService);
    const service = b.app.get(CancelJobs);
    const [parent, child] = await chain(jobs.delayable(service).honours('parent', 60_000), jobs.delayable(service).quick('child')).delay();
    await waitForRow(db, parent.uuid, inState('started'));
    expect((await jobRow(db, child.uuid)).state).toBe('wait_dependencies');
    expect((await jobs.cancel(parent.uuid, { by: 'ops' })).sort()).toEqual([parent.uuid, child.uuid].sort());
    expect(await jobRow(db, child.uuid)).toMatchObject({ state: 'cancelled', result: 'Cancelled by ops' });
    expect((await waitFor('the parent aborted', () => a.log.of('parent', 'aborted')[0], 5_000)).detail).toBe('JobCancelledError');
    expect(namesFor(b, child.uuid)).toEqual(['job.enqueued', 'job.cancelled']);
    expect(a.log.of('child', 'start')).toEqual([]);
  });

  it('a job that ignores its signal: what it returns later is fenced, what it wrote through manager() rolled back', async () => {
    const ignores = await enqueue((jobs) => jobs.ignores('ignores', 800));
    const writes = await enqueue((jobs) => jobs.writes('writes', 800));
    const jobs = b.app.get(JobService);
    await waitFor('ignores running on A', () => a.log.of('ignores', 'start')[0]);
    await jobs.cancel(ignores.uuid, { by: 'ops' });
    await waitFor('writes running on A', () => a.log.of('writes', 'start')[0]);
    await jobs.cancel(writes.uuid, { by: 'ops' });

    await waitFor('ignores returned', () => a.log.of('ignores', 'returned')[0]);
    const refused = await waitFor('the late write of writes refused', () => a.log.of('writes', 'refused')[0]);
    expect(refused.detail).toBeTruthy();
    // Time for a late outcome to reach the database, had it been sent.
    await sleep(500);
    for (const job of [ignores, writes]) {
      const row = await jobRow(db, job.uuid);
      expect(row).toMatchObject({ state: 'cancelled', result: 'Cancelled by ops', date_done: null, exc_name: null });
      expect(namesFor(a, job.uuid)).toEqual(['job.started']);
      expect(namesFor(b, job.uuid)).toEqual(['job.enqueued', 'job.cancelled']);
    }
    expect(a.log.of('ignores', 'aborted')[0].detail).toBe('JobCancelledError');
    const { rows } = await db.pool.query("SELECT tag FROM cancel_note WHERE tag LIKE 'writes:%'");
    expect(rows).toEqual([]);
    expect(logged('warn').filter((m) => m.includes('outcome not recorded'))).toEqual([]);
  });

  it('cancels racing the jobs finishing: each ends done (the cancel refused: it is done) or cancelled (its result fenced)', async () => {
    const service = b.app.get(CancelJobs);
    const jobs = b.app.get(JobService);
    // Around the ~100 ms after which a running job is marked `started`, and cancels around their end.
    const stored = await Promise.all(Array.from({ length: 30 }, (_, i) => service.races(`race${i}`, 40 + ((i * 37) % 200)) as unknown as Promise<Job>));
    const outcomes = await Promise.all(stored.map(async (job, i) => {
      await waitFor(`race${i} running`, () => a.log.of(`race${i}`, 'start')[0], 20_000, 2);
      await sleep((i * 53) % 260);
      try {
        await jobs.cancel(job.uuid, { by: 'racer' });
        return 'cancelled';
      } catch (error) {
        expect(error).toBeInstanceOf(IllegalJobTransitionError);
        return (error as Error).message;
      }
    }));
    await waitFor('every race job finished', async () => {
      const states = await Promise.all(stored.map(async (job) => (await jobRow(db, job.uuid)).state));
      return states.every((state) => state === 'done' || state === 'cancelled');
    });
    await sleep(300);
    for (const [i, job] of stored.entries()) {
      const row = await jobRow(db, job.uuid);
      if (outcomes[i] === 'cancelled') {
        expect(row).toMatchObject({ state: 'cancelled', result: 'Cancelled by racer' });
        // Aborted before its code returned: no outcome event of its own.
        if (a.log.of(`race${i}`, 'aborted').length > 0) expect(namesFor(a, job.uuid)).toEqual(['job.started']);
      } else {
        // The only reason to refuse: the job finished first (before, a started job could not be cancelled).
        expect(outcomes[i]).toBe(`Cannot cancel: ${job.uuid} is done. Only jobs that are wait_dependencies, pending, enqueued, started, failed can be cancelled; nothing was changed.`);
        expect(row).toMatchObject({ state: 'done', result: `finished: race${i}` });
      }
    }
    const cancelled = outcomes.filter((o) => o === 'cancelled').length;
    console.log(`cancels racing completions: ${cancelled} cancelled, ${outcomes.length - cancelled} refused (done first)`);
    expect(b.events.filter((e) => e.name === 'job.cancelled' && stored.some((j) => j.uuid === e.uuid))).toHaveLength(cancelled);
    expect(logged('error')).toEqual([]);
  });
  it('refused as a whole (a done job among them, a malformed uuid): the running job is neither cancelled nor aborted', async () => {
    const jobs = b.app.get(JobService);
    const done = await enqueue((service) => service.quick('done'));
    await waitForRow(db, done.uuid, inState('done'));
    const hold = await enqueue((service) => service.honours('kept', 60_000));
    await waitForRow(db, hold.uuid, inState('started'));
    await expect(jobs.cancel([hold.uuid, done.uuid], { by: 'ops' })).rejects.toThrow(
      `Cannot cancel: ${done.uuid} is done. Only jobs that are wait_dependencies, pending, enqueued, started, failed can be cancelled; nothing was changed.`);
    await expect(jobs.cancel([hold.uuid, 'nope'], { by: 'ops' })).rejects.toThrow('Not a job uuid: "nope".');
    // A cancel's NOTIFY goes out at commit only: time for one that would have leaked.
    await sleep(300);
    expect(a.log.of('kept', 'aborted')).toEqual([]);
    expect((await jobRow(db, hold.uuid)).state).toBe('started');
    await jobs.cancel(hold.uuid, { by: 'ops' });
    await waitFor('kept aborted', () => a.log.of('kept', 'aborted')[0], 5_000);
  });
});

describe('cancel a running job whose NOTIFY its runner missed', () => {
  let db: TestDatabase;
  let a: Instance;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Heartbeat every second (a third of the lease).
    a = await startInstance(db.url, { leaseSeconds: 3 });
  });
  afterAll(async () => {
    await a?.app.close();
    await db?.drop();
  });

  it('the heartbeat finds it cancelled and aborts its signal', async () => {
    const hold = (await a.app.get(CancelJobs).honours('hold', 60_000)) as unknown as Job;
    await waitForRow(db, hold.uuid, inState('started'));
    // What a cancel does to the row, without its NOTIFY (as if the LISTEN connection was down then).
    await db.pool.query(`UPDATE queue_job SET state = 'cancelled', date_cancelled = now(), result = '"Cancelled by ops"',
      lease_token = NULL, lease_expires_at = NULL WHERE uuid = $1`, [hold.uuid]);
    const cancelledAt = Date.now();
    const aborted = await waitFor('the signal aborted by the heartbeat', () => a.log.of('hold', 'aborted')[0], 5_000);
    expect(aborted.detail).toBe('JobCancelledError');
    expect(aborted.at - cancelledAt).toBeLessThan(2_500);
    await sleep(200);
    expect(await jobRow(db, hold.uuid)).toMatchObject({ state: 'cancelled', result: 'Cancelled by ops' });
    expect(namesFor(a, hold.uuid)).toEqual(['job.enqueued', 'job.started']);
  });
});
