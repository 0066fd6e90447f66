import { afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ChannelTree } from '../../lib/channels/channel-tree.js';
import { selectJobsToStart } from '../../lib/channels/dispatch.js';
import { CLAIM_LOCK_KEY, CLAIM_WAITING_LOCK_KEY } from '../../lib/queue-job.constants.js';
import { ClaimNotFlushed, canFlushClaims } from '../../lib/store/claim-durability.js';
import { runClaimCycle } from '../../lib/store/claim-cycle.js';
import { claimNext } from '../../lib/store/claim-next.js';
import { useMigratedDatabase } from '../support/migrated-database.js';
import { waitFor } from '../support/wait-for.js';

/**
 * claim-durability.ts: a claim that other claims wait for commits without waiting for its WAL flush
 * (the claim lock passes on at once) and says so; `claimNext` then waits for the flush before it
 * returns the jobs. A claim nobody waits for commits as before.
 */
describe('claims that flush apart', () => {
  const database = useMigratedDatabase();
  const clients: pg.Client[] = [];

  async function connect(url = database().url): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    clients.push(client);
    return client;
  }
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.end().catch(() => undefined)));
  });

  async function insertPending(count: number, channel = 'root'): Promise<void> {
    await database().pool.query(
      `INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, state, channel, date_created)
       SELECT gen_random_uuid(), 'job', '<S>.m', 'S', 'm', 'pending', $2, now() FROM generate_series(1, $1)`,
      [count, channel],
    );
  }

  /** `queue_job_claim_next` in an open transaction of `client`; the commit mode it left for that transaction. */
  async function claimInTransaction(client: pg.Client, waitingLock: number | null) {
    await client.query('BEGIN');
    const { rows } = await client.query<{ claimed: unknown[] | null; flush: boolean }>(
      `SELECT claimed, flush FROM queue_job_claim_next('[]'::jsonb, $1, 5, $2, '{root}', '{10}', 'worker-1', $3, 60, NULL, '{<S>.m}', $4)`,
      [CLAIM_LOCK_KEY, Date.now() / 1000, randomUUID(), waitingLock],
    );
    const { rows: [mode] } = await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    await client.query('COMMIT');
    return { claimed: rows[0].claimed?.length ?? 0, flush: rows[0].flush, commitMode: mode.synchronous_commit };
  }

  /** A session in the claim lock's waiting room, as a claim waiting for the lock is. */
  async function someoneWaiting(): Promise<pg.Client> {
    const waiter = await connect();
    await waiter.query('BEGIN');
    await waiter.query('SELECT pg_advisory_xact_lock_shared($1)', [CLAIM_WAITING_LOCK_KEY]);
    return waiter;
  }

  it('alone, a claim commits synchronously and asks for no flush', async () => {
    await insertPending(3);
    expect(await claimInTransaction(await connect(), CLAIM_WAITING_LOCK_KEY)).toEqual({ claimed: 3, flush: false, commitMode: 'on' });
  });

  it('a claim that waited for the claim lock waited in the waiting room, then commits without its flush and says so', async () => {
    await insertPending(3);
    const holder = await connect();
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1)', [CLAIM_LOCK_KEY]);
    const claimer = await connect();
    const claimerPid = (await claimer.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const claim = claimInTransaction(claimer, CLAIM_WAITING_LOCK_KEY);

    const locks = await waitFor('the claim to wait for the claim lock', async () => {
      const { rows } = await database().pool.query<{ objid: number; mode: string; granted: boolean }>(
        `SELECT objid::bigint::int AS objid, mode, granted FROM pg_locks WHERE locktype = 'advisory' AND pid = $1 ORDER BY objid`, [claimerPid]);
      return rows.some((r) => !r.granted) ? rows : null;
    });
    expect(locks).toEqual(expect.arrayContaining([
      { objid: CLAIM_WAITING_LOCK_KEY, mode: 'ShareLock', granted: true },
      { objid: CLAIM_LOCK_KEY, mode: 'ExclusiveLock', granted: false },
    ]));
    await holder.query('COMMIT');
    expect(await claim).toEqual({ claimed: 3, flush: true, commitMode: 'off' });
  });

  it('a claim that others wait for commits without its flush, though it did not wait itself', async () => {
    await insertPending(3);
    await someoneWaiting();
    expect(await claimInTransaction(await connect(), CLAIM_WAITING_LOCK_KEY)).toEqual({ claimed: 3, flush: true, commitMode: 'off' });
  });

  it('without a waiting room (p_waiting_lock NULL) a claim always commits synchronously', async () => {
    await insertPending(3);
    await someoneWaiting();
    expect(await claimInTransaction(await connect(), null)).toEqual({ claimed: 3, flush: false, commitMode: 'on' });
  });

  it('a claim that wrote nothing asks for no flush', async () => {
    await someoneWaiting();
    expect((await claimInTransaction(await connect(), CLAIM_WAITING_LOCK_KEY)).flush).toBe(false);
  });

  /** `claimNext` with a pool whose statements are noted by name. */
  function claimNoting(pool: pg.Pool, statements: string[]) {
    const noting = Object.create(pool) as pg.Pool;
    noting.query = ((config: { name?: string }, ...rest: unknown[]) => {
      statements.push(config.name ?? '?');
      return (pool.query as (...args: unknown[]) => unknown)(config, ...rest);
    }) as never;
    return claimNext(noting, {
      workerId: 'worker-1', leaseSeconds: 60, limit: 5, channels: ChannelTree.parse('root:10').channels, outcomes: [], jobFunctions: ['<S>.m'], flushApart: true,
    });
  }

  it('claimNext returns the jobs of a claim that went apart only after its flush, and sends no flush otherwise', async () => {
    await insertPending(6);
    const alone: string[] = [];
    expect((await claimNoting(database().pool, alone)).claimed).toHaveLength(5);
    expect(alone).toEqual(['qj_claim_next']);

    await someoneWaiting();
    const apart: string[] = [];
    const { claimed } = await claimNoting(database().pool, apart);
    expect(claimed.map((job) => job.lease_token)).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/)]);
    expect(apart).toEqual(['qj_claim_next', 'qj_flush_claims']);
  });

  it('concurrent claims that flush apart still never exceed a capacity together', async () => {
    for (let round = 0; round < 10; round++) {
      await database().pool.query('TRUNCATE queue_job');
      await insertPending(30, 'root.a');
      const claims = Array.from({ length: 8 }, () => claimNext(database().pool, {
        workerId: `worker-${round}`, leaseSeconds: 60, limit: 3, channels: ChannelTree.parse('root:0,root.a:7').channels,
        outcomes: [], jobFunctions: ['<S>.m'], flushApart: true,
      }));
      const total = (await Promise.all(claims)).reduce((n, r) => n + r.claimed.length, 0);
      expect({ round, total }).toEqual({ round, total: 7 });
    }
  });

  /** The channel manager's cycle (a sequential channel) on a pooled client whose statements are noted. */
  async function cycleNoting(statements: string[]) {
    const client = await database().pool.connect();
    const query = client.query.bind(client);
    client.query = ((config: string | { name?: string }, ...rest: unknown[]) => {
      statements.push(typeof config === 'string' ? (/COMMIT$/.test(config) ? 'claim; COMMIT' : 'cycle') : config.name ?? '?');
      return (query as (...args: unknown[]) => unknown)(config, ...rest);
    }) as never;
    const tree = ChannelTree.parse('root:10,root.s:1:sequential');
    try {
      return await runClaimCycle(client, {
        workerId: 'worker-1', leaseSeconds: 60, lockTimeoutMs: 5_000, flushApart: true,
        claim: {
          limit: 5, jobFunctions: ['<S>.m'], sequentialChannels: ['root.s'], throttledChannels: [], rateChannels: [],
          decide: (snapshot, now) => ({ ids: selectJobsToStart(tree, snapshot, now, 5).start.map((job) => job.id), lastStart: new Map(), recentStarts: new Map() }),
        },
      });
    } finally {
      client.query = query as never;
      client.release();
    }
  }

  it('the channel manager\'s cycle flushes apart under contention only, after its COMMIT', async () => {
    await insertPending(3);
    const alone: string[] = [];
    expect((await cycleNoting(alone)).claimed).toHaveLength(3);
    expect(alone).toEqual(['cycle', 'claim; COMMIT']);

    await insertPending(2);
    await someoneWaiting();
    const apart: string[] = [];
    expect((await cycleNoting(apart)).claimed).toHaveLength(2);
    expect(apart).toEqual(['cycle', 'claim; COMMIT', 'qj_flush_claims']);
  });

  it('the channel manager\'s cycle waits for the claim lock in the waiting room, then flushes apart', async () => {
    await insertPending(3);
    const holder = await connect();
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1)', [CLAIM_LOCK_KEY]);
    const statements: string[] = [];
    const cycle = cycleNoting(statements);
    await waitFor('the cycle in the waiting room', async () => (await database().pool.query(
      `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND mode = 'ShareLock' AND granted`, [CLAIM_WAITING_LOCK_KEY])).rowCount === 1);
    await holder.query('COMMIT');
    expect((await cycle).claimed).toHaveLength(3);
    expect(statements).toEqual(['cycle', 'claim; COMMIT', 'qj_flush_claims']);
  });

  describe('where the role may not write the flush record', () => {
    const role = `qj_no_flush_${randomUUID().slice(0, 8)}`;
    const asRole = () => database().url.replace(/\/\/[^@/]*@/, `//${role}:${role}@`);

    it('the runner does not flush apart, and a claim whose flush fails starts none of its jobs, which stay under their lease, and says why', async () => {
      const admin = database().pool;
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${role}'`);
      await admin.query(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role}`);
      // Three arguments up to PostgreSQL 16, four (a defaulted `flush`) from 17.
      const [{ signature }] = (await admin.query<{ signature: string }>(
        `SELECT p.oid::regprocedure::text AS signature FROM pg_proc p WHERE p.proname = 'pg_logical_emit_message' AND p.proargtypes[2] = 'text'::regtype`)).rows;
      await admin.query(`REVOKE EXECUTE ON FUNCTION ${signature} FROM PUBLIC`);
      const pool = new pg.Pool({ connectionString: asRole(), max: 2 });
      try {
        expect(await canFlushClaims(admin)).toBe(true);
        expect(await canFlushClaims(pool)).toBe(false);

        await insertPending(2);
        await someoneWaiting();
        const claim = claimNext(pool, {
          workerId: 'worker-1', leaseSeconds: 60, limit: 5, channels: ChannelTree.parse('root:10').channels, outcomes: [], jobFunctions: ['<S>.m'], flushApart: true,
        });
        await expect(claim).rejects.toThrow(ClaimNotFlushed);
        await expect(claim).rejects.toThrow(/the claim of 2 job\(s\) committed but its WAL flush failed \(permission denied for function pg_logical_emit_message\)/);
        // Not started, not lost: their lease runs out and the rescuer requeues them.
        const { rows } = await admin.query(`SELECT state, count(*)::int AS n FROM queue_job GROUP BY state`);
        expect(rows).toEqual([{ state: 'enqueued', n: 2 }]);
      } finally {
        await pool.end();
        await admin.query(`GRANT EXECUTE ON FUNCTION ${signature} TO PUBLIC`);
        await admin.query(`DROP OWNED BY ${role}`);
        await admin.query(`DROP ROLE ${role}`);
      }
    });
  });
});
