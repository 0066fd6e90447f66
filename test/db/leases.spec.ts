import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { rescueDeadJobs } from '../../lib/store/rescue-dead-jobs.js';
import { LOCK_WORKER_SQL, RENEW_LEASES_SQL } from '../../lib/store/sql/leases.sql.js';
import { useMigratedDatabase } from '../support/migrated-database.js';

describe('leases: per-job renewal and the rescue of expired ones', () => {
  const database = useMigratedDatabase();

  /** An enqueued job held by `worker`, its lease expiring `expiresIn` seconds from now. */
  async function heldJob(worker: string, fields: { expiresIn: number; retry?: number; maxRetries?: number; jobFunction?: string }) {
    const token = randomUUID();
    const { rows } = await database().pool.query<{ id: string; uuid: string }>(
      `INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, state, channel, worker_id, lease_token, lease_expires_at, retry, max_retries)
       VALUES (gen_random_uuid(), 'job', $1, 'S', 'm', 'enqueued', 'root', $2, $3, now() + $4 * interval '1 second', $5, $6) RETURNING id::text, uuid`,
      [fields.jobFunction ?? '<S>.m', worker, token, fields.expiresIn, fields.retry ?? 1, fields.maxRetries ?? 5]);
    return { ...rows[0]!, token };
  }

  const row = async (uuid: string) => (await database().pool.query('SELECT * FROM queue_job WHERE uuid = $1', [uuid])).rows[0];

  it('renews each lease by its own length, only under its token', async () => {
    const long = await heldJob('w', { expiresIn: 1 });
    const short = await heldJob('w', { expiresIn: 1 });
    const stolen = await heldJob('w', { expiresIn: 1 });
    await database().pool.query(RENEW_LEASES_SQL, [[long.id, short.id, stolen.id], [long.token, short.token, randomUUID()], [60, 5, 60]]);
    const { rows } = await database().pool.query<{ id: string; left: number }>(
      `SELECT id::text, extract(epoch FROM lease_expires_at - now())::float8 AS left FROM queue_job ORDER BY id`);
    expect(rows.map((r) => Math.round(r.left))).toEqual([60, 5, 1]);
  });

  it('tells which of the jobs renewed were cancelled meanwhile (a cancel whose NOTIFY the worker missed)', async () => {
    const running = await heldJob('w', { expiresIn: 30 });
    const cancelled = await heldJob('w', { expiresIn: 30 });
    await database().pool.query(`UPDATE queue_job SET state = 'cancelled', lease_token = NULL, lease_expires_at = NULL WHERE uuid = $1`, [cancelled.uuid]);
    const { rows } = await database().pool.query(RENEW_LEASES_SQL, [[running.id, cancelled.id], [running.token, cancelled.token], [60, 60]]);
    expect(rows).toEqual([{ uuid: cancelled.uuid }]);
    expect(await row(cancelled.uuid)).toMatchObject({ state: 'cancelled', lease_token: null, lease_expires_at: null });
  });

  it('an expired lease of a worker still holding its lock is JobLeaseLost, naming the lease; of a lockless one, JobFoundDead', async () => {
    // 'alive' holds its lock on a connection of its own, as a runner's LISTEN connection does.
    const lockHolder = new pg.Client({ connectionString: database().url });
    await lockHolder.connect();
    await lockHolder.query(LOCK_WORKER_SQL, ['alive']);
    try {
      const lastAttempt = await heldJob('alive', { expiresIn: -1, retry: 2, maxRetries: 2, jobFunction: '<S>.cpu' });
      const requeued = await heldJob('alive', { expiresIn: -1 });
      const lockless = await heldJob('gone', { expiresIn: -1, retry: 2, maxRetries: 2 });
      const declaredDead = await heldJob('dead', { expiresIn: 60 });
      const healthy = await heldJob('alive', { expiresIn: 60 });
      const client = await database().pool.connect();
      const rescued = await rescueDeadJobs(client, 'me', () => ['dead'], { byFunction: { '<S>.cpu': 10 }, default: 30 }, 5_000).finally(() => client.release());

      expect(rescued.map((r) => [r.uuid, r.state, r.worker_alive]).sort()).toEqual([
        [lastAttempt.uuid, 'failed', true], [requeued.uuid, 'pending', true], [lockless.uuid, 'failed', false], [declaredDead.uuid, 'pending', false],
      ].sort());
      expect(await row(lastAttempt.uuid)).toMatchObject({
        state: 'failed', exc_name: 'JobLeaseLost', lease_token: null,
        exc_message: 'Lease lost: its lease of 10 s expired while its worker alive was alive but unresponsive (event loop blocked or process paused), '
          + 'during attempt 2 of 2; set leaseSeconds on the job function for CPU-bound jobs',
      });
      expect(await row(requeued.uuid)).toMatchObject({
        state: 'pending', exc_name: 'JobLeaseLost',
        result: 'Requeued (JobLeaseLost): its lease of 30 s expired while its worker alive was alive but unresponsive (event loop blocked or process paused), during attempt 1',
      });
      expect(await row(lockless.uuid)).toMatchObject({ state: 'failed', exc_name: 'JobFoundDead', exc_message: 'Job found dead: its executor gone stopped during attempt 2 of 2' });
      expect(await row(declaredDead.uuid)).toMatchObject({ state: 'pending', exc_name: null, result: 'Requeued: its executor dead stopped during attempt 1' });
      expect(await row(healthy.uuid)).toMatchObject({ state: 'enqueued', lease_token: healthy.token });
    } finally {
      await lockHolder.end();
    }
  });
});
