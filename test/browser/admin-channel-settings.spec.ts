import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import type { Page } from 'playwright-core';
import { JobRunner } from '../../lib/runner/job-runner.js';
import { JobService } from '../../lib/enqueue/job.service.js';
import { countJobs } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';
import { OrderService, SHOP_CHANNELS, ShopModule, startAdminApp, USER_HEADER, type AdminTestApp } from './admin-app.js';
import { describeBrowser, launchChromium, type Browser } from './chromium.js';

/** A POST to the admin's REST API as alice (JSON unless said otherwise). */
async function post(base: string, path: string, body: unknown = {}, contentType = 'application/json') {
  const response = await fetch(`${base}/api${path}`, {
    method: 'POST', headers: { [USER_HEADER]: 'alice', 'content-type': contentType }, body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() as Record<string, any> };
}

describe('admin REST routes of run-time channel settings', () => {
  let db: TestDatabase;
  let shop: AdminTestApp;
  let readOnly: AdminTestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    shop = await startAdminApp({ databaseUrl: db.url, runner: false });
    readOnly = await startAdminApp({ databaseUrl: db.url, runner: false, admin: { guard: () => true, readOnly: true } });
  });

  afterAll(async () => {
    await readOnly?.app.close();
    await shop?.app.close();
    await db?.drop();
  });

  it('pause, limits, reset and resume are recorded with the user, shown in the tree and in the audit log', async () => {
    expect(await post(shop.url, '/channels/root.mail/pause')).toMatchObject({ status: 200, body: { action: 'pause', by: 'alice', setting: { paused: true, pausedBy: 'alice' } } });
    expect((await post(shop.url, '/channels/sale/limits', { capacity: 8, throttle: 2 })).body.setting).toMatchObject({ channel: 'root.sale', capacity: 8, throttle: 2, limitsBy: 'alice' });
    const tree = await (await fetch(`${shop.url}/api/channels`, { headers: { [USER_HEADER]: 'bob' } })).json() as { channels: Array<Record<string, any>> };
    const sale = tree.channels.find((c) => c.name === 'root.sale')!;
    expect(sale).toMatchObject({ capacity: 8, throttle: 2, configuredLimits: { capacity: 2, throttle: 0 }, setting: { limitsBy: 'alice' } });
    expect(tree.channels.find((c) => c.name === 'root.mail')).toMatchObject({ paused: true, configuredLimits: { paused: false }, setting: { pausedBy: 'alice' } });
    expect((await post(shop.url, '/channels/root.sale/reset-limits')).body.setting).toMatchObject({ capacity: null, throttle: null });
    expect((await post(shop.url, '/channels/root.mail/resume')).body.setting).toMatchObject({ paused: false });
    const audit = await (await fetch(`${shop.url}/api/channels/audit?channel=root.sale`, { headers: { [USER_HEADER]: 'bob' } })).json() as { entries: Array<Record<string, unknown>> };
    expect(audit.entries.map((e) => [e.action, e.doneBy, e.details])).toEqual([
      ['resetLimits', 'alice', { capacity: null, throttle: null, sequential: null, rate: null }],
      ['setLimits', 'alice', { capacity: 8, throttle: 2 }],
    ]);
  });

  it('bad limits and names: 400 with the reason; not JSON: 415; read-only: 403; nothing changes', async () => {
    const bad = await post(shop.url, '/channels/root.sale/limits', { capacity: 'eight' });
    expect(bad).toMatchObject({ status: 400, body: { message: 'Cannot set the limits of channel root.sale: capacity "eight" is not a whole number from 0 (unlimited) to 10000.' } });
    expect((await post(shop.url, '/channels/root..sale/pause')).status).toBe(400);
    expect((await post(shop.url, '/channels/root.sale/pause', {}, 'text/plain')).status).toBe(415);
    const refused = await post(readOnly.url, '/channels/root.sale/pause');
    expect(refused).toMatchObject({ status: 403, body: { message: 'The Job Queue admin is read-only (admin.readOnly): "pause" is refused; nothing was changed.' } });
    const { rows } = await db.pool.query("SELECT paused FROM queue_job_channel_setting WHERE channel = 'root.sale'");
    expect(rows.map((r) => r.paused)).toEqual([null]);
  });
});

