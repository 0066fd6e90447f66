import { afterEach, beforeAll, afterAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { NoDelayPolicy, QueueJobDelayPolicy, trapJobs, type JobsTrap } from '../../lib/testing/index.js';
import { AppModule } from '../../sample/app.module.js';
import { Order } from '../../sample/order.entity.js';
import { OrderService } from '../../sample/order.service.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** The sample shop's OrderService, tested the three ways the README shows. */
describe('testing apps that enqueue jobs (sample OrderService)', () => {
  let db: TestDatabase;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function start(configure: (builder: ReturnType<typeof Test.createTestingModule>) => ReturnType<typeof Test.createTestingModule> = (b) => b) {
    const moduleRef = await configure(Test.createTestingModule({ imports: [AppModule.forDatabase(db.url)] })).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const dataSource = app.get<DataSource>(getDataSourceToken());
    // An order whose invoice goes through on the first attempt (see invoiceTrouble in the sample).
    const order = await dataSource.getRepository(Order).save({ customer: 'Ada', amount: 12.5 });
    const orderId = order.id % 7 === 0 || order.id % 50 === 0 ? (await dataSource.getRepository(Order).save({ customer: 'Ada', amount: 12.5 })).id : order.id;
    const reload = () => dataSource.getRepository(Order).findOneByOrFail({ id: orderId });
    const jobCount = async () => Number((await dataSource.query('SELECT count(*) AS n FROM queue_job'))[0].n);
    return { orders: app.get(OrderService), order: await reload(), reload, jobCount };
  }

  it('runs jobs at once when QueueJobDelayPolicy is overridden with NoDelayPolicy', async () => {
    const { orders, order, reload, jobCount } = await start((b) => b.overrideProvider(QueueJobDelayPolicy).useClass(NoDelayPolicy));
    const before = await jobCount();
    const result = (await orders.confirm(order)) as unknown as { order: number };
    expect(result.order).toBe(order.id); // the method's own return value, not a Job
    expect((await reload()).state).toBe('invoiced'); // confirm, then the invoice it enqueues, ran at once
    expect(await jobCount()).toBe(before);
  });

  it('runs jobs at once with TEST_QUEUE_JOB_NO_DELAY=1', async () => {
    process.env.TEST_QUEUE_JOB_NO_DELAY = '1';
    try {
      const { orders, order, reload, jobCount } = await start();
      const before = await jobCount();
      await orders.confirm(order);
      expect((await reload()).state).toBe('invoiced');
      expect(await jobCount()).toBe(before);
    } finally {
      delete process.env.TEST_QUEUE_JOB_NO_DELAY;
    }
  });

  describe('trapJobs', () => {
    let trap: JobsTrap;
    afterEach(() => trap?.restore());

    it('records enqueues instead of storing them, and asserts on them', async () => {
      const { orders, order, reload, jobCount } = await start();
      const before = await jobCount();
      trap = trapJobs(app!);
      const job = await orders.confirm(order);
      expect((job as unknown as { uuid: string }).uuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(await jobCount()).toBe(before);
      expect((await reload()).state).toBe('draft');
      trap.assertJobsCount(1);
      trap.assertJobsCount(1, orders.confirm);
      trap.assertJobsCount(0, orders.sendInvoice);
      trap.assertEnqueued(orders.confirm, [order], { channel: 'root.sale', priority: 10 });
      expect(trap.calls).toEqual([{ jobFunction: '<OrderService>.confirm', args: [order] }]);
    });

    it('fails with a readable message for a wrong call', async () => {
      const { orders, order } = await start();
      trap = trapJobs(app!);
      await orders.confirm(order);
      const other = { ...order, id: order.id + 1000 } as Order;
      expect(() => trap.assertEnqueued(orders.confirm, [Object.assign(new Order(), other)]))
        .toThrow(new RegExp(`No trapped job <OrderService>\\.confirm\\(\\{"\\$record":\\{"entity":"Order","id":${order.id + 1000}\\}\\}\\)[\\s\\S]*Enqueued:\\n  <OrderService>\\.confirm\\(\\{"\\$record":\\{"entity":"Order","id":${order.id}\\}\\}\\) \\[priority 10, channel root\\.sale\\]`));
      expect(() => trap.assertEnqueued(orders.confirm, [order], { priority: 1 })).toThrow(/with \{"priority":1\}/);
      expect(() => trap.assertJobsCount(2)).toThrow(/Expected 2 trapped job\(s\), found 1/);
    });

    it('performs trapped jobs; jobs they enqueue stay trapped', async () => {
      const { orders, order, reload, jobCount } = await start();
      const before = await jobCount();
      trap = trapJobs(app!);
      await orders.confirm(order);
      await trap.performEnqueuedJobs();
      expect((await reload()).state).toBe('confirmed');
      trap.assertEnqueued(orders.sendInvoice, [await reload()]);
      trap.assertJobsCount(2);
      await trap.performEnqueuedJobs();
      expect((await reload()).state).toBe('invoiced');
      expect(await jobCount()).toBe(before);
    });

    it('performs in priority order and honours identity keys', async () => {
      const { orders, order, reload } = await start();
      trap = trapJobs(app!);
      const jobs = app!.get((await import('../../lib/enqueue/job.service.js')).JobService);
      const first = await jobs.withDelay(orders, { identityKey: 'invoice-once', priority: 20 }).sendInvoice(order);
      const second = await jobs.withDelay(orders, { identityKey: 'invoice-once' }).sendInvoice(order);
      expect(second.uuid).toBe(first.uuid);
      expect(second.created).toBe(false);
      await jobs.withDelay(orders, { priority: 1 }).confirm(order);
      trap.assertJobsCount(2);
      // confirm (priority 1) runs before sendInvoice (priority 20): the order is confirmed, then invoiced.
      await trap.performEnqueuedJobs();
      expect((await reload()).state).toBe('invoiced');
      expect(trap.enqueuedJobs.map((j) => j.jobFunction)).toEqual(['<OrderService>.sendInvoice', '<OrderService>.confirm', '<OrderService>.sendInvoice']);
    });

    it('performEnqueuedJobs does what the runner would: a RetryableJobError keeps the job trapped with retry + 1 and its next eta; a failure is reported, not thrown', async () => {
      const { orders } = await start();
      const repo = app!.get<DataSource>(getDataSourceToken()).getRepository(Order);
      /** A new order whose id makes the sample's mail server behave as wanted (invoiceTrouble). */
      const orderWhere = async (wanted: (id: number) => boolean): Promise<Order> => {
        for (;;) {
          const saved = await repo.save({ customer: 'Bob', amount: 1 });
          if (wanted(saved.id)) return repo.findOneByOrFail({ id: saved.id });
        }
      };
      const busy = await orderWhere((id) => id % 7 === 0 && id % 50 !== 0);
      const noMailbox = await orderWhere((id) => id % 50 === 0);
      trap = trapJobs(app!);
      await orders.sendInvoice(busy);
      await orders.sendInvoice(noMailbox);

      const first = await trap.performEnqueuedJobs();
      expect(first.done).toEqual([]);
      expect(first.retrying.map((j) => [(j.args[0] as Order).id, j.retry, j.performed])).toEqual([[busy.id, 1, false]]);
      // The retry pattern's 1 s after the first attempt.
      expect(first.retrying[0]!.eta!.getTime() - Date.now()).toBeGreaterThan(500);
      expect(first.failed.map((f) => [(f.job.args[0] as Order).id, f.excName, f.excMessage]))
        .toEqual([[noMailbox.id, 'Error', `No mailbox for Bob (order ${noMailbox.id})`]]);

      const second = await trap.performEnqueuedJobs();
      expect(second.done.map((j) => [(j.args[0] as Order).id, j.retry])).toEqual([[busy.id, 2]]);
      expect((await repo.findOneByOrFail({ id: busy.id })).state).toBe('invoiced');

      await orders.sendInvoice(noMailbox);
      await expect(trap.performEnqueuedJobs({ throwOnFailure: true }))
        .rejects.toThrow(`1 trapped job(s) failed:\n  <OrderService>.sendInvoice: Error: No mailbox for Bob (order ${noMailbox.id})`);
    });

    it('restore() stores jobs again', async () => {
      const { orders, order, jobCount } = await start((b) => b);
      const before = await jobCount();
      trap = trapJobs(app!);
      trap.restore();
      await orders.confirm(order);
      expect(await jobCount()).toBe(before + 1);
    });
  });
});
