import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { chain, group } from '../../lib/enqueue/graph/chain-and-group.js';
import type { Job } from '../../lib/enqueue/job.js';
import { JobService } from '../../lib/enqueue/job.service.js';
import { QueueJobModule } from '../../lib/queue-job.module.js';
import { ShopOrder } from '../fixtures/shop-order.entity.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { setEnv } from '../support/env.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import {
  InvoiceMailer, OrderService, ReportService, ShopModule, startAdminApp, USER_HEADER, listen, type AdminTestApp,
} from '../browser/admin-app.js';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppModule } from '../../sample/app.module.js';

interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Calls the admin API as `user` (null: no credentials). */
async function call<T = any>(base: string, path: string, init: { user?: string | null; method?: string; body?: unknown; contentType?: string | null } = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const user = init.user === undefined ? 'alice' : init.user;
  if (user) headers[USER_HEADER] = user;
  if (init.body !== undefined || init.method === 'POST') {
    const contentType = init.contentType === undefined ? 'application/json' : init.contentType;
    if (contentType) headers['content-type'] = contentType;
  }
  const response = await fetch(base + path, {
    method: init.method ?? 'GET', headers,
    body: init.body === undefined ? (init.method === 'POST' ? '{}' : undefined) : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try { body = JSON.parse(text); } catch { /* HTML or text */ }
  return { status: response.status, body: body as T, headers: response.headers };
}

describe('Job Queue admin REST API', () => {
  let db: TestDatabase;
  let shop: AdminTestApp;
  let api: (path: string, init?: Parameters<typeof call>[2]) => Promise<Reply>;
  const uuids: Record<string, string> = {};
  const graph: Record<string, string> = {};
  let order: ShopOrder;

  const setState = (uuid: string, sql: string, params: unknown[] = []) =>
    db.pool.query(`UPDATE queue_job SET ${sql} WHERE uuid = $1`, [uuid, ...params]);

  beforeAll(async () => {
    db = await createTestDatabase();
    shop = await startAdminApp({ databaseUrl: db.url, runner: false });
    api = (path, init) => call(`${shop.url}/api`, path, init);
    const orders = shop.app.get(OrderService);
    const mailer = shop.app.get(InvoiceMailer);
    const reports = shop.app.get(ReportService);
    const jobs = shop.app.get(JobService);
    const uuid = async (call: Promise<unknown>) => ((await call) as Job).uuid;
    // Oldest first: date_created increases in this order.
    for (let id = 1; id <= 6; id++) uuids[`confirm${id}`] = await uuid(jobs.withDelay(orders, { priority: 10 - id }).confirm(id, `customer${id}@example.com`));
    for (let id = 1; id <= 3; id++) uuids[`invoice${id}`] = await uuid(mailer.send(id, `customer${id}@example.com`));
    const repository = shop.app.get(DataSource).getRepository(ShopOrder);
    order = await repository.save(repository.create({ total: 42 }));
    uuids.ship = await uuid(orders.ship(order));
    const [collectA, collectB, merge, publish] = [
      jobs.delayable(reports).collect('north'), jobs.delayable(reports).collect('south'),
      jobs.delayable(reports).merge('2025-01'), jobs.delayable(reports).publish('2025-01'),
    ];
    const stored = await chain(group(collectA, collectB), merge, publish).delay();
    [graph.collectA, graph.collectB, graph.merge, graph.publish] = stored.map((j) => j.uuid);

    await setState(uuids.invoice1, `state = 'failed', retry = 1, exc_name = 'MailboxNotFound', exc_message = 'No mailbox customer1@example.com (order 1)',
      exc_info = 'MailboxNotFound: No mailbox customer1@example.com (order 1)\n    at InvoiceMailer.send (shop.ts:10:11)'`);
    await setState(uuids.invoice2, `state = 'failed', retry = 3, exc_name = 'PaymentDeclined', exc_message = 'Card declined'`);
    await setState(uuids.confirm1, `state = 'done', date_done = now(), result = '{"order": 1}'`);
    await setState(uuids.confirm2, `state = 'cancelled', date_cancelled = now()`);
    await setState(uuids.confirm3, `state = 'started', date_started = now()`);
  });
  afterAll(async () => {
    await shop?.app.close();
    await db?.drop();
  });

  describe('guard', () => {
    it('refuses a request the guard refuses with 403, for the API and the pages', async () => {
      const refused = await api('/jobs', { user: null });
      expect(refused.status).toBe(403);
      expect(refused.body.message).toBe('The Job Queue admin guard refused this request.');
      const page = await call(shop.url, '', { user: null });
      expect(page.status).toBe(403);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(page.body).toContain('Access refused');
      for (const path of ['/assets/admin.js', '/jobs/' + uuids.confirm4, '/channels']) expect((await call(shop.url, path, { user: null })).status).toBe(403);
    });

    it('lets the guard name the user: info tells who is looking', async () => {
      const info = await api('/info', { user: 'alice' });
      expect(info.status).toBe(200);
      expect(info.body).toMatchObject({ user: 'alice', readOnly: false, defaultStates: ['wait_dependencies', 'pending', 'enqueued', 'started', 'failed'] });
    });
  });

  describe('list', () => {
    it('by default: every job but done and cancelled, newest first, with an exact total', async () => {
      const { status, body } = await api('/jobs');
      expect(status).toBe(200);
      const listed = body.jobs.map((j: { uuid: string }) => j.uuid);
      expect(listed).not.toContain(uuids.confirm1);
      expect(listed).not.toContain(uuids.confirm2);
      expect(listed).toContain(uuids.confirm3);
      expect(listed[0]).toBe(graph.publish);
      expect(listed.at(-1)).toBe(uuids.confirm3);
      expect(body.total).toEqual({ count: 12, exact: true });
      expect(body).toMatchObject({ page: 1, pageSize: 50, hasMore: false });
      const failed = body.jobs.find((j: { uuid: string }) => j.uuid === uuids.invoice1);
      expect(failed).toMatchObject({
        state: 'failed', channel: 'root.mail', jobFunction: '<InvoiceMailer>.send', name: 'Mail the invoice of an order',
        retry: 1, maxRetries: 5, excName: 'MailboxNotFound', excMessage: 'No mailbox customer1@example.com (order 1)',
      });
      expect(failed).not.toHaveProperty('args');
    });

    it('filters by state: one, several, all', async () => {
      const failed = await api('/jobs?state=failed');
      expect(failed.body.jobs.map((j: { uuid: string }) => j.uuid).sort()).toEqual([uuids.invoice1, uuids.invoice2].sort());
      const finished = await api('/jobs?state=done&state=cancelled');
      expect(finished.body.jobs.map((j: { state: string }) => j.state).sort()).toEqual(['cancelled', 'done']);
      expect((await api('/jobs?state=done,cancelled')).body.total.count).toBe(2);
      expect((await api('/jobs?state=all')).body.total.count).toBe(14);
    });

    it('filters by channel (root. optional), job function, text and dates', async () => {
      const mail = await api('/jobs?channel=mail&state=all');
      expect(mail.body.jobs.map((j: { uuid: string }) => j.uuid).sort()).toEqual([uuids.invoice1, uuids.invoice2, uuids.invoice3].sort());
      expect((await api('/jobs?channel=root.mail&state=all')).body.total.count).toBe(3);
      const fn = await api('/jobs?jobFunction=' + encodeURIComponent('<ReportService>.collect'));
      expect(fn.body.jobs.map((j: { uuid: string }) => j.uuid).sort()).toEqual([graph.collectA, graph.collectB].sort());
      // Text: exception message, description, job function, part of a uuid, a whole graph uuid.
      expect((await api('/jobs?q=mailbox')).body.jobs.map((j: { uuid: string }) => j.uuid)).toEqual([uuids.invoice1]);
      expect((await api('/jobs?q=PaymentDeclined')).body.jobs.map((j: { uuid: string }) => j.uuid)).toEqual([uuids.invoice2]);
      expect((await api('/jobs?q=' + encodeURIComponent('merge the REGIONS'))).body.jobs.map((j: { uuid: string }) => j.uuid)).toEqual([graph.merge]);
      // (Version 7 uuids begin with their creation time, shared by jobs of the same millisecond: the end tells them apart.)
      expect((await api('/jobs?q=' + uuids.confirm5.slice(-13))).body.jobs.map((j: { uuid: string }) => j.uuid)).toEqual([uuids.confirm5]);
      const { rows } = await db.pool.query('SELECT graph_uuid FROM queue_job WHERE uuid = $1', [graph.merge]);
      expect((await api('/jobs?q=' + rows[0].graph_uuid)).body.total.count).toBe(4);
      // LIKE wildcards are searched literally.
      expect((await api('/jobs?q=' + encodeURIComponent('%'))).body.total.count).toBe(0);
      // Dates: a range around now holds everything, the future nothing; a date alone as `to` is a whole UTC day.
      const hour = 3_600_000;
      const around = `from=${new Date(Date.now() - hour).toISOString()}&to=${new Date(Date.now() + hour).toISOString()}`;
      expect((await api(`/jobs?state=all&${around}`)).body.total.count).toBe(14);
      expect((await api(`/jobs?state=all&from=${new Date(Date.now() + hour).toISOString()}`)).body.total.count).toBe(0);
      const today = new Date().toISOString().slice(0, 10);
      expect((await api(`/jobs?state=all&from=${today}&to=${today}`)).body.total.count).toBe(14);
      expect((await api('/jobs?state=all&to=2000-01-01')).body.total.count).toBe(0);
    });

    it('pages through the jobs without overlap, and sorts', async () => {
      const seen: string[] = [];
      for (let page = 1; page <= 3; page++) {
        const { body } = await api(`/jobs?state=all&pageSize=5&page=${page}`);
        expect(body.hasMore).toBe(page < 3);
        expect(body.total).toEqual({ count: 14, exact: true });
        seen.push(...body.jobs.map((j: { uuid: string }) => j.uuid));
      }
      expect(seen).toHaveLength(14);
      expect(new Set(seen).size).toBe(14);
      const byPriority = await api('/jobs?channel=sale&state=all&sort=priority&order=asc');
      const priorities = byPriority.body.jobs.map((j: { priority: number }) => j.priority);
      expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
      expect(byPriority.body.jobs[0].uuid).toBe(uuids.confirm6);
      const oldest = await api('/jobs?state=all&order=asc&pageSize=1');
      expect(oldest.body.jobs[0].uuid).toBe(uuids.confirm1);
    });
  });

  describe('counts and groups', () => {
    it('counts jobs per state under the other filters', async () => {
      const all = await api('/jobs/counts');
      expect(all.body.states).toEqual({
        wait_dependencies: { count: 2, exact: true }, pending: { count: 7, exact: true }, enqueued: { count: 0, exact: true },
        started: { count: 1, exact: true }, done: { count: 1, exact: true }, cancelled: { count: 1, exact: true }, failed: { count: 2, exact: true },
      });
      const mail = await api('/jobs/counts?channel=mail&state=failed');
      expect(mail.body.states.failed.count).toBe(2);
      expect(mail.body.states.pending.count).toBe(1);
      expect(mail.body.states.done.count).toBe(0);
    });

    it('groups by channel, job function, state and exception', async () => {
      const byChannel = await api('/jobs/groups?by=channel&state=all');
      expect(byChannel.body).toEqual({ by: 'channel', groups: [
        { key: 'root.sale', count: 7 }, { key: 'root.report', count: 4 }, { key: 'root.mail', count: 3 },
      ] });
      const byFunction = await api('/jobs/groups?by=jobFunction');
      expect(byFunction.body.groups).toContainEqual({ key: '<ReportService>.collect', count: 2 });
      const byState = await api('/jobs/groups?by=state&channel=sale&state=all');
      expect(byState.body.groups).toEqual(expect.arrayContaining([{ key: 'pending', count: 4 }, { key: 'done', count: 1 }]));
      const byException = await api('/jobs/groups?by=exception&state=failed');
      expect(byException.body.groups).toEqual([{ key: 'MailboxNotFound', count: 1 }, { key: 'PaymentDeclined', count: 1 }]);
    });
  });

  describe('detail', () => {
    it('has every field, the exception with its stack, and what can be done', async () => {
      const { status, body } = await api(`/jobs/${uuids.invoice1}`);
      expect(status).toBe(200);
      expect(body.job).toMatchObject({
        uuid: uuids.invoice1, state: 'failed', jobFunction: '<InvoiceMailer>.send', retry: 1, maxRetries: 5, excName: 'MailboxNotFound',
        channel: 'root.mail', dateCreated: expect.any(String),
      });
      // Large fields as text excerpts (JSON as PostgreSQL writes it), whole here.
      expect(body.fields).toMatchObject({
        funcString: { text: expect.stringContaining('InvoiceMailer.send(1'), truncated: false },
        args: { text: '[1, "customer1@example.com"]', length: 28, truncated: false },
        excInfo: { text: expect.stringContaining('at InvoiceMailer.send'), truncated: false },
        result: null,
      });
      expect(body.jobFunction).toMatchObject({ channel: 'root.mail', retryPattern: { 1: 60, 3: 300 }, registered: true });
      expect(body.actions).toEqual({ requeue: true, setDone: true, cancel: true, related: false });
      expect(body.graph).toBeNull();
      // Started: only cancel applies (its runner aborts it).
      expect((await api(`/jobs/${uuids.confirm3}`)).body.actions).toMatchObject({ requeue: false, setDone: false, cancel: true });
    });

    it("draws the job's graph: nodes with states, edges from parent to child", async () => {
      const { body } = await api(`/jobs/${graph.merge}`);
      expect(body.graph.nodes).toHaveLength(4);
      expect(body.graph.nodes.find((n: { uuid: string }) => n.uuid === graph.collectA)).toMatchObject({ state: 'pending', methodName: 'collect' });
      expect(body.graph.nodes.find((n: { uuid: string }) => n.uuid === graph.publish)).toMatchObject({ state: 'wait_dependencies' });
      expect(body.graph.edges).toEqual(expect.arrayContaining([
        { from: graph.collectA, to: graph.merge }, { from: graph.collectB, to: graph.merge }, { from: graph.merge, to: graph.publish },
      ]));
      expect(body.graph.edges).toHaveLength(3);
    });

    it('404 for a job that does not exist, 400 for something that is not a uuid', async () => {
      const missing = await api('/jobs/00000000-0000-4000-8000-000000000000');
      expect(missing.status).toBe(404);
      expect(missing.body.message).toContain('No job with uuid 00000000-0000-4000-8000-000000000000');
      const bad = await api('/jobs/not-a-uuid');
      expect(bad.status).toBe(400);
      expect(bad.body.message).toContain('"not-a-uuid" is not a job uuid');
    });

    it('related: the records of the job, loaded; 404 when there is nothing to open', async () => {
      const { status, body } = await api(`/jobs/${uuids.ship}/related`);
      expect(status).toBe(200);
      expect(body).toEqual({ action: { type: 'record', record: { entity: 'ShopOrder', id: order.id } },
        records: [{ entity: 'ShopOrder', id: order.id, record: { id: order.id, total: 42 } }] });
      expect((await api(`/jobs/${uuids.ship}`)).body.actions.related).toBe(true);
      const none = await api(`/jobs/${uuids.confirm4}/related`);
      expect(none.status).toBe(404);
      expect(none.body.message).toContain('has no related action');
      const many = await api('/jobs/related', { method: 'POST', body: { uuids: [uuids.ship, uuids.confirm4] } });
      expect(many.status).toBe(200);
      expect(many.body.results[0]).toMatchObject({ uuid: uuids.ship, action: { type: 'record' } });
      expect(many.body.results[1]).toMatchObject({ uuid: uuids.confirm4, error: expect.stringContaining('no related action') });
    });
  });

  describe('actions', () => {
    it('cancel one job: recorded with the user the guard named', async () => {
      const { status, body } = await api(`/jobs/${uuids.confirm4}/cancel`, { method: 'POST', user: 'alice' });
      expect(status).toBe(200);
      expect(body).toEqual({ action: 'cancel', by: 'alice', changed: [uuids.confirm4] });
      const { rows } = await db.pool.query('SELECT state, result FROM queue_job WHERE uuid = $1', [uuids.confirm4]);
      expect(rows[0]).toEqual({ state: 'cancelled', result: 'Cancelled by alice' });
    });

    it('set done on many jobs at once, releasing graph children', async () => {
      const { status, body } = await api('/jobs/set-done', { method: 'POST', user: 'bob', body: { uuids: [graph.collectA, graph.collectB] } });
      expect(status).toBe(200);
      expect(body.changed.sort()).toEqual([graph.collectA, graph.collectB].sort());
      const { rows } = await db.pool.query('SELECT uuid, state, result FROM queue_job WHERE uuid = ANY($1) ORDER BY id', [[graph.collectA, graph.merge]]);
      expect(rows).toEqual([
        { uuid: graph.collectA, state: 'done', result: 'Manually set to done by bob' },
        { uuid: graph.merge, state: 'pending', result: null },
      ]);
    });

    it('requeue a failed job', async () => {
      const { status, body } = await api('/jobs/requeue', { method: 'POST', user: 'carol', body: { uuids: [uuids.invoice2] } });
      expect(status).toBe(200);
      expect(body).toEqual({ action: 'requeue', by: 'carol', changed: [uuids.invoice2] });
      const { rows } = await db.pool.query('SELECT state, retry FROM queue_job WHERE uuid = $1', [uuids.invoice2]);
      expect(rows[0]).toEqual({ state: 'pending', retry: 0 });
    });

    it('all or nothing: a job in the wrong state is a 409 and nothing changes; an unknown one a 404', async () => {
      const conflict = await api('/jobs/requeue', { method: 'POST', body: { uuids: [uuids.invoice1, uuids.confirm5] } });
      expect(conflict.status).toBe(409);
      expect(conflict.body.message).toContain(`${uuids.confirm5} is pending`);
      expect((await db.pool.query('SELECT state FROM queue_job WHERE uuid = $1', [uuids.invoice1])).rows[0].state).toBe('failed');
      const missing = await api('/jobs/cancel', { method: 'POST', body: { uuids: ['00000000-0000-4000-8000-000000000000'] } });
      expect(missing.status).toBe(404);
    });

    it('refuses anything but a JSON body of job uuids', async () => {
      const form = await api('/jobs/cancel', { method: 'POST', body: 'uuids=x', contentType: 'application/x-www-form-urlencoded' });
      expect(form.status).toBe(415);
      expect(form.body.message).toContain('Actions need a JSON body (Content-Type: application/json), got "application/x-www-form-urlencoded"');
      const single = await api(`/jobs/${uuids.confirm5}/cancel`, { method: 'POST', contentType: 'text/plain' });
      expect(single.status).toBe(415);
      for (const body of [{}, { uuids: [] }, { uuids: 'x' }]) {
        const reply = await api('/jobs/cancel', { method: 'POST', body });
        expect(reply.status).toBe(400);
        expect(reply.body.message).toContain('{"uuids": ["<job uuid>", ...]}');
      }
      const badUuid = await api('/jobs/cancel', { method: 'POST', body: { uuids: [uuids.confirm5, 'nope'] } });
      expect(badUuid.status).toBe(400);
      expect(badUuid.body.message).toContain('"nope" is not a job uuid');
      const unknown = await api('/jobs/explode', { method: 'POST', body: { uuids: [uuids.confirm5] } });
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toContain('Unknown action "explode"');
      expect((await db.pool.query('SELECT state FROM queue_job WHERE uuid = $1', [uuids.confirm5])).rows[0].state).toBe('pending');
    });
  });

  describe('channels and job functions', () => {
    it('channels: the tree with configured capacity, options, removal interval and live counts', async () => {
      const { status, body } = await api('/channels');
      expect(status).toBe(200);
      const byName = Object.fromEntries(body.channels.map((c: { name: string }) => [c.name, c]));
      expect(body.channels.map((c: { name: string }) => c.name)).toEqual(['root', 'root.mail', 'root.report', 'root.sale']);
      expect(byName.root).toMatchObject({ parent: null, depth: 0, configured: true, capacity: 4, removalInterval: 30 });
      expect(byName['root.sale']).toMatchObject({ parent: 'root', depth: 1, capacity: 2, removalInterval: 60, declaredBy: ['ShopModule'] });
      expect(byName['root.mail']).toMatchObject({ capacity: 1, throttle: 1, counts: { failed: 1, pending: 2, running: 0, waiting: 0 } });
      expect(byName['root.report']).toMatchObject({ sequential: true, maxPending: 500 });
      expect(byName['root.sale']).toMatchObject({ maxPending: null });
      expect(byName['root.sale'].counts).toEqual({ waiting: 0, pending: 3, running: 1, failed: 0 });
      expect(byName.root.totals).toEqual({ waiting: 1, pending: 6, running: 1, failed: 1 });
    });

    it('job functions: records and the @Delayable methods of the app', async () => {
      const { body } = await api('/job-functions');
      const send = body.jobFunctions.find((f: { name: string }) => f.name === '<InvoiceMailer>.send');
      expect(send).toEqual({ name: '<InvoiceMailer>.send', channel: 'root.mail', retryPattern: { 1: 60, 3: 300 }, relatedAction: null,
        declaredBy: ['ShopModule'], registered: true });
      expect(body.jobFunctions.map((f: { name: string }) => f.name)).toContain('<ReportService>.publish');
    });
  });

  describe('bad input: 400 with a message naming the value', () => {
    it.each([
      ['/jobs?state=bogus', 'Unknown state "bogus": expected "all" or one or more of wait_dependencies, pending, enqueued, started, done, cancelled, failed'],
      ['/jobs?state=failed,Done', 'Unknown state "Done"'],
      ['/jobs?pageSize=500', 'pageSize 500 is over the limit of 200'],
      ['/jobs?pageSize=0', 'Parameter "pageSize" is "0": expected a whole number >= 1'],
      ['/jobs?page=-1', 'Parameter "page" is "-1": expected a whole number >= 1'],
      ['/jobs?page=abc', 'Parameter "page" is "abc"'],
      ['/jobs?from=2025-13-01', 'Parameter "from" is "2025-13-01": expected an ISO 8601 date'],
      ['/jobs?from=2025-02-30', 'Parameter "from" is "2025-02-30"'],
      ['/jobs?to=yesterday', 'Parameter "to" is "yesterday"'],
      ['/jobs?from=2025-03-01&to=2025-02-01', 'Parameter "from" (2025-03-01) is after "to" (2025-02-01)'],
      ['/jobs?sort=uuid', 'Parameter "sort" is "uuid": expected one of dateCreated'],
      ['/jobs?order=up', 'Parameter "order" is "up": expected one of asc, desc'],
      ['/jobs?channel=' + encodeURIComponent("sale'; drop table queue_job"), `Parameter "channel" is "sale'; drop table queue_job"`],
      ['/jobs?q=' + 'x'.repeat(201), 'Parameter "q" is 201 characters long: at most 200'],
      ['/jobs?status=failed', 'Unknown parameter "status": expected one of state, channel'],
      ['/jobs?channel=a&channel=b', 'Parameter "channel" is given more than once'],
      ['/jobs/counts?page=2', 'Unknown parameter "page"'],
      ['/jobs/groups', 'Parameter "by" is missing: expected one of channel, jobFunction, state, exception'],
      ['/jobs/groups?by=priority', 'Parameter "by" is "priority"'],
      ['/jobs/groups?by=state&state=nope', 'Unknown state "nope"'],
      ['/jobs/123', '"123" is not a job uuid'],
      ['/jobs/123/related', '"123" is not a job uuid'],
    ])('%s', async (path, message) => {
      const { status, body } = await api(path);
      expect(status).toBe(400);
      expect(body.message).toContain(message);
    });

    it('a quote in a search is data, not SQL', async () => {
      const { status, body } = await api('/jobs?q=' + encodeURIComponent("'); DROP TABLE queue_job; --"));
      expect(status).toBe(200);
      expect(body.total.count).toBe(0);
      expect((await db.pool.query('SELECT count(*)::int AS n FROM queue_job')).rows[0].n).toBe(14);
    });
  });
});

describe('Job Queue admin mounting', () => {
  let db: TestDatabase;
  const apps: AdminTestApp[] = [];
  const start = async (options: Parameters<typeof startAdminApp>[0]) => {
    const started = await startAdminApp(options);
    apps.push(started);
    return started;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const { app } of apps) await app.close();
    await db?.drop();
  });

  it('readOnly: reads work, actions are refused with 403 and nothing changes', async () => {
    const shop = await start({ databaseUrl: db.url, runner: false, admin: { guard: () => true, readOnly: true } });
    const job = (await shop.app.get(OrderService).confirm(1, 'x')) as unknown as Job;
    const info = await call(`${shop.url}/api`, '/info');
    expect(info.body).toMatchObject({ readOnly: true, user: 'anonymous' });
    const detail = await call(`${shop.url}/api`, `/jobs/${job.uuid}`);
    expect(detail.body.actions).toEqual({ requeue: false, setDone: false, cancel: false, related: false });
    for (const action of ['cancel', 'set-done', 'requeue']) {
      const refused = await call(`${shop.url}/api`, `/jobs/${job.uuid}/${action}`, { method: 'POST' });
      expect(refused.status).toBe(403);
      expect(refused.body.message).toBe(`The Job Queue admin is read-only (admin.readOnly): "${action}" is refused; nothing was changed.`);
      const bulk = await call(`${shop.url}/api`, `/jobs/${action}`, { method: 'POST', body: { uuids: [job.uuid] } });
      expect(bulk.status).toBe(403);
    }
    expect((await db.pool.query('SELECT state FROM queue_job WHERE uuid = $1', [job.uuid])).rows[0].state).toBe('pending');
  });

  it('without a guard: 403 for every request, and a warning at startup', async () => {
    const restore = setEnv({ NODE_ENV: 'production' });
    const logger = new CaptureLogger();
    try {
      const shop = await start({ databaseUrl: db.url, runner: false, admin: true, logger });
      expect(logger.messages('warn').join('\n')).toContain('The Job Queue admin at /queue-job has no guard: it refuses every request (403)');
      for (const path of ['/api/jobs', '/api/info', '', '/assets/admin.css']) {
        const reply = await call(shop.url, path, { user: 'alice' });
        expect(reply.status).toBe(403);
      }
      expect((await call(`${shop.url}/api`, '/jobs')).body.message).toContain('has no guard, so it refuses every request');
    } finally {
      restore();
    }
  });

  it('without a guard in development: open, with a warning at startup', async () => {
    const restore = setEnv({ NODE_ENV: 'development' });
    const logger = new CaptureLogger();
    try {
      const shop = await start({ databaseUrl: db.url, runner: false, admin: { path: 'dev-jobs' }, logger });
      expect(logger.messages('warn').join('\n')).toContain('The Job Queue admin at /dev-jobs has no guard: it is open to everyone because NODE_ENV=development');
      expect((await call(`${shop.url}/api`, '/jobs', { user: null })).status).toBe(200);
    } finally {
      restore();
    }
  });

  it('a CanActivate class with dependencies, and the user named by request.user (Passport style)', async () => {
    @Injectable()
    class Tokens {
      readonly valid = new Map([['s3cret', { username: 'dora' }]]);
    }
    @Injectable()
    class TokenGuard implements CanActivate {
      constructor(private readonly tokens: Tokens) {}
      canActivate(context: ExecutionContext): boolean {
        const request = context.switchToHttp().getRequest<{ headers: Record<string, string>; user?: unknown }>();
        request.user = this.tokens.valid.get(request.headers.authorization?.replace(/^Bearer /, '') ?? '');
        return request.user !== undefined;
      }
    }
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: db.url, entities: [ShopOrder], synchronize: true, logging: false, retryAttempts: 0 }),
        QueueJobModule.forRootAsync({
          admin: { path: '/ops/queue', guard: TokenGuard },
          useFactory: async () => ({ runner: false, channels: 'root:2' }),
        }),
        ShopModule,
      ],
      // The app's provider of the guard class is used, with its dependencies.
      providers: [Tokens, TokenGuard],
    }).compile();
    const shop = await listen(moduleRef.createNestApplication(), { path: '/ops/queue' });
    apps.push(shop);
    const job = (await shop.app.get(OrderService).confirm(2, 'y')) as unknown as Job;
    const headers = { authorization: 'Bearer s3cret', 'content-type': 'application/json', accept: 'application/json' };
    const refused = await fetch(`${shop.url}/api/jobs`, { headers: { authorization: 'Bearer wrong' } });
    expect(refused.status).toBe(403);
    const cancelled = await fetch(`${shop.url}/api/jobs/${job.uuid}/cancel`, { method: 'POST', headers, body: '{}' });
    expect(cancelled.status).toBe(200);
    expect((await cancelled.json()).by).toBe('dora');
    expect((await db.pool.query('SELECT result FROM queue_job WHERE uuid = $1', [job.uuid])).rows[0].result).toBe('Cancelled by dora');
  });

  it('two apps in one process keep their own paths', async () => {
    const a = await start({ databaseUrl: db.url, runner: false, admin: { path: '/one', guard: () => true } });
    const b = await start({ databaseUrl: db.url, runner: false, admin: { path: '/two/admin', guard: () => true } });
    expect((await call(a.origin, '/one/api/info')).status).toBe(200);
    expect((await call(a.origin, '/two/admin/api/info')).status).toBe(404);
    expect((await call(b.origin, '/two/admin/api/info')).status).toBe(200);
    expect((await call(b.origin, '/one/api/info')).status).toBe(404);
    expect((await call(b.origin, '/queue-job/api/info')).status).toBe(404);
  });

  it('pages: one HTML document per page URL, with its assets under the admin path and a strict CSP', async () => {
    const shop = await start({ databaseUrl: db.url, runner: false, admin: { path: '/q', guard: () => true } });
    for (const path of ['/q', '/q/', '/q/channels', '/q/job-functions', '/q/jobs/00000000-0000-4000-8000-000000000000']) {
      const reply = await call(shop.origin, path);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatch(/<script src="\/q\/assets\/admin\.js\?v=[0-9a-f]{12}" defer><\/script>/);
      expect(reply.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
    const js = await call(shop.origin, '/q/assets/admin.js');
    expect(js.headers.get('content-type')).toMatch(/text\/javascript/);
    expect(() => new Function(js.body as string)).not.toThrow();
    expect((await call(shop.origin, '/q/assets/admin.css')).headers.get('content-type')).toMatch(/text\/css/);
  });

  it("the sample app's admin: HTTP basic auth, default user admin", async () => {
    const sampleDb = await createTestDatabase();
    try {
      const moduleRef = await Test.createTestingModule({ imports: [AppModule.forDatabase(sampleDb.url)] }).compile();
      const sample = await listen(moduleRef.createNestApplication(), { path: '/queue-job' });
      try {
        const anonymous = await fetch(`${sample.url}/api/info`);
        expect(anonymous.status).toBe(401);
        expect(anonymous.headers.get('www-authenticate')).toContain('Basic realm="Job Queue"');
        const page = await fetch(sample.url);
        expect(page.status).toBe(401);
        expect(await page.text()).toContain('Sign in to the Job Queue admin');
        const wrong = await fetch(`${sample.url}/api/info`, { headers: { authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` } });
        expect(wrong.status).toBe(401);
        const signedIn = await fetch(`${sample.url}/api/info`, { headers: { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` } });
        expect(signedIn.status).toBe(200);
        expect((await signedIn.json()).user).toBe('admin');
      } finally {
        await sample.app.close();
      }
    } finally {
      await sampleDb.drop();
    }
  });

  it('refuses an admin path that is not plain URL segments', () => {
    expect(() => QueueJobModule.forRoot({ admin: { path: '/jobs/:id' } })).toThrow(
      'QueueJobModule option "admin.path" is "/jobs/:id": expected URL path segments such as "/queue-job" or "/admin/jobs".');
  });
});

