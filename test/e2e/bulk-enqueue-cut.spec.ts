import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { JobService } from '../../lib/enqueue/job.service.js';
import { ExecutionLog, SHOP_NOTE_TABLE_SQL, ShopService } from '../fixtures/shop.service.js';
import { countJobs } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { sleep } from '../support/wait-for.js';

// A bulk enqueue of more than 500 calls is one COPY in a transaction of its own, streamed as the
// calls are prepared. Its connection cut in the middle (a database restart, an idle-session bound):
// the call rejects with the reason and stores nothing (all or none); the process and the pool go on.
describe('a streamed bulk enqueue whose connection is cut mid-COPY', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let shop: ShopService;
  let jobs: JobService;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(SHOP_NOTE_TABLE_SQL);
    app = await createTestApp({ url: db.url, runner: false, providers: [ShopService, { provide: ExecutionLog, useValue: new ExecutionLog() }] });
    shop = app.get(ShopService);
    jobs = app.get(JobService);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  /** Terminates the backend of the first COPY into queue_job_live seen (polled every 2 ms) while `call` runs; its pid, or null if none came. */
  async function cutTheCopy(call: Promise<unknown>): Promise<number | null> {
    let settled = false;
    void call.finally(() => (settled = true)).catch(() => undefined);
    while (!settled) {
      const { rows } = await db.pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND state = 'active' AND query LIKE 'COPY queue_job_live%'`);
      if (rows.length > 0) {
        await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        return rows[0]!.pid;
      }
      await sleep(2);
    }
    return null;
  }

  it('rejects with the lost connection, keeps none of the call, and the next bulk call stores all of its jobs', async () => {
    const calls = Array.from({ length: 200_000 }, (_, i): [number, string] => [i, 'cut-copy']);
    const call = jobs.enqueueMany(shop, 'confirm', calls);
    const [outcome, cut] = await Promise.all([call.then(() => 'stored', (error: Error) => error), cutTheCopy(call)]);
    expect(cut).not.toBeNull();
    // (pg's errors may come from another realm than jest's Error: compared by message)
    expect(outcome).not.toBe('stored');
    expect((outcome as Error).message).toMatch(/terminat|Connection|not queryable|released|EPIPE|ECONNRESET/i);
    expect(await countJobs(db, `args->>1 = $1`, ['cut-copy'])).toBe(0);

    const again = Array.from({ length: 2_000 }, (_, i): [number, string] => [i, 'after-cut']);
    expect(await jobs.enqueueMany(shop, 'confirm', again)).toHaveLength(2_000);
    expect(await countJobs(db, `args->>1 = $1`, ['after-cut'])).toBe(2_000);
  });
});
