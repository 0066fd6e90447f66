import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Delayable } from '../../lib/decorators/delayable.decorator.js';
import type { Job } from '../../lib/enqueue/job.js';
import { JobService } from '../../lib/enqueue/job.service.js';
import { JobRunner } from '../../lib/runner/job-runner.js';
import { countJobs } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

/** When each job started (ms), whichever instance ran it: both run in this process. */
const starts = new Map<string, number[]>();

@Injectable()
class Notifier {
  @Delayable({ channel: 'root.sms' })
  async sms(batch: string): Promise<void> {
    starts.set(batch, [...(starts.get(batch) ?? []), Date.now()]);
  }

  @Delayable({ channel: 'root.push.eu' })
  async push(batch: string): Promise<void> {
    starts.set(batch, [...(starts.get(batch) ?? []), Date.now()]);
  }
}

/** The fewest milliseconds between a start and the N-th start after it: >= the window when at most N start in any window. */
function tightestWindow(times: number[], count: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let tightest = Number.POSITIVE_INFINITY;
  for (let i = 0; i + count < sorted.length; i++) tightest = Math.min(tightest, sorted[i + count]! - sorted[i]!);
  return tightest;
}

describe('rate=N/S: at most N starts per S seconds, across instances', () => {
  let db: TestDatabase;
  let a: INestApplicationContext;
  let b: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    const start = () => createTestApp({ url: db.url, channels: 'root:8,root.sms:4:rate=3/2,root.push:4', runner: { pollInterval: 60_000 }, providers: [Notifier] });
    a = await start();
    b = await start();
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await db?.drop();
  });

  async function runBatch(app: INestApplicationContext, method: 'sms' | 'push', batch: string, count: number): Promise<number[]> {
    const jobs = await app.get(JobService).enqueueMany(app.get(Notifier), method, Array.from({ length: count }, () => [batch] as [string]));
    await waitFor(`the ${batch} jobs to be done`, async () => (await countJobs(db, "uuid = ANY($1) AND state = 'done'", [jobs.map((j: Job) => j.uuid)])) === count, 15_000);
    return starts.get(batch)!;
  }

  it('9 jobs of a channel with rate=3/2 on two instances: never more than 3 in 2 s, all done in about 4 s', async () => {
    const times = await runBatch(a, 'sms', 'sms-9', 9);
    expect(times).toHaveLength(9);
    // Start times are taken in the job, a few ms after the claim that counted them.
    expect(tightestWindow(times, 3)).toBeGreaterThanOrEqual(2_000 - 50);
    const spread = Math.max(...times) - Math.min(...times);
    expect(spread).toBeGreaterThanOrEqual(4_000 - 50);
    expect(spread).toBeLessThan(6_000);
    expect(new Set([...times].map((t) => Math.floor((t - Math.min(...times) + 100) / 2_000))).size).toBe(3);
  });

  it('set at run time (a sub-channel follows its parent), and removed with rate none', async () => {
    await b.get(JobService).setChannelLimits('root.push', { rate: '2/1' });
    await waitFor('the rate on both instances', () => [a, b].every((app) => app.get(JobRunner).channels.get('root.push')!.rate?.count === 2));
    const limited = await runBatch(a, 'push', 'push-limited', 6);
    expect(tightestWindow(limited, 2)).toBeGreaterThanOrEqual(1_000 - 50);

    await a.get(JobService).setChannelLimits('root.push', { rate: 'none' });
    await waitFor('no rate on both instances', () => [a, b].every((app) => app.get(JobRunner).channels.get('root.push')!.rate === undefined));
    const free = await runBatch(b, 'push', 'push-free', 6);
    expect(Math.max(...free) - Math.min(...free)).toBeLessThan(1_000);
  });

  it('refuses a bad rate with what to write', async () => {
    await expect(a.get(JobService).setChannelLimits('root.sms', { rate: '3 per minute' })).rejects.toThrow(
      'Cannot set the limits of channel root.sms: rate "3 per minute" is not N/S (at most N starts, 1 to 100000, per S seconds, e.g. \'100/60\') nor \'none\'.',
    );
  });
});