describe('Job Queue admin on a long history', () => {
  let db: TestDatabase;
  let shop: AdminTestApp;
  const api = (path: string) => call(`${shop.url}/api`, path);

  beforeAll(async () => {
    db = await createTestDatabase();
    shop = await startAdminApp({ databaseUrl: db.url, runner: false, admin: { guard: () => true } });
    // 120,000 done jobs and a small backlog, written straight to the table.
    await db.pool.query(`
      INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, state, channel, date_created, date_done, exc_message)
      SELECT gen_random_uuid(), 'Old job ' || i, '<OrderService>.confirm', 'OrderService', 'confirm',
             CASE WHEN i > 119950 THEN 'pending' ELSE 'done' END, 'root.sale',
             now() - make_interval(secs => 120000 - i), now(), CASE WHEN i % 40000 = 0 THEN 'needle ' || i END
      FROM generate_series(1, 120000) i`);
    await db.pool.query('ANALYZE queue_job');
  }, 120_000);
  afterAll(async () => {
    await shop?.app.close();
    await db?.drop();
  });

  it('counts done jobs up to the cap, then estimates them; the backlog stays exact', async () => {
    const { body } = await api('/jobs/counts');
    expect(body.states.pending).toEqual({ count: 50, exact: true });
    expect(body.states.done.exact).toBe(false);
    expect(body.states.done.count).toBeGreaterThan(100_000);
    expect(body.states.done.count).toBeLessThan(140_000);
    const all = await api('/jobs?state=all&pageSize=10');
    expect(all.body.total.exact).toBe(false);
    expect(all.body.jobs).toHaveLength(10);
    expect((await api('/jobs')).body.total).toEqual({ count: 50, exact: true });
  });

  it('a text search over the history is not counted twice: the total says "at least" when there is more', async () => {
    const few = await api('/jobs?state=all&q=needle');
    expect(few.body.jobs.map((j: { excMessage: string }) => j.excMessage)).toEqual(['needle 120000', 'needle 80000', 'needle 40000']);
    expect(few.body.total).toEqual({ count: 3, exact: true });
    const many = await api('/jobs?state=all&q=old%20job&pageSize=20');
    expect(many.body.total).toEqual({ count: 21, exact: false, atLeast: true });
    const counts = await api('/jobs/counts?q=needle');
    expect(counts.body.states.done.exact).toBe(false);
    expect(counts.body.states.pending).toEqual({ count: 1, exact: true });
  });
});
