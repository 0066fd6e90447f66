import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chain, group } from '../../lib/enqueue/graph/chain-and-group.js';
import type { Job } from '../../lib/enqueue/job.js';
import { JobService } from '../../lib/enqueue/job.service.js';
import { jobRow, waitForRow } from '../support/job-rows.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';
import { InvoiceMailer, OrderService, ReportService, ShopTrouble, startAdminApp, USER_HEADER, type AdminTestApp } from './admin-app.js';
import { describeBrowser, launchChromium, type Browser } from './chromium.js';

// The README's screenshots are refreshed with UPDATE_DOCS_SCREENSHOTS=1; other runs keep them under .tmp/.
const DOCS = join(process.cwd(), process.env.UPDATE_DOCS_SCREENSHOTS ? 'docs' : '.tmp/screenshots');
// QUEUE_JOB_ADMIN_SHOTS=<dir>: also save the graph and channels pages there (to review the design).
const SHOTS = process.env.QUEUE_JOB_ADMIN_SHOTS;
const CUSTOMERS = ['ada', 'grace', 'linus', 'margaret', 'edsger', 'barbara', 'ken', 'frances', 'dennis', 'radia', 'alan', 'donald'];

describeBrowser('Job Queue admin in a browser', () => {
  let db: TestDatabase;
  let shop: AdminTestApp;
  let context: BrowserContext;
  let page: Page;
  let browser: Browser;
  const uuids: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase();
    shop = await startAdminApp({ databaseUrl: db.url, runner: { pollInterval: 500 } });
    const trouble = shop.app.get(ShopTrouble);
    // Enough work for the runner to be busy while the test looks: invoices go one a second at most (throttle).
    trouble.declined.add(13).add(21).add(23);
    trouble.noMailbox.add(5);
    trouble.confirmMs = 300;
    trouble.mailMs = 1200;
    const orders = shop.app.get(OrderService);
    const mailer = shop.app.get(InvoiceMailer);
    const reports = shop.app.get(ReportService);
    const jobs = shop.app.get(JobService);
    const uuid = async (call: Promise<unknown>) => ((await call) as Job).uuid;
    const email = (id: number) => `${CUSTOMERS[(id - 1) % CUSTOMERS.length]}@example.com`;
    // Oldest first: the report graph, the invoices, the confirmations (two declined near the top of the list), a job for later.
    const stored = await chain(
      group(jobs.delayable(reports).collect('north'), jobs.delayable(reports).collect('south')),
      jobs.delayable(reports).merge('2025-01'),
      jobs.delayable(reports).publish('2025-01'),
    ).delay();
    [uuids.north, uuids.south, uuids.merge, uuids.publish] = stored.map((job) => job.uuid);
    for (let id = 1; id <= 20; id++) {
      uuids[`invoice${id}`] = await uuid(jobs.withDelay(mailer, { description: `Mail the invoice of order #${id}` }).send(id, email(id)));
    }
    for (let id = 1; id <= 24; id++) {
      uuids[`confirm${id}`] = await uuid(jobs.withDelay(orders, { description: `Confirm order #${id} and charge the card` }).confirm(id, email(id)));
    }
    // Waits an hour for its eta: still pending when the test cancels it.
    uuids.later = await uuid(jobs.withDelay(orders, { eta: 3600, priority: 20, description: 'Confirm pre-order #99 (ships next month)' }).confirm(99, 'late@example.com'));
    await waitForRow(db, uuids.invoice5, (row) => row.state === 'failed', 30_000);

    browser = await launchChromium();
    context = browser.context;
    page = await context.newPage();
    // The test guard lets in whoever this header names.
    await page.setExtraHTTPHeaders({ [USER_HEADER]: 'alice' });
    mkdirSync(DOCS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await shop?.app.close();
    await db?.drop();
  });

  it("without the guard's consent: a 403 page", async () => {
    const refused = await context.newPage(); // without the user header
    try {
      const response = await refused.goto(shop.url);
      expect(response?.status()).toBe(403);
      expect(await refused.textContent('#error-page')).toContain('Access refused');
      expect(await refused.textContent('#error-page')).toContain('The Job Queue admin guard refused this request.');
    } finally {
      await refused.close();
    }
  });

  it('the jobs list: state chips with live counts, failed rows highlighted, done rows muted', async () => {
    await page.goto(shop.url);
    await page.waitForSelector('#jobs-table tbody tr');
    expect(await page.textContent('.user')).toBe('alice');
    // The default filter hides done and cancelled jobs.
    expect(await page.getAttribute('.chip[data-state="done"]', 'aria-pressed')).toBe('false');
    expect(await page.getAttribute('.chip[data-state="failed"]', 'aria-pressed')).toBe('true');
    await waitFor('failed count', async () => (await page.textContent('.chip[data-state="failed"] .count')) === '4');
    expect(await page.locator('tr.job-row.state-done').count()).toBe(0);
    const failedRow = page.locator(`tr[data-uuid="${uuids.invoice5}"]`);
    expect(await failedRow.getAttribute('class')).toContain('state-failed');
    expect(await failedRow.evaluate((row) => getComputedStyle(row.querySelector('td')!).backgroundColor)).toBe('rgb(255, 241, 241)');
    // Show the done jobs too: muted.
    await page.click('.chip[data-state="done"]');
    await page.waitForSelector('tr.job-row.state-done');
    expect(new URL(page.url()).searchParams.get('state')).toBe('wait_dependencies,pending,enqueued,started,failed,done');
    const doneColor = await page.locator('tr.job-row.state-done td.date').first().evaluate((td) => getComputedStyle(td).color);
    expect(doneColor).toBe('rgb(152, 160, 174)');
    await page.screenshot({ path: join(DOCS, 'admin-jobs.png') });
    // Live: the done count follows the runner without reloading the page.
    const doneBefore = Number((await page.textContent('.chip[data-state="done"] .count'))!.replace(/,/g, ''));
    await waitFor('done count to grow', async () => Number((await page.textContent('.chip[data-state="done"] .count'))!.replace(/,/g, '')) > doneBefore, 20_000);
  });

  it('filter to failed, open a failed job, requeue it and see its state change', async () => {
    await page.goto(shop.url);
    await page.waitForSelector('#jobs-table tbody tr');
    for (const state of ['wait_dependencies', 'pending', 'enqueued', 'started']) {
      await page.click(`.chip[data-state="${state}"]`);
      await page.waitForFunction((s) => document.querySelector(`.chip[data-state="${s}"]`)?.getAttribute('aria-pressed') === 'false', state);
    }
    await page.waitForFunction(() => [...document.querySelectorAll('tr.job-row')].every((row) => row.getAttribute('data-state') === 'failed'));
    const states = await page.locator('tr.job-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-state')));
    expect(states).toEqual(['failed', 'failed', 'failed', 'failed']);

    await page.click(`tr[data-uuid="${uuids.invoice5}"] a.job-link`);
    await page.waitForSelector('#job-title');
    expect(page.url()).toBe(`${shop.url}/jobs/${uuids.invoice5}`);
    expect(await page.textContent('#job-title')).toBe('Mail the invoice of order #5');
    expect(await page.textContent('#exception')).toContain('MailboxNotFound: No mailbox edsger@example.com (order 5)');
    expect(await page.textContent('#exception .stack')).toContain('at InvoiceMailer.send');
    expect(await page.textContent('#retry')).toBe('1 / 5');
    expect(await page.textContent('#args')).toContain('"edsger@example.com"');
    expect(await page.isEnabled('#action-requeue')).toBe(true);
    expect(await page.isEnabled('#action-cancel')).toBe(true);
    expect(await page.isEnabled('#action-related')).toBe(false);
    await page.screenshot({ path: join(DOCS, 'admin-failed-job.png'), fullPage: true });

    shop.app.get(ShopTrouble).noMailbox.delete(5);
    await page.click('#action-requeue');
    // The page refreshes itself: failed -> pending/enqueued/started -> done, as the runner goes.
    await page.waitForSelector('.job-head.state-done', { timeout: 20_000 });
    expect(await page.isVisible('#exception')).toBe(false);
    expect(await page.isEnabled('#action-requeue')).toBe(false);
    expect(await page.textContent('#result')).toContain('Invoice of order 5 sent to edsger@example.com');
    expect((await jobRow(db, uuids.invoice5)).state).toBe('done');
  });

  it('cancel a pending job from the list: recorded with the user', async () => {
    await page.goto(`${shop.url}/?q=${uuids.later}`);
    const row = page.locator(`tr[data-uuid="${uuids.later}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-state')).toBe('pending');
    await row.locator('input[type=checkbox]').check();
    await page.waitForSelector('#bulkbar:not([hidden])');
    expect(await page.isEnabled('#bulkbar button[data-action="requeue"]')).toBe(false);
    await page.click('#bulkbar button[data-action="cancel"]');
    await page.waitForSelector('.toast.ok');
    expect(await page.textContent('.toast.ok')).toBe('Cancelled 1 job(s) (by alice)');
    // Cancelled jobs are not in the default view any more.
    await page.waitForSelector(`tr[data-uuid="${uuids.later}"]`, { state: 'detached' });
    const stored = await jobRow(db, uuids.later);
    expect(stored.state).toBe('cancelled');
    expect(stored.result).toBe('Cancelled by alice');
  });

  it("a graph job: the job's graph drawn, nodes coloured by state, a click opens that job", async () => {
    await waitForRow(db, uuids.publish, (row) => row.state === 'done', 20_000);
    await page.goto(`${shop.url}/jobs/${uuids.merge}`);
    await page.waitForSelector('#graph .node');
    expect(await page.locator('#graph .node').count()).toBe(4);
    expect(await page.locator('#graph .edge').count()).toBe(3);
    expect(await page.getAttribute('#graph .node.current', 'data-uuid')).toBe(uuids.merge);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'graph.png'), fullPage: true });
    const stroke = await page.locator(`#graph .node[data-uuid="${uuids.north}"] rect`).evaluate((rect) => getComputedStyle(rect).stroke);
    expect(stroke).toBe('rgb(47, 158, 68)'); // done: green
    await page.click(`#graph .node[data-uuid="${uuids.publish}"]`);
    await page.waitForURL(`${shop.url}/jobs/${uuids.publish}`);
    await page.waitForSelector('#job-title');
    expect(await page.textContent('#job-title')).toBe('Publish the monthly report');
    expect(await page.getAttribute('#graph .node.current', 'data-uuid')).toBe(uuids.publish);
  });

  it('group by channel, then open a group', async () => {
    await page.goto(`${shop.url}/?state=all`);
    await page.waitForSelector('#jobs-table');
    await page.selectOption('#group-by', 'channel');
    await page.waitForSelector('table.groups');
    const keys = await page.locator('tr.group-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-key')));
    expect(keys).toEqual(['root.sale', 'root.mail', 'root.report']);
    expect(await page.textContent('tr.group-row[data-key="root.mail"] td.num')).toBe('20');
    await page.click('tr.group-row[data-key="root.mail"]');
    await page.waitForSelector('#jobs-table');
    expect(new URL(page.url()).searchParams.get('channel')).toBe('root.mail');
    expect(await page.inputValue('#channel-filter')).toBe('root.mail');
    const channels = await page.locator('tr.job-row td.mono').evaluateAll((cells) => [...new Set(cells.map((cell) => cell.textContent))]);
    expect(channels).toEqual(['root.mail']);
  });

  it('channels tree and job functions', async () => {
    await page.goto(`${shop.url}/channels`);
    await page.waitForSelector('#channels-table');
    const names = await page.locator('#channels-table tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-channel')));
    expect(names).toEqual(['root', 'root.mail', 'root.report', 'root.sale']);
    expect(await page.textContent('tr[data-channel="root.sale"] .capacity')).toBe('2');
    expect(await page.textContent('tr[data-channel="root.report"]')).toContain('sequential');
    expect(await page.textContent('tr[data-channel="root.report"] .max-pending')).toMatch(/^maxPending \d+ \/ 500$/);
    expect(await page.locator('tr[data-channel="root.sale"] .max-pending').count()).toBe(0);
    expect(await page.textContent('tr[data-channel="root.sale"]')).toContain('60 d');
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'channels.png') });
    await page.click('nav a:has-text("Job functions")');
    await page.waitForSelector('#functions-table');
    expect(await page.textContent('tr[data-name="<InvoiceMailer>.send"]')).toContain('from 3: 300 s');
  });
});
