import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Job } from '../../lib/enqueue/job.js';
import { ChannelConfigError } from '../../lib/errors/channel-config.error.js';
import { QUEUE_JOB_RESOLVED_OPTIONS } from '../../lib/queue-job.constants.js';
import { QueueJobModule } from '../../lib/queue-job.module.js';
import { QUEUE_JOB_MIGRATIONS } from '../../lib/store/migrations/index.js';
import type { QueueJobModuleOptions, ResolvedQueueJobOptions } from '../../lib/queue-job.options.js';
import { JobRunner } from '../../lib/runner/job-runner.js';
import { ExecutionLog, ShopService } from '../fixtures/shop.service.js';
import { setEnv } from '../support/env.js';
import { countJobs, jobRow, waitForRow } from '../support/job-rows.js';
import { createTestApp, testLogger } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { sleep } from '../support/wait-for.js';

const SETTINGS = Symbol('SETTINGS');

/** Stands for an app's configuration module (e.g. @nestjs/config). */
@Module({ providers: [{ provide: SETTINGS, useValue: { channels: 'root:3,root.sale:1' } }], exports: [SETTINGS] })
class SettingsModule {}

@Injectable()
class QueueJobConfig {
  // ConfigurableModuleBuilder's factory method name.
  createQueueJobOptions(): QueueJobModuleOptions {
    return { channels: 'root:2' };
  }
}

