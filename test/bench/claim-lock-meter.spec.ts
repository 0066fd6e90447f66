import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { advisoryLockTag, lockMeterFigures } from '../../bench/claim-lock-meter.js';
import { CLAIM_LOCK_KEY } from '../../lib/queue-job.constants.js';
import { serverUrl } from '../support/test-database.js';

describe('advisoryLockTag', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: serverUrl() });
    await client.connect();
  });
  afterAll(() => client.end());

  // The meter finds the lock by these columns: checked against what PostgreSQL itself shows.
  it.each([CLAIM_LOCK_KEY, 2 ** 40 + 7, -2])('names the row pg_locks shows for pg_advisory_xact_lock(%p)', async (key) => {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [String(key)]);
      const { rows } = await client.query(
        `SELECT classid::text, objid::text, objsubid FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`);
      expect(rows).toEqual([advisoryLockTag(key)]);
    } finally {
      await client.query('ROLLBACK');
    }
  });
});

describe('lockMeterFigures', () => {
  const claims = { calls: 1000, totalMs: 1500, selfMs: 1200 };

  it('derives hold time, wait and ceiling per claim from the samples and the claim count', () => {
    const samples = { samples: 2000, seconds: 2, held: 1000, waiting: 500, maxWaiting: 2, holderWaits: { running: 600, 'IO:WALSync': 400 } };
    expect(lockMeterFigures(samples, claims, 2, 20_000)).toEqual({
      claims: 1000, claims_per_s: 500, jobs_per_claim: 20, claim_fn_ms: 1.5, claim_fn_self_ms: 1.2,
      lock_samples: 2000, lock_samples_per_s: 1000, lock_held_fraction: 0.5, lock_waiting_mean: 0.25, lock_waiting_max: 2,
      lock_holder_waits: { running: 0.6, 'IO:WALSync': 0.4 },
      lock_hold_ms: 1, lock_wait_ms: 0.5, lock_ceiling_claims_per_s: 1000, lock_ceiling_jobs_per_s: 20_000,
    });
  });

  it('gives the claim figures alone without samples (--sample-ms 0)', () => {
    expect(Object.keys(lockMeterFigures(undefined, claims, 2, 20_000))).toEqual(['claims', 'claims_per_s', 'jobs_per_claim', 'claim_fn_ms', 'claim_fn_self_ms']);
  });
});
