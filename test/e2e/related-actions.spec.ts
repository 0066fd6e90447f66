import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Delayable } from '../../lib/decorators/delayable.decorator.js';
import { RelatedAction } from '../../lib/decorators/related-action.decorator.js';
import { JobService } from '../../lib/enqueue/job.service.js';
import type { Job } from '../../lib/enqueue/job.js';
import { NoRelatedActionError, type RelatedActionResult } from '../../lib/enqueue/related-action.js';
import { JobNotFoundError } from '../../lib/errors/job-not-found.error.js';
import { QueueJobModule } from '../../lib/queue-job.module.js';
import type { QueueJob } from '../../lib/store/entities/queue-job.entity.js';
import { ShopOrder } from '../fixtures/shop-order.entity.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

@Injectable()
class OrderJobs {
  @Delayable()
  async ship(_order: ShopOrder): Promise<void> {}

  @Delayable()
  async merge(_into: ShopOrder, _from: ShopOrder, _note: string): Promise<void> {}

  @Delayable()
  async count(_n: number): Promise<void> {}

  @Delayable({ relatedAction: { enable: false } })
  async hidden(_order: ShopOrder): Promise<void> {}

  @Delayable({ relatedAction: { funcName: 'openPartner', kwargs: { name: 'Partner' } } })
  async notify(_order: ShopOrder): Promise<void> {}

  /** Its related action comes from a forFeature declaration (see ActionsModule). */
  @Delayable()
  async remind(_order: ShopOrder): Promise<void> {}

  @Delayable({ relatedAction: { funcName: 'nobodyRegisteredThis' } })
  async lost(_order: ShopOrder): Promise<void> {}
}

/** Another provider: @RelatedAction methods are found on any provider of the app. */
@Injectable()
class PartnerActions {
  readonly calls: Array<{ job: QueueJob; kwargs: Record<string, unknown>; self: unknown }> = [];

  @RelatedAction('openPartner')
  openPartner(job: QueueJob, kwargs: Record<string, unknown>): RelatedActionResult {
    this.calls.push({ job, kwargs, self: this });
    const [order] = job.records as Array<{ id: number }>;
    return { type: 'url', url: `/partners/of-order/${order.id}`, name: String(kwargs.name) };
  }
}

@Module({
  imports: [QueueJobModule.forFeature({
    jobFunctions: [{ name: '<OrderJobs>.remind', relatedAction: { funcName: 'openPartner', kwargs: { name: 'Reminder' } } }],
  })],
  providers: [OrderJobs, PartnerActions],
  exports: [OrderJobs, PartnerActions],
})
class ActionsModule {}

describe('related actions', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let jobs: JobService;
  let orderJobs: OrderJobs;
  let first: ShopOrder;
  let second: ShopOrder;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ url: db.url, runner: false, entities: [ShopOrder], imports: [ActionsModule] });
    jobs = app.get(JobService);
    orderJobs = app.get(OrderJobs);
    const repository = app.get(DataSource).getRepository(ShopOrder);
    [first, second] = await repository.save(repository.create([{ total: 10 }, { total: 20 }]));
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const uuidOf = async (call: Promise<unknown>) => ((await call) as Job).uuid;

  it('default, one entity argument: that record', async () => {
    const uuid = await uuidOf(orderJobs.ship(first));
    expect(await jobs.relatedAction(uuid)).toEqual({ type: 'record', record: { entity: 'ShopOrder', id: first.id } });
  });

  it('default, two entity arguments: the list of records, in order', async () => {
    const uuid = await uuidOf(orderJobs.merge(second, first, 'x'));
    expect(await jobs.relatedAction(uuid)).toEqual({
      type: 'records', records: [{ entity: 'ShopOrder', id: second.id }, { entity: 'ShopOrder', id: first.id }],
    });
    // The same record twice is one record.
    const same = await uuidOf(orderJobs.merge(first, first, 'y'));
    expect(await jobs.relatedAction(same)).toEqual({ type: 'record', record: { entity: 'ShopOrder', id: first.id } });
  });

  it('default without any entity argument: NoRelatedActionError', async () => {
    const uuid = await uuidOf(orderJobs.count(3));
    await expect(jobs.relatedAction(uuid)).rejects.toThrow(NoRelatedActionError);
    await expect(jobs.relatedAction(uuid)).rejects.toThrow(/has no related action: no record among its arguments/);
  });

  it('enable: false: NoRelatedActionError', async () => {
    const uuid = await uuidOf(orderJobs.hidden(first));
    const error = await jobs.relatedAction(uuid).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(NoRelatedActionError);
    expect((error as Error).message).toBe(`Job ${uuid} (<OrderJobs>.hidden) has no related action: its job function sets relatedAction.enable = false.`);
  });

  it('funcName: the @RelatedAction method gets the job and the kwargs; its result is returned', async () => {
    const partner = app.get(PartnerActions);
    const uuid = await uuidOf(orderJobs.notify(second));
    expect(await jobs.relatedAction(uuid)).toEqual({ type: 'url', url: `/partners/of-order/${second.id}`, name: 'Partner' });
    const call = partner.calls.at(-1)!;
    expect(call.job).toMatchObject({ uuid, jobFunction: '<OrderJobs>.notify', records: [{ entity: 'ShopOrder', id: second.id }] });
    expect(call.kwargs).toEqual({ name: 'Partner' });
    expect(call.self).toBe(partner); // bound to its provider
  });

  it('funcName declared with forFeature', async () => {
    const uuid = await uuidOf(orderJobs.remind(first));
    expect(await jobs.relatedAction(uuid)).toEqual({ type: 'url', url: `/partners/of-order/${first.id}`, name: 'Reminder' });
    expect(app.get(PartnerActions).calls.at(-1)!.kwargs).toEqual({ name: 'Reminder' });
  });

  it('a funcName no provider registers: a clear error', async () => {
    const uuid = await uuidOf(orderJobs.lost(first));
    const error = await jobs.relatedAction(uuid).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(NoRelatedActionError);
    expect((error as Error).message).toBe(
      `Job ${uuid} (<OrderJobs>.lost): related action "nobodyRegisteredThis" is not registered; mark a provider method with @RelatedAction('nobodyRegisteredThis').`);
  });

  it.each(['00000000-0000-0000-0000-000000000000', 'not-a-uuid'])('unknown uuid %j: JobNotFoundError', async (uuid) => {
    await expect(jobs.relatedAction(uuid)).rejects.toThrow(JobNotFoundError);
    expect(await jobs.findJob(uuid)).toBeNull();
  });
});