describe('module configuration', () => {
  let db: TestDatabase;
  const apps: INestApplicationContext[] = [];
  const restores: Array<() => void> = [];
  const log = new ExecutionLog();
  const providers = [ShopService, { provide: ExecutionLog, useValue: log }];

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    restores.splice(0).reverse().forEach((restore) => restore());
  });
  afterAll(async () => {
    await db?.drop();
  });

  const started = async (app: Promise<INestApplicationContext>) => {
    const ready = await app;
    apps.push(ready);
    return ready;
  };

  /** Compiles and starts a testing module with TypeORM on `url` plus `imports`. */
  async function startModule(imports: NonNullable<Parameters<typeof Test.createTestingModule>[0]['imports']>) {
    const moduleRef = await Test.createTestingModule({ imports, providers }).compile();
    const app = moduleRef.createNestApplication();
    app.useLogger(testLogger());
    apps.push(app);
    await app.init();
    return app;
  }

  const runsAJob = async (app: INestApplicationContext, database: TestDatabase, id: number) => {
    const job = (await app.get(ShopService).confirm(id, 'config')) as Job;
    const row = await waitForRow(database, job.uuid);
    expect(row.state).toBe('done');
  };

  it('forRootAsync({ imports, useFactory, inject })', async () => {
    const app = await startModule([
      TypeOrmModule.forRoot({ type: 'postgres', url: db.url, logging: false, retryAttempts: 0 }),
      QueueJobModule.forRootAsync({
        imports: [SettingsModule],
        useFactory: (settings: { channels: string }) => ({ channels: settings.channels }),
        inject: [SETTINGS],
      }),
    ]);
    expect(app.get<ResolvedQueueJobOptions>(QUEUE_JOB_RESOLVED_OPTIONS).channels).toBe('root:3,root.sale:1');
    expect(app.get(JobRunner).channels.get('root.sale')?.capacity).toBe(1);
    await runsAJob(app, db, 1);
  });

  it('forRootAsync({ useClass })', async () => {
    const app = await startModule([
      TypeOrmModule.forRoot({ type: 'postgres', url: db.url, logging: false, retryAttempts: 0 }),
      QueueJobModule.forRootAsync({ useClass: QueueJobConfig }),
    ]);
    expect(app.get(JobRunner).channels.get('root')?.capacity).toBe(2);
    await runsAJob(app, db, 2);
  });

  describe('on a named TypeORM DataSource', () => {
    let jobsDb: TestDatabase;
    beforeAll(async () => {
      jobsDb = await createTestDatabase();
    });
    afterAll(async () => {
      await jobsDb?.drop();
    });

    it('forRoot({ dataSource: name }): jobs live in that database, not in the default one', async () => {
      const app = await startModule([
        TypeOrmModule.forRoot({ type: 'postgres', url: db.url, logging: false, retryAttempts: 0 }),
        TypeOrmModule.forRoot({ name: 'jobs', type: 'postgres', url: jobsDb.url, logging: false, retryAttempts: 0 }),
        QueueJobModule.forRoot({ dataSource: 'jobs', channels: 'root:2' }),
      ]);
      const before = await countJobs(db);
      await runsAJob(app, jobsDb, 3);
      expect(await countJobs(jobsDb)).toBe(1);
      expect(await countJobs(db)).toBe(before);
    });

    it('forRootAsync({ dataSource: name, useFactory })', async () => {
      const app = await startModule([
        TypeOrmModule.forRoot({ name: 'jobs', type: 'postgres', url: jobsDb.url, logging: false, retryAttempts: 0 }),
        QueueJobModule.forRootAsync({ dataSource: 'jobs', useFactory: () => ({ channels: 'root:2' }) }),
      ]);
      await runsAJob(app, jobsDb, 4);
      expect(await countJobs(jobsDb)).toBe(2);
    });
  });

  it.each([
    ['root:4,sale:x', 'sale:x'],
    ['root:4,root..sale:2', 'root..sale:2'],
    ['root:4,sale:1:bogus', 'sale:1:bogus'],
    ['root:4,sale:2:sequential', 'sale:2:sequential'],
  ])('channels %j fails startup with ChannelConfigError naming %j', async (channels, entry) => {
    const failure = createTestApp({ url: db.url, channels, providers }).then((app) => apps.push(app));
    await expect(failure).rejects.toThrow(ChannelConfigError);
    await expect(failure).rejects.toMatchObject({ entry, message: expect.stringContaining(`"${entry}"`) });
  });

  it('a malformed QUEUE_JOB_CHANNELS fails startup too', async () => {
    restores.push(setEnv({ QUEUE_JOB_CHANNELS: 'root:2,mail:-1' }));
    const failure = createTestApp({ url: db.url, channels: 'root:1', providers }).then((app) => apps.push(app));
    await expect(failure).rejects.toMatchObject({ name: 'ChannelConfigError', entry: 'mail:-1' });
  });

  it('QUEUE_JOB_CHANNELS overrides the channels option (capacity observed in execution)', async () => {
    restores.push(setEnv({ QUEUE_JOB_CHANNELS: 'root:3' }));
    const app = await started(createTestApp({ url: db.url, channels: 'root:1', providers }));
    expect(app.get(JobRunner).channels.get('root')?.capacity).toBe(3);
    const shop = app.get(ShopService);
    const jobs = [];
    for (let i = 0; i < 6; i++) jobs.push((await shop.hold('env', 150, `env-${i}`)) as Job);
    for (const job of jobs) await waitForRow(db, job.uuid);
    expect(log.maxRunning.get('env')).toBe(3);
  });

  it('QUEUE_JOB_RUNNER=0 turns the runner off: jobs stay pending until a runner starts', async () => {
    restores.push(setEnv({ QUEUE_JOB_RUNNER: '0' }));
    const off = await started(createTestApp({ url: db.url, channels: 'root:2', runner: true, providers }));
    const job = (await off.get(ShopService).confirm(5, 'runner off')) as Job;
    await sleep(400);
    expect((await jobRow(db, job.uuid)).state).toBe('pending');
    restores.splice(0).forEach((restore) => restore());

    await started(createTestApp({ url: db.url, channels: 'root:2', providers }));
    expect((await waitForRow(db, job.uuid)).state).toBe('done');
  });

  it("migrationsRun: false: the module leaves migrations to the app's DataSource (QUEUE_JOB_MIGRATIONS)", async () => {
    const fresh = await createTestDatabase();
    try {
      const app = await startModule([
        TypeOrmModule.forRoot({ type: 'postgres', url: fresh.url, logging: false, migrations: QUEUE_JOB_MIGRATIONS, migrationsRun: true , retryAttempts: 0 }),
        QueueJobModule.forRoot({ migrationsRun: false, channels: 'root:2' }),
      ]);
      // The module's own migrator did not run: its bookkeeping table does not exist; the app's has them all.
      const { rows } = await fresh.pool.query(`SELECT to_regclass('queue_job_migrations') AS t`);
      expect(rows[0].t).toBeNull();
      const ran = await fresh.pool.query<{ name: string }>('SELECT name FROM migrations ORDER BY id');
      expect(ran.rows.map((r) => r.name)).toEqual(QUEUE_JOB_MIGRATIONS.map((m) => m.name));
      await runsAJob(app, fresh, 5);
    } finally {
      await Promise.all(apps.splice(0).map((app) => app.close()));
      await fresh.drop();
    }
  });

  it('migrations run once when two apps start at the same time on a fresh database', async () => {
    const fresh = await createTestDatabase();
    try {
      const pair = await Promise.all([0, 1].map(() => started(createTestApp({ url: fresh.url, channels: 'root:2', providers }))));
      const { rows } = await fresh.pool.query<{ name: string }>('SELECT name FROM queue_job_migrations ORDER BY id');
      expect(rows.map((r) => r.name)).toEqual(QUEUE_JOB_MIGRATIONS.map((m) => m.name));
      await runsAJob(pair[0]!, fresh, 6);
      await runsAJob(pair[1]!, fresh, 7);
      // A restart finds the schema in place and migrates nothing.
      await started(createTestApp({ url: fresh.url, runner: false, providers }));
      expect((await fresh.pool.query('SELECT name FROM queue_job_migrations')).rowCount).toBe(QUEUE_JOB_MIGRATIONS.length);
    } finally {
      await Promise.all(apps.splice(0).map((app) => app.close()));
      await fresh.drop();
    }
  });

  it('an invalid runner option fails startup with a message naming it', async () => {
    const failure = createTestApp({ url: db.url, runner: { pollInterval: 0 }, providers }).then((app) => apps.push(app));
    await expect(failure).rejects.toThrow(/runner\.pollInterval.*0/);
  });
});
