import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobService } from '../../lib/enqueue/job.service.js';
import type { Job } from '../../lib/enqueue/job.js';
import { ExecutionLog, SHOP_NOTE_TABLE_SQL, ShopService } from '../fixtures/shop.service.js';
import { countJobs, waitForRow } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

class Rollback extends Error {}

describe('transactions', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let shop: ShopService;
  let jobs: JobService;
  let dataSource: DataSource;
  const log = new ExecutionLog();

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(SHOP_NOTE_TABLE_SQL);
    app = await createTestApp({ url: db.url, channels: 'root:4', providers: [ShopService, { provide: ExecutionLog, useValue: log }] });
    shop = app.get(ShopService);
    jobs = app.get(JobService);
    dataSource = app.get(DataSource);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const notes = async (note: string) =>
    (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM shop_note WHERE note = $1', [note])).rows[0]!.n;
  const jobsWithNote = (note: string) => countJobs(db, `args->>1 = $1`, [note]);

  describe('enqueue joins the caller transaction', () => {
    it('jobService.transaction: a rollback leaves no job (nor the work done with it)', async () => {
      const failing = jobs.transaction(async (manager) => {
        await manager.query('INSERT INTO shop_note (note) VALUES ($1)', ['ambient-rollback']);
        const job = (await shop.confirm(1, 'ambient-rollback')) as Job;
        expect(job.state).toBe('pending');
        // Not committed yet: invisible to other connections, so to runners too.
        expect(await jobsWithNote('ambient-rollback')).toBe(0);
        throw new Rollback('changed my mind');
      });
      await expect(failing).rejects.toThrow(Rollback);
      expect(await jobsWithNote('ambient-rollback')).toBe(0);
      expect(await notes('ambient-rollback')).toBe(0);
    });

    it('jobService.transaction: a commit makes the job visible and it runs', async () => {
      const job = await jobs.transaction(async () => {
        const enqueued = (await shop.confirm(2, 'ambient-commit')) as Job;
        expect(await jobsWithNote('ambient-commit')).toBe(0);
        return enqueued;
      });
      expect(await jobsWithNote('ambient-commit')).toBe(1);
      expect((await waitForRow(db, job.uuid)).state).toBe('done');
    });

    it('withDelay(target, { manager }) inside a TypeORM transaction that rolls back: no job', async () => {
      const failing = dataSource.transaction(async (manager) => {
        await jobs.withDelay(shop, { manager }).confirm(3, 'manager-rollback');
        await shop.confirm(3, 'manager-rollback-direct'); // outside jobService.transaction: its own commit
        throw new Rollback('rolled back');
      });
      await expect(failing).rejects.toThrow(Rollback);
      expect(await jobsWithNote('manager-rollback')).toBe(0);
      expect(await jobsWithNote('manager-rollback-direct')).toBe(1);
    });

    it('withDelay(target, { manager }) inside a TypeORM transaction that commits: the job is stored and runs', async () => {
      const job = await dataSource.transaction(async (manager) => {
        const enqueued = await jobs.withDelay(shop, { manager }).confirm(4, 'manager-commit');
        expect(await jobsWithNote('manager-commit')).toBe(0);
        return enqueued;
      });
      const row = await waitForRow(db, job.uuid);
      expect(row.state).toBe('done');
      expect(row.result).toEqual({ confirmed: 4, note: 'manager-commit' });
    });

    it('enqueueMany of more than 500 calls joins the ambient transaction as well (no transaction of its own)', async () => {
      const calls = Array.from({ length: 600 }, (_, i): [number, string] => [1000 + i, 'big-many-rollback']);
      await expect(jobs.transaction(async () => {
        expect(await jobs.enqueueMany(shop, 'confirm', calls)).toHaveLength(600);
        throw new Rollback('no');
      })).rejects.toThrow(Rollback);
      expect(await jobsWithNote('big-many-rollback')).toBe(0);
    });

    it('enqueueMany joins the ambient transaction too', async () => {
      await expect(jobs.transaction(async () => {
        await jobs.enqueueMany(shop, 'confirm', [[5, 'many-rollback'], [6, 'many-rollback']]);
        throw new Rollback('no');
      })).rejects.toThrow(Rollback);
      expect(await jobsWithNote('many-rollback')).toBe(0);
    });
  });

  describe("a job's own transaction (currentJob().manager())", () => {
    it('commits the work together with done', async () => {
      const job = (await shop.writeNote('kept', false)) as Job;
      const row = await waitForRow(db, job.uuid);
      expect(row.state).toBe('done');
      expect(row.result).toBe('kept');
      expect(await notes('kept')).toBe(1);
    });

    it('rolls the work back when the job fails, and records failed', async () => {
      const job = (await shop.writeNote('dropped', true)) as Job;
      const row = await waitForRow(db, job.uuid);
      expect(row.state).toBe('failed');
      expect(row.exc_name).toBe('Error');
      expect(row.exc_message).toBe('failed after writing dropped');
      expect(await notes('dropped')).toBe(0);
    });
  });
});