describeBrowser('admin channels page: pause, resume and limits', () => {
  let db: TestDatabase;
  let shop: AdminTestApp;
  let worker: INestApplicationContext;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    db = await createTestDatabase();
    shop = await startAdminApp({ databaseUrl: db.url, runner: false });
    // Another instance, running jobs: what the buttons must reach.
    worker = await createTestApp({ url: db.url, channels: SHOP_CHANNELS, imports: [ShopModule], runner: { pollInterval: 60_000 } });
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.setExtraHTTPHeaders({ [USER_HEADER]: 'alice' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await shop?.app.close();
    await db?.drop();
  });

  const row = (channel: string) => page.locator(`#channels-table tr[data-channel="${channel}"]`);
  const workerChannel = (name: string) => worker.get(JobRunner).channels.get(name)!;

  it('Pause pauses the channel on the other instance and says who paused it; Resume resumes it', async () => {
    await page.goto(`${shop.url}/channels`);
    await row('root.mail').locator('button[data-action="pause"]').click();
    await waitFor('the pause on the other instance', () => workerChannel('root.mail').paused, 2_000);
    await expect(row('root.mail').locator('.paused-tag').textContent()).resolves.toMatch(/^paused by alice at \d{4}-/);
    await row('root.mail').locator('button[data-action="resume"]').click();
    await waitFor('the resume on the other instance', () => !workerChannel('root.mail').paused, 2_000);
    await row('root.mail').locator('button[data-action="pause"]').waitFor();
    expect(await row('root.mail').locator('.paused-tag').count()).toBe(0);
  });

  it('the Limits form changes capacity and throttle everywhere, shows the configured value, and resets to the configuration', async () => {
    await page.goto(`${shop.url}/channels`);
    await row('root.sale').locator('button[data-action="limits"]').click();
    const form = page.locator('tr[data-limits-for="root.sale"] form');
    await form.locator('input[name="capacity"]').fill('5');
    await form.locator('input[name="throttle"]').fill('0.5');
    await form.locator('button[data-action="save-limits"]').click();
    await waitFor('the limits on the other instance', () => workerChannel('root.sale').capacity === 5 && workerChannel('root.sale').throttle === 0.5, 2_000);
    await page.locator('tr[data-channel="root.sale"] .configured-value').waitFor();
    expect(await row('root.sale').locator('td.capacity').textContent()).toMatch(/^5 \(configured 2\)set by alice at /);

    await row('root.sale').locator('button[data-action="limits"]').click();
    await form.locator('input[name="capacity"]').fill('20000');
    await form.locator('button[data-action="save-limits"]').click();
    await expect(page.locator('.toast.error').last().textContent()).resolves.toContain('capacity 20000 is not a whole number from 0 (unlimited) to 10000');
    expect(workerChannel('root.sale').capacity).toBe(5);

    await form.locator('button[data-action="reset-limits"]').click();
    await waitFor('the configured capacity on the other instance', () => workerChannel('root.sale').capacity === 2 && workerChannel('root.sale').throttle === 0, 2_000);
    await page.locator('tr[data-channel="root.sale"] td.capacity:not(:has(.configured-value))').waitFor();
  });

  it('a rate set in the form limits starts everywhere, and the tree says until when', async () => {
    await page.goto(`${shop.url}/channels`);
    await row('root.sale').locator('button[data-action="limits"]').click();
    const form = page.locator('tr[data-limits-for="root.sale"] form');
    await form.locator('input[name="rate"]').fill('1/60');
    await form.locator('button[data-action="save-limits"]').click();
    await waitFor('the rate on the other instance', () => workerChannel('root.sale').rate?.count === 1, 2_000);
    const orders = worker.get(OrderService);
    await orders.confirm(1, 'ada@example.com');
    await orders.confirm(2, 'grace@example.com');
    await waitFor('one confirmation done', async () => (await countJobs(db, "state = 'done'")) === 1, 5_000);
    await page.locator('tr[data-channel="root.sale"] .rate-limited').waitFor({ timeout: 5_000 });
    expect(await row('root.sale').locator('.rate-limited').textContent()).toMatch(/^rate limited until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    expect(await row('root.sale').locator('.tag').allTextContents()).toContain('rate 1 per 60 s');
    expect(await countJobs(db, "state = 'pending'")).toBe(1);
    await worker.get(JobService).resetChannelLimits('root.sale');
    await waitFor('the second confirmation once the rate is gone', async () => (await countJobs(db, "state = 'done'")) === 2, 5_000);
  });

  it('a read-only admin shows no buttons', async () => {
    const readOnly = await startAdminApp({ databaseUrl: db.url, runner: false, admin: { guard: () => true, readOnly: true } });
    try {
      await page.goto(`${readOnly.url}/channels`);
      await page.waitForSelector('#channels-table');
      expect(await page.locator('#channels-table button').count()).toBe(0);
    } finally {
      await readOnly.app.close();
    }
  });
});
