import type { DataSource } from 'typeorm';
import type { QueueJobHooks } from '../hooks/queue-job-hooks.js';
import type { JobState } from '../store/job-state.js';
import type { InsertedJob, JobStore } from '../store/job-store.js';
import { reservePendingRoom } from '../store/pending-room.js';
import { bulkChunks } from './bulk-chunks.js';
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
  return stored.map((s, i) => {
    const o = jobs[i]?.options;
    return new Job(s.uuid, jobs[i].fn.name, o.channel, o.priority, o.eta, s.state as JobState, s.created, (id) => store.findByUuid(id));
  });
}

/**
 * A large bulk call, in one transaction of its own: chunks of calls (`bulkChunks`), each prepared
 * (arguments serialized, hooks run) while the previous one is being inserted, so that the process
 * and the database work at the same time. A bad argument in any chunk rolls back those already
 * inserted: nothing is stored, as with one statement. With `limits`, their room is reserved first.
 * Returns what the handles need of each job (not its arguments and row) and what was stored.
 */
export async function insertInChunks<A>(
  dataSource: DataSource, store: JobStore, argsList: readonly A[], prepare: (args: A) => PreparedJob, limits: readonly PendingLimit[],
): Promise<{ jobs: JobOfHandle[]; stored: InsertedJob[] }> {
  // Let go of each chunk's arguments and rows once it is inserted.
  const jobs: JobOfHandle[] = [];
  const stored = await dataSource.transaction(async (manager) => {
    if (limits.length > 0) await reservePendingRoom(store, limits, manager, true);
    const inserts: Array<Promise<InsertedJob[]>> = [];
    try {
      for (const [start, end] of bulkChunks(argsList.length)) {
        const chunk = argsList.slice(start, end).map(prepare);
        // One handle record for the jobs that share their options (see sharedJobOptions), not one each.
        for (const { fn, options } of chunk) jobs.push(jobs.at(-1)?.options === options ? jobs.at(-1)! : { fn, options });
        const { sent, inserted } = store.startInsert(chunk.map((job) => job.row), manager);
        inserted.catch(() => undefined); // awaited below; not an unhandled rejection while the next chunk is prepared
        inserts.push(inserted);
        // The next chunk is prepared once this one's rows are on their way (a COPY waits for the
        // database's go-ahead), and the previous one's answer is in: the database never waits for the process.
        await sent;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      // The transaction ends only once every statement sent has answered.
      await Promise.allSettled(inserts);
    }
    return (await Promise.all(inserts)).flat();
  });
  return { jobs, stored };
}
