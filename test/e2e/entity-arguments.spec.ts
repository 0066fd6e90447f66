import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { Delayable } from '../../lib/decorators/delayable.decorator.js';
import { JobService } from '../../lib/enqueue/job.service.js';
import { RecordDeclarationError } from '../../lib/errors/record-declaration.error.js';
import { RecordNotFoundError } from '../../lib/errors/record-not-found.error.js';
import { QueueJobModule } from '../../lib/queue-job.module.js';
import type { MissingRecordPolicy } from '../../lib/records/declarations.js';
import { trapJobs } from '../../lib/testing/index.js';
import { ShopOrder } from '../fixtures/shop-order.entity.js';
import { inState, waitForRow } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** Job functions taking a ShopOrder; each call is recorded with the order as the method received it. */
@Injectable()
class ParcelService {
  readonly calls: Array<{ method: string; order: { id: number; total: number } }> = [];

  @Delayable()
  async ship(order: ShopOrder): Promise<unknown> {
    return this.called('ship', order);
  }

  @Delayable({ onMissingRecord: 'done' })
  async remind(order: ShopOrder): Promise<unknown> {
    return this.called('remind', order);
  }

  /** onMissingRecord 'done' declared by ParcelsModule's forFeature, not here. */
  @Delayable()
  async archive(order: ShopOrder): Promise<unknown> {
    return this.called('archive', order);
  }

  private called(method: string, order: ShopOrder): unknown {
    this.calls.push({ method, order });
    return { id: order.id, total: order.total, isEntity: order instanceof ShopOrder };
  }

  callsOf(method: string, id: number) {
    return this.calls.filter((c) => c.method === method && c.order.id === id);
  }
}

@Module({
  imports: [QueueJobModule.forFeature({ jobFunctions: [{ name: '<ParcelService>.archive', onMissingRecord: 'done' }] })],
  providers: [ParcelService],
})
class ParcelsModule {}

