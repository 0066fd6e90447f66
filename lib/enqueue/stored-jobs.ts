import type { QueueJobHooks } from '../hooks/queue-job-hooks.js';
import type { JobState } from '../store/job-state.js';
import { NewlyInserted, type InsertedJob, type JobStore } from '../store/job-store.js';
import { inCopyTransaction } from '../store/copy-transaction.js';
import { reservePendingRoom } from '../store/pending-room.js';
import { STREAM_BATCH } from './bulk-chunks.js';
import { Job } from './job.js';
import type { PendingLimit } from './pending-limits.js';
import type { PreparedJob } from './prepared-job.js';

/** What a stored job's handle and its `job.enqueued` event are made of. */
export type JobOfHandle = Pick<PreparedJob, 'fn' | 'options'>;

/** The `Job` handles of stored jobs, once the `job.enqueued` events of those newly created are emitted. */
export function jobHandles(jobs: readonly JobOfHandle[], stored: InsertedJob[], hooks: QueueJobHooks, store: JobStore): Job[] {
  const at = new Date();
  stored.forEach((s, i) => {
    if (!s.created || !jobs[i]) return;
    const o = jobs[i].options;
    hooks.emit({ name: 'job.enqueued', uuid: s.uuid, jobFunction: jobs[i].fn.name, channel: o.channel, retry: 0, maxRetries: o.maxRetries, at });
  });
  const find = (uuid: string) => store.findByUuid(uuid);
  return stored.map((s, i) => {
    const o = jobs[i]?.options;
    return new Job(s.uuid, jobs[i].fn.name, o.channel, o.priority, o.eta, s.state as JobState, s.created, find);
  });
}

/**
 * A large bulk call, in one transaction of its own, its rows streamed into a COPY (JobsCopyStream)
 * batch by batch as they are prepared (arguments serialized, hooks run): the database inserts a batch
 * while the process prepares the next. A batch with identity keys (an INSERT may skip those rows)
 * goes in an INSERT of its own, in its place. A bad argument in any batch cancels the COPY and rolls
 * back what was sent: nothing is stored, as with one statement. With `limits`, their room is
 * reserved first. Returns what the handles need of each job (not its arguments and row) and what was stored.
 */
export async function insertStreamed<A>(
  store: JobStore, argsList: readonly A[], prepare: (args: A) => PreparedJob, limits: readonly PendingLimit[],
): Promise<{ jobs: JobOfHandle[]; stored: InsertedJob[] }> {
  const jobs: JobOfHandle[] = [];
  const stored: InsertedJob[] = [];
  await inCopyTransaction(store, async (copy, manager) => {
    for (let start = 0; start < argsList.length; start += STREAM_BATCH) {
      const batch = argsList.slice(start, start + STREAM_BATCH).map(prepare);
      // One handle record for the jobs that share their options (see sharedJobOptions), not one each.
      for (const { fn, options } of batch) jobs.push(jobs.at(-1)?.options === options ? jobs.at(-1)! : { fn, options });
      const rows = batch.map((job) => job.row);
      if (rows.some((row) => row.identityKey !== null)) {
        await copy.end();
        stored.push(...(await store.insertJobs(rows, manager)));
      } else {
        for (const row of rows) stored.push(new NewlyInserted(row.uuid, row.state));
        await copy.write(rows);
      }
      // The socket takes the batch, and the database's messages are read, before the next batch is prepared.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }, limits.length > 0 ? (manager) => reservePendingRoom(store, limits, manager, true) : undefined);
  return { jobs, stored };
}
