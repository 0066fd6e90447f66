import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { JobService } from '../../lib/enqueue/job.service.js';
import { JobRunner } from '../../lib/runner/job-runner.js';
import { ExecutionLog, ShopService } from '../fixtures/shop.service.js';
import { countJobs } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

describe('priority order in a capacity-1 channel', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  const log = new ExecutionLog();

  beforeAll(async () => {
    db = await createTestDatabase();
    // Runner off: every job is stored before the first one may start.
    app = await createTestApp({ url: db.url, channels: 'root:1', runner: false, providers: [ShopService, { provide: ExecutionLog, useValue: log }] });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('runs by priority (lower first), then by creation', async () => {
    const jobs = app.get(JobService);
    const shop = app.get(ShopService);
    const plan: Array<[string, number]> = [
      ['p10-a', 10], ['p5-a', 5], ['p10-b', 10], ['p1', 1], ['p5-b', 5], ['p10-c', 10], ['p-3', -3], ['p5-c', 5],
    ];
    for (const [tag, priority] of plan) await jobs.withDelay(shop, { priority }).confirm(0, tag);
    expect(await countJobs(db, `state = 'pending'`)).toBe(plan.length);
    expect(log.calls).toHaveLength(0);

    await app.get(JobRunner).start();
    await waitFor('all done', async () => (await countJobs(db, `state = 'done'`)) === plan.length);

    expect(log.callsOf('confirm').map((c) => c.args[1])).toEqual(['p-3', 'p1', 'p5-a', 'p5-b', 'p5-c', 'p10-a', 'p10-b', 'p10-c']);
  });
});
