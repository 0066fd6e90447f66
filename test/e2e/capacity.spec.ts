import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { JobService } from '../../lib/enqueue/job.service.js';
import { JobRunner } from '../../lib/runner/job-runner.js';
import { ExecutionLog, ShopService } from '../fixtures/shop.service.js';
import { allJobRows, countJobs } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

const CHANNELS = 'root:4,root.sale:2';
const HOLD_MS = 100;

describe('channel capacities with two app instances on one database', () => {
  let db: TestDatabase;
  let apps: INestApplicationContext[] = [];
  // Shared: the counters see the jobs of both instances together.
  const log = new ExecutionLog();

  beforeAll(async () => {
    db = await createTestDatabase();
    // Each instance may run 3 jobs: together 6, more than root:4, so only global accounting keeps the limits
    // (and neither instance can take the whole capacity alone, so both must work).
    const start = () => createTestApp({
      url: db.url, channels: CHANNELS, runner: { concurrency: 3 }, providers: [ShopService, { provide: ExecutionLog, useValue: log }],
    });
    apps = [await start(), await start()];
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await db?.drop();
  });

  it('never runs more than root:4 / root.sale:2 at once, uses both instances, and runs every job exactly once', async () => {
    const [a, b] = apps as [INestApplicationContext, INestApplicationContext];
    expect(a.get(JobRunner).workerId).not.toBe(b.get(JobRunner).workerId);
    const tags: string[] = [];
    // Enqueued through both instances, interleaving the channels.
    for (let i = 0; i < 40; i++) {
      const app = i % 2 === 0 ? a : b;
      const jobs = app.get(JobService);
      const shop = app.get(ShopService);
      const tag = `cap-${i}`;
      tags.push(tag);
      if (i % 3 === 0) await jobs.withDelay(shop).hold('root', HOLD_MS, tag);
      else await jobs.withDelay(shop, { channel: 'root.sale' }).hold('root.sale', HOLD_MS, tag);
    }

    await waitFor('all 40 jobs done', async () => (await countJobs(db, `state = 'done'`)) === 40, 30_000);

    expect(log.maxRunning.get('*')).toBeLessThanOrEqual(4);
    expect(log.maxRunning.get('root.sale')).toBeLessThanOrEqual(2);
    // The capacities were actually used (the limits above are not met by running one at a time).
    expect(log.maxRunning.get('*')).toBe(4);
    expect(log.maxRunning.get('root.sale')).toBe(2);

    const rows = await allJobRows(db);
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((r) => r.worker_id)).size).toBe(2);
    expect(rows.every((r) => r.retry === 1)).toBe(true);
    const runs = new Map<string, number>();
    for (const call of log.callsOf('hold')) runs.set(call.args[2] as string, (runs.get(call.args[2] as string) ?? 0) + 1);
    for (const tag of tags) expect([tag, runs.get(tag)]).toEqual([tag, 1]);
    expect(runs.size).toBe(40);
  });

  it('leaves nothing enqueued or started in either instance', async () => {
    await waitFor('runners idle', () => apps.every((app) => app.get(JobRunner).runningCount === 0));
    expect(await countJobs(db, `state IN ('enqueued', 'started')`)).toBe(0);
  });
});
