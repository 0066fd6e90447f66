import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { NotificationListener } from '../../lib/runner/notification-listener.js';
import { WORKER_LOCK_NAMESPACE } from '../../lib/store/sql/leases.sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { sleep, waitFor } from '../support/wait-for.js';

// The LISTEN connection holds the worker's lock. When it is lost, one new connection is opened (with
// backoff) and takes the lock again. A late 'end' of the lost connection, arriving while the new one
// waits for the lock, must not open a second one: that one would wait for the lock for ever, a
// session and a connection held for nothing.
describe('NotificationListener', () => {
  let db: TestDatabase;
  let blocker: PoolClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    blocker = await db.pool.connect();
  });
  afterAll(async () => {
    blocker?.release(true);
    await db?.drop();
  });

  /** This database's worker-lock sessions: granted or waiting. */
  const workerLocks = async () => (await db.pool.query<{ granted: boolean }>(
    `SELECT granted FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objsubid = 2
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY granted DESC`,
    [WORKER_LOCK_NAMESPACE])).rows.map((r) => r.granted);

  it("reconnects once when its connection is lost, however late the lost connection's 'end' comes", async () => {
    const workerId = 'listener-spec-worker';
    let reconnects = 0;
    const listener = new NotificationListener({ options: { url: db.url } } as unknown as DataSource, workerId, () => undefined, () => reconnects++);
    await listener.start();
    expect(listener.listening).toBe(true);
    expect(await workerLocks()).toEqual([true]);
    const first = (listener as unknown as { current: { emit(event: string, ...args: unknown[]): boolean } }).current;

    // Another session queues for the worker lock: it gets it when the first connection ends, and
    // holds it while the listener's next connection waits for it.
    const blocked = blocker.query('SELECT pg_advisory_lock($1, hashtext($2))', [WORKER_LOCK_NAMESPACE, workerId]);
    await waitFor('the other session waiting', async () => (await workerLocks()).join() === 'true,false');
    first.emit('error', new Error('connection cut (test)'));
    await blocked;
    await waitFor("the listener's next connection waiting for the lock", async () => (await workerLocks()).join() === 'true,false');
    expect(listener.listening).toBe(false);

    first.emit('end'); // late, while the next connection is under way
    await sleep(600); // past the backoff (200 ms) after which a second attempt would start
    expect(await workerLocks()).toEqual([true, false]);

    await blocker.query('SELECT pg_advisory_unlock($1, hashtext($2))', [WORKER_LOCK_NAMESPACE, workerId]);
    await waitFor('listening again', () => listener.listening);
    await sleep(300);
    expect(await workerLocks()).toEqual([true]); // no session left waiting for the lock
    expect(reconnects).toBe(1);
    await listener.stop();
    expect(await workerLocks()).toEqual([]);
  });
});
