import { beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { chain } from '../../lib/enqueue/graph/chain-and-group.js';
import { JobService } from '../../lib/enqueue/job.service.js';
import { QueueFullError } from '../../lib/errors/queue-full.error.js';
import { trapJobs } from '../../lib/testing/index.js';
import { ExecutionLog, ShopService } from '../fixtures/shop.service.js';
import { countJobs, inState, jobRow, waitForRow } from '../support/job-rows.js';
import { useShopApp } from '../support/shop-app.js';
import { createTestApp } from '../support/test-app.js';
import type { TestDatabase } from '../support/test-database.js';

/** Paused channels keep their jobs pending; `gate` runs one job at a time, so a second one waits pending. */
const CHANNELS = [
  'root:4', 'mail:1:paused:maxPending=3', 'small:1:paused:maxPending=5', 'bulk:1:paused:maxPending=1000',
  'race:1:paused:maxPending=7', 'racebulk:1:paused:maxPending=100', 'graph:1:paused:maxPending=2', 'tx:1:paused:maxPending=1', 'gate:1:maxPending=1',
].join(',');

/** What a call threw (it must throw). */
async function thrown(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

const pendingIn = (db: TestDatabase, channel: string) => countJobs(db, `channel = $1 AND state = 'pending'`, [channel]);
const jobsIn = (db: TestDatabase, channel: string) => countJobs(db, 'channel = $1', [channel]);

describe('maxPending: backpressure at enqueue', () => {
  const shopApp = useShopApp({ channels: CHANNELS });
  let db: TestDatabase;
  let app: INestApplicationContext;
  let shop: ShopService;
  let jobs: JobService;
  beforeAll(() => void ({ db, app, shop, jobs } = shopApp));

  /** A second instance on the same database with the same configuration, its runner off. */
  async function secondInstance(options: { noDelay?: boolean } = {}): Promise<INestApplicationContext> {
    return createTestApp({
      url: db.url, channels: CHANNELS, runner: { enabled: false }, ...options,
      providers: [ShopService, { provide: ExecutionLog, useValue: new ExecutionLog() }],
    });
  }

  it('refuses the enqueue that would pass maxPending with QueueFullError naming the channel and its count; nothing is stored', async () => {
    for (let i = 0; i < 3; i++) await jobs.withDelay(shop, { channel: 'mail' }).nothing();
    const error = await thrown(() => jobs.withDelay(shop, { channel: 'mail' }).nothing());
    expect(error).toBeInstanceOf(QueueFullError);
    expect(error).toMatchObject({ name: 'QueueFullError', channel: 'root.mail', pending: 3, maxPending: 3, adding: 1, waitedMs: 0 });
    expect((error as Error).message).toBe(
      'Cannot enqueue into channel "root.mail": it has 3 pending jobs and maxPending=3, so one more job would not fit. Nothing was stored. '
      + 'Retry later, pass { waitIfFull: ms } to wait for room, or raise maxPending in the channels configuration.',
    );
    expect(await jobsIn(db, 'root.mail')).toBe(3);
  });

  it('counts exactly the channel: jobs of a sub-channel, and jobs that started, are not counted', async () => {
    // root.mail is full (previous test); its sub-channel has no limit of its own and is not counted.
    const sub = await jobs.withDelay(shop, { channel: 'mail.digest' }).nothing();
    expect(sub.created).toBe(true);
    await expect(jobs.withDelay(shop, { channel: 'mail' }).nothing()).rejects.toBeInstanceOf(QueueFullError);
    // A pending job that started (here: made to look started) frees its place.
    await db.pool.query(`UPDATE queue_job SET state = 'started' WHERE id = (SELECT min(id) FROM queue_job WHERE channel = 'root.mail')`);
    expect((await jobs.withDelay(shop, { channel: 'mail' }).nothing()).created).toBe(true);
    expect(await pendingIn(db, 'root.mail')).toBe(3);
  });

  it('stores a bulk call all or nothing, in one statement and streamed in a transaction of its own', async () => {
    const many = (channel: string, n: number) => jobs.enqueueMany(shop, 'nothing', Array.from({ length: n }, () => [] as []), { channel });
    await many('small', 3);
    const small = await thrown(() => many('small', 3));
    expect(small).toMatchObject({ channel: 'root.small', pending: 3, maxPending: 5, adding: 3 });
    expect((small as Error).message).toContain('it has 3 pending jobs and maxPending=5, so 3 more jobs would not fit');
    expect(await jobsIn(db, 'root.small')).toBe(3);
    await many('small', 2);
    expect(await jobsIn(db, 'root.small')).toBe(5);

    // More than 500 calls: the streamed path, in a transaction of its own.
    await many('bulk', 600);
    const bulk = await thrown(() => many('bulk', 401));
    expect(bulk).toMatchObject({ channel: 'root.bulk', pending: 600, maxPending: 1000, adding: 401 });
    expect(await jobsIn(db, 'root.bulk')).toBe(600);
    await many('bulk', 400);
    expect(await jobsIn(db, 'root.bulk')).toBe(1000);
    expect(await thrown(() => many('bulk', 1))).toMatchObject({ pending: 1000, adding: 1 });
    // Larger than maxPending: it can never fit, so waitIfFull does not wait.
    const started = Date.now();
    const never = await thrown(() => jobs.enqueueMany(shop, 'nothing', [[], [], [], [], [], []], { channel: 'small', waitIfFull: 5000 }));
    expect(never).toMatchObject({ channel: 'root.small', maxPending: 5, adding: 6, waitedMs: 0 });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stores a graph whole or not at all, counting its jobs that wait for their parents', async () => {
    const node = () => jobs.delayable(shop, { channel: 'graph' }).nothing();
    const error = await thrown(() => chain(node(), node(), node()).delay());
    expect(error).toMatchObject({ channel: 'root.graph', pending: 0, maxPending: 2, adding: 3 });
    expect(await jobsIn(db, 'root.graph')).toBe(0);
    expect(await chain(node(), node()).delay()).toHaveLength(2);
    expect(await jobsIn(db, 'root.graph')).toBe(2);
  });

  it('inside a transaction: refused like any enqueue, and the transaction keeps its own lock_timeout and idle timeout', async () => {
    const settings = `SELECT current_setting('lock_timeout') AS lock, current_setting('idle_in_transaction_session_timeout') AS idle`;
    const [before, after] = await jobs.transaction(async (manager) => {
      await manager.query(`SET LOCAL lock_timeout = '1234ms'`);
      const seen = (await manager.query(settings))[0];
      await jobs.withDelay(shop, { channel: 'tx' }).nothing();
      await expect(jobs.withDelay(shop, { channel: 'tx' }).nothing()).rejects.toBeInstanceOf(QueueFullError);
      return [seen, (await manager.query(settings))[0]];
    });
    expect(before).toEqual({ lock: '1234ms', idle: '0' });
    expect(after).toEqual(before);
    expect(await jobsIn(db, 'root.tx')).toBe(1);
  });

  it('two instances enqueuing at once never pass maxPending', async () => {
    const other = await secondInstance();
    try {
      const shops = [shop, other.get(ShopService)];
      const services = [jobs, other.get(JobService)];
      const calls = Array.from({ length: 24 }, (_, i) => services[i % 2].withDelay(shops[i % 2], { channel: 'race' }).nothing());
      const outcomes = await Promise.allSettled(calls);
      const refused = outcomes.filter((o) => o.status === 'rejected');
      expect(refused.every((o) => (o as PromiseRejectedResult).reason instanceof QueueFullError)).toBe(true);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(7);
      expect(await jobsIn(db, 'root.race')).toBe(7);

      // Bulk calls of 30 (one statement each): 3 fit in 100, whichever instance sends them.
      const bulks = Array.from({ length: 8 }, (_, i) =>
        services[i % 2].enqueueMany(shops[i % 2], 'nothing', Array.from({ length: 30 }, () => [] as []), { channel: 'racebulk' }));
      const bulkOutcomes = await Promise.allSettled(bulks);
      expect(bulkOutcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
      expect(bulkOutcomes.filter((o) => o.status === 'rejected' && o.reason instanceof QueueFullError)).toHaveLength(5);
      expect(await jobsIn(db, 'root.racebulk')).toBe(90);
    } finally {
      await other.close();
    }
  });

  it('waitIfFull waits for room: stores the job once one starts, or throws after the wait', async () => {
    const running = await jobs.withDelay(shop, { channel: 'gate' }).hold('root.gate', 1500, 'gate-a');
    await waitForRow(db, running.uuid, inState('started'));
    const queued = await jobs.withDelay(shop, { channel: 'gate' }).hold('root.gate', 10, 'gate-b');
    // root.gate holds one pending job (its capacity is taken): full.
    const started = Date.now();
    const late = await thrown(() => jobs.withDelay(shop, { channel: 'gate', waitIfFull: 200 }).nothing());
    expect(late).toMatchObject({ channel: 'root.gate', pending: 1, maxPending: 1 });
    expect((late as QueueFullError).waitedMs).toBeGreaterThanOrEqual(200);
    expect(Date.now() - started).toBeLessThan(1500);
    expect((late as Error).message).toMatch(/ \(waited \d+ ms for room\)\. Nothing was stored\./);
    expect((await jobRow(db, queued.uuid)).state).toBe('pending');

    const stored = await jobs.withDelay(shop, { channel: 'gate', waitIfFull: 10_000 }).nothing();
    expect(stored.created).toBe(true);
    // Stored only once the queued job had left pending (it starts when the running one is done).
    expect((await jobRow(db, queued.uuid)).state).not.toBe('pending');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it.each([-1, 1.5, '100', Number.NaN, 2 ** 31])('refuses waitIfFull %p naming it; nothing is stored', async (value) => {
    const before = await countJobs(db);
    await expect(jobs.withDelay(shop, { waitIfFull: value as number }).nothing())
      .rejects.toThrow(`option "waitIfFull" is ${String(value)}`);
    await expect(jobs.enqueueMany(shop, 'nothing', [[]], { waitIfFull: value as number }))
      .rejects.toThrow('expected the milliseconds to wait for room in a full channel, a whole number from 0 to 2147483647. Nothing was stored.');
    expect(await countJobs(db)).toBe(before);
  });

  it('no-delay mode runs the call at once, whatever the channel holds', async () => {
    const noDelay = await secondInstance({ noDelay: true });
    try {
      await expect(noDelay.get(JobService).withDelay(noDelay.get(ShopService), { channel: 'mail' }).hold('root.mail', 1, 'at-once')).resolves.toBe('at-once');
    } finally {
      await noDelay.close();
    }
  });

  it('trapJobs traps the call: a trapped job is not stored, so the limit does not apply', async () => {
    const trap = trapJobs(app);
    try {
      await jobs.withDelay(shop, { channel: 'mail' }).nothing();
      trap.assertJobsCount(1);
    } finally {
      trap.restore();
    }
    expect(await pendingIn(db, 'root.mail')).toBe(3);
  });
});
