// The claim lock, measured for bench:scaling: a connection of its own samples pg_locks (every `intervalMs`,
// or as fast as its round trips allow) while the instances drain, and the claim function's statistics
// (track_functions = 'pl') count the claims. BENCHMARKS.md, "Several instances", reads the figures.
import pg from 'pg';

/**
 * How pg_locks shows `pg_advisory_xact_lock(key bigint)`: classid the high 32 bits of the key and objid the
 * low 32, both unsigned (oid), objsubid 1 (2 is the two-int4 form).
 */
export function advisoryLockTag(key: bigint | number): { classid: string; objid: string; objsubid: 1 } {
  const k = BigInt.asUintN(64, BigInt(key));
  return { classid: String(k >> 32n), objid: String(k & 0xffff_ffffn), objsubid: 1 };
}

export interface LockSamples {
  samples: number;
  seconds: number;
  /** Samples in which some session held the lock. */
  held: number;
  /** Sums and maximum of the sessions waiting for it. */
  waiting: number;
  maxWaiting: number;
  /** Samples with the lock held, by what its holder was waiting on (`running`: nothing; else type:event). */
  holderWaits: Record<string, number>;
}

// The holder's wait event tells commits (IO:WALSync, LWLock:WALWrite…) from the statement's own work.
const SAMPLE_SQL = `
  SELECT count(*) FILTER (WHERE l.granted)::int AS held, count(*) FILTER (WHERE NOT l.granted)::int AS waiting,
         max(coalesce(a.wait_event_type || ':' || a.wait_event, 'running')) FILTER (WHERE l.granted) AS holder_wait
  FROM pg_locks l LEFT JOIN LATERAL pg_stat_get_activity(l.pid) a ON l.granted
  WHERE l.locktype = 'advisory' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND l.classid = $1::oid AND l.objid = $2::oid AND l.objsubid = $3`;

/** Samples the claim lock on its own connection until `stop()`. */
export class ClaimLockMeter {
  private readonly totals: LockSamples = { samples: 0, seconds: 0, held: 0, waiting: 0, maxWaiting: 0, holderWaits: {} };
  private running = true;
  private loop: Promise<void> = Promise.resolve();
  private t0 = 0;

  private constructor(private readonly client: pg.Client, private readonly key: bigint | number, private readonly intervalMs: number) {}

  static async connect(url: string, key: bigint | number, intervalMs: number): Promise<ClaimLockMeter> {
    const client = new pg.Client({ connectionString: url, application_name: 'bench claim-lock meter' });
    await client.connect();
    return new ClaimLockMeter(client, key, intervalMs);
  }

  start(): void {
    this.t0 = performance.now();
    this.loop = this.run();
  }

  async stop(): Promise<LockSamples> {
    this.running = false;
    await this.loop;
    this.totals.seconds = (performance.now() - this.t0) / 1000;
    await this.client.end();
    return this.totals;
  }

  private async run(): Promise<void> {
    const tag = advisoryLockTag(this.key);
    const query = { name: 'claim_lock_sample', text: SAMPLE_SQL, values: [tag.classid, tag.objid, tag.objsubid] };
    while (this.running) {
      const started = performance.now();
      const { rows: [row] } = await this.client.query<{ held: number; waiting: number; holder_wait: string | null }>(query);
      const t = this.totals;
      t.samples++;
      t.waiting += row.waiting;
      t.maxWaiting = Math.max(t.maxWaiting, row.waiting);
      if (row.held > 0) {
        t.held++;
        const wait = row.holder_wait ?? 'running';
        t.holderWaits[wait] = (t.holderWaits[wait] ?? 0) + 1;
      }
      const rest = this.intervalMs - (performance.now() - started);
      await new Promise((resolve) => (rest > 0 ? setTimeout(resolve, rest) : setImmediate(resolve)));
    }
  }
}

export interface FunctionStats { calls: number; totalMs: number; selfMs: number }

/** Call counts and times of one PL/pgSQL function, as flushed so far (0 before its first flushed call). */
export async function functionStats(client: pg.Client, name: string): Promise<FunctionStats> {
  await client.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await client.query<{ calls: string; total: number; self: number }>(
    `SELECT coalesce(sum(calls), 0) AS calls, coalesce(sum(total_time), 0)::float8 AS total, coalesce(sum(self_time), 0)::float8 AS self
     FROM pg_stat_user_functions WHERE funcname = $1`, [name]);
  return { calls: Number(rows[0].calls), totalMs: rows[0].total, selfMs: rows[0].self };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * The JSON keys. Per claim (a call of the claim function; `claims`): the function's own time, and, from the
 * samples when there are any, the lock's utilisation and queue, its hold time (held fraction × wall time /
 * claims), its wait (Little's law: mean sessions waiting × wall time / claims) and the ceiling one lock allows.
 */
export function lockMeterFigures(s: LockSamples | undefined, claims: FunctionStats, seconds: number, jobs: number): Record<string, unknown> {
  const perClaim = (x: number) => (claims.calls > 0 ? round(x / claims.calls, 3) : null);
  const jobsPerClaim = claims.calls > 0 ? jobs / claims.calls : null;
  const figures: Record<string, unknown> = {
    claims: claims.calls,
    claims_per_s: Math.round(claims.calls / seconds),
    jobs_per_claim: jobsPerClaim === null ? null : round(jobsPerClaim, 2),
    claim_fn_ms: perClaim(claims.totalMs),
    claim_fn_self_ms: perClaim(claims.selfMs),
  };
  if (!s || s.samples === 0) return figures;
  const heldFraction = s.held / s.samples;
  const waitingMean = s.waiting / s.samples;
  const holdMs = perClaim(heldFraction * seconds * 1000);
  const holderWaits = Object.fromEntries(Object.entries(s.holderWaits).sort((x, y) => y[1] - x[1])
    .map(([wait, count]) => [wait, round(count / Math.max(1, s.held), 3)]));
  return {
    ...figures,
    lock_samples: s.samples,
    lock_samples_per_s: Math.round(s.samples / s.seconds),
    lock_held_fraction: round(heldFraction, 3),
    lock_waiting_mean: round(waitingMean, 3),
    lock_waiting_max: s.maxWaiting,
    lock_holder_waits: holderWaits,
    lock_hold_ms: holdMs,
    lock_wait_ms: perClaim(waitingMean * seconds * 1000),
    lock_ceiling_claims_per_s: holdMs ? Math.round(1000 / holdMs) : null,
    lock_ceiling_jobs_per_s: holdMs && jobsPerClaim ? Math.round((1000 / holdMs) * jobsPerClaim) : null,
  };
}