describe('entity arguments', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let jobs: JobService;
  let parcels: ParcelService;
  let orders: Repository<ShopOrder>;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ url: db.url, channels: 'root:4', entities: [ShopOrder], imports: [ParcelsModule] });
    jobs = app.get(JobService);
    parcels = app.get(ParcelService);
    orders = app.get(DataSource).getRepository(ShopOrder);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const newOrder = (total = 10) => orders.save(orders.create({ total }));

  /** Enqueues `method(order)` to run in 0.3 s, deletes the order meanwhile, and returns the job's final row. */
  async function runAfterDeleting(method: 'ship' | 'remind' | 'archive') {
    const order = await newOrder();
    const job = await jobs.withDelay(parcels, { eta: 0.3 })[method](order);
    await orders.delete(order.id);
    return { order, row: await waitForRow(db, job.uuid) };
  }

  it('a record deleted before the job runs fails the job as a RecordNotFoundError naming the entity and id', async () => {
    const { order, row } = await runAfterDeleting('ship');
    expect(row.state).toBe('failed');
    expect(row.exc_name).toBe('RecordNotFoundError');
    expect(row.exc_message).toBe(
      `ShopOrder ${order.id} no longer exists: it was deleted after the job was enqueued. `
      + "To end such jobs as done instead, without calling the method, set @Delayable({ onMissingRecord: 'done' }) on the job function.");
    expect(row.exc_info).toMatch(/^RecordNotFoundError: ShopOrder \d+ no longer exists/);
    expect(parcels.callsOf('ship', order.id)).toHaveLength(0);
  });

  it.each([['remind', 'the decorator'], ['archive', 'forFeature']] as const)(
    "onMissingRecord: 'done' (%s, declared by %s): the job ends done without calling the method, its result naming the record",
    async (method, _declaredBy) => {
      const { order, row } = await runAfterDeleting(method);
      expect(row.state).toBe('done');
      expect(row.result).toBe(`Skipped: ShopOrder ${order.id} no longer exists (onMissingRecord: 'done')`);
      expect(row.exc_name).toBeNull();
      expect(parcels.callsOf(method, order.id)).toHaveLength(0);
      // A record that still exists: the method runs with it, as without the option.
      const kept = await newOrder(30);
      const ran = await waitForRow(db, (await jobs.withDelay(parcels)[method](kept)).uuid);
      expect(ran).toMatchObject({ state: 'done', result: { id: kept.id, total: 30, isEntity: true } });
    });

  describe('trapped (trapJobs): performEnqueuedJobs loads the records again, as the runner does', () => {
    it('a deleted record fails the job as a RecordNotFoundError; onMissingRecord: done ends it done; the method is not called', async () => {
      const trap = trapJobs(app);
      try {
        const [gone, alsoGone] = [await newOrder(), await newOrder()];
        await jobs.withDelay(parcels).ship(gone);
        await jobs.withDelay(parcels).remind(alsoGone);
        await orders.delete([gone.id, alsoGone.id]);
        const report = await trap.performEnqueuedJobs();
        expect(report.failed).toHaveLength(1);
        const [failed] = report.failed;
        expect(failed.job.jobFunction).toBe('<ParcelService>.ship');
        expect(failed.excName).toBe('RecordNotFoundError');
        expect(failed.excMessage).toMatch(new RegExp(`^ShopOrder ${gone.id} no longer exists: it was deleted after the job was enqueued`));
        expect(failed.error).toBeInstanceOf(RecordNotFoundError);
        expect(failed.error).toMatchObject({ entity: 'ShopOrder', id: gone.id });
        expect(report.done.map((job) => job.jobFunction)).toEqual(['<ParcelService>.remind']);
        expect(parcels.callsOf('ship', gone.id)).toHaveLength(0);
        expect(parcels.callsOf('remind', alsoGone.id)).toHaveLength(0);
      } finally {
        trap.restore();
      }
    });

    it('a record changed after the enqueue is seen as it is when the job runs', async () => {
      const trap = trapJobs(app);
      try {
        const order = await newOrder(10);
        await jobs.withDelay(parcels).ship(order);
        await orders.update(order.id, { total: 77 });
        const report = await trap.performEnqueuedJobs({ throwOnFailure: true });
        expect(report.done).toHaveLength(1);
        const [call] = parcels.callsOf('ship', order.id);
        expect(call.order).toBeInstanceOf(ShopOrder);
        expect(call.order.total).toBe(77);
        trap.assertEnqueued(parcels.ship, [order]); // the assertions still compare the call as given
      } finally {
        trap.restore();
      }
    });
  });

  it('a plain object from repo.save({ ... }) is not an entity instance: it is stored by value, not reloaded (documented pitfall)', async () => {
    const saved = await orders.save({ total: 5 }); // a plain object with the generated id, not a ShopOrder
    expect(saved).not.toBeInstanceOf(ShopOrder);
    const job = await jobs.withDelay(parcels, { eta: 0.3 }).ship(saved as ShopOrder);
    await orders.update(saved.id, { total: 99 });
    const row = await waitForRow(db, job.uuid, inState('done'));
    expect(row.args).toEqual([{ id: saved.id, total: 5 }]);
    expect(row.records).toEqual([]);
    // Run with the values of the enqueue: the update is not seen, and the method gets no entity.
    expect(row.result).toEqual({ id: saved.id, total: 5, isEntity: false });
  });

  it('no-delay mode loads nothing: the method gets the very instance given, even of a deleted record (documented)', async () => {
    const noDelay = await createTestApp({ url: db.url, noDelay: true, runner: false, entities: [ShopOrder], imports: [ParcelsModule] });
    try {
      const order = await newOrder(40);
      await orders.delete(order.id);
      const parcelsNow = noDelay.get(ParcelService);
      expect(await parcelsNow.ship(order)).toEqual({ id: order.id, total: 40, isEntity: true });
      expect(parcelsNow.callsOf('ship', order.id)[0].order).toBe(order);
    } finally {
      await noDelay.close();
    }
  });

  it('an invalid onMissingRecord is refused at startup, naming the job function and the value', async () => {
    @Injectable()
    class BadPolicyService {
      @Delayable({ onMissingRecord: 'skip' as MissingRecordPolicy })
      async run(_order: ShopOrder): Promise<void> {}
    }
    const error = await createTestApp({ url: db.url, runner: false, entities: [ShopOrder], providers: [BadPolicyService] })
      .then(async (started) => { await started.close(); return null; }, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RecordDeclarationError);
    expect((error as Error).message).toMatch(/^Job function "<BadPolicyService>\.run" declared by .* has onMissingRecord "skip": expected 'fail' .* or 'done'/);
  });
});
