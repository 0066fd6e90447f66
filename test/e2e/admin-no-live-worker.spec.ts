import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from '../../lib/enqueue/job.js';
import { OrderService, startAdminApp, USER_HEADER, type AdminTestApp } from '../browser/admin-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// Mixed fleets in the admin: a pending job whose job function no live worker runs says so (it waits
// for an instance that has it, or fails after runner.unknownFunctionGrace).
describe('Job Queue admin: "no live worker runs this job function"', () => {
  let db: TestDatabase;
  let shop: AdminTestApp;
  let pending: string;
  let failed: string;

  const get = async (path: string) =>
    (await fetch(`${shop.url}${path}`, { headers: { accept: 'application/json', [USER_HEADER]: 'alice' } }));
  const flags = async () => {
    const { jobs } = await (await get('/api/jobs?state=all')).json() as { jobs: Array<{ uuid: string; noLiveWorker: boolean }> };
    return Object.fromEntries(jobs.map((j) => [j.uuid, j.noLiveWorker]));
  };
  const detailFlag = async (uuid: string) => ((await (await get(`/api/jobs/${uuid}`)).json()) as { noLiveWorker: boolean }).noLiveWorker;

  beforeAll(async () => {
    db = await createTestDatabase();
    // The admin's own instance runs no jobs: it announces no job function.
    shop = await startAdminApp({ databaseUrl: db.url, runner: false });
    const orders = shop.app.get(OrderService);
    pending = ((await orders.confirm(1, 'ann')) as Job).uuid;
    failed = ((await orders.confirm(2, 'bob')) as Job).uuid;
    await db.pool.query(`UPDATE queue_job SET state = 'failed' WHERE uuid = $1`, [failed]);
  });
  afterAll(async () => {
    await shop?.app.close();
    await db?.drop();
  });

  it('flags a pending job in the list and the detail while no live worker runs its job function; never a job in another state', async () => {
    expect(await flags()).toEqual({ [pending]: true, [failed]: false });
    expect(await detailFlag(pending)).toBe(true);
    expect(await detailFlag(failed)).toBe(false);
  });

  it('drops the flag once a live worker announces the job function, and shows it again when that worker is no longer seen', async () => {
    await db.pool.query(`INSERT INTO queue_job_worker (worker_id, app, job_functions) VALUES ('w1', 'shop', '{<OrderService>.confirm}')`);
    expect(await flags()).toEqual({ [pending]: false, [failed]: false });
    expect(await detailFlag(pending)).toBe(false);
    await db.pool.query(`UPDATE queue_job_worker SET last_seen = now() - interval '1 minute'`);
    expect(await detailFlag(pending)).toBe(true);
  });

  it('the pages show the label', async () => {
    expect(await (await get('/assets/admin.js')).text()).toContain('no live worker runs this job function');
  });
});
