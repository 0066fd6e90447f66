import { beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { chain, group } from '../../lib/enqueue/graph/chain-and-group.js';
import { JobService } from '../../lib/enqueue/job.service.js';
import { IllegalJobTransitionError } from '../../lib/errors/illegal-job-transition.error.js';
import { ShopService } from '../fixtures/shop.service.js';
import { allJobRows, inState, jobRow, waitForRow } from '../support/job-rows.js';
import { useShopApp } from '../support/shop-app.js';
import type { TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

describe('job graphs and manual actions (real runner)', () => {
  const shopApp = useShopApp({ channels: 'root:4' });
  const log = shopApp.log;
  let db: TestDatabase;
  let app: INestApplicationContext;
  let shop: ShopService;
  let jobs: JobService;
  beforeAll(() => void ({ db, app, shop, jobs } = shopApp));

  const node = (tag: string, ms = 150) => jobs.delayable(shop).hold('root', ms, tag);
  const span = (tag: string) => {
    const call = log.calls.find((c) => c.method === 'hold' && c.args[2] === tag);
    if (!call) throw new Error(`${tag} did not run`);
    return { start: call.at, end: call.at + (call.args[1] as number) };
  };

  it('runs chain(a, group(b, c), d) in dependency order, stored with one graph_uuid', async () => {
    const stored = await chain(node('a'), group(node('b'), node('c')), node('d')).delay();
    expect(stored).toHaveLength(4);
    const rows = await allJobRows(db, 'uuid = ANY($1)', [stored.map((j) => j.uuid)]);
    expect(new Set(rows.map((r) => (r as unknown as { graph_uuid: string }).graph_uuid)).size).toBe(1);
    expect(rows.filter((r) => r.state === 'wait_dependencies')).toHaveLength(3);
    await waitFor('graph done', async () => (await allJobRows(db, "uuid = ANY($1) AND state = 'done'", [stored.map((j) => j.uuid)])).length === 4);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(span);
    expect(b.start).toBeGreaterThanOrEqual(a.end);
    expect(c.start).toBeGreaterThanOrEqual(a.end);
    expect(Math.abs(b.start - c.start)).toBeLessThan(100); // b and c in parallel
    expect(d.start).toBeGreaterThanOrEqual(Math.max(b.end, c.end));
  });

  it('keeps children waiting under a failed parent, releases them when the parent is set done by hand', async () => {
    const [parent, child] = await jobs.delayable(shop).crash().onDone(node('after-crash', 10)).delay();
    const failed = await waitForRow(db, parent.uuid);
    expect(failed.state).toBe('failed');
    await new Promise((r) => setTimeout(r, 300));
    expect((await jobRow(db, child.uuid)).state).toBe('wait_dependencies');
    expect(await jobs.setDone(parent.uuid, { by: 'alice' })).toEqual([parent.uuid]);
    expect((await jobRow(db, parent.uuid)).result).toBe('Manually set to done by alice');
    expect((await waitForRow(db, child.uuid)).state).toBe('done');
  });

  it('cancels recursively the children whose parents are all cancelled', async () => {
    // Heads wait for an eta an hour away, so the runner leaves the whole graph alone.
    const later = (tag: string) => jobs.delayable(shop, { eta: 3600 }).hold('root', 10, tag);
    const stored = await chain(group(later('x-a'), later('x-b')), node('x-c'), node('x-d')).delay();
    const [ua, ub, uc, ud] = stored.map((j) => j.uuid);
    // One parent of c cancelled: c keeps waiting for the other.
    expect(await jobs.cancel(ua, { by: 'bob' })).toEqual([ua]);
    expect((await jobRow(db, uc)).state).toBe('wait_dependencies');
    // Both cancelled: c, then d, are cancelled too.
    expect(new Set(await jobs.cancel([ub], { by: 'bob' }))).toEqual(new Set([ub, uc, ud]));
    expect((await jobRow(db, ud)).state).toBe('cancelled');
    expect((await jobRow(db, uc)).result).toBe('Cancelled by bob');
    expect((await jobRow(db, ua)).state).toBe('cancelled');
  });

  it('refuses illegal manual transitions and changes nothing', async () => {
    const job = await jobs.withDelay(shop).confirm(77, 'manual');
    await waitForRow(db, job.uuid, inState('done'));
    await expect(jobs.requeue(job.uuid)).rejects.toThrow(/Cannot requeue: .* is done\. Only jobs that are failed can be requeued/);
    await expect(jobs.cancel(job.uuid)).rejects.toBeInstanceOf(IllegalJobTransitionError);
    await expect(jobs.setDone('not-a-uuid')).rejects.toThrow(/Not a job uuid: "not-a-uuid"/);
    await expect(jobs.cancel('00000000-0000-0000-0000-000000000000')).rejects.toThrow(/No job with uuid/);
    expect((await jobRow(db, job.uuid)).state).toBe('done');
  });

  it('requeues a failed job with retry 0, and it runs again', async () => {
    const job = await jobs.withDelay(shop).crash();
    await waitForRow(db, job.uuid, inState('failed'));
    await jobs.requeue(job.uuid);
    const row = await waitForRow(db, job.uuid, inState('failed'));
    expect(row.retry).toBe(1);
    expect(row.exc_name).toBe('TypeError');
  });
});
