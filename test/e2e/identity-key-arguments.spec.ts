import { beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { identityExact, type IdentityKeySource } from '../../lib/enqueue/identity-key.js';
import type { JobService } from '../../lib/enqueue/job.service.js';
import type { Job } from '../../lib/enqueue/job.js';
import { trapJobs } from '../../lib/testing/index.js';
import type { ShopService } from '../fixtures/shop.service.js';
import { ShopOrder } from '../fixtures/shop-order.entity.js';
import { allJobRows, countJobs } from '../support/job-rows.js';
import { useShopApp } from '../support/shop-app.js';
import type { TestDatabase } from '../support/test-database.js';

/** Identity key functions see the call's arguments as the method would (entities, Dates), and the stored form apart. */
describe('identity key functions and their arguments', () => {
  // No runner: the jobs stay pending, so their keys stay taken.
  const shopApp = useShopApp({ runner: false, entities: [ShopOrder] });
  let db: TestDatabase;
  let app: INestApplicationContext;
  let shop: ShopService;
  let jobs: JobService;
  let orders: Repository<ShopOrder>;
  beforeAll(() => {
    ({ db, app, shop, jobs } = shopApp);
    orders = app.get(DataSource).getRepository(ShopOrder);
  });

  const newOrders = () => orders.save([orders.create({ total: 10 }), orders.create({ total: 20 })]);
  const shipKey = ({ args }: IdentityKeySource) => `ship-${(args[0] as ShopOrder).id}`;

  it('enqueueMany of two entities: two jobs, each keyed by its own entity', async () => {
    const [a, b] = await newOrders();
    const stored = await jobs.enqueueMany(shop, 'ship', [[a], [b]], { identityKey: shipKey, eta: 3600 });
    expect(stored.map((job) => job.created)).toEqual([true, true]);
    const rows = await allJobRows(db, 'uuid = ANY($1::uuid[])', [stored.map((job) => job.uuid)]);
    expect(rows.map((row) => (row as unknown as { identity_key: string }).identity_key)).toEqual([`ship-${a.id}`, `ship-${b.id}`]);
    // The key holds: the same entity again gives the existing job.
    const again = await jobs.withDelay(shop, { identityKey: shipKey, eta: 3600 }).ship(a);
    expect(again).toMatchObject({ uuid: stored[0].uuid, created: false });
  });

  it('the function receives the arguments as given and, as storedArgs, the tagged JSON stored in queue_job.args', async () => {
    const [order] = await newOrders();
    const at = new Date('2030-01-01T00:00:00.000Z');
    const seen: IdentityKeySource[] = [];
    const identityKey = (source: IdentityKeySource) => {
      seen.push(source);
      return `confirm-${source.args[0]}-${(source.args[2] as Date).toISOString()}`;
    };
    const job = (await jobs.withDelay(shop, { identityKey, eta: 3600 }).confirm(order.id, 'note', at)) as Job;
    const shipped = await jobs.withDelay(shop, { identityKey: (s: IdentityKeySource) => (seen.push(s), 'k'), eta: 3600 }).ship(order);
    expect(seen[0].jobFunction).toBe('<ShopService>.confirm');
    expect(seen[0].args[2]).toBeInstanceOf(Date);
    expect(seen[0].storedArgs).toEqual([order.id, 'note', { $date: at.toISOString() }]);
    expect(seen[1].args[0]).toBe(order);
    expect(seen[1].storedArgs).toEqual([{ $record: { entity: 'ShopOrder', id: order.id } }]);
    const [confirmRow, shipRow] = await allJobRows(db, 'uuid = ANY($1::uuid[])', [[job.uuid, shipped.uuid]]);
    expect((confirmRow as unknown as { identity_key: string }).identity_key).toBe(`confirm-${order.id}-${at.toISOString()}`);
    expect(shipRow.args).toEqual(seen[1].storedArgs);
  });

  it('identityExact keeps computing from the stored form (the key of a job stored earlier is found again)', async () => {
    const [order] = await newOrders();
    const job = await jobs.withDelay(shop, { identityKey: identityExact, eta: 3600 }).ship(order);
    const [row] = await allJobRows(db, 'uuid = $1', [job.uuid]);
    expect((row as unknown as { identity_key: string }).identity_key)
      .toBe(identityExact({ jobFunction: '<ShopService>.ship', storedArgs: [{ $record: { entity: 'ShopOrder', id: order.id } }] }));
    // A fresh instance of the same record is the same call.
    const again = await jobs.withDelay(shop, { identityKey: identityExact, eta: 3600 }).ship(await orders.findOneByOrFail({ id: order.id }));
    expect(again).toMatchObject({ uuid: job.uuid, created: false });
  });

  it('trapped: two bulk-enqueued entities give two trapped jobs with their keys, as stored jobs do', async () => {
    const [a, b] = await newOrders();
    const trap = trapJobs(app);
    try {
      const trapped = await jobs.enqueueMany(shop, 'ship', [[a], [b], [a]], { identityKey: shipKey });
      expect(trapped.map((job) => job.created)).toEqual([true, true, false]);
      trap.assertJobsCount(2, shop.ship);
      expect(trap.enqueuedJobs.map((job) => job.identityKey)).toEqual([`ship-${a.id}`, `ship-${b.id}`]);
    } finally {
      trap.restore();
    }
  });

  describe('a key function that cannot give a key: a clear error naming the job function, nothing stored', () => {
    it.each([
      ['throws', () => { throw new TypeError('no id here'); }, /Cannot enqueue <ShopService>\.ship: its identityKey function threw "no id here"\. It receives \{ jobFunction, args, storedArgs \}/],
      ['returns undefined', () => undefined, /Cannot enqueue <ShopService>\.ship: its identityKey function returned undefined \(undefined\); expected a non-empty string/],
      ['returns a number', () => 42, /Cannot enqueue <ShopService>\.ship: its identityKey function returned 42 \(number\); expected a non-empty string/],
      ['returns ""', () => '', /Cannot enqueue <ShopService>\.ship: its identityKey function returned ""; expected a non-empty string/],
    ])('it %s', async (_what, identityKey, message) => {
      const [a, b] = await newOrders();
      const before = await countJobs(db);
      const key = identityKey as unknown as () => string;
      await expect(jobs.withDelay(shop, { identityKey: key }).ship(a)).rejects.toThrow(message);
      await expect(jobs.enqueueMany(shop, 'ship', [[a], [b]], { identityKey: key })).rejects.toThrow(message);
      expect(await countJobs(db)).toBe(before);
    });
  });
});
