import { beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobService } from '../../lib/enqueue/job.service.js';
import type { Job } from '../../lib/enqueue/job.js';
import { ShopService } from '../fixtures/shop.service.js';
import { ShopOrder } from '../fixtures/shop-order.entity.js';
import { allJobRows, countJobs, inState, jobRow, secondsBetween, waitForRow } from '../support/job-rows.js';
import { useShopApp } from '../support/shop-app.js';
import type { TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

describe('execution: enqueue -> run -> done', () => {
  const shopApp = useShopApp({ channels: 'root:4', entities: [ShopOrder] });
  const log = shopApp.log;
  let db: TestDatabase;
  let app: INestApplicationContext;
  let shop: ShopService;
  let jobs: JobService;
  beforeAll(() => void ({ db, app, shop, jobs } = shopApp));

  it('stores a direct call as a pending job and records result, dates, exec_time and retry = 1 when done', async () => {
    const at = new Date('2024-02-03T04:05:06.789Z');
    const amount = 12345678901234567890n;
    const before = Date.now();
    const job = (await shop.confirm(501, 'gift wrap', at, amount)) as Job;

    expect(job.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(job.state).toBe('pending');
    expect(job.jobFunction).toBe('<ShopService>.confirm');
    const row = await waitForRow(db, job.uuid);

    expect(row.state).toBe('done');
    expect(row.job_function).toBe('<ShopService>.confirm');
    expect(row.service_name).toBe('ShopService');
    expect(row.method_name).toBe('confirm');
    expect(row.name).toBe('<ShopService>.confirm'); // default description
    expect(row.func_string).toBe('ShopService.confirm(501, "gift wrap", 2024-02-03T04:05:06.789Z, 12345678901234567890n)');
    expect(row.args).toEqual([501, 'gift wrap', { $date: '2024-02-03T04:05:06.789Z' }, { $bigint: '12345678901234567890' }]);
    expect(row.records).toEqual([]);
    expect(row.channel).toBe('root');
    expect(row.priority).toBe(10);
    expect(row.max_retries).toBe(5);
    expect(row.retry).toBe(1);
    expect(row.result).toEqual({ confirmed: 501, note: 'gift wrap', at: '2024-02-03T04:05:06.789Z', amount: '12345678901234567890n' });
    expect(row.exc_name).toBeNull();
    expect(row.exc_message).toBeNull();
    expect(row.exc_info).toBeNull();
    expect(row.worker_id).toEqual(expect.any(String));

    // Dates in order, all within the test.
    const { date_created, date_enqueued, date_started, date_done } = row;
    expect(date_created.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(date_enqueued!.getTime()).toBeGreaterThanOrEqual(date_created.getTime());
    expect(date_started!.getTime()).toBeGreaterThanOrEqual(date_enqueued!.getTime() - 5); // clocks: db vs node
    expect(date_done!.getTime()).toBeGreaterThanOrEqual(date_started!.getTime());
    expect(date_done!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    expect(row.exec_time).toBeGreaterThanOrEqual(0);
    expect(row.exec_time!).toBeLessThanOrEqual(secondsBetween(date_started!, date_done!) + 0.01);

    // The method itself got a real Date and a real bigint back.
    const [call] = log.callsOf('confirm', 501);
    expect(call!.args[2]).toBeInstanceOf(Date);
    expect((call!.args[2] as Date).toISOString()).toBe(at.toISOString());
    expect(call!.args[3]).toBe(amount);
  });

  it('Job handle: dbRecord() reads the row as an entity', async () => {
    const job = (await shop.confirm(502, 'handle')) as Job;
    await waitForRow(db, job.uuid);
    const record = await job.dbRecord();
    expect(record.uuid).toBe(job.uuid);
    expect(record.state).toBe('done');
    expect(record.jobFunction).toBe('<ShopService>.confirm');
    expect(record.result).toEqual({ confirmed: 502, note: 'handle' });
    expect(await jobs.findJob(job.uuid)).toMatchObject({ uuid: job.uuid, state: 'done' });
  });

  it('exec_time measures the method run', async () => {
    const job = await jobs.withDelay(shop).hold('root', 200, 'timed');
    const row = await waitForRow(db, job.uuid);
    expect(row.state).toBe('done');
    expect(row.result).toBe('timed');
    expect(row.exec_time!).toBeGreaterThanOrEqual(0.19);
    expect(row.exec_time!).toBeLessThan(5);
  });

  it('withDelay options go to the row: priority, eta, maxRetries, description, channel', async () => {
    const eta = new Date(Date.now() + 3_600_000);
    const job = await jobs.withDelay(shop, { priority: 3, eta, maxRetries: 7, description: 'Confirm order 503', channel: 'sale' })
      .confirm(503, 'options');
    const row = await jobRow(db, job.uuid);
    expect(row).toMatchObject({ priority: 3, max_retries: 7, name: 'Confirm order 503', channel: 'root.sale', state: 'pending' });
    expect(row.eta!.getTime()).toBe(eta.getTime());
    // eta in seconds from now
    const soon = await jobs.withDelay(shop, { eta: 3600 }).confirm(504, 'eta seconds');
    const soonRow = await jobRow(db, soon.uuid);
    expect(secondsBetween(soonRow.date_created, soonRow.eta!)).toBeGreaterThan(3590);
    expect(secondsBetween(soonRow.date_created, soonRow.eta!)).toBeLessThan(3610);
  });

  it('a job with a future eta is not run before it', async () => {
    const job = await jobs.withDelay(shop, { eta: 1 }).confirm(505, 'in one second');
    const row = await waitForRow(db, job.uuid);
    expect(row.state).toBe('done');
    expect(row.date_started!.getTime()).toBeGreaterThanOrEqual(row.eta!.getTime() - 5);
  });

  it('enqueueMany stores all calls in one statement and runs them', async () => {
    const created = await jobs.enqueueMany(shop, 'confirm', [[601, 'a'], [602, 'b']]);
    expect(created).toHaveLength(2);
    const rows = await allJobRows(db, 'uuid = ANY($1::uuid[])', [created.map((j) => j.uuid)]);
    expect(rows).toHaveLength(2);
    // One INSERT: both rows got the same transaction timestamp.
    expect(rows[0]!.date_created.getTime()).toBe(rows[1]!.date_created.getTime());
    for (const job of created) expect((await waitForRow(db, job.uuid)).state).toBe('done');
    expect((await jobRow(db, created[0]!.uuid)).result).toEqual({ confirmed: 601, note: 'a' });
    expect((await jobRow(db, created[1]!.uuid)).result).toEqual({ confirmed: 602, note: 'b' });
  });

  it('enqueueMany of more than 500 calls: chunks of at most 500 in one transaction, every call stored, handles in call order', async () => {
    const calls = Array.from({ length: 1201 }, (_, i) => [10_000 + i, `bulk ${i}`] as [number, string]);
    const created = await jobs.enqueueMany(shop, 'confirm', calls, { eta: 3600 });
    expect(created).toHaveLength(1201);
    const rows = await allJobRows(db, 'uuid = ANY($1::uuid[])', [created.map((j) => j.uuid)]);
    expect(rows).toHaveLength(1201);
    const byUuid = new Map(rows.map((row) => [row.uuid, row]));
    expect(created.map((job) => (byUuid.get(job.uuid)!.args as unknown[])[0])).toEqual(calls.map(([n]) => n));
    // One transaction: every row got its timestamp (now()).
    expect(new Set(rows.map((row) => row.date_created.getTime())).size).toBe(1);
    expect(rows.every((row) => row.state === 'pending' && row.eta !== null)).toBe(true);
    // The call's options are checked once and shared: `eta: 3600` is one instant for all its jobs.
    expect(new Set(rows.map((row) => (row.eta as Date).getTime())).size).toBe(1);
    // Version 7 uuids, whose leading 48 bits are the time of the call (see job-uuid.ts).
    const leadingMs = created.map((job) => parseInt(job.uuid.replace(/-/g, '').slice(0, 12), 16));
    expect(created.every((job) => job.uuid[14] === '7')).toBe(true);
    expect(Math.min(...leadingMs)).toBeGreaterThanOrEqual(rows[0].date_created.getTime() - 5000);
    expect(Math.max(...leadingMs)).toBeLessThanOrEqual(Date.now());
    await jobs.cancel(created.map((job) => job.uuid));
  });

  it('a @Delayable call made inside a running job enqueues a new job; the job itself runs for real', async () => {
    const job = (await shop.placeOrder(701)) as unknown as Job;
    const row = await waitForRow(db, job.uuid);
    expect(row.state).toBe('done');
    const { confirmationUuid, ownUuid } = row.result as { confirmationUuid: string; ownUuid: string };
    expect(ownUuid).toBe(job.uuid);
    expect(confirmationUuid).not.toBe(job.uuid);
    const confirmation = await waitForRow(db, confirmationUuid);
    expect(confirmation).toMatchObject({ state: 'done', job_function: '<ShopService>.confirm', args: [701, 'from placeOrder'] });
    expect(log.callsOf('placeOrder', 701)).toHaveLength(1);
  });

  it('an entity argument is stored by reference and loaded again before the call', async () => {
    const orders = app.get(DataSource).getRepository(ShopOrder);
    const order = await orders.save(orders.create({ total: 100 }));
    const job = await jobs.withDelay(shop, { eta: 0.3 }).ship(order);
    await orders.update(order.id, { total: 250 }); // the job sees the record as it is when it runs
    const row = await waitForRow(db, job.uuid);
    expect(row.records).toEqual([{ entity: 'ShopOrder', id: order.id }]);
    expect(row.args).toEqual([{ $record: { entity: 'ShopOrder', id: order.id } }]);
    expect(row.func_string).toBe(`ShopService.ship(ShopOrder#${order.id})`);
    expect(row.state).toBe('done');
    expect(row.result).toEqual({ id: order.id, isEntity: true, total: 250 });
  });

  it('a job whose entity was deleted fails, naming the record', async () => {
    const orders = app.get(DataSource).getRepository(ShopOrder);
    const order = await orders.save(orders.create({ total: 1 }));
    const job = await jobs.withDelay(shop, { eta: 0.3 }).ship(order);
    await orders.delete(order.id);
    const row = await waitForRow(db, job.uuid, inState('failed'));
    expect(row.exc_message).toContain(`ShopOrder ${order.id} no longer exists`);
  });

  it('leaves no job running or enqueued once all are finished', async () => {
    await waitFor('no running job', async () => (await countJobs(db, `state IN ('enqueued', 'started')`)) === 0);
  });
});
