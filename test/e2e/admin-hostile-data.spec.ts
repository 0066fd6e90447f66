import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from '../../lib/enqueue/job.js';
import { OrderService, startAdminApp, USER_HEADER, type AdminTestApp } from '../browser/admin-app.js';
import { DEEP, HUGE, HUGE_EXC_NAME, deepArrayJson, deepObjectJson, makeDeep, makeHuge } from '../support/hostile-jobs.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const FIELD_LIMIT = 64 * 1024;

describe('Job Queue admin under hostile data', () => {
  let db: TestDatabase;
  let shop: AdminTestApp;
  const uuids: Record<'deep' | 'huge' | 'plain', string> = { deep: '', huge: '', plain: '' };
  const get = (path: string) => fetch(`${shop.url}/api${path}`, { headers: { [USER_HEADER]: 'alice' } });

  beforeAll(async () => {
    db = await createTestDatabase();
    shop = await startAdminApp({ databaseUrl: db.url, runner: false });
    const orders = shop.app.get(OrderService);
    for (const key of Object.keys(uuids) as Array<keyof typeof uuids>) uuids[key] = ((await orders.confirm(1, key)) as unknown as Job).uuid;
    await makeDeep(db, uuids.deep);
    await makeHuge(db, uuids.huge);
  }, 60_000);
  afterAll(async () => {
    await shop?.app.close();
    await db?.drop();
  });

  it(`no 500 from any read of the API with values nested ${DEEP} levels deep or ${HUGE / 1024 / 1024} MB long`, async () => {
    // The list sends a job's name and exception class cut at 1,000 characters: it is polled every 2 s.
    const list = await get('/jobs?state=all');
    expect((await list.text()).length).toBeLessThan(16_000);
    const paths = ['/jobs?state=all', '/jobs/counts', '/jobs/groups?by=exception&state=all', '/jobs?q=huge&state=all', '/channels', '/job-functions'];
    for (const uuid of [uuids.deep, uuids.huge]) paths.push(`/jobs/${uuid}`, `/jobs/${uuid}/state`, `/jobs/${uuid}/related`);
    for (const path of paths) {
      const reply = await get(path);
      expect({ path, ok: reply.status < 500 }).toEqual({ path, ok: true }); // the path names the culprit
      expect(reply.headers.get('content-type')).toMatch(/application\/json/);
      await reply.json();
    }
    expect((await get(`/jobs/${uuids.deep}`)).status).toBe(200);
  });

  it('the detail cuts each large field at 64 KB, says how long it is, and stays small', async () => {
    const reply = await get(`/jobs/${uuids.huge}`);
    expect(reply.status).toBe(200);
    const text = await reply.text();
    expect(text.length).toBeLessThan(8 * FIELD_LIMIT);
    const { job, fields } = JSON.parse(text);
    expect(job).toMatchObject({ uuid: uuids.huge, state: 'failed', excName: HUGE_EXC_NAME, name: 'n'.repeat(1000), retry: 0 });
    for (const name of ['args', 'result', 'excInfo', 'excMessage', 'funcString', 'records']) expect(job).not.toHaveProperty(name);
    expect(fields.result).toEqual({ text: `"${'r'.repeat(FIELD_LIMIT - 1)}`, length: HUGE + 2, truncated: true });
    expect(fields.excInfo).toEqual({ text: 's'.repeat(FIELD_LIMIT), length: HUGE, truncated: true });
    expect(fields.excMessage.truncated).toBe(true);
    expect(fields.funcString.truncated).toBe(true);
    expect(fields.args).toEqual({ text: '[1, "huge"]', length: 11, truncated: false });
    const deep = (await (await get(`/jobs/${uuids.deep}`)).json()).fields;
    expect(deep.args).toEqual({ text: deepArrayJson(), length: 2 * DEEP, truncated: false });
    expect(deep.result.text).toBe(deepObjectJson().replace(/:/g, ': ').slice(0, FIELD_LIMIT));
    expect(deep.result.truncated).toBe(true);
  });

  it('the whole of a field, as text: GET api/jobs/<uuid>/fields/<field>', async () => {
    const result = await get(`/jobs/${uuids.huge}/fields/result`);
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const text = await result.text();
    expect(text.length).toBe(HUGE + 2);
    expect(text.slice(0, 3)).toBe('"rr');
    expect(await (await get(`/jobs/${uuids.huge}/fields/excInfo`)).text()).toHaveLength(HUGE);
    expect(await (await get(`/jobs/${uuids.deep}/fields/args`)).text()).toBe(deepArrayJson());
    const unknown = await get(`/jobs/${uuids.deep}/fields/password`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).message).toBe(
      'Unknown field "password": expected one of funcString, args, records, dependencies, result, excMessage, excInfo, context, traceContext.');
    const empty = await get(`/jobs/${uuids.plain}/fields/result`);
    expect(empty.status).toBe(404);
    expect((await empty.json()).message).toBe(`Job ${uuids.plain} has no result.`);
  });

  it('the light state of a job, for polling: GET api/jobs/<uuid>/state, without args, result or exception text', async () => {
    const reply = await get(`/jobs/${uuids.huge}/state`);
    expect(reply.status).toBe(200);
    const body = await reply.json();
    expect(Object.keys(body).sort()).toEqual(['dateCancelled', 'dateDone', 'dateEnqueued', 'dateStarted', 'eta', 'excName', 'execTime',
      'maxRetries', 'progress', 'progressMessage', 'retry', 'state', 'uuid']);
    expect(body).toMatchObject({ uuid: uuids.huge, state: 'failed', excName: HUGE_EXC_NAME, retry: 0, maxRetries: 5 });
    await db.pool.query(`UPDATE queue_job SET state = 'done', date_done = now(), exc_name = NULL WHERE uuid = $1`, [uuids.plain]);
    expect(await (await get(`/jobs/${uuids.plain}/state`)).json()).toMatchObject({ state: 'done', excName: null, dateDone: expect.any(String) });
    expect((await get('/jobs/00000000-0000-4000-8000-000000000000/state')).status).toBe(404);
  });

  it('a huge progress message (written by hand: the runner cuts its own) reaches the admin cut to 500 characters', async () => {
    await db.pool.query(`UPDATE queue_job SET progress = 0.25, progress_message = repeat('p', 1000000) WHERE uuid = $1`, [uuids.plain]);
    const state = await (await get(`/jobs/${uuids.plain}/state`)).json();
    const detail = await (await get(`/jobs/${uuids.plain}`)).json();
    const listed = (await (await get(`/jobs?state=all&q=${uuids.plain}`)).json()).jobs;
    for (const job of [state, detail.job, listed[0]]) expect(job).toMatchObject({ progress: 0.25, progressMessage: 'p'.repeat(500) });
  });
});
