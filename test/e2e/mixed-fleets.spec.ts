import { describe, expect, it } from '@jest/globals';
import { JobRunner } from '../../lib/runner/job-runner.js';
import { jobRow, waitForRow } from '../support/job-rows.js';
import { useShopApp } from '../support/shop-app.js';
import { createTestApp } from '../support/test-app.js';
import { sleep, waitFor } from '../support/wait-for.js';

// SPEC §6, mixed fleets: each instance announces what it runs; a job function that no live worker
// declared for runner.unknownFunctionGrace fails as UnknownJobFunction, not before.
describe('mixed fleets: workers announce their job functions', () => {
  const GRACE = 2;
  const shopApp = useShopApp({ channels: 'root:2', runner: { unknownFunctionGrace: GRACE } });

  const insertJob = async (jobFunction: string) => (await shopApp.db.pool.query<{ uuid: string }>(
    `INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, channel)
     VALUES (gen_random_uuid(), 'from another version', $1, 'V2', 'only', 'root') RETURNING uuid`, [jobFunction])).rows[0].uuid;
  const announceOther = (workerId: string, jobFunctions: string[]) => shopApp.db.pool.query(
    `INSERT INTO queue_job_worker (worker_id, app, job_functions) VALUES ($1, 'v2', $2)
     ON CONFLICT (worker_id) DO UPDATE SET last_seen = now()`, [workerId, jobFunctions]);
  const workerRow = async (workerId: string) =>
    (await shopApp.db.pool.query('SELECT * FROM queue_job_worker WHERE worker_id = $1', [workerId])).rows[0];

  it('an instance announces the job functions it runs and the records it declares; one whose runner is off runs none', async () => {
    const runner = shopApp.app.get(JobRunner);
    const row = await workerRow(runner.workerId);
    expect(row.job_functions).toEqual(expect.arrayContaining(['<ShopService>.confirm', '<ShopService>.flaky']));
    expect(row.declared_functions).toContain('<ShopService>.flaky'); // declared with options: a record
    expect(row.last_seen.getTime()).toBeGreaterThan(Date.now() - 5_000);

    const web = await createTestApp({ url: shopApp.db.url, runner: false, providers: [] });
    try {
      expect((await workerRow(web.get(JobRunner).workerId)).job_functions).toEqual([]);
    } finally {
      await web.close();
    }
  });

  it('jobs of a job function that another live worker runs stay pending; once no worker declared it for the grace, they fail as UnknownJobFunction', async () => {
    const uuid = await insertJob('<V2>.only');
    for (let i = 0; i < 12; i++) { // 3.6 s: longer than the grace, the other worker alive all along
      await announceOther('v2-worker', ['<V2>.only']);
      await sleep(300);
    }
    expect(await jobRow(shopApp.db, uuid)).toMatchObject({ state: 'pending', retry: 0 });

    const stopped = Date.now();
    const row = await waitForRow(shopApp.db, uuid);
    expect((Date.now() - stopped) / 1000).toBeGreaterThanOrEqual(GRACE - 0.5); // its last heartbeat still counted for the grace
    expect(row).toMatchObject({ state: 'failed', exc_name: 'UnknownJobFunction', retry: 0 });
    expect(row.exc_message).toContain(`No live worker declared job function <V2>.only for ${GRACE} s`);
    // The other worker's row is forgotten too.
    await waitFor('the row of the stopped worker deleted', async () => (await workerRow('v2-worker')) === undefined || null, 5_000);
  });
});
