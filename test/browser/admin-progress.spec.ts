import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import type { Page } from 'playwright-core';
import type { Job } from '../../lib/enqueue/job.js';
import { ProgressJobs, ProgressProbe } from '../fixtures/progress-jobs.service.js';
import { inState, waitForRow } from '../support/job-rows.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';
import { ShopModule, startAdminApp, USER_HEADER, type AdminTestApp } from './admin-app.js';
import { describeBrowser, launchChromium, type Browser } from './chromium.js';

const probe = new ProgressProbe();

@Module({ providers: [ProgressJobs, { provide: ProgressProbe, useValue: probe }] })
class ProgressModule {}

// Issue 19, item 4: the progress a running job reports, as a bar in the jobs list and on the job's page.
describeBrowser('Job Queue admin: progress bars', () => {
  let db: TestDatabase;
  let shop: AdminTestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    db = await createTestDatabase();
    shop = await startAdminApp({ databaseUrl: db.url, imports: [ShopModule, ProgressModule], runner: { pollInterval: 500 } });
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.setExtraHTTPHeaders({ [USER_HEADER]: 'alice' });
  }, 60_000);
  afterAll(async () => {
    probe.open('import:1');
    probe.open('import:2');
    await browser?.close();
    await shop?.app.close();
    await db?.drop();
  });

  /** The bar of `scope`: its percentage, message and the value of its <progress>. */
  const barIn = (scope: string) => page.locator(`${scope} .progress`).evaluate((bar) => ({
    percent: bar.querySelector('.progress-pct')?.textContent, message: bar.querySelector('.progress-msg')?.textContent ?? null,
    value: (bar.querySelector('progress') as HTMLProgressElement).value,
  }));

  it('a running job that reports progress: a bar with percentage and message in the list and on its page, which follows new reports', async () => {
    const svc = shop.app.get(ProgressJobs);
    const job = (await svc.reportsTwice('import', [0.42, 'row 4200 of 10000'], [0.87, 'row 8700 of 10000'])) as unknown as Job;
    const other = (await svc.reportsOften(1, 1)) as unknown as Job;
    await waitForRow(db, job.uuid, (row) => (row as unknown as { progress: number | null }).progress !== null, 10_000);
    await waitForRow(db, other.uuid, inState('done'), 10_000);

    await page.goto(`${shop.url}/?state=all`);
    await page.waitForSelector(`tr[data-uuid="${job.uuid}"] .progress`);
    expect(await barIn(`tr[data-uuid="${job.uuid}"]`)).toEqual({ percent: '42 %', message: 'row 4200 of 10000', value: expect.closeTo(0.42, 5) });
    // A done job keeps its last report in the row, but the list shows bars for running jobs only.
    expect(await page.locator(`tr[data-uuid="${other.uuid}"]`).count()).toBe(1);
    expect(await page.locator(`tr[data-uuid="${other.uuid}"] .progress`).count()).toBe(0);

    await page.click(`tr[data-uuid="${job.uuid}"] a.job-link`);
    await page.waitForSelector('#progress .progress');
    expect(await barIn('#progress')).toEqual({ percent: '42 %', message: 'row 4200 of 10000', value: expect.closeTo(0.42, 5) });

    // The page polls the job's light state: the bar follows without a reload of the page.
    await page.evaluate(() => document.getElementById('job-title')!.setAttribute('data-loaded-once', 'yes'));
    probe.open('import:1');
    await page.waitForFunction(() => document.querySelector('#progress .progress-pct')?.textContent === '87 %', undefined, { timeout: 10_000 });
    expect(await barIn('#progress')).toEqual({ percent: '87 %', message: 'row 8700 of 10000', value: expect.closeTo(0.87, 5) });
    expect(await page.getAttribute('#job-title', 'data-loaded-once')).toBe('yes');

    probe.open('import:2');
    await page.waitForSelector('.job-head.state-done', { timeout: 10_000 });
    expect(await barIn('#progress')).toMatchObject({ percent: '87 %' });
    // Its page shows the last report of a done job; a job that never reported has a dash.
    await page.goto(`${shop.url}/jobs/${other.uuid}`);
    await page.waitForSelector('#progress .progress');
    expect(await barIn('#progress')).toEqual({ percent: '100 %', message: 'row 1 of 1', value: 1 });
    const silent = (await svc.reportsBadValues('silent')) as unknown as Job;
    await waitForRow(db, silent.uuid, inState('done'), 10_000);
    await page.goto(`${shop.url}/jobs/${silent.uuid}`);
    await page.waitForSelector('#job-title');
    await waitFor('the progress field', async () => (await page.textContent('#progress')) === '\u2014', 5_000);
  });
});
