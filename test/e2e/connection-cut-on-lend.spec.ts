import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { JobStore } from '../../lib/store/job-store.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { ReadyHoldingProxy } from '../support/ready-holding-proxy.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// SPEC §6: losing the database does not crash the app. pg-pool takes its 'error' listener off a
// connection as it lends it, and a borrower that awaits `pool.connect()` (JobStore.withClient,
// TypeORM's query runners) adds its own one microtask later. A server that ends the connection in
// the same packet as its first ReadyForQuery (a restart right after accepting it) used to emit
// 'error' in between, with no listener: an unhandled 'error' that killed the process.
describe('a connection cut in the packet that completes it', () => {
  let db: TestDatabase;
  let proxy: ReadyHoldingProxy;
  let app: INestApplicationContext;
  let store: JobStore;
  const logger = new CaptureLogger();

  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = await ReadyHoldingProxy.start(db.url);
    app = await createTestApp({ url: proxy.url, runner: false, logger });
    store = app.get(JobStore);
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await db?.drop();
  });

  /** Runs `borrow` on a new connection of the app's pool whose backend is terminated as it connects. */
  async function cutWhileLent<T>(borrow: () => Promise<T>): Promise<PromiseSettledResult<T>> {
    // The pool's idle connections are taken first, so that `borrow` needs a new one.
    const idle: PoolClient[] = await Promise.all(Array.from({ length: store.pool.idleCount }, () => store.pool.connect()));
    const held = proxy.holdNextReady();
    const borrowed = borrow();
    const [settled] = await Promise.all([
      Promise.allSettled([borrowed]).then(([result]) => result),
      held.then((pid) => db.pool.query('SELECT pg_terminate_backend($1)', [pid])),
    ]);
    for (const client of idle) client.release();
    return settled;
  }

  it('fails only what ran on it: JobStore.withClient, then a TypeORM query runner; the process and the pool go on', async () => {
    const viaStore = await cutWhileLent(() => store.withClient((client) => client.query('SELECT 1 AS one')));
    expect(viaStore.status).toBe('rejected');
    expect(String((viaStore as PromiseRejectedResult).reason)).toMatch(/not queryable|terminat/i);

    const viaQueryRunner = await cutWhileLent(() => store.dataSource.query('SELECT 1 AS one'));
    expect(viaQueryRunner.status).toBe('rejected');
    expect(String((viaQueryRunner as PromiseRejectedResult).reason)).toMatch(/not queryable|terminat/i);

    // Their queries said only "not queryable": the reason is in the log, once per connection.
    expect(logger.messages('warn').filter((m) => m.startsWith('A database connection was lost as it was lent'))).toEqual(
      Array(2).fill('A database connection was lost as it was lent: terminating connection due to administrator command; what runs on it next fails'));

    // The cut connections were dropped, not lent again: every later borrower gets a working one.
    const ones = await Promise.all(Array.from({ length: 12 }, () => store.withClient(async (c) => (await c.query('SELECT 1 AS one')).rows[0].one)));
    expect(ones).toEqual(Array(12).fill(1));
    expect(await store.dataSource.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
  });
});
