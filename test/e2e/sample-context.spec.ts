import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../sample/app.module.js';
import { allJobRows } from '../support/job-rows.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Issue "Context": a real HTTP request to the sample shop, with a user header, reaches the jobs
 * executed by ANOTHER instance of the shop — the confirmation, and the invoice job the confirmation
 * enqueues — across a retry (orders whose id is a multiple of 7 have their invoice retried once).
 */
describe('the sample shop: the user of a request travels with its jobs to another instance', () => {
  let db: TestDatabase;
  let web: INestApplication;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.QUEUE_JOB_RUNNER = '0'; // the web instance enqueues only
    try {
      web = await NestFactory.create(AppModule.forDatabase(db.url), { logger: false });
      await web.listen(0, '127.0.0.1');
    } finally {
      delete process.env.QUEUE_JOB_RUNNER;
    }
    worker = await NestFactory.createApplicationContext(AppModule.forDatabase(db.url), { logger: false });
  });
  afterAll(async () => {
    await web?.close();
    await worker?.close();
    await db?.drop();
  });

  it('confirm and invoice jobs run as the user of the request, also when retried', async () => {
    const address = web.getHttpServer().address() as { port: number };
    const placed: number[] = [];
    for (let i = 0; i < 8; i++) {
      const user = i % 2 === 0 ? 'alice' : 'bob';
      const response = await fetch(`http://127.0.0.1:${address.port}/orders`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-user': user }, body: JSON.stringify({ customer: `c${i}`, amount: 10 + i }),
      });
      expect(response.status).toBe(201);
      placed.push(((await response.json()) as { order: { id: number } }).order.id);
    }
    const byId = (id: number) => (placed.indexOf(id) % 2 === 0 ? 'alice' : 'bob');
    const rows = await waitFor('every invoice done', async () => {
      const all = await allJobRows(db, "state IN ('done', 'failed')");
      return all.filter((r) => r.method_name === 'sendInvoice').length === placed.length ? all : null;
    }, 60_000);
    const orders = (await db.pool.query<{ id: number; confirmed_by: string; invoiced_by: string | null; state: string }>(
      'SELECT id, confirmed_by, invoiced_by, state FROM shop_order ORDER BY id')).rows;
    for (const order of orders) {
      expect(order.confirmed_by).toBe(byId(order.id));
      if (order.state === 'invoiced') expect(order.invoiced_by).toBe(byId(order.id));
    }
    const webWorker = rows.filter((r) => r.worker_id !== null && r.worker_id.includes(`:${process.pid}:`));
    expect(new Set(webWorker.map((r) => r.worker_id)).size).toBe(1); // one runner ran them all: the worker instance
    for (const row of rows) {
      const user = (row as unknown as { user_id: string; context: { userId: string } });
      expect(user.user_id).toMatch(/^(alice|bob)$/);
      expect(user.context).toEqual({ userId: user.user_id });
    }
    const retried = rows.filter((r) => r.method_name === 'sendInvoice' && r.retry === 2);
    expect(retried.length).toBeGreaterThan(0); // a multiple of 7 among 8 consecutive ids
    for (const row of retried) expect((row as unknown as { user_id: string }).user_id).toMatch(/^(alice|bob)$/);
  });
});
