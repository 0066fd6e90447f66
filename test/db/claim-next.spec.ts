import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { CandidateJob } from '../../lib/channels/channel-job.js';
import { ChannelTree } from '../../lib/channels/channel-tree.js';
import { selectJobsToStart } from '../../lib/channels/dispatch.js';
import { NOTIFY_CHANNEL } from '../../lib/queue-job.constants.js';
import { runClaimCycle } from '../../lib/store/claim-cycle.js';
import { claimNext } from '../../lib/store/claim-next.js';
import type { JobOutcomeRow } from '../../lib/store/sql/record-outcomes.sql.js';
import { useMigratedDatabase } from '../support/migrated-database.js';
import { sleep, waitFor } from '../support/wait-for.js';

/**
 * `queue_job_claim_next` decides in SQL what `selectJobsToStart` decides in TypeScript, for channel
 * configurations of capacities only. Random configurations, queues, running jobs and sets of job
 * functions registered by the claiming instance (seeded, so a failure can be replayed) must give the
 * same jobs from both: the TypeScript side sees only the pending jobs of registered functions.
 */

const CHANNELS = ['root', 'root.a', 'root.a.x', 'root.a.y', 'root.b', 'root.b.z', 'root.c', 'root.c_d'];
/** Job functions of the random queues; the claiming instance registers some of them. */
const FUNCTIONS = ['<S>.m', '<S>.n', '<T>.o'];
const NOW = Date.now() / 1000;

/** Mulberry32: a small seeded generator. */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] };
}

/** The outcome an executor sends for a job it finished under this lease. */
function doneOutcome(id: string, leaseToken: string, result = 'null'): JobOutcomeRow {
  return {
    id, uuid: randomUUID(), inGraph: false, leaseToken, state: 'done', result, excName: null, excMessage: null,
    excInfo: null, eta: null, retryDelta: 0, dateStarted: new Date(), dateDone: new Date(), execTime: 0.01,
  };
}

type RandomJob = CandidateJob & { jobFunction: string };
interface Case { config: string; limit: number; pending: RandomJob[]; running: Array<{ channel: string; jobFunction: string }>; registered: string[] }

function randomCase(seed: number): Case {
  const r = generator(seed);
  const entries = [`root:${r.int(8)}`];
  for (const name of ['a', 'a.x', 'b', 'c']) {
    if (r.next() < 0.6) entries.push(`${name}:${r.int(4)}${r.next() < 0.1 ? ':paused' : ''}`);
  }
  const pending = Array.from({ length: r.int(25) }, (_, i): RandomJob => {
    const eta = r.next() < 0.2 ? NOW + (r.next() < 0.5 ? -60 : 60) : null;
    return { id: '', channel: r.pick(CHANNELS), priority: r.int(3), dateCreated: 1_700_000_000_000 + r.int(4) * 1000, seq: i, eta, jobFunction: r.pick(FUNCTIONS) };
  });
  // Jobs of any function count as running: capacities are the fleet's, whoever runs them.
  const running = Array.from({ length: r.int(6) }, () => ({ channel: r.pick(CHANNELS), jobFunction: r.pick(FUNCTIONS) }));
  // A third of the cases register every function (a fleet of one version), the others a random subset (maybe none).
  const registered = r.next() < 0.33 ? FUNCTIONS : FUNCTIONS.filter(() => r.next() < 0.5);
  return { config: entries.join(','), limit: 1 + r.int(10), pending, running, registered };
}

