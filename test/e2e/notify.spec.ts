import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import type { Job } from '../../lib/enqueue/job.js';
import { JobService } from '../../lib/enqueue/job.service.js';
import { ExecutionLog, ShopService } from '../fixtures/shop.service.js';
import { secondsBetween, waitForRow } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { sleep } from '../support/wait-for.js';

/** Far beyond the test: only a NOTIFY can wake the runner in time. */
const POLL_MS = 60_000;

describe('LISTEN/NOTIFY wake-up', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let enqueuer: INestApplicationContext;
  const log = new ExecutionLog();

  beforeAll(async () => {
    db = await createTestDatabase();
    const providers = [ShopService, { provide: ExecutionLog, useValue: log }];
    app = await createTestApp({ url: db.url, channels: 'root:2', runner: { pollInterval: POLL_MS }, providers });
    enqueuer = await createTestApp({ url: db.url, runner: false, providers });
  });
  afterAll(async () => {
    await enqueuer?.close();
    await app?.close();
    await db?.drop();
  });

  it.each([
    ['the same instance', () => app],
    ['another instance (runner off)', () => enqueuer],
    ['a transaction that commits', () => enqueuer],
  ])('an idle runner starts a job enqueued by %s within a second', async (how, from) => {
    await sleep(300); // idle: the start-up cycle and the previous test's cycles are over
    const source = from();
    const started = Date.now();
    const job = how.startsWith('a transaction')
      ? await source.get(JobService).transaction(async () => {
        const enqueued = (await source.get(ShopService).confirm(1, how)) as Job;
        await sleep(200); // nothing may run before the commit
        return enqueued;
      })
      : ((await source.get(ShopService).confirm(1, how)) as Job);
    const row = await waitForRow(db, job.uuid, undefined, 1_500);
    expect(row.state).toBe('done');
    expect(Date.now() - started).toBeLessThan(1_000 + (how.startsWith('a transaction') ? 200 : 0));
    expect(secondsBetween(row.date_created, row.date_started!)).toBeLessThan(1);
  });

  it('an idle runner starts jobs stored by a bulk COPY (150 calls from another instance) within a second', async () => {
    await sleep(300);
    const calls = Array.from({ length: 150 }, (_, i): [number, string] => [3000 + i, 'bulk copy']);
    const started = Date.now();
    const created = await enqueuer.get(JobService).enqueueMany(enqueuer.get(ShopService), 'confirm', calls);
    const row = await waitForRow(db, created[0]!.uuid, undefined, 1_500);
    expect(row.state).toBe('done');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(row.args).toEqual([3000, 'bulk copy']);
  });
});
