import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import fc from 'fast-check';
import type { Job } from '../../lib/enqueue/job.js';
import { JobService } from '../../lib/enqueue/job.service.js';
import { HostileService, type Behaviour } from '../fixtures/hostile.service.js';
import { hostileThrown, hostileValue, storableByPostgres } from '../support/hostile-values.js';
import { allJobRows, inState, jobRow, waitForRow } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

/** A trigger that refuses one result, as the database refuses what it cannot store: the batch holding it fails. */
const POISON_TRIGGER = `
CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.result = '"poison"'::jsonb THEN RAISE EXCEPTION 'poisoned result refused by a trigger'; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER refuse_poison BEFORE UPDATE ON queue_job FOR EACH ROW EXECUTE FUNCTION refuse_poison();`;

/** Every text of a JSON value storable: then it must be stored as it is. */
const plainStorable = (value: unknown): boolean => {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return false;
  }
  return json !== undefined && !/\\u0000|\\ud[89a-f]/i.test(json) && storableByPostgres(json);
};

describe.each([
  ['one-statement claims', 'root:1'],
  ['channel-manager claims', 'root:1,root.seq:1:sequential'],
])('poison isolation, %s (%s), two instances', (_label, channels) => {
  let db: TestDatabase;
  let apps: INestApplicationContext[];
  let hostile: HostileService[];
  let next = 0;

  /** Enqueues a job whose run does `behaviour` in whichever instance runs it. */
  const enqueue = async (behaviour: Behaviour): Promise<{ index: number; job: Job }> => {
    const index = next++;
    for (const service of hostile) service.behaviours.set(index, behaviour);
    return { index, job: (await hostile[0].produce(index)) as Job };
  };
  const endedAt = (index: number) => Math.max(...hostile.map((s) => s.endedAt.get(index) ?? 0));

  beforeAll(async () => {
    db = await createTestDatabase();
    apps = [];
    for (let i = 0; i < 2; i++) apps.push(await createTestApp({ url: db.url, channels, providers: [HostileService] }));
    hostile = apps.map((app) => app.get(HostileService));
  });
  afterAll(async () => {
    for (const app of apps ?? []) await app.close();
    await db?.drop();
  });

  it('whatever a job returns or throws (generated), it ends done or failed, and the jobs after it run', async () => {
    await fc.assert(fc.asyncProperty(
      fc.oneof(hostileValue.map((returns): Behaviour => ({ returns })), hostileThrown.map((throws): Behaviour => ({ throws }))),
      async (behaviour) => {
        const { job } = await enqueue(behaviour);
        const row = await waitForRow(db, job.uuid, inState('done', 'failed'), 10_000);
        if ('throws' in behaviour) {
          expect(row.state).toBe('failed');
          expect(storableByPostgres(row.exc_message ?? '')).toBe(true);
        } else if (plainStorable(behaviour.returns)) {
          expect(row.state).toBe('done');
          expect(row.result).toEqual(behaviour.returns === undefined ? null : JSON.parse(JSON.stringify(behaviour.returns)));
        }
      },
    ), { numRuns: 60 });
    expect(await allJobRows(db, "state NOT IN ('done', 'failed')")).toEqual([]);
  });

  it('an emoji cut in half, returned or thrown: stored with U+FFFD, and the next job runs', async () => {
    const half = '😀 order 42'.slice(1);
    const returned = await enqueue({ returns: { note: half } });
    const thrown = await enqueue({ throws: new Error(`failed at ${half}`) });
    const after = await enqueue({ returns: 'after' });
    expect((await waitForRow(db, returned.job.uuid, inState('done', 'failed'))).result).toEqual({ note: '\uFFFD order 42' });
    expect((await waitForRow(db, thrown.job.uuid, inState('done', 'failed'))).exc_message).toBe('failed at \uFFFD order 42');
    expect((await waitForRow(db, after.job.uuid, inState('done'))).result).toBe('after');
  });

  it('a manual action by an actor whose name holds NUL and half an emoji: recorded with U+FFFD', async () => {
    const jobs = apps[0].get(JobService);
    const job = await jobs.withDelay(hostile[0], { eta: 3600 }).produce(next++);
    await jobs.cancel(job.uuid, { by: 'eve\u0000😀'.slice(0, 5) });
    expect(await jobRow(db, job.uuid)).toMatchObject({ state: 'cancelled', result: 'Cancelled by eve\uFFFD\uFFFD' });
  });

  it('an outcome the database refuses fails that job alone, with its error; the next job starts within 2 s', async () => {
    await db.pool.query(POISON_TRIGGER);
    try {
      const poison = await enqueue({ returns: 'poison' });
      const after = await enqueue({ returns: 'after the poison' });
      const failed = await waitForRow(db, poison.job.uuid, inState('done', 'failed'), 10_000);
      expect(failed.state).toBe('failed');
      expect(failed.exc_name).toBe('UnstorableOutcome');
      expect(failed.exc_message).toBe("The database refused to store this job's outcome (done): poisoned result refused by a trigger");
      expect(failed.exc_info).toContain('SQLSTATE P0001');
      const done = await waitForRow(db, after.job.uuid, inState('done'), 10_000);
      // Capacity 1: the job after waited for the poisoned one's slot, freed once its failure was written.
      const waitMs = done.date_started!.getTime() - endedAt(poison.index);
      console.log(`[poison isolation, ${channels}] next job started ${waitMs} ms after the poisoned job ended`);
      expect(waitMs).toBeLessThan(2_000);
      // Every instance goes on claiming: a batch of jobs spreads over both.
      const batch = await Promise.all(Array.from({ length: 20 }, (_, i) => enqueue({ returns: i })));
      await waitFor('the batch done', async () => (await allJobRows(db, 'uuid = ANY($1) AND state = $2', [batch.map((b) => b.job.uuid), 'done'])).length === 20);
      expect((await jobRow(db, poison.job.uuid)).state).toBe('failed');
    } finally {
      await db.pool.query('DROP TRIGGER refuse_poison ON queue_job; DROP FUNCTION refuse_poison()');
    }
  });
});

describe('a claim the database refuses for its size', () => {
  /** Refuses any statement that claims more than 2 jobs at once, as PostgreSQL refuses a result past its limits. */
  const SIZE_TRIGGER = `
  CREATE FUNCTION refuse_big_claims() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF (SELECT count(*) FROM claimed WHERE state = 'enqueued') > 2 THEN RAISE EXCEPTION 'claim too big'; END IF;
    RETURN NULL;
  END $$;
  CREATE TRIGGER refuse_big_claims AFTER UPDATE ON queue_job REFERENCING NEW TABLE AS claimed
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_big_claims();`;
  let db: TestDatabase;
  let app: INestApplicationContext | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('is retried for half as many jobs, down to what passes: every job runs', async () => {
    const enqueuer = await createTestApp({ url: db.url, runner: false, providers: [HostileService] });
    const hostile = enqueuer.get(HostileService);
    const jobs = await Promise.all(Array.from({ length: 12 }, (_, i) => hostile.produce(i) as Promise<unknown> as Promise<Job>));
    await enqueuer.close();
    await db.pool.query(SIZE_TRIGGER);
    app = await createTestApp({ url: db.url, channels: 'root:0', runner: { concurrency: 16 }, providers: [HostileService] });
    await waitFor('all 12 done', async () => (await allJobRows(db, 'uuid = ANY($1) AND state = $2', [jobs.map((j) => j.uuid), 'done'])).length === 12);
  });
});