describe('queue_job_claim_next', () => {
  const database = useMigratedDatabase();

  type JobFields = { state?: string; priority?: number; dateCreatedMs?: number; eta?: number | null; leaseToken?: string; jobFunction?: string };
  async function insertJob(channel: string, fields: JobFields = {}): Promise<string> {
    const { rows } = await database().pool.query<{ id: string }>(
      `INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, state, priority, channel, date_created, eta, lease_token)
       VALUES ($1, 'job', $8, 'S', 'm', $2, $3, $4, to_timestamp($5 / 1000.0), to_timestamp($6), $7) RETURNING id`,
      [randomUUID(), fields.state ?? 'pending', fields.priority ?? 10, channel, fields.dateCreatedMs ?? Date.now(), fields.eta ?? null,
        fields.leaseToken ?? null, fields.jobFunction ?? '<S>.m'],
    );
    return rows[0].id;
  }

  function claim(config: string, limit: number, outcomes: JobOutcomeRow[] = [], jobFunctions: readonly string[] = ['<S>.m']) {
    return claimNext(database().pool as never, { workerId: 'worker-1', leaseSeconds: 60, limit, channels: ChannelTree.parse(config).channels, outcomes, jobFunctions, flushApart: true });
  }

  /** The same claim through the channel manager's path (`queue_job_cycle`, then `queue_job_claim`). */
  async function claimInCycle(config: string, limit: number, jobFunctions: readonly string[]) {
    const tree = ChannelTree.parse(config);
    const client = await database().pool.connect();
    try {
      return await runClaimCycle(client, {
        workerId: 'worker-1', leaseSeconds: 60, lockTimeoutMs: 5_000, flushApart: true,
        claim: {
          limit, jobFunctions,
          sequentialChannels: tree.channels.filter((c) => c.sequential).map((c) => c.name),
          throttledChannels: tree.channels.filter((c) => c.throttle > 0).map((c) => c.name),
          rateChannels: tree.channels.filter((c) => c.rate).map((c) => c.name),
          decide: (snapshot, now) => {
            const decision = selectJobsToStart(tree, snapshot, now, limit);
            return { ids: decision.start.map((job) => job.id), lastStart: decision.lastStart, recentStarts: decision.recentStarts };
          },
        },
      });
    } finally {
      client.release();
    }
  }

  /** Stores a random case; the jobs selectJobsToStart admits, seeing only the registered functions' pending jobs. */
  async function storeCase(c: Case): Promise<string[]> {
    for (const job of c.pending) {
      // Row ids follow creation; the TypeScript side orders ties by the same id.
      job.id = await insertJob(job.channel, { priority: job.priority, dateCreatedMs: job.dateCreated, eta: job.eta, jobFunction: job.jobFunction });
      job.seq = Number(job.id);
    }
    for (const job of c.running) await insertJob(job.channel, { state: 'started', jobFunction: job.jobFunction });
    const running = new Map<string, number>();
    for (const { channel } of c.running) running.set(channel, (running.get(channel) ?? 0) + 1);
    const pending = c.pending.filter((job) => c.registered.includes(job.jobFunction));
    const expected = selectJobsToStart(ChannelTree.parse(c.config), { running, pending, failedChannels: new Set(), lastStart: new Map() }, NOW, c.limit);
    return expected.start.map((job) => job.id).sort();
  }

  it.each([
    ['queue_job_claim_next', (c: Case) => claim(c.config, c.limit, [], c.registered)],
    ['queue_job_cycle + queue_job_claim', (c: Case) => claimInCycle(c.config, c.limit, c.registered)],
  ])('%s admits the same jobs as selectJobsToStart on 150 random queues, of the registered job functions only', async (_path, claimCase) => {
    for (let seed = 1; seed <= 150; seed++) {
      await database().pool.query('TRUNCATE queue_job');
      const c = randomCase(seed);
      const expected = await storeCase(c);
      const { claimed } = await claimCase(c);

      const context = `seed ${seed}: ${c.config}, limit ${c.limit}, registered ${c.registered.join(' ')}`;
      expect({ context, ids: claimed.map((job) => job.id).sort() }).toEqual({ context, ids: expected });
    }
  });

  it.each([
    ['queue_job_claim_next', (limit: number) => claim('root:4', limit, [], ['<S>.m'])],
    ['queue_job_cycle + queue_job_claim', (limit: number) => claimInCycle('root:4', limit, ['<S>.m'])],
  ])('%s reaches its own jobs behind many of another job function, which stay pending', async (_path, claimFor) => {
    for (let i = 0; i < 50; i++) await insertJob('root', { priority: 1, jobFunction: '<V2>.only' });
    const own = [await insertJob('root', { priority: 5 }), await insertJob('root', { priority: 5 })];
    const { claimed } = await claimFor(3);
    expect(claimed.map((job) => job.id)).toEqual(own);
    const { rows } = await database().pool.query(`SELECT count(*)::int AS n FROM queue_job WHERE job_function = '<V2>.only' AND state = 'pending'`);
    expect(rows[0].n).toBe(50);
  });

  it('a sequential channel whose head only another instance runs holds back the jobs behind it (strict order across the fleet)', async () => {
    const foreign = await insertJob('root.s', { dateCreatedMs: 1_000, jobFunction: '<V2>.only' });
    const own = await insertJob('root.s', { dateCreatedMs: 2_000 });
    const elsewhere = await insertJob('root', { dateCreatedMs: 3_000 });
    const config = 'root:4,s:1:sequential';
    expect((await claimInCycle(config, 4, ['<S>.m'])).claimed.map((job) => job.id)).toEqual([elsewhere]);
    await database().pool.query(`UPDATE queue_job SET state = 'done' WHERE id = $1`, [foreign]);
    expect((await claimInCycle(config, 4, ['<S>.m'])).claimed.map((job) => job.id)).toEqual([own]);
  });

  it('marks the claimed jobs enqueued under one new lease of the worker, with the columns the executor reads', async () => {
    const createdMs = Date.now() - 5000;
    const id = await insertJob('root.a', { priority: 3, dateCreatedMs: createdMs });
    const { claimed } = await claim('root:2', 2);
    expect(claimed).toHaveLength(1);
    const job = claimed[0];
    expect(job).toEqual({
      id, uuid: expect.any(String), graph_uuid: null, job_function: '<S>.m', args: [], retry: 1, max_retries: 5, channel: 'root.a',
      eta: null, date_created: createdMs, lease_token: expect.any(String), context: null, user_id: null, trace_context: null,
    });
    const { rows } = await database().pool.query('SELECT uuid, state, worker_id, lease_token, lease_expires_at > now() AS leased FROM queue_job WHERE id = $1', [id]);
    expect(rows[0]).toEqual({ uuid: job.uuid, state: 'enqueued', worker_id: 'worker-1', lease_token: job.lease_token, leased: true });
  });

  it('returns the jobs of one claim in queue order (priority, creation date, id), all under the same lease', async () => {
    const late = await insertJob('root.b', { priority: 10, dateCreatedMs: 2_000_000_000_000 });
    const early = await insertJob('root.a', { priority: 10, dateCreatedMs: 1_000_000_000_000 });
    const urgent = await insertJob('root.c', { priority: 1, dateCreatedMs: 2_000_000_000_000 });
    const { claimed } = await claim('root:5', 5);
    expect(claimed.map((job) => job.id)).toEqual([urgent, early, late]);
    expect(new Set(claimed.map((job) => job.lease_token)).size).toBe(1);
  });

  it('claims a queue to its end in queue order, batch after batch, over several channels (the walk starts at the first live job of each)', async () => {
    const r = generator(7);
    const jobs: Array<{ id: string; priority: number; createdMs: number }> = [];
    for (let i = 0; i < 40; i++) {
      const fields = { priority: r.int(3), dateCreatedMs: 1_700_000_000_000 + r.int(10) * 1000 };
      jobs.push({ id: await insertJob(r.pick(['root.a', 'root.b', 'root.c', 'root.c.d']), fields), priority: fields.priority, createdMs: fields.dateCreatedMs });
    }
    const queueOrder = [...jobs]
      .sort((x, y) => x.priority - y.priority || x.createdMs - y.createdMs || Number(x.id) - Number(y.id))
      .map((job) => job.id);

    const batches: string[][] = [];
    let outcomes: JobOutcomeRow[] = [];
    for (;;) {
      const { claimed } = await claim('root:3', 3, outcomes);
      if (claimed.length === 0) break;
      batches.push(claimed.map((job) => job.id));
      outcomes = claimed.map((job) => doneOutcome(job.id, job.lease_token));
    }

    // Each claim takes the next three of the whole queue: the claimed rows before them are dead
    // entries of the pending index, which the walk must step over without losing a live job.
    expect(batches).toEqual(Array.from({ length: Math.ceil(40 / 3) }, (_, k) => queueOrder.slice(3 * k, 3 * k + 3)));
  });

  it('writes outcomes first, so a finished job frees its slot for the same claim; a lost lease is not written', async () => {
    const token = randomUUID();
    const finished = await insertJob('root', { state: 'started', leaseToken: token });
    const stale = await insertJob('root', { state: 'started', leaseToken: randomUUID() });
    const next = await insertJob('root');

    const { claimed, recorded } = await claim('root:2', 2, [doneOutcome(finished, token, '{"ok":true}'), doneOutcome(stale, token, '{"ok":true}')]);

    expect([...recorded]).toEqual([finished]);
    expect(claimed.map((job) => job.id)).toEqual([next]);
    const { rows } = await database().pool.query('SELECT id, state, result FROM queue_job ORDER BY id');
    expect(rows).toEqual([
      { id: finished, state: 'done', result: { ok: true } },
      { id: stale, state: 'started', result: null },
      { id: next, state: 'enqueued', result: null },
    ]);
  });

  it('with limit 0 writes outcomes only and claims nothing', async () => {
    await insertJob('root');
    const { claimed, nextEta } = await claim('root:5', 0);
    expect(claimed).toEqual([]);
    expect(nextEta).toBeNull();
    expect((await database().pool.query(`SELECT count(*)::int AS n FROM queue_job WHERE state = 'pending'`)).rows[0].n).toBe(1);
  });

  it('returns the earliest future eta, for the runner to wake up then', async () => {
    const eta = Math.round(NOW) + 3600;
    await insertJob('root', { eta });
    await insertJob('root', { eta: eta + 60 });
    const { claimed, nextEta } = await claim('root:5', 5);
    expect(claimed).toEqual([]);
    expect(nextEta).toBe(eta);
  });

  it('wakes the other instances only when it leaves jobs that the channels would admit', async () => {
    for (let i = 0; i < 6; i++) await insertJob('root.a');
    const listener = new pg.Client({ connectionString: database().url });
    await listener.connect();
    const payloads: string[] = [];
    listener.on('notification', (n) => payloads.push(n.payload ?? ''));
    await listener.query(`LISTEN ${NOTIFY_CHANNEL}`);
    try {
      await claim('root:0,a:4', 2); // full (2 of 2) and 2 more would fit in a:4: the others are told
      await claim('root:0,a:4', 2); // full, but a:4 is full too: nobody else could start one
      await claim('root:0,a:4', 2); // nothing fits
      await waitFor('a notification', () => payloads.length >= 1);
      await sleep(100);
      expect(payloads).toEqual(['worker-1']);
    } finally {
      await listener.end();
    }
  });

  it('serialises concurrent claims: two workers never exceed a channel capacity together', async () => {
    for (let i = 0; i < 30; i++) await insertJob('root.a');
    const results = await Promise.all(Array.from({ length: 6 }, () => claim('root:0,a:4', 10)));
    expect(results.reduce((n, r) => n + r.claimed.length, 0)).toBe(4);
  });
});
