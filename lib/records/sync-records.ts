import { inBoundedTransaction } from '../store/bounded-transaction.js';
import { RECORDS_LOCK_KEY } from '../queue-job.constants.js';
import { announceWorker, type WorkerAnnouncement } from '../store/fleet.js';
import type { JobStore } from '../store/job-store.js';
import {
  DELETE_UNDECLARED_CHANNELS_SQL, DELETE_UNDECLARED_JOB_FUNCTIONS_SQL, UPDATE_ROOT_SQL, UPSERT_CHANNEL_SQL,
  UPSERT_JOB_FUNCTIONS_SQL,
} from '../store/sql/records.sql.js';
import type { DesiredRecords } from './desired-records.js';

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/**
 * Makes `queue_job_channel` and `queue_job_function` hold what the running app declares, in one
 * transaction under a lock (instances starting together take turns): the instance announces itself
 * (`queue_job_worker`), records are created or updated with their declarers (the last instance to
 * start sets a shared record's fields), and those that no worker declared within `graceSeconds` are
 * deleted (root stays): two apps on one database keep each other's records, and so does a version
 * that is down for a deploy.
 */
export async function syncRecords(store: JobStore, desired: DesiredRecords, self: WorkerAnnouncement, graceSeconds: number): Promise<void> {
  await store.withClient(async (client) => {
    // Instances starting together wait for this lock: bounded (bounded-transaction.ts).
    await inBoundedTransaction(client, store.lockTimeoutMs, async () => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [RECORDS_LOCK_KEY]);
      await announceWorker(client, self);
      const root = desired.channels.find((c) => c.completeName === 'root');
      await client.query(UPDATE_ROOT_SQL, [root?.removalInterval ?? 30, JSON.stringify(root?.declaredBy ?? [])]);
      for (const c of desired.channels) {
        if (c.completeName === 'root') continue;
        await client.query(UPSERT_CHANNEL_SQL, [c.name, c.completeName, c.parent, c.removalInterval, JSON.stringify(c.declaredBy)]);
      }
      await client.query(DELETE_UNDECLARED_CHANNELS_SQL, [graceSeconds]);
      const fns = desired.jobFunctions;
      await client.query(UPSERT_JOB_FUNCTIONS_SQL, [
        fns.map((f) => f.name), fns.map((f) => f.channel), fns.map((f) => json(f.retryPattern)),
        fns.map((f) => json(f.relatedAction)), fns.map((f) => JSON.stringify(f.declaredBy)),
      ]);
      await client.query(DELETE_UNDECLARED_JOB_FUNCTIONS_SQL, [graceSeconds]);
    });
  });
}
