import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import type { Job } from '../../lib/enqueue/job.js';
import { HostileService } from '../fixtures/hostile.service.js';
import { inState, waitForRow } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe("a lost connection inside a job's own transaction", () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let hostile: HostileService;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ url: db.url, channels: 'root:4', providers: [HostileService] });
    hostile = app.get(HostileService);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('cut while the job works (57P01) or before its commit: retried like a concurrency error, the original error kept, done on the next attempt', async () => {
    const inside = (await hostile.cutInsideTransaction()) as unknown as Job;
    const beforeCommit = (await hostile.cutBeforeCommit()) as unknown as Job;

    for (const job of [inside, beforeCommit]) {
      const retried = await waitForRow(db, job.uuid, (row) => row.retry === 1 && row.state !== 'enqueued' && row.state !== 'started');
      expect(retried.state).toBe('pending');
      expect(retried.exc_info).toMatch(/terminating connection due to administrator command|Connection terminated|QueryRunnerAlreadyReleased|connection/i);
      // Retried after the concurrency delay (5 s), not at once and not after the retry pattern's 10 minutes.
      const delay = (retried.eta!.getTime() - retried.date_started!.getTime()) / 1000;
      expect(delay).toBeGreaterThanOrEqual(4.5);
      expect(delay).toBeLessThan(6.5);
    }
    const done = await Promise.all([inside, beforeCommit].map((job) => waitForRow(db, job.uuid, inState('done', 'failed'), 20_000)));
    expect(done.map((row) => [row.state, row.retry, row.result])).toEqual([
      ['done', 2, 'done after the cut'],
      ['done', 2, 'committed on retry'],
    ]);
  });
});
