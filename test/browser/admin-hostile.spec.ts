import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page, Response } from 'playwright-core';
import type { Job } from '../../lib/enqueue/job.js';
import { deepObjectJson, DEEP, HUGE, HUGE_EXC_NAME, makeDeep, makeHuge } from '../support/hostile-jobs.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';
import { OrderService, startAdminApp, type AdminTestApp } from './admin-app.js';
import { describeBrowser, launchChromium, type Browser } from './chromium.js';

// QUEUE_JOB_ADMIN_SHOTS=<dir>: also save the page of the huge job there (to review the design).
const SHOTS = process.env.QUEUE_JOB_ADMIN_SHOTS;

/** The origins of the POSTs the guard let in. */
const letIn: Array<string | undefined> = [];

/** A signed-in admin as most apps have one: a session cookie, which the browser sends with every request to the host. */
const cookieGuard = (request: { method: string; headers: Record<string, string | undefined>; queueJobUser?: string }) => {
  if (!/(^|; )session=alice(;|$)/.test(request.headers.cookie ?? '')) return false;
  if (request.method === 'POST') letIn.push(request.headers.origin);
  request.queueJobUser = 'alice';
  return true;
};

describeBrowser('Job Queue admin in a browser, under hostile data and pages', () => {
  let db: TestDatabase;
  let shop: AdminTestApp;
  let browser: Browser;
  let page: Page;
  let attacker: Server;
  let attackerOrigin: string;
  const uuids: Record<'deep' | 'huge' | 'target', string> = { deep: '', huge: '', target: '' };
  const stateOf = async (uuid: string) => (await db.pool.query('SELECT state FROM queue_job WHERE uuid = $1', [uuid])).rows[0].state;

  beforeAll(async () => {
    db = await createTestDatabase();
    shop = await startAdminApp({ databaseUrl: db.url, runner: false, admin: { guard: cookieGuard } });
    const orders = shop.app.get(OrderService);
    for (const key of Object.keys(uuids) as Array<keyof typeof uuids>) uuids[key] = ((await orders.confirm(7, key)) as unknown as Job).uuid;
    await makeDeep(db, uuids.deep);
    await makeHuge(db, uuids.huge);
    // Another origin (same host, another port), whose page tries to act on the admin with the admin's cookie.
    attacker = createServer((_, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(attackPage(shop.url, uuids.target)));
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
    browser = await launchChromium();
    await browser.context.addCookies([{ name: 'session', value: 'alice', domain: '127.0.0.1', path: '/' }]);
    page = await browser.context.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    attacker?.close();
    await shop?.app.close();
    await db?.drop();
  });

  it(`a job whose values are nested ${DEEP} levels deep: the page shows them, and shows all of a cut one on demand`, async () => {
    await page.goto(`${shop.url}/jobs/${uuids.deep}`);
    await page.waitForSelector('#job-title');
    expect(await page.textContent('#args')).toBe(`${'['.repeat(DEEP)}${']'.repeat(DEEP)}`);
    const stored = deepObjectJson().replace(/:/g, ': ');
    expect(await page.textContent('[data-cut="result"]')).toContain('First 64 K characters of 68 K characters shown.');
    expect(await page.textContent('#result')).toBe(`${stored.slice(0, 64 * 1024)}\u2026`);
    await page.click('[data-show-all="result"]');
    await page.waitForSelector('[data-cut="result"]', { state: 'detached' });
    expect(await page.textContent('#result')).toBe(stored);
  });

  it(`a job with ${HUGE / 1024 / 1024} MB values: the page loads 64 KB of each, and stays as wide as the window`, async () => {
    await page.goto(`${shop.url}/jobs/${uuids.huge}`);
    await page.waitForSelector('#job-title');
    expect(await page.textContent('#exception strong')).toBe(HUGE_EXC_NAME);
    expect(await page.textContent('[data-cut="excInfo"]')).toContain('First 64 K characters of 50.0 M characters shown.');
    expect((await page.textContent('#exception .stack'))!.length).toBe(64 * 1024 + 1);
    expect((await page.textContent('#result'))!.length).toBe(64 * 1024 + 1);
    // Unbroken text wraps or scrolls inside its box: the page stays as wide as the window, and not much taller than usual.
    const size = () => page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
    const [width, height] = await size();
    expect(width).toBeLessThanOrEqual(1360);
    expect(height).toBeLessThan(3000);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'huge-job.png'), fullPage: true });
    await page.goto(`${shop.url}/?state=all`);
    await page.waitForSelector(`tr[data-uuid="${uuids.huge}"]`);
    expect((await size())[0]).toBeLessThanOrEqual(1360);
  });

  it('after loading the job once, the page polls only its light state, and loads the job again when that changes', async () => {
    const api: string[] = [];
    page.on('request', (request) => { if (request.url().includes('/api/jobs/')) api.push(new URL(request.url()).pathname.replace(/^.*\/api/, '')); });
    await page.goto(`${shop.url}/jobs/${uuids.target}`);
    await page.waitForSelector('.job-head.state-pending');
    await waitFor('three state polls', async () => api.filter((path) => path.endsWith('/state')).length >= 3, 10_000);
    expect(api.filter((path) => !path.endsWith('/state'))).toEqual([`/jobs/${uuids.target}`]);
    await db.pool.query(`UPDATE queue_job SET state = 'done', date_done = now(), result = '"all good"' WHERE uuid = $1`, [uuids.target]);
    await page.waitForSelector('.job-head.state-done', { timeout: 10_000 });
    expect(await page.textContent('#result')).toBe('"all good"');
    expect(api.filter((path) => !path.endsWith('/state'))).toEqual([`/jobs/${uuids.target}`, `/jobs/${uuids.target}`]);
    await db.pool.query(`UPDATE queue_job SET state = 'pending', date_done = NULL, result = NULL WHERE uuid = $1`, [uuids.target]);
  });

  it('a page of another origin cannot act with the signed-in admin\'s cookie: refused with 403, the job unchanged', async () => {
    const attack = await browser.context.newPage();
    try {
      const isPost = (response: Response) => response.request().method() === 'POST';
      await attack.goto(attackerOrigin);
      // A script can send it without asking the admin first (no-cors: it cannot read the answer, but the request is made).
      const [byFetch] = await Promise.all([attack.waitForResponse(isPost),
        attack.evaluate(() => (window as unknown as { attackWithFetch(): Promise<void> }).attackWithFetch())]);
      expect(byFetch.status()).toBe(403);
      // The browser sent the admin's cookie, so the app's guard let it in: the refusal is the admin's own.
      expect(letIn).toEqual([attackerOrigin]);
      // A form, which navigates to the answer.
      const [byForm] = await Promise.all([attack.waitForResponse(isPost), attack.click('#attack')]);
      expect(byForm.status()).toBe(403);
      await attack.waitForURL(/\/cancel$/);
      expect(JSON.parse((await attack.textContent('body'))!).message).toContain('Refused: this request comes from a page of another site');
      expect(letIn).toEqual([attackerOrigin, attackerOrigin]);
      expect(await stateOf(uuids.target)).toBe('pending');
      // The admin's own page, with the same cookie, may.
      await page.goto(`${shop.url}/jobs/${uuids.target}`);
      await page.click('#action-cancel');
      await page.waitForSelector('.job-head.state-cancelled', { timeout: 10_000 });
      expect(await stateOf(uuids.target)).toBe('cancelled');
    } finally {
      await attack.close();
    }
  });
});

/** The other site's page: a form and a script that POST "cancel" for the job to the admin, with whatever cookie the browser holds. */
function attackPage(adminUrl: string, uuid: string): string {
  const action = `${adminUrl}/api/jobs/${uuid}/cancel`;
  return `<!doctype html><html><body>
<form method="post" enctype="text/plain" action="${action}"><input type="hidden" name='{"uuids": [], "x": "' value='"}'>
<button id="attack">Win a prize</button></form>
<script>
window.attackWithFetch = function () {
  return fetch(${JSON.stringify(action)}, { method: 'POST', mode: 'no-cors', credentials: 'include', body: '{}' }).catch(function () {});
};
</script></body></html>`;
}
