import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { JobService } from '../../lib/enqueue/job.service.js';
import type { Job } from '../../lib/enqueue/job.js';
import { ProgressJobs, ProgressProbe } from '../fixtures/progress-jobs.service.js';
import { printFigures } from '../faults/support/figures.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { sleep, waitFor } from '../support/wait-for.js';

// Issue 19, item 4, across instances: what one instance's job reports, another instance's findJob() sees.
describe('job progress across two instances', () => {
  const probe = new ProgressProbe();
  let db: TestDatabase;
  let worker: INestApplicationContext;
  let viewer: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    worker = await createTestApp({ url: db.url, channels: 'root:2', providers: [ProgressJobs, { provide: ProgressProbe, useValue: probe }] });
    // No runner: it only reads, as an admin or API instance of a fleet does.
    viewer = await createTestApp({ url: db.url, channels: 'root:2', runner: false, providers: [ProgressJobs, { provide: ProgressProbe, useValue: probe }] });
  });
  afterAll(async () => {
    probe.open('fleet:1');
    probe.open('fleet:2');
    await viewer?.close();
    await worker?.close();
    await db?.drop();
  });

  /** Milliseconds from now until the viewer's findJob() shows `progress`. */
  async function seenAfter(uuid: string, progress: number, report: () => void): Promise<number> {
    const jobs = viewer.get(JobService);
    const start = Date.now();
    report();
    await waitFor(`progress ${progress} seen by the other instance`, async () => (await jobs.findJob(uuid))?.progress === progress, 5_000, 5);
    return Date.now() - start;
  }

  it('a report made after a quiet second is seen by the other instance within half a second (coalesced ones: within a second more)', async () => {
    const job = (await viewer.get(ProgressJobs).reportsTwice('fleet', [0.25, 'first quarter'], [0.5, 'half'])) as unknown as Job;
    // Enqueued by the viewer, run by the worker: the first report is written as the job starts.
    const first = await waitFor('the first report', async () => (await viewer.get(JobService).findJob(job.uuid))?.progress === 0.25, 10_000);
    expect(first).toBe(true);
    // A second later, the next report is written in the next turn of the worker's event loop.
    await sleep(1_100);
    const afterQuiet = await seenAfter(job.uuid, 0.5, () => probe.open('fleet:1'));
    expect(afterQuiet).toBeLessThan(500);
    expect((await viewer.get(JobService).findJob(job.uuid))?.progressMessage).toBe('half');
    printFigures('progress across two instances (report on the worker -> findJob() on the viewer)', {
      'a report after a quiet second, seen after (ms)': afterQuiet,
    });
    probe.open('fleet:2');
  });
});
