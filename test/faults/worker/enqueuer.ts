import type { INestApplicationContext } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { JobService } from '../../../lib/index.js';
import { FaultJobs } from './fault-jobs.js';
import { envNumber } from './fault-worker.module.js';

/**
 * Enqueues FAULT_ENQUEUE_COUNT `sleep` jobs (tags `<prefix>-<n>`) in calls of FAULT_ENQUEUE_BATCH,
 * FAULT_ENQUEUE_PAUSE_MS apart (100 ms after a failure), whatever happens to the database: a call that throws is counted,
 * never retried, so the test knows exactly which jobs the app was told were stored.
 * Prints `PROGRESS <ok> <threw>` as it goes and `RESULT {"ok":[tags],"threw":[tags]}` at the end.
 */
export async function runEnqueuer(app: INestApplicationContext): Promise<void> {
  const jobs = app.get(JobService);
  const target = app.get(FaultJobs);
  const count = envNumber('FAULT_ENQUEUE_COUNT', 1000);
  const batch = envNumber('FAULT_ENQUEUE_BATCH', 10);
  const pauseMs = envNumber('FAULT_ENQUEUE_PAUSE_MS', 0);
  const jobMs = envNumber('FAULT_JOB_MS', 0);
  const prefix = process.env.FAULT_ENQUEUE_PREFIX ?? 'e';
  const ok: string[] = [];
  const threw: string[] = [];
  for (let start = 0; start < count; start += batch) {
    const tags = Array.from({ length: Math.min(batch, count - start) }, (_, i) => `${prefix}-${start + i}`);
    try {
      await jobs.enqueueMany(target, 'sleep', tags.map((tag) => [tag, jobMs, jobMs] as [string, number, number]));
      ok.push(...tags);
    } catch {
      threw.push(...tags);
      await sleep(100); // as a real caller would: not thousands of failed calls per second of outage
    }
    console.log(`PROGRESS ${ok.length} ${threw.length}`);
    if (pauseMs > 0) await sleep(pauseMs);
  }
  console.log(`RESULT ${JSON.stringify({ ok, threw })}`);
}
