import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { JobService } from '../../lib/enqueue/job.service.js';
import { IllegalJobTransitionError } from '../../lib/errors/illegal-job-transition.error.js';
import { ExecutionLog, ShopService } from '../fixtures/shop.service.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { countJobs } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { sleep } from '../support/wait-for.js';

describe('manual actions racing the runner', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  const logger = new CaptureLogger();

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ url: db.url, channels: 'root:8', logger, providers: [ShopService, { provide: ExecutionLog, useValue: new ExecutionLog() }] });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  // A claim cycle writes outcomes (row locks) before it takes the claim lock; set done and cancel take
  // the claim lock before the row locks. Acting on jobs just as they finish used to deadlock.
  it('set done / cancel on jobs as they finish: refused or applied, never a deadlock', async () => {
    const jobs = app.get(JobService);
    const stored = await jobs.enqueueMany(app.get(ShopService), 'hold', Array.from({ length: 300 }, (_, i) => ['root', 20, `r${i}`] as [string, number, string]));
    const uuids = stored.map((j) => j.uuid);
    const errors: string[] = [];
    const unfinished = () => countJobs(db, "state NOT IN ('done', 'cancelled', 'failed') AND uuid = ANY($1)", [uuids]);
    // Several actors, each on a few jobs that are running now (their outcomes are about to be written).
    const deadline = Date.now() + 15_000;
    const actor = async (n: number) => {
      for (let round = 0; Date.now() < deadline && (await unfinished()) > 0; round++) {
        const { rows } = await db.pool.query<{ uuid: string }>(
          "SELECT uuid FROM queue_job WHERE state IN ('enqueued', 'started') AND uuid = ANY($1) ORDER BY random() LIMIT 5", [uuids]);
        if (rows.length === 0) {
          await sleep(5);
          continue;
        }
        try {
          await ((n + round) % 2 ? jobs.cancel(rows.map((r) => r.uuid)) : jobs.setDone(rows.map((r) => r.uuid)));
        } catch (error) {
          if (!(error instanceof IllegalJobTransitionError)) errors.push(String(error));
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, (_, n) => actor(n)));
    expect(errors).toEqual([]);
    expect(logger.messages('error')).toEqual([]);
    expect(await unfinished()).toBe(0);
  });
});
