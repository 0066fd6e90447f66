import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { writeJobProgress } from '../../lib/store/job-progress.js';
import { rescueDeadJobs } from '../../lib/store/rescue-dead-jobs.js';
import { MANUAL_ACTION_SQL } from '../../lib/store/sql/manual-actions.sql.js';
import { useMigratedDatabase } from '../support/migrated-database.js';

// Issue 19, item 4: where a job's progress is written, and where it is cleared.
describe('progress columns: fenced writes, cleared when a job goes back to pending', () => {
  const database = useMigratedDatabase();

  /** A job in `state` held by worker 'gone' (no lock: dead) under a lease expired or not, with a progress reported. */
  async function reportedJob(state: string, fields: { expired?: boolean; retry?: number; maxRetries?: number } = {}) {
    const token = randomUUID();
    const { rows } = await database().pool.query<{ id: string; uuid: string }>(
      `INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, state, channel, worker_id, lease_token, lease_expires_at,
                              retry, max_retries, progress, progress_message)
       VALUES (gen_random_uuid(), 'job', '<S>.m', 'S', 'm', $1, 'root', 'gone', $2, now() + $3 * interval '1 second', $4, $5, 0.5, 'half')
       RETURNING id::text, uuid`,
      [state, token, fields.expired ? -1 : 60, fields.retry ?? 1, fields.maxRetries ?? 5]);
    return { ...rows[0]!, token };
  }

  const progressOf = async (uuid: string) =>
    (await database().pool.query('SELECT state, progress, progress_message FROM queue_job WHERE uuid = $1', [uuid])).rows[0];

  it('a write lands only under the attempt\'s lease token, while the job runs', async () => {
    const running = await reportedJob('started');
    const ended = await reportedJob('done');
    expect(await writeJobProgress(database().pool, running.id, running.token, { progress: 0.75, message: 'three quarters' })).toBe(true);
    expect(await writeJobProgress(database().pool, running.id, randomUUID(), { progress: 0.1, message: 'another attempt' })).toBe(false);
    expect(await writeJobProgress(database().pool, ended.id, ended.token, { progress: 0.9, message: 'late' })).toBe(false);
    expect(await progressOf(running.uuid)).toEqual({ state: 'started', progress: 0.75, progress_message: 'three quarters' });
    expect(await progressOf(ended.uuid)).toEqual({ state: 'done', progress: 0.5, progress_message: 'half' });
  });

  it('the rescue clears the progress of a job it requeues, and keeps that of a job it fails', async () => {
    const requeued = await reportedJob('started', { expired: true });
    const failed = await reportedJob('started', { expired: true, retry: 2, maxRetries: 2 });
    const client = await database().pool.connect();
    await rescueDeadJobs(client, 'me', () => [], { byFunction: {}, default: 30 }, 5_000).finally(() => client.release());
    expect(await progressOf(requeued.uuid)).toEqual({ state: 'pending', progress: null, progress_message: null });
    expect(await progressOf(failed.uuid)).toEqual({ state: 'failed', progress: 0.5, progress_message: 'half' });
  });

  it('a manual requeue clears it; set done and cancel keep it', async () => {
    const requeued = await reportedJob('failed');
    const setDone = await reportedJob('failed');
    const cancelled = await reportedJob('failed');
    await database().pool.query(MANUAL_ACTION_SQL.requeue, [[requeued.uuid], 'by test']);
    await database().pool.query(MANUAL_ACTION_SQL.setDone, [[setDone.uuid], 'by test']);
    await database().pool.query(MANUAL_ACTION_SQL.cancel, [[cancelled.uuid], 'by test']);
    expect(await progressOf(requeued.uuid)).toEqual({ state: 'pending', progress: null, progress_message: null });
    expect(await progressOf(setDone.uuid)).toMatchObject({ state: 'done', progress: 0.5 });
    expect(await progressOf(cancelled.uuid)).toMatchObject({ state: 'cancelled', progress: 0.5 });
  });
});
