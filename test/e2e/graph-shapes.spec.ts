import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Delayable } from '../../lib/decorators/delayable.decorator.js';
import { chain, group } from '../../lib/enqueue/graph/chain-and-group.js';
import { JobService } from '../../lib/enqueue/job.service.js';
import type { Job } from '../../lib/enqueue/job.js';
import { neverDelayed } from '../../lib/queue-job.messages.js';
import { ExecutionLog, ShopService } from '../fixtures/shop.service.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { allJobRows, countJobs, inState, waitForRow } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { sleep } from '../support/wait-for.js';

/** Jobs that end at a given instant, whichever instance runs them. */
@Injectable()
class MeetingService {
  constructor(private readonly log: ExecutionLog) {}

  @Delayable()
  async until(at: number, tag: string): Promise<unknown> {
    await sleep(Math.max(0, at - Date.now()));
    this.log.calls.push({ method: 'until', args: [at, tag], at: Date.now() });
    return tag;
  }
}

interface GraphRow { uuid: string; graph_uuid: string | null; state: string; args: unknown[]; dependencies: { depends_on: string[]; reverse_depends_on: string[] } }

describe('job graphs: shapes, no-delay, warnings, cycles, two instances', () => {
  let db: TestDatabase;
  const apps: INestApplicationContext[] = [];
  const log = new ExecutionLog();
  const providers = [ShopService, { provide: ExecutionLog, useValue: log }];

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  afterAll(async () => {
    await db?.drop();
  });

  const start = async (options: Omit<Parameters<typeof createTestApp>[0], 'url'> = {}) => {
    const app = await createTestApp({ url: db.url, providers, ...options });
    apps.push(app);
    return { app, jobs: app.get(JobService), shop: app.get(ShopService) };
  };

  /**
   * The stored graph as `tag → { parents, children }` (tags are the third argument of `hold`),
   * checked for one graph_uuid and for edges that agree both ways.
   */
  async function storedGraph(jobs: Job[]) {
    const { rows } = await db.pool.query<GraphRow>('SELECT uuid, graph_uuid, state, args, dependencies FROM queue_job WHERE uuid = ANY($1)', [jobs.map((j) => j.uuid)]);
    expect(rows).toHaveLength(jobs.length);
    expect(new Set(rows.map((r) => r.graph_uuid)).size).toBe(1);
    expect(rows[0]!.graph_uuid).not.toBeNull();
    const tagOf = new Map(rows.map((r) => [r.uuid, String(r.args[2])]));
    const tags = (uuids: string[]) => uuids.map((u) => tagOf.get(u)!).sort();
    const graph: Record<string, { parents: string[]; children: string[]; state: string }> = {};
    for (const row of rows) {
      graph[tagOf.get(row.uuid)!] = { parents: tags(row.dependencies.depends_on), children: tags(row.dependencies.reverse_depends_on), state: row.state };
    }
    for (const [tag, { parents }] of Object.entries(graph)) for (const parent of parents) expect(graph[parent]!.children).toContain(tag);
    return graph;
  }

  describe('shapes (runner off: the graph stays as stored)', () => {
    let jobs: JobService;
    let shop: ShopService;
    const node = (tag: string) => jobs.delayable(shop).hold('root', 1, tag);

    let app: INestApplicationContext;

    beforeAll(async () => {
      app = await createTestApp({ url: db.url, runner: false, providers });
      jobs = app.get(JobService);
      shop = app.get(ShopService);
    });
    afterAll(async () => {
      await app?.close();
    });

    it('a.onDone(b, c): edges from a to b and to c; b and c wait', async () => {
      const a = node('od-a');
      const stored = await a.onDone(node('od-b'), node('od-c')).delay();
      expect(await storedGraph(stored)).toEqual({
        'od-a': { parents: [], children: ['od-b', 'od-c'], state: 'pending' },
        'od-b': { parents: ['od-a'], children: [], state: 'wait_dependencies' },
        'od-c': { parents: ['od-a'], children: [], state: 'wait_dependencies' },
      });
    });

    it('chain(group(a, b), group(c, d)) links every tail to every head', async () => {
      const stored = await chain(group(node('g-a'), node('g-b')), group(node('g-c'), node('g-d'))).delay();
      expect(stored).toHaveLength(4);
      expect(await storedGraph(stored)).toEqual({
        'g-a': { parents: [], children: ['g-c', 'g-d'], state: 'pending' },
        'g-b': { parents: [], children: ['g-c', 'g-d'], state: 'pending' },
        'g-c': { parents: ['g-a', 'g-b'], children: [], state: 'wait_dependencies' },
        'g-d': { parents: ['g-a', 'g-b'], children: [], state: 'wait_dependencies' },
      });
    });

    it('deeper nesting, group.onDone, and .delay() from an inner node store the whole connected graph', async () => {
      // a → (b ‖ (c → d)) → e; the inner group's tails (b, d) also → f.
      const c = node('n-c');
      const inner = group(node('n-b'), chain(c, node('n-d')));
      chain(node('n-a'), inner, node('n-e'));
      inner.onDone(node('n-f'));
      const stored = await c.delay();
      expect(stored).toHaveLength(6);
      expect(await storedGraph(stored)).toEqual({
        'n-a': { parents: [], children: ['n-b', 'n-c'], state: 'pending' },
        'n-b': { parents: ['n-a'], children: ['n-e', 'n-f'], state: 'wait_dependencies' },
        'n-c': { parents: ['n-a'], children: ['n-d'], state: 'wait_dependencies' },
        'n-d': { parents: ['n-c'], children: ['n-e', 'n-f'], state: 'wait_dependencies' },
        'n-e': { parents: ['n-b', 'n-d'], children: [], state: 'wait_dependencies' },
        'n-f': { parents: ['n-b', 'n-d'], children: [], state: 'wait_dependencies' },
      });
      // Delaying it again stores nothing more.
      await expect(c.delay()).rejects.toThrow(/was already delayed: its jobs are stored once/);
      expect(await countJobs(db, "args->>2 LIKE 'n-%'")).toBe(6);
    });

    it('a single delayable().method().delay() is a plain job: no graph_uuid, no dependencies', async () => {
      const stored = await node('single').delay();
      expect(stored).toHaveLength(1);
      const [row] = await allJobRows(db, 'uuid = $1', [stored[0]!.uuid]);
      expect(row).toMatchObject({ state: 'pending', graph_uuid: null, dependencies: { depends_on: [], reverse_depends_on: [] } });
      expect(stored[0]).toMatchObject({ created: true, jobFunction: '<ShopService>.hold', state: 'pending' });
    });

    it('a cycle is refused with a clear error, and nothing is stored', async () => {
      const before = await countJobs(db);
      const a = node('cy-a');
      const b = node('cy-b');
      a.onDone(b);
      b.onDone(a);
      await expect(a.delay()).rejects.toThrow('This job graph has a cycle (a job waits, directly or not, for itself): check its chain/group/onDone calls.');
      const x = node('cy-x');
      const y = node('cy-y');
      chain(x, node('cy-z'), y);
      y.onDone(x);
      await expect(y.delay()).rejects.toThrow(/has a cycle/);
      expect(() => x.onDone(x)).toThrow('A job cannot depend on itself: check the chain/group/onDone calls of this graph.');
      expect(await countJobs(db)).toBe(before);
    });
  });

  it('no-delay: a whole graph runs at once in dependency order, nothing stored', async () => {
    const { jobs, shop } = await start({ noDelay: true });
    const node = (tag: string) => jobs.delayable(shop).hold('root', 5, tag);
    // Created out of dependency order: d and c before a.
    const d = node('nd-d');
    const c = node('nd-c');
    const b = node('nd-b');
    const a = node('nd-a');
    chain(a, group(b, c), d);
    const before = log.calls.length;
    expect(await d.delay()).toEqual([]);
    const ran = log.calls.slice(before).map((call) => call.args[2]);
    expect(ran).toHaveLength(4);
    expect(ran[0]).toBe('nd-a');
    expect(new Set(ran.slice(1, 3))).toEqual(new Set(['nd-b', 'nd-c']));
    expect(ran[3]).toBe('nd-d');
    expect(await countJobs(db, "args->>2 LIKE 'nd-%'")).toBe(0);
  });

  it('a node prepared but never delayed is reported at app close; delayed ones are not', async () => {
    const logger = new CaptureLogger();
    const { app, jobs, shop } = await start({ runner: false, logger });
    const forgotten = jobs.delayable(shop).confirm(1, 'forgotten');
    await chain(jobs.delayable(shop).hold('root', 1, 'w-a'), jobs.delayable(shop).hold('root', 1, 'w-b')).delay();
    await app.close();
    apps.splice(apps.indexOf(app), 1);
    expect(logger.messages('warn')).toEqual([neverDelayed('<ShopService>.confirm')]);
    expect(neverDelayed('<ShopService>.confirm')).toMatch(/prepared with jobService\.delayable\(\) but never delayed: call \.delay\(\)/);
    void forgotten; // kept alive until the close
  });

  it('two instances: parents finishing together release the child exactly once', async () => {
    // Each instance runs one job at a time, so a and b run on both instances, and both end at one
    // instant: their outcomes are written by the two instances at the same moment.
    const options = { channels: 'root:4', runner: { concurrency: 1 }, providers: [...providers, MeetingService] };
    const first = await start(options);
    const second = await start(options);
    const splits: boolean[] = [];
    for (let round = 0; round < 6; round++) {
      const { app, jobs } = round % 2 ? second : first;
      const meeting = app.get(MeetingService);
      const tag = (name: string) => `tw-${round}-${name}`;
      const at = Date.now() + 300;
      const [a, b, c] = await chain(
        group(jobs.delayable(meeting).until(at, tag('a')), jobs.delayable(meeting).until(at, tag('b'))),
        jobs.delayable(meeting).until(0, tag('c')),
      ).delay();
      expect((await waitForRow(db, c!.uuid, inState('done', 'failed'), 5_000)).state).toBe('done');
      const [rowA, rowB] = [await waitForRow(db, a!.uuid), await waitForRow(db, b!.uuid)];
      splits.push(rowA.worker_id !== rowB.worker_id);
      await sleep(20);
      expect(log.calls.filter((call) => call.method === 'until' && call.args[1] === tag('c'))).toHaveLength(1);
    }
    // The race happened: a and b ran on different instances.
    expect(splits.filter(Boolean).length).toBeGreaterThan(0);
  });
});
