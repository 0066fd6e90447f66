import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { USER_HEADER, type AdminTestApp } from '../browser/admin-app.js';
import { startRunningShop, type RunningShop } from '../browser/running-shop.js';
import { jobRow } from '../support/job-rows.js';
import type { TestDatabase } from '../support/test-database.js';

/** POSTs an admin action as `user`, JSON as the admin's pages send it. */
async function post(base: string, path: string, user: string, body: unknown = {}) {
  const response = await fetch(`${base}/api${path}`, {
    method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json', [USER_HEADER]: user }, body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

describe('admin REST API: cancel a running job', () => {
  let running: RunningShop;
  let db: TestDatabase;
  let shop: AdminTestApp;
  let readOnly: AdminTestApp;
  const runningConfirmation = (orderId: number) => running.runningConfirmation(orderId);

  beforeAll(async () => {
    running = await startRunningShop();
    ({ db, shop, readOnly } = running);
  });
  afterAll(async () => {
    await running?.close();
  });

  it('read-only: refused with 403, the job keeps running; the same request to the admin that may act cancels it', async () => {
    const uuid = await runningConfirmation(1);
    for (const path of [`/jobs/${uuid}/cancel`, '/jobs/cancel']) {
      const refused = await post(readOnly.url, path, 'mallory', { uuids: [uuid] });
      expect(refused.status).toBe(403);
      expect(refused.body.message).toBe('The Job Queue admin is read-only (admin.readOnly): "cancel" is refused; nothing was changed.');
    }
    expect((await jobRow(db, uuid)).state).toBe('started');
    expect((await post(shop.url, `/jobs/${uuid}/cancel`, 'alice')).status).toBe(200);
    expect(await jobRow(db, uuid)).toMatchObject({ state: 'cancelled', result: 'Cancelled by alice' });
  });

  it('a started job: the detail offers Cancel; the action cancels it at once, recorded with the user, and frees its slot', async () => {
    const uuid = await runningConfirmation(2);
    const detail = await fetch(`${shop.url}/api/jobs/${uuid}`, { headers: { accept: 'application/json', [USER_HEADER]: 'bob' } });
    expect(((await detail.json()) as { actions: unknown }).actions).toMatchObject({ cancel: true, setDone: false, requeue: false });
    const { status, body } = await post(shop.url, `/jobs/${uuid}/cancel`, 'bob');
    expect(status).toBe(200);
    expect(body).toEqual({ action: 'cancel', by: 'bob', changed: [uuid] });
    expect(await jobRow(db, uuid)).toMatchObject({ state: 'cancelled', result: 'Cancelled by bob' });
    // root.sale runs two at a time: two more running confirmations fit once the cancelled ones let go.
    const bulk = await Promise.all([runningConfirmation(3), runningConfirmation(4)]);
    const cancelled = await post(shop.url, '/jobs/cancel', 'carol', { uuids: bulk });
    expect(cancelled).toEqual({ status: 200, body: { action: 'cancel', by: 'carol', changed: expect.arrayContaining(bulk) } });
    expect(cancelled.body.changed).toHaveLength(2);
    for (const uuid of bulk) expect(await jobRow(db, uuid)).toMatchObject({ state: 'cancelled', result: 'Cancelled by carol' });
  });
});
