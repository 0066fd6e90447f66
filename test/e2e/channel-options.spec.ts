import { beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { JobService } from '../../lib/enqueue/job.service.js';
import { ShopService } from '../fixtures/shop.service.js';
import { inState, jobRow, waitForRow } from '../support/job-rows.js';
import { useShopApp } from '../support/shop-app.js';
import type { TestDatabase } from '../support/test-database.js';
import { sleep } from '../support/wait-for.js';

/** Sequential, throttled and paused channels with the real runner (the dispatch rules are unit-tested in test/unit/channels). */
describe('channel options in real execution', () => {
  const shopApp = useShopApp({ channels: 'root:8,seq:1:sequential,slow:4:throttle=1,frozen:2:paused' });
  const log = shopApp.log;
  let db: TestDatabase;
  let app: INestApplicationContext;
  let shop: ShopService;
  let jobs: JobService;
  beforeAll(() => void ({ db, app, shop, jobs } = shopApp));

  const tagsInOrder = (prefix: string) => log.calls.filter((c) => c.method === 'hold' && String(c.args[2]).startsWith(prefix));

  it('a sequential channel runs in strict order, and a failed job blocks it until it is requeued or done', async () => {
    const failing = await jobs.withDelay(shop, { channel: 'seq' }).crash();
    const after = [];
    for (let i = 0; i < 3; i++) after.push(await jobs.withDelay(shop, { channel: 'seq' }).hold('root.seq', 20, `seq-${i}`));
    await waitForRow(db, failing.uuid, inState('failed'));
    await sleep(500);
    expect(tagsInOrder('seq-')).toHaveLength(0); // blocked behind the failed job
    await jobs.setDone(failing.uuid, { by: 'test' });
    for (const job of after) await waitForRow(db, job.uuid, inState('done'));
    expect(tagsInOrder('seq-').map((c) => c.args[2])).toEqual(['seq-0', 'seq-1', 'seq-2']);
  });

  it('a throttled channel starts at most one job per period', async () => {
    const started = [];
    for (let i = 0; i < 3; i++) started.push(await jobs.withDelay(shop, { channel: 'slow' }).hold('root.slow', 5, `slow-${i}`));
    for (const job of started) await waitForRow(db, job.uuid, inState('done'));
    const times = tagsInOrder('slow-').map((c) => c.at);
    expect(times).toHaveLength(3);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(950);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(950);
  });

  it('a paused channel starts nothing', async () => {
    const job = await jobs.withDelay(shop, { channel: 'frozen' }).hold('root.frozen', 5, 'frozen');
    const other = await jobs.withDelay(shop).hold('root', 5, 'free');
    await waitForRow(db, other.uuid, inState('done'));
    await sleep(300);
    expect((await jobRow(db, job.uuid)).state).toBe('pending');
  });
});
