import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Delayable } from '../../lib/decorators/delayable.decorator.js';
import type { Job } from '../../lib/enqueue/job.js';
import { JobService } from '../../lib/enqueue/job.service.js';
import { InvalidChannelSettingError } from '../../lib/errors/invalid-channel-setting.error.js';
import { JobRunner } from '../../lib/runner/job-runner.js';
import { printFigures } from '../faults/support/figures.js';
import { countJobs } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { sleep, waitFor } from '../support/wait-for.js';

/** Jobs hold their slot until released: what runs at once is what the channels allow. */
const gate = {
  started: [] as string[],
  waiting: [] as Array<() => void>,
  releaseAll(): void {
    for (const release of this.waiting.splice(0)) release();
  },
};

@Injectable()
class MailService {
  @Delayable({ channel: 'root.mail' })
  async send(to: string): Promise<string> {
    gate.started.push(to);
    await new Promise<void>((resolve) => gate.waiting.push(resolve));
    return `sent to ${to}`;
  }

  @Delayable({ channel: 'root.mail.eu' })
  async sendEu(to: string): Promise<void> {
    gate.started.push(to);
  }

  @Delayable({ channel: 'root.report' })
  async report(name: string): Promise<void> {
    gate.started.push(name);
  }
}

/** Far beyond the tests: only a NOTIFY can tell an instance in time. */
const POLL_MS = 60_000;
const CHANNELS = 'root:6,root.mail:2,root.report:1';
/** A claim already under way when a change arrives ends with the previous settings: let it finish. */
const CLAIM_IN_FLIGHT_MS = 250;

