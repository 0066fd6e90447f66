import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Delayable } from '../../lib/decorators/delayable.decorator.js';
import { chain } from '../../lib/enqueue/graph/chain-and-group.js';
import { identityExact } from '../../lib/enqueue/identity-key.js';
import { JobService } from '../../lib/enqueue/job.service.js';
import { QueueJobHooks } from '../../lib/hooks/queue-job-hooks.js';
import type { Job } from '../../lib/enqueue/job.js';
import { allJobRows, countJobs, inState, jobRow, waitForRow } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { sleep, waitFor } from '../support/wait-for.js';

@Injectable()
class KeyedService {
  @Delayable()
  async first(n: number): Promise<unknown> {
    return n;
  }

  @Delayable()
  async second(n: number): Promise<unknown> {
    return n;
  }

  /** identityExact as the decorator's default. */
  @Delayable({ identityKey: identityExact })
  async exact(n: number, at: Date): Promise<unknown> {
    return [n, at];
  }

  @Delayable()
  async slow(ms: number): Promise<unknown> {
    await sleep(ms);
    return ms;
  }
}

const HOLDING = `state IN ('wait_dependencies', 'pending', 'enqueued')`;

describe('identity keys', () => {
  let db: TestDatabase;
  let appA: INestApplicationContext;
  let appB: INestApplicationContext;
  let jobsA: JobService;
  let jobsB: JobService;
  let keyedA: KeyedService;
  let keyedB: KeyedService;

  beforeAll(async () => {
    db = await createTestDatabase();
    // A runs jobs, B only enqueues: two app instances on one database.
    appA = await createTestApp({ url: db.url, channels: 'root:4', providers: [KeyedService] });
    appB = await createTestApp({ url: db.url, runner: false, providers: [KeyedService] });
    [jobsA, jobsB] = [appA.get(JobService), appB.get(JobService)];
    [keyedA, keyedB] = [appA.get(KeyedService), appB.get(KeyedService)];
  });
  afterAll(async () => {
    await Promise.all([appA?.close(), appB?.close()]);
    await db?.drop();
  });

  /** Options that keep the job pending for the test's duration (eta an hour away). */
  const later = (identityKey: string) => ({ identityKey, eta: 3600 });
  const holders = (key: string) => countJobs(db, `identity_key = $1 AND ${HOLDING}`, [key]);

  it('enqueueMany of more than 500 calls (streamed, keyed batches as INSERTs): a key repeated across batches makes one job, the later calls get it', async () => {
    const at = new Date('2030-01-01T00:00:00.000Z');
    const calls = Array.from({ length: 1200 }, (_, i): [number, Date] => [900_000 + (i % 400), at]);
    const handles = await jobsB.enqueueMany(keyedB, 'exact', calls, { eta: 3600 });
    expect(handles).toHaveLength(1200);
    expect(handles.slice(0, 400).every((job) => job.created)).toBe(true);
    expect(handles.slice(400).some((job) => job.created)).toBe(false);
    for (let i = 400; i < 1200; i++) expect(handles[i]!.uuid).toBe(handles[i % 400]!.uuid);
    expect(await countJobs(db, 'uuid = ANY($1::uuid[])', [handles.map((job) => job.uuid)])).toBe(400);
    await jobsB.cancel(handles.slice(0, 400).map((job) => job.uuid));
  });

  it('enqueueMany of more than 500 calls with keys in one batch only: copied around it, inserted in its place, in call order', async () => {
    // An enqueue hook keys the calls 300-399 (two calls per key): their batch cannot be copied.
    const BASE = 7_000_000; // arguments no other test of this file uses
    const keyOf = (n: number) => (n >= BASE + 300 && n < BASE + 400 ? `batch-${n % 50}` : null);
    const off = appB.get(QueueJobHooks).onEnqueue((job) => {
      job.row.identityKey = keyOf(job.args[0] as number);
    });
    try {
      const calls = Array.from({ length: 1000 }, (_, n): [number] => [BASE + n]);
      const handles = await jobsB.enqueueMany(keyedB, 'first', calls, { eta: 3600 });
      expect(handles).toHaveLength(1000);
      for (let n = 350; n < 400; n++) expect(handles[n]).toMatchObject({ uuid: handles[n - 50]!.uuid, created: false });
      expect(handles.filter((job) => job.created)).toHaveLength(950);
      const created = handles.filter((job) => job.created).map((job) => job.uuid);
      const { rows } = await db.pool.query<{ n: number; identity_key: string | null }>(
        `SELECT (args->>0)::int AS n, identity_key FROM queue_job WHERE uuid = ANY($1::uuid[]) ORDER BY id`, [created]);
      expect(rows.map((row) => row.n)).toEqual(calls.map(([n]) => n).filter((n) => n < BASE + 350 || n >= BASE + 400));
      expect(rows.map((row) => row.identity_key)).toEqual(rows.map((row) => keyOf(row.n)));
      await jobsB.cancel(created);
    } finally {
      off();
    }
  });

  it('a string key: the pending job is returned instead of a new one', async () => {
    const first = await jobsA.withDelay(keyedA, later('order-1')).first(1);
    const again = await jobsA.withDelay(keyedA, later('order-1')).first(2);
    const fromB = await jobsB.withDelay(keyedB, later('order-1')).second(3); // the key is all that counts
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ uuid: first.uuid, created: false });
    expect(fromB).toMatchObject({ uuid: first.uuid, created: false });
    expect(await countJobs(db, 'identity_key = $1', ['order-1'])).toBe(1);
    expect((await jobRow(db, first.uuid)).args).toEqual([1]);
  });

  it('once the job is done (or cancelled), the key is free: a new job is created', async () => {
    const first = await jobsA.withDelay(keyedA, { identityKey: 'order-2' }).first(1);
    await waitForRow(db, first.uuid, inState('done'));
    const second = await jobsA.withDelay(keyedA, later('order-2')).first(2);
    expect(second.created).toBe(true);
    expect(second.uuid).not.toBe(first.uuid);
    await jobsA.cancel(second.uuid);
    const third = await jobsA.withDelay(keyedA, later('order-2')).first(3);
    expect(third.created).toBe(true);
    expect(await countJobs(db, 'identity_key = $1', ['order-2'])).toBe(3);
  });

  // The state is set by hand: the runner moves a job through these states too fast to watch reliably.
  it.each([
    ['wait_dependencies', false], ['pending', false], ['enqueued', false],
    ['started', true], ['done', true], ['cancelled', true], ['failed', true],
  ])('a job in state %s: a new enqueue with its key creates a job: %s', async (state, created) => {
    const key = `state-${state}`;
    const held = await jobsB.withDelay(keyedB, later(key)).first(1);
    await db.pool.query('UPDATE queue_job SET state = $2 WHERE uuid = $1', [held.uuid, state]);
    const next = await jobsB.withDelay(keyedB, later(key)).first(2);
    expect(next.created).toBe(created);
    expect(next.uuid === held.uuid).toBe(!created);
    // Out of the runner's way (an enqueued or started row takes a slot of root).
    await db.pool.query("UPDATE queue_job SET state = 'done' WHERE identity_key = $1", [key]);
  });

  it('identityExact: same job function and arguments → one job; other arguments → another', async () => {
    const at = new Date('2030-01-01T00:00:00Z');
    const options = { identityKey: identityExact, eta: 3600 };
    const one = await jobsA.withDelay(keyedA, options).first(10);
    const same = await jobsB.withDelay(keyedB, options).first(10);
    const other = await jobsA.withDelay(keyedA, options).first(11);
    const otherFunction = await jobsA.withDelay(keyedA, options).second(10);
    expect(same).toMatchObject({ uuid: one.uuid, created: false });
    expect(other.created).toBe(true);
    expect(otherFunction.created).toBe(true);
    expect(new Set([one.uuid, other.uuid, otherFunction.uuid]).size).toBe(3);
    expect((await jobRow(db, one.uuid) as unknown as { identity_key: string }).identity_key)
      .toBe(identityExact({ jobFunction: '<KeyedService>.first', storedArgs: [10] }));

    // As the decorator's default, with a Date argument (tagged JSON compares equal).
    const withDate = (await jobsA.withDelay(keyedA, { eta: 3600 }).exact(1, at)) as Job; // no identityKey given here
    const sameDate = (await jobsB.withDelay(keyedB, { eta: 3600 }).exact(1, new Date(at.getTime()))) as Job;
    const otherDate = (await jobsB.withDelay(keyedB, { eta: 3600 }).exact(1, new Date(at.getTime() + 1))) as Job;
    expect(sameDate.uuid).toBe(withDate.uuid);
    expect(otherDate.uuid).not.toBe(withDate.uuid);
    await jobsA.cancel([one.uuid, other.uuid, otherFunction.uuid, withDate.uuid, otherDate.uuid]);
  });

  it('race: 20 parallel enqueues with one key from two app instances make exactly one job', async () => {
    for (let round = 0; round < 5; round++) {
      const key = `race-${round}`;
      const calls = Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0 ? jobsA.withDelay(keyedA, later(key)).first(i) : jobsB.withDelay(keyedB, later(key)).second(i));
      const handles = await Promise.all(calls);
      expect(await holders(key)).toBe(1);
      expect(await countJobs(db, 'identity_key = $1', [key])).toBe(1);
      expect(new Set(handles.map((h) => h.uuid)).size).toBe(1);
      expect(handles.filter((h) => h.created)).toHaveLength(1);
    }
  });

  describe('graphs', () => {
    it('a waiting job holds its key too', async () => {
      const [parent, child] = await chain(
        jobsA.delayable(keyedA, { eta: 3600 }).first(1),
        jobsA.delayable(keyedA, { identityKey: 'waiting-child' }).second(2),
      ).delay();
      expect((await jobRow(db, child.uuid)).state).toBe('wait_dependencies');
      const again = await jobsB.withDelay(keyedB, { identityKey: 'waiting-child' }).second(2);
      expect(again).toMatchObject({ uuid: child.uuid, created: false });
      await jobsA.cancel(parent.uuid);
    });

    it('every keyed vertex exists already: nothing is stored, the existing jobs are returned', async () => {
      const existingFirst = await jobsA.withDelay(keyedA, later('g-first')).first(1);
      const existingSecond = await jobsB.withDelay(keyedB, later('g-second')).second(2);
      const before = await countJobs(db);
      // The unkeyed vertex comes first, so the returned handles cannot be matched to the vertices by position.
      const returned = await chain(
        jobsA.delayable(keyedA).first(0),
        jobsA.delayable(keyedA, later('g-second')).second(20),
        jobsA.delayable(keyedA, later('g-first')).first(10),
      ).delay();
      expect(await countJobs(db)).toBe(before);
      expect(returned.map((j) => [j.uuid, j.jobFunction, j.created])).toEqual([
        [existingSecond.uuid, '<KeyedService>.second', false],
        [existingFirst.uuid, '<KeyedService>.first', false],
      ]);
    });

    it('some keyed vertex is new: the whole graph is stored; a vertex whose key is taken is stored without its key', async () => {
      const existing = await jobsA.withDelay(keyedA, later('h-taken')).first(1);
      const before = await countJobs(db);
      const stored = await chain(
        jobsA.delayable(keyedA, later('h-taken')).first(10),
        jobsA.delayable(keyedA, later('h-new')).second(20),
      ).delay();
      expect(await countJobs(db)).toBe(before + 2);
      expect(stored.every((j) => j.created)).toBe(true);
      const rows = await allJobRows(db, 'uuid = ANY($1)', [stored.map((j) => j.uuid)]);
      const keys = rows.map((r) => (r as unknown as { identity_key: string | null }).identity_key);
      // The taken key stays with the job that held it; the graph's copy belongs to its graph and runs in it.
      expect(keys).toEqual([null, 'h-new']);
      expect(await holders('h-taken')).toBe(1);
      expect((await jobRow(db, existing.uuid)).state).toBe('pending');
      expect(new Set(rows.map((r) => (r as unknown as { graph_uuid: string }).graph_uuid)).size).toBe(1);
    });

    it.each([
      ['in their own transactions', false],
      ['inside the callers\' transactions', true],
    ])('race: two instances delaying graphs with one keyed vertex, %s, store one graph', async (_how, inTransaction) => {
      const key = `graph-race-${inTransaction}`;
      const [argA, argB] = inTransaction ? [501, 502] : [401, 402]; // tell this case's rows apart
      const graph = (jobs: JobService, keyed: KeyedService, i: number) => chain(
        jobs.delayable(keyed, later(key)).first(i),
        jobs.delayable(keyed, { eta: 3600 }).second(i),
      );
      // A holds its transaction open after storing its graph, so B's insert waits on A's key and loses it at commit.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => { release = resolve; });
      const fromA = jobsA.transaction(async () => {
        const stored = await graph(jobsA, keyedA, argA).delay();
        await gate;
        return stored;
      });
      await waitFor('A stored its graph', async () =>
        (await db.pool.query(`SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                               WHERE a.datname = current_database() AND l.locktype = 'transactionid' AND a.state = 'idle in transaction'`)).rowCount! > 0);
      const fromB = inTransaction
        ? jobsB.transaction(() => graph(jobsB, keyedB, argB).delay())
        : graph(jobsB, keyedB, argB).delay();
      await sleep(200); // B is now blocked on A's uncommitted key
      release();
      const [a, b] = await Promise.all([fromA, fromB]);
      expect(a.every((j) => j.created)).toBe(true);
      expect(b.map((j) => [j.uuid, j.created])).toEqual([[a[0].uuid, false]]);
      // Only A's graph: no half of B's graph left behind, waiting for a parent that was never stored.
      const rows = await allJobRows(db, '(args->>0)::int = ANY($1)', [[argA, argB]]);
      expect(rows.map((r) => r.uuid).sort()).toEqual(a.map((j) => j.uuid).sort());
      await jobsA.cancel(a[0].uuid);
    });
  });
});
