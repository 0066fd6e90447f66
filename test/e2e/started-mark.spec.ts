import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import type { Job } from '../../lib/enqueue/job.js';
import { CANCEL_CHANNELS, CancelJobs, CancelLog } from '../fixtures/cancel-jobs.service.js';
import { inState, waitForRow } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

describe('running jobs are marked started', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  const log = new CancelLog();

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ url: db.url, channels: CANCEL_CHANNELS, providers: [CancelJobs, { provide: CancelLog, useValue: log }] });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  // The mark of a short job arms the flush; when it fires, that job is gone and the next one's mark not
  // due yet: the flush used to stop there, and the long job stayed `enqueued` for as long as it ran.
  it('a long job launched within 100 ms of a short one that ended: started ~100 ms later all the same', async () => {
    const jobs = app.get(CancelJobs);
    for (let round = 0; round < 5; round++) {
      const quick = (await jobs.quick(`quick${round}`)) as unknown as Job;
      const long = (await jobs.ignores(`long${round}`, 1_500)) as unknown as Job;
      await waitFor('the quick job ran', () => log.of(`quick${round}`, 'start')[0]);
      await waitForRow(db, quick.uuid, inState('done'));
      const start = await waitFor('the long job ran', () => log.of(`long${round}`, 'start')[0]);
      const marked = await waitForRow(db, long.uuid, inState('started', 'done'), 5_000);
      expect(marked.state).toBe('started');
      expect(Date.now() - start.at).toBeLessThan(1_000);
      await waitForRow(db, long.uuid, inState('done'));
    }
  });
});