describe('channel settings changed at run time, cluster-wide', () => {
  let db: TestDatabase;
  let a: INestApplicationContext;
  let b: INestApplicationContext;
  const figures: Record<string, number> = {};

  const startInstance = () => createTestApp({ url: db.url, channels: CHANNELS, runner: { pollInterval: POLL_MS }, providers: [MailService] });
  const running = () => countJobs(db, "state IN ('enqueued', 'started')");

  /** Milliseconds from `act` until `effect` holds (polled every 5 ms). */
  async function timeToEffect(act: () => Promise<unknown>, effect: () => boolean): Promise<number> {
    const start = performance.now();
    await act();
    await waitFor('the setting to reach the other instance', effect, 5_000, 5);
    return Math.round(performance.now() - start);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await startInstance();
    b = await startInstance();
  });

  afterEach(async () => {
    gate.releaseAll();
    await waitFor('no job running', async () => {
      gate.releaseAll();
      return (await running()) === 0;
    });
    await db.pool.query("UPDATE queue_job SET state = 'done' WHERE state <> 'done'");
    await db.pool.query('DELETE FROM queue_job_channel_setting');
    await a.get(JobService).resumeChannel('root.mail'); // the DELETE sends no NOTIFY: one change tells everyone
    await a.get(JobService).resetChannelLimits('root.mail');
    gate.started.length = 0;
  });

  afterAll(async () => {
    gate.releaseAll();
    await b?.close();
    await a?.close();
    printFigures('channel-settings.spec (ms from the call on one instance to the effect on the other)', figures);
    await db?.drop();
  });

  it('pauseChannel on B stops A from starting jobs of the channel and its sub-channels within a second; resumeChannel starts them', async () => {
    const runnerA = a.get(JobRunner);
    figures.pause = await timeToEffect(() => b.get(JobService).pauseChannel('root.mail', { by: 'ops-alice' }), () => runnerA.channels.get('root.mail')!.paused);
    expect(figures.pause).toBeLessThan(1_000);
    await waitFor('the pause on B too', () => b.get(JobRunner).channels.get('root.mail')!.paused, 1_000);
    await sleep(CLAIM_IN_FLIGHT_MS);
    const mail = a.get(MailService);
    await mail.send('ann');
    await mail.sendEu('eve');
    await mail.report('daily'); // another channel: not paused
    await waitFor('the report to run', () => gate.started.includes('daily'));
    await sleep(500);
    expect(gate.started).toEqual(['daily']);
    expect(await countJobs(db, "channel LIKE 'root.mail%' AND state = 'pending'")).toBe(2);

    figures.resume = await timeToEffect(() => a.get(JobService).resumeChannel('mail', { by: 'ops-bob' }), () => !b.get(JobRunner).channels.get('root.mail')!.paused);
    expect(figures.resume).toBeLessThan(1_000);
    await waitFor('the paused jobs to start', () => gate.started.includes('ann') && gate.started.includes('eve'), 2_000);
  });

  it('a running job finishes when its channel is paused, and nothing new starts', async () => {
    const mail = a.get(MailService);
    const first = (await mail.send('first')) as unknown as Job;
    await waitFor('the first job to start', () => gate.started.includes('first'));
    await b.get(JobService).pauseChannel('root.mail');
    await waitFor('the pause to reach A', () => a.get(JobRunner).channels.get('root.mail')!.paused && b.get(JobRunner).channels.get('root.mail')!.paused);
    await sleep(CLAIM_IN_FLIGHT_MS);
    await mail.send('second');
    gate.releaseAll();
    await waitFor('the first job to be done', async () => (await first.dbRecord()).state === 'done');
    await sleep(400);
    expect(gate.started).toEqual(['first']);
  });

  it('a pause is stored: an instance started afterwards keeps it, and the setting says who paused it and when', async () => {
    const before = new Date();
    const setting = await a.get(JobService).pauseChannel('root.mail', { by: 'ops-carol' });
    expect(setting).toMatchObject({ channel: 'root.mail', paused: true, pausedBy: 'ops-carol' });
    expect(setting.pausedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1_000);
    const c = await startInstance();
    try {
      expect(c.get(JobRunner).channels.get('root.mail')!.paused).toBe(true);
    } finally {
      await c.close();
    }
    const audit = await a.get(JobService)['channelSettings'].audit('root.mail', 1);
    expect(audit[0]).toMatchObject({ channel: 'root.mail', action: 'pause', doneBy: 'ops-carol', details: { paused: true } });
  });

  it('setChannelLimits changes the capacity on every instance; resetChannelLimits goes back to the configuration', async () => {
    const runnerA = a.get(JobRunner);
    figures.setLimits = await timeToEffect(
      () => b.get(JobService).setChannelLimits('root.mail', { capacity: 1 }, { by: 'ops-dan' }),
      () => runnerA.channels.get('root.mail')!.capacity === 1,
    );
    expect(figures.setLimits).toBeLessThan(1_000);
    const mail = a.get(MailService);
    for (const to of ['m1', 'm2', 'm3', 'm4']) await mail.send(to);
    await waitFor('one job to start', () => gate.started.length === 1);
    await sleep(500);
    expect(await running()).toBe(1);

    await a.get(JobService).setChannelLimits('root.mail', { capacity: 3 }, { by: 'ops-dan' });
    await waitFor('three jobs to run at once', async () => (await running()) === 3, 2_000);
    await sleep(300);
    expect(await running()).toBe(3);

    const reset = await b.get(JobService).resetChannelLimits('root.mail', { by: 'ops-erin' });
    expect(reset).toMatchObject({ capacity: null, throttle: null, sequential: null, limitsBy: 'ops-erin' });
    await waitFor('the configured capacity on A', () => runnerA.channels.get('root.mail')!.capacity === 2);
    gate.releaseAll();
  });

  it('a throttle set at run time spaces the starts of a channel', async () => {
    await b.get(JobService).setChannelLimits('root.report', { throttle: 1 });
    await waitFor('the throttle on A and B', () => [a, b].every((app) => app.get(JobRunner).channels.get('root.report')!.throttle === 1));
    const mail = a.get(MailService);
    const uuids: string[] = [];
    for (const name of ['r1', 'r2', 'r3']) uuids.push(((await mail.report(name)) as unknown as Job).uuid);
    await waitFor('all three reports to be done', async () => (await countJobs(db, "uuid = ANY($1) AND state = 'done'", [uuids])) === 3, 5_000);
    const { rows } = await db.pool.query<{ date_started: Date }>('SELECT date_started FROM queue_job WHERE uuid = ANY($1) ORDER BY date_started', [uuids]);
    const gaps = rows.slice(1).map((row, i) => row.date_started.getTime() - rows[i]!.date_started.getTime());
    expect(gaps).toHaveLength(2);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(950);
    await a.get(JobService).resetChannelLimits('root.report');
  });

  it('refuses bad names and limits with what to do, and changes nothing', async () => {
    const jobs = a.get(JobService);
    const refused: Array<[() => Promise<unknown>, string]> = [
      [() => jobs.pauseChannel('root..mail'), 'Channel name "root..mail" is not a channel name'],
      [() => jobs.setChannelLimits('root.mail', { capacity: -1 }), 'capacity -1 is not a whole number from 0 (unlimited) to 10000'],
      [() => jobs.setChannelLimits('root.mail', { capacity: 1.5 }), 'capacity 1.5 is not a whole number'],
      [() => jobs.setChannelLimits('root.mail', { capacity: '4' as unknown as number }), 'capacity "4" is not a whole number'],
      [() => jobs.setChannelLimits('root.mail', { throttle: Number.NaN }), 'throttle null is not a number of seconds >= 0'],
      [() => jobs.setChannelLimits('root.mail', { sequential: true }), 'sequential needs capacity 1, and the capacity would be 2'],
      [() => jobs.setChannelLimits('root.mail', {}), 'give at least one of capacity, throttle, sequential'],
      [() => jobs.setChannelLimits('root.mail', { capacty: 3 } as never), 'unknown limit "capacty"'],
    ];
    for (const [act, message] of refused) {
      const error = await act().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidChannelSettingError);
      expect((error as Error).message).toContain(message);
    }
    const { rows } = await db.pool.query("SELECT action FROM queue_job_channel_audit WHERE done_at > now() - interval '1 second' AND action NOT IN ('resume', 'resetLimits')");
    expect(rows).toEqual([]);
    const { rows: settings } = await db.pool.query('SELECT capacity, throttle, sequential FROM queue_job_channel_setting');
    expect(settings.filter((s: Record<string, unknown>) => s.capacity !== null || s.throttle !== null || s.sequential !== null)).toEqual([]);
  });
});
