import { RECORDS_LOCK_KEY } from '../queue-job.constants.js';
import type { JobStore } from '../store/job-store.js';
import {
  DELETE_UNDECLARED_CHANNELS_SQL, DELETE_UNDECLARED_JOB_FUNCTIONS_SQL, UPDATE_ROOT_SQL, UPSERT_CHANNEL_SQL,
  UPSERT_JOB_FUNCTIONS_SQL,
} from '../store/sql/records.sql.js';
import type { DesiredRecords } from './desired-records.js';

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/**
 * Makes `queue_job_channel` and `queue_job_function` match what the running app declares, in one
 * transaction under a lock (instances starting together take turns): records are created or
 * updated with their declarers, and those no module declares any more are deleted (root stays).
 */
export async function syncRecords(store: JobStore, desired: DesiredRecords): Promise<void> {
  await store.withClient(async (client) => {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [RECORDS_LOCK_KEY]);
      const root = desired.channels.find((c) => c.completeName === 'root');
      await client.query(UPDATE_ROOT_SQL, [root?.removalInterval ?? 30, JSON.stringify(root?.declaredBy ?? [])]);
      for (const c of desired.channels) {
        if (c.completeName === 'root') continue;
        await client.query(UPSERT_CHANNEL_SQL, [c.name, c.completeName, c.parent, c.removalInterval, JSON.stringify(c.declaredBy)]);
      }
      await client.query(DELETE_UNDECLARED_CHANNELS_SQL, [desired.channels.map((c) => c.completeName)]);
      const fns = desired.jobFunctions;
      await client.query(UPSERT_JOB_FUNCTIONS_SQL, [
        fns.map((f) => f.name), fns.map((f) => f.channel), fns.map((f) => json(f.retryPattern)),
        fns.map((f) => json(f.relatedAction)), fns.map((f) => JSON.stringify(f.declaredBy)),
      ]);
      await client.query(DELETE_UNDECLARED_JOB_FUNCTIONS_SQL, [fns.map((f) => f.name)]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}
