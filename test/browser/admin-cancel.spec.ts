import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { jobRow } from '../support/job-rows.js';
import type { TestDatabase } from '../support/test-database.js';
import { USER_HEADER, type AdminTestApp } from './admin-app.js';
import { startRunningShop, type RunningShop } from './running-shop.js';
import { describeBrowser, launchChromium, type Browser } from './chromium.js';

describeBrowser('Job Queue admin in a browser: cancel running jobs', () => {
  let running: RunningShop;
  let db: TestDatabase;
  let shop: AdminTestApp;
  let readOnly: AdminTestApp;
  let browser: Browser;
  let page: Page;
  const runningConfirmation = (orderId: number) => running.runningConfirmation(orderId);

  beforeAll(async () => {
    running = await startRunningShop();
    ({ db, shop, readOnly } = running);
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.setExtraHTTPHeaders({ [USER_HEADER]: 'alice' });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  it("a started job's page: Cancel (disabled in a read-only admin) asks first; 'Keep running' keeps it, confirming cancels it, recorded with the user", async () => {
    const uuid = await runningConfirmation(1);
    await page.goto(`${shop.url}/jobs/${uuid}`);
    await page.waitForSelector('.job-head.state-started');
    expect(await page.isEnabled('#action-cancel')).toBe(true);
    expect(await page.isEnabled('#action-set-done')).toBe(false);
    // The read-only admin shows the same job with Cancel disabled.
    const viewer = await browser.context.newPage();
    try {
      await viewer.goto(`${readOnly.url}/jobs/${uuid}`);
      await viewer.waitForSelector('.job-head.state-started');
      expect(await viewer.isEnabled('#action-cancel')).toBe(false);
      expect(await viewer.getAttribute('#action-cancel', 'title')).toBe('The admin is read-only');
    } finally {
      await viewer.close();
    }

    await page.click('#action-cancel');
    await page.waitForSelector('#confirm-dialog[open]');
    expect(await page.textContent('#confirm-title')).toBe('Cancel a running job?');
    expect(await page.textContent('#confirm-dialog p')).toContain('currentJob().signal is aborted');
    await page.click('#confirm-no');
    await page.waitForSelector('#confirm-dialog', { state: 'detached' });
    expect((await jobRow(db, uuid)).state).toBe('started');

    await page.click('#action-cancel');
    await page.click('#confirm-yes');
    await page.waitForSelector('.toast.ok');
    expect(await page.textContent('.toast.ok')).toBe('Cancelled by alice');
    await page.waitForSelector('.job-head.state-cancelled');
    expect(await page.textContent('#result')).toContain('Cancelled by alice');
    expect(await jobRow(db, uuid)).toMatchObject({ state: 'cancelled', result: 'Cancelled by alice' });
  });

  it('the list: a bulk Cancel of running jobs asks first, then cancels them all', async () => {
    const uuids = [await runningConfirmation(2), await runningConfirmation(3)];
    await page.goto(`${shop.url}/?state=started`);
    for (const uuid of uuids) await page.locator(`tr[data-uuid="${uuid}"] input[type=checkbox]`).check();
    await page.click('#bulkbar button[data-action="cancel"]');
    await page.waitForSelector('#confirm-dialog[open]');
    expect(await page.textContent('#confirm-title')).toBe('Cancel 2 running jobs?');
    // Escape keeps them running.
    await page.keyboard.press('Escape');
    await page.waitForSelector('#confirm-dialog', { state: 'detached' });
    for (const uuid of uuids) expect((await jobRow(db, uuid)).state).toBe('started');

    await page.click('#bulkbar button[data-action="cancel"]');
    await page.click('#confirm-yes');
    await page.waitForSelector('.toast.ok');
    expect(await page.textContent('.toast.ok')).toBe('Cancelled 2 job(s) (by alice)');
    for (const uuid of uuids) expect(await jobRow(db, uuid)).toMatchObject({ state: 'cancelled', result: 'Cancelled by alice' });
  });
});
