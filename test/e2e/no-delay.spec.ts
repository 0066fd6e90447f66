import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobService } from '../../lib/enqueue/job.service.js';
import { NoDelayPolicy, QUEUE_JOB_DELAY_POLICY, QueueJobDelayPolicy } from '../../lib/enqueue/delay-policy.js';
import { QueueJobModule } from '../../lib/queue-job.module.js';
import { noDelayWarning } from '../../lib/queue-job.messages.js';
import { ExecutionLog, SHOP_NOTE_TABLE_SQL, ShopService } from '../fixtures/shop.service.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { setEnv } from '../support/env.js';
import { countJobs } from '../support/job-rows.js';
import { createTestApp, testLogger } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('no-delay: @Delayable calls run at once and nothing is stored', () => {
  let db: TestDatabase;
  let app: INestApplicationContext | undefined;
  let restoreEnv: (() => void) | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(SHOP_NOTE_TABLE_SQL);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    restoreEnv?.();
    restoreEnv = undefined;
  });
  afterAll(async () => {
    await db?.drop();
  });

  const notes = async (note: string) =>
    (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM shop_note WHERE note = $1', [note])).rows[0]!.n;

  /** Direct calls, withDelay and enqueueMany all return at once with the method's result; no row. */
  async function expectRunsAtOnce(started: INestApplicationContext, log: ExecutionLog): Promise<void> {
    const shop = started.get(ShopService);
    const jobs = started.get(JobService);
    expect(await shop.confirm(1, 'direct')).toEqual({ confirmed: 1, note: 'direct' });
    expect(await jobs.withDelay(shop, { priority: 1 }).confirm(2, 'withDelay')).toEqual({ confirmed: 2, note: 'withDelay' });
    expect(await jobs.enqueueMany(shop, 'confirm', [[3, 'many'], [4, 'many']])).toEqual([]);
    expect(log.callsOf('confirm').map((c) => c.args.slice(0, 2))).toEqual([[1, 'direct'], [2, 'withDelay'], [3, 'many'], [4, 'many']]);
    // Errors reach the caller instead of a job row.
    await expect(shop.crash()).rejects.toThrow(TypeError);
    expect(await countJobs(db)).toBe(0);
  }

  it('TEST_QUEUE_JOB_NO_DELAY=1 runs calls at once, stores nothing, and warns once', async () => {
    restoreEnv = setEnv({ TEST_QUEUE_JOB_NO_DELAY: '1' });
    const log = new ExecutionLog();
    const logger = new CaptureLogger();
    app = await createTestApp({ url: db.url, logger, providers: [ShopService, { provide: ExecutionLog, useValue: log }] });
    await expectRunsAtOnce(app, log);
    expect(logger.messages('warn').filter((m) => m === noDelayWarning())).toHaveLength(1);
  });

  it('QUEUE_JOB_NO_DELAY=1 does the same', async () => {
    restoreEnv = setEnv({ QUEUE_JOB_NO_DELAY: '1' });
    const log = new ExecutionLog();
    app = await createTestApp({ url: db.url, providers: [ShopService, { provide: ExecutionLog, useValue: log }] });
    await expectRunsAtOnce(app, log);
  });

  it('the noDelay: true option does the same', async () => {
    const log = new ExecutionLog();
    app = await createTestApp({ url: db.url, noDelay: true, providers: [ShopService, { provide: ExecutionLog, useValue: log }] });
    await expectRunsAtOnce(app, log);
  });

  it('the call runs in the caller transaction, with a job context', async () => {
    app = await createTestApp({ url: db.url, noDelay: true, providers: [ShopService, { provide: ExecutionLog, useValue: new ExecutionLog() }] });
    const shop = app.get(ShopService);
    const jobs = app.get(JobService);
    // writeNote writes through currentJob().manager(): here, the caller's transaction.
    await expect(jobs.transaction(async () => {
      expect(await shop.writeNote('no-delay-rollback', false)).toBe('no-delay-rollback');
      throw new Error('rollback');
    })).rejects.toThrow('rollback');
    expect(await notes('no-delay-rollback')).toBe(0);
    expect(await shop.writeNote('no-delay-commit', false)).toBe('no-delay-commit');
    expect(await notes('no-delay-commit')).toBe(1);
  });

  it.each([
    ['QueueJobDelayPolicy', QueueJobDelayPolicy],
    ['QUEUE_JOB_DELAY_POLICY', QUEUE_JOB_DELAY_POLICY],
  ])('Test.createTestingModule(...).overrideProvider(%s).useClass(NoDelayPolicy)', async (_name, token) => {
    const log = new ExecutionLog();
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: db.url, logging: false, retryAttempts: 0 }),
        QueueJobModule.forRoot({ channels: 'root:2' }),
      ],
      providers: [ShopService, { provide: ExecutionLog, useValue: log }],
    })
      .overrideProvider(token)
      .useClass(NoDelayPolicy)
      .compile();
    app = moduleRef.createNestApplication();
    app.useLogger(testLogger());
    await app.init();
    await expectRunsAtOnce(app, log);
  });

  it('without any of these, calls are stored', async () => {
    app = await createTestApp({ url: db.url, runner: false, providers: [ShopService, { provide: ExecutionLog, useValue: new ExecutionLog() }] });
    await app.get(ShopService).confirm(9, 'stored');
    expect(await countJobs(db)).toBe(1);
  });
});
