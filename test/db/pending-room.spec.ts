import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { COUNT_PENDING_SQL, LOCK_PENDING_ROOM_SQL } from '../../lib/store/sql/pending-room.sql.js';
import { INSERT_JOBS_SQL, insertJobsParams } from '../../lib/store/sql/insert-jobs.sql.js';
import { useMigratedDatabase } from '../support/migrated-database.js';

/** The count behind maxPending: bounded, and read from a partial index of pending jobs even when the channel is rare. */
describe('COUNT_PENDING_SQL', () => {
  const db = useMigratedDatabase();

  /** `n` pending jobs of `channel`, copied from one inserted row. */
  async function pendingJobs(channel: string, n: number): Promise<void> {
    const uuid = randomUUID();
    await db().pool.query(INSERT_JOBS_SQL, insertJobsParams([{
      uuid, graphUuid: null, name: 'Send', jobFunction: '<Mail>.send', serviceName: 'Mail', methodName: 'send', funcString: 'Mail.send()',
      args: '[]', records: '[]', dependencies: null, state: 'pending', priority: 10, eta: null, maxRetries: 5, channel,
      identityKey: null, context: null, userId: null, traceContext: null, timeout: null,
    }]));
    await db().pool.query(`
      INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, func_string, args, records, dependencies, state, priority, max_retries, channel)
      SELECT gen_random_uuid(), name, job_function, service_name, method_name, func_string, args, records, dependencies, state, priority, max_retries, channel
      FROM queue_job CROSS JOIN generate_series(2, $2) WHERE uuid = $1`, [uuid, n]);
  }

  it('counts a channel up to its bound, through an index of pending jobs, and puts lock_timeout back', async () => {
    await pendingJobs('root', 30_000);
    await pendingJobs('root.mail', 2_000);
    await db().pool.query('VACUUM ANALYZE queue_job');
    const client = await db().pool.connect();
    try {
      await client.query('BEGIN');
      const { rows: [counted] } = await client.query(COUNT_PENDING_SQL, ['root.mail', 1001, '1234ms']);
      expect(counted.pending).toBe(1001);
      expect((await client.query(COUNT_PENDING_SQL, ['root.sale', 11, '1234ms'])).rows[0].pending).toBe(0);
      expect((await client.query('SHOW lock_timeout')).rows[0].lock_timeout).toBe('1234ms');
      const { rows: [{ 'QUERY PLAN': plan }] } = await client.query(`EXPLAIN (FORMAT JSON) ${COUNT_PENDING_SQL}`, ['root.mail', 1001, '0']);
      const text = JSON.stringify(plan);
      expect(text).not.toContain('Seq Scan');
      expect(text).toMatch(/"Index Name":"queue_job_(live_)?pending(_function)?_idx"/);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });

  it('LOCK_PENDING_ROOM_SQL holds each channel until the transaction ends, bounded for idleness only in a transaction of its own', async () => {
    const [holder, other] = [await db().pool.connect(), await db().pool.connect()];
    const idle = async () => (await holder.query('SHOW idle_in_transaction_session_timeout')).rows[0].idle_in_transaction_session_timeout;
    const tryLock = async (channel: string) =>
      (await other.query(`SELECT pg_try_advisory_lock(hashtextextended('queue_job.max_pending:' || $1::text, 0)) AS got`, [channel])).rows[0].got;
    try {
      await holder.query('BEGIN');
      const { rows: [locked] } = await holder.query(LOCK_PENDING_ROOM_SQL, [['root.sale', 'root.mail'], '2500', null]);
      expect(locked).toMatchObject({ previous: '0', locked: '2' });
      expect(await idle()).toBe('0');
      expect(await tryLock('root.mail')).toBe(false);
      expect(await tryLock('root.sale')).toBe(false);
      expect(await tryLock('root.other')).toBe(true);
      await holder.query('COMMIT');
      expect(await tryLock('root.mail')).toBe(true);
      await other.query('SELECT pg_advisory_unlock_all()');

      await holder.query('BEGIN');
      await holder.query(LOCK_PENDING_ROOM_SQL, [['root.mail'], '2500', '2500']);
      expect(await idle()).toBe('2500ms');
      expect((await holder.query('SHOW lock_timeout')).rows[0].lock_timeout).toBe('2500ms');
      await holder.query('ROLLBACK');
    } finally {
      holder.release();
      other.release();
    }
  });
});
