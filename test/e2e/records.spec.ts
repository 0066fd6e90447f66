import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplicationContext, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Delayable } from '../../lib/decorators/delayable.decorator.js';
import { JobService } from '../../lib/enqueue/job.service.js';
import type { Job } from '../../lib/enqueue/job.js';
import { InvalidRetryPatternError } from '../../lib/errors/invalid-retry-pattern.error.js';
import { RecordDeclarationError } from '../../lib/errors/record-declaration.error.js';
import { RetryableJobError } from '../../lib/errors/retryable-job.error.js';
import { QueueJobModule } from '../../lib/queue-job.module.js';
import type { QueueJobFeatureOptions } from '../../lib/records/declarations.js';
import { jobRow, secondsBetween, waitForRow } from '../support/job-rows.js';
import { createTestApp, testLogger } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

@Injectable()
class OrderService {
  /** Declared by SalesModule and MailModule (channel root.sale). */
  @Delayable()
  async confirm(id: number): Promise<unknown> {
    return id;
  }

  /** Declared inline: its record is declared by OrdersModule, the module of this provider. */
  @Delayable({ channel: 'root.inline' })
  async inline(): Promise<unknown> {
    return 'inline';
  }

  /** Declared nowhere: its jobs go to root. */
  @Delayable()
  async plain(): Promise<unknown> {
    return 'plain';
  }

  /** Its retry pattern { 1: 1, 2: 2 } comes from SalesModule's forFeature. */
  @Delayable({ maxRetries: 3 })
  async flaky(): Promise<unknown> {
    throw new RetryableJobError('not yet');
  }
}

@Module({ providers: [OrderService], exports: [OrderService] })
class OrdersModule {}

const SALES: QueueJobFeatureOptions = {
  channels: [{ name: 'sale', parent: 'root', removalInterval: 7 }],
  jobFunctions: [
    { name: '<OrderService>.confirm', channel: 'root.sale' },
    { name: '<OrderService>.flaky', retryPattern: { 1: 1, 2: 2 } },
  ],
};

@Module({ imports: [QueueJobModule.forFeature(SALES)] })
class SalesModule {}

@Module({
  imports: [QueueJobModule.forFeature({
    channels: [{ name: 'sale' }, { name: 'mail' }],
    jobFunctions: [{ name: '<OrderService>.confirm', channel: 'sale' }],
  })],
})
class MailModule {}

/** Two modules with identical declarations: Nest makes one module of the two forFeature() calls. */
const SHARED: QueueJobFeatureOptions = { channels: [{ name: 'shared' }] };
@Module({ imports: [QueueJobModule.forFeature(SHARED)] })
class FirstSharingModule {}
@Module({ imports: [QueueJobModule.forFeature({ channels: [{ name: 'shared' }] })] })
class SecondSharingModule {}

/** Declares the same job function as SalesModule, in another channel. */
@Module({ imports: [QueueJobModule.forFeature({ jobFunctions: [{ name: '<OrderService>.confirm', channel: 'root.mail' }] })] })
class ConflictingModule {}

/** Contradicts OrderService's own @Delayable({ channel: 'root.inline' }). */
@Module({ imports: [QueueJobModule.forFeature({ jobFunctions: [{ name: '<OrderService>.inline', channel: 'root.other' }] })] })
class InlineConflictModule {}

@Module({ imports: [QueueJobModule.forFeature({ jobFunctions: [{ name: '<OrderService>.flaky', retryPattern: { 1: 'soon' as never } }] })] })
class BadPatternModule {}

interface ChannelRow { complete_name: string; name: string; parent: string | null; removal_interval: number; declared_by: string[] }
interface FunctionRow { name: string; channel: string; retry_pattern: unknown; related_action: unknown; declared_by: string[] }

describe('channels and job functions as records (forFeature, @Delayable)', () => {
  let db: TestDatabase;
  let app: INestApplicationContext | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    // Each test starts with no worker having declared anything (the table exists once an app migrated).
    await db.pool.query('DELETE FROM queue_job_worker').catch(() => undefined);
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** `grace`: runner.unknownFunctionGrace, how long records outlive the last worker that declared them. */
  const start = async (imports: Type[], runner = false, grace?: number) => {
    app = await createTestApp({ url: db.url, channels: 'root:4', runner: { enabled: runner, unknownFunctionGrace: grace }, imports: [OrdersModule, ...imports] });
    return app;
  };
  const GRACE = 1;
  const pastTheGrace = () => new Promise((resolve) => setTimeout(resolve, GRACE * 1000 + 300));

  const channels = async () => (await db.pool.query<ChannelRow>(`
    SELECT c.complete_name, c.name, p.complete_name AS parent, c.removal_interval, c.declared_by
    FROM queue_job_channel c LEFT JOIN queue_job_channel p ON p.id = c.parent_id ORDER BY c.complete_name`)).rows;
  const channel = async (completeName: string) => (await channels()).find((c) => c.complete_name === completeName);
  const jobFunction = async (name: string) =>
    (await db.pool.query<FunctionRow>('SELECT * FROM queue_job_function WHERE name = $1', [name])).rows[0];

  /** Starts an app whose init must fail, and returns the error (the app is closed either way). */
  async function startupError(imports: Type[]): Promise<Error> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: db.url, logging: false, retryAttempts: 0 }),
        QueueJobModule.forRoot({ runner: false }),
        OrdersModule,
        ...imports,
      ],
    }).compile();
    const failing = moduleRef.createNestApplication();
    failing.useLogger(testLogger());
    try {
      await failing.init();
    } catch (error) {
      return error as Error;
    } finally {
      await failing.close().catch(() => undefined);
    }
    throw new Error('the app started');
  }

  it('two modules declaring the same channel and job function share one record listing both', async () => {
    await start([SalesModule, MailModule]);
    expect(await channels()).toEqual([
      { complete_name: 'root', name: 'root', parent: null, removal_interval: 30, declared_by: [] },
      { complete_name: 'root.inline', name: 'inline', parent: 'root', removal_interval: 30, declared_by: ['OrdersModule'] },
      { complete_name: 'root.mail', name: 'mail', parent: 'root', removal_interval: 30, declared_by: ['MailModule'] },
      // removal_interval 7 given by SalesModule; MailModule declared it without one.
      { complete_name: 'root.sale', name: 'sale', parent: 'root', removal_interval: 7, declared_by: ['MailModule', 'SalesModule'] },
    ]);
    expect(await jobFunction('<OrderService>.confirm')).toMatchObject({
      channel: 'root.sale', retry_pattern: null, related_action: null, declared_by: ['MailModule', 'SalesModule'],
    });
    expect(await jobFunction('<OrderService>.flaky')).toMatchObject({ channel: 'root', retry_pattern: { 1: 1, 2: 2 }, declared_by: ['SalesModule'] });
    expect(await jobFunction('<OrderService>.inline')).toMatchObject({ channel: 'root.inline', declared_by: ['OrdersModule'] });
  });

  it('identical forFeature() declarations in two modules (one Nest module) still list both declarers', async () => {
    await start([FirstSharingModule, SecondSharingModule]);
    expect(await channel('root.shared')).toMatchObject({ declared_by: ['FirstSharingModule', 'SecondSharingModule'] });
    await app!.close();
    await start([SecondSharingModule]);
    expect(await channel('root.shared')).toMatchObject({ declared_by: ['SecondSharingModule'] });
  });

  it('two instances starting together synchronise without conflicts', async () => {
    const both = await Promise.all([0, 1].map(() =>
      createTestApp({ url: db.url, runner: false, imports: [OrdersModule, SalesModule, MailModule] })));
    await Promise.all(both.map((started) => started.close()));
    expect(await channel('root.sale')).toMatchObject({ declared_by: ['MailModule', 'SalesModule'] });
    expect((await channels()).filter((c) => c.complete_name === 'root.sale')).toHaveLength(1);
  });

  it("a job's channel: the call's option, else its job function record (forFeature or inline), else root", async () => {
    const jobs = (await start([SalesModule, MailModule])).get(JobService);
    const orders = app!.get(OrderService);
    const stored = async (job: Promise<unknown>) => (await jobRow(db, ((await job) as Job).uuid)).channel;
    expect(await stored(orders.confirm(1))).toBe('root.sale'); // forFeature
    expect(await stored(orders.inline())).toBe('root.inline'); // @Delayable({ channel })
    expect(await stored(orders.plain())).toBe('root'); // no record
    expect(await stored(jobs.withDelay(orders, { channel: 'other' }).confirm(2))).toBe('root.other'); // explicit option
    expect(await stored(jobs.withDelay(orders, { channel: 'root.mail' }).inline())).toBe('root.mail');
    expect(await stored(jobs.withDelay(orders, { channel: 'root.mail' }).plain())).toBe('root.mail');
  });

  it('two apps on one database keep each other\'s records, also while one of them is down for a deploy', async () => {
    const first = await createTestApp({ url: db.url, runner: false, imports: [OrdersModule, SalesModule] });
    const second = await createTestApp({ url: db.url, runner: false, imports: [OrdersModule, MailModule] });
    expect(await jobFunction('<OrderService>.flaky')).toMatchObject({ declared_by: ['SalesModule'] }); // only the first declares it
    expect(await channel('root.mail')).toMatchObject({ declared_by: ['MailModule'] }); // only the second
    // A shared record's fields are those of the instance that started last.
    expect(await jobFunction('<OrderService>.confirm')).toMatchObject({ channel: 'root.sale', declared_by: ['MailModule'] });
    await first.close();
    await second.close();

    await start([MailModule]); // the first app is down, for less than the grace (600 s)
    expect(await jobFunction('<OrderService>.flaky')).toMatchObject({ declared_by: ['SalesModule'] });
    expect(await channel('root.sale')).toMatchObject({ removal_interval: 30 });
  });

  it('restarting without one declarer keeps the records with the other; records no worker declared within the grace are gone', async () => {
    await start([SalesModule, MailModule], false, GRACE);
    await app!.close();

    // Within the grace: the previous instance's records stay, whatever this one declares.
    await start([SalesModule], false, GRACE);
    expect(await channel('root.mail')).toMatchObject({ declared_by: ['MailModule'] });
    expect(await jobFunction('<OrderService>.confirm')).toMatchObject({ channel: 'root.sale', declared_by: ['SalesModule'] });
    await app!.close();
    await pastTheGrace();

    await start([SalesModule], false, GRACE);
    expect(await channel('root.sale')).toMatchObject({ declared_by: ['SalesModule'], removal_interval: 7 });
    expect(await channel('root.mail')).toBeUndefined(); // only MailModule declared it
    await app!.close();

    await start([MailModule], false, GRACE);
    // The record follows what is declared now: MailModule gives no removalInterval, so the default.
    expect(await channel('root.sale')).toMatchObject({ declared_by: ['MailModule'], removal_interval: 30 });
    expect(await jobFunction('<OrderService>.flaky')).toBeDefined(); // SalesModule's instance stopped less than the grace ago
    await app!.close();
    await pastTheGrace();

    await start([], false, GRACE);
    expect((await channels()).map((c) => c.complete_name)).toEqual(['root', 'root.inline']);
    expect(await jobFunction('<OrderService>.confirm')).toBeUndefined();
    expect(await jobFunction('<OrderService>.flaky')).toBeUndefined();
    expect(await jobFunction('<OrderService>.inline')).toMatchObject({ declared_by: ['OrdersModule'] });
    // Without its record, the job function's jobs go to root again.
    expect((await jobRow(db, ((await app!.get(OrderService).confirm(3)) as Job).uuid)).channel).toBe('root');
    await app!.close();

    // Declared again: the record comes back.
    await start([MailModule, SalesModule], false, GRACE);
    expect(await channel('root.sale')).toMatchObject({ declared_by: ['MailModule', 'SalesModule'], removal_interval: 7 });
  });

  it('root always exists, and the database refuses to rename, re-parent or delete it', async () => {
    await start([SalesModule]);
    const refused = (sql: string) => expect(db.pool.query(sql)).rejects.toThrow(/root channel cannot be/);
    await refused(`UPDATE queue_job_channel SET name = 'x' WHERE complete_name = 'root'`);
    await refused(`UPDATE queue_job_channel SET complete_name = 'x' WHERE complete_name = 'root'`);
    await refused(`UPDATE queue_job_channel SET parent_id = (SELECT id FROM queue_job_channel WHERE complete_name = 'root.sale')
                   WHERE complete_name = 'root'`);
    await refused(`DELETE FROM queue_job_channel WHERE complete_name = 'root'`);
    await refused(`DELETE FROM queue_job_channel`);
    // Every other channel needs a parent.
    await expect(db.pool.query(`INSERT INTO queue_job_channel (name, complete_name) VALUES ('orphan', 'root.orphan')`))
      .rejects.toThrow(/queue_job_channel_parent_check/);
    expect(await channel('root')).toMatchObject({ name: 'root', parent: null });
    expect(await channel('root.sale')).toBeDefined();
    // What root is declared with may change.
    await db.pool.query(`UPDATE queue_job_channel SET removal_interval = 60 WHERE complete_name = 'root'`);
    await app!.close();
    await start([]);
    expect(await channel('root')).toMatchObject({ removal_interval: 30, declared_by: [] });
  });

  it('the retry pattern declared with forFeature is used at runtime', async () => {
    await start([SalesModule], true);
    const job = (await app!.get(OrderService).flaky()) as Job;
    const first = await waitForRow(db, job.uuid, (r) => r.state === 'pending' && r.retry === 1);
    const second = await waitForRow(db, job.uuid, (r) => r.state === 'pending' && r.retry === 2);
    // Pattern { 1: 1, 2: 2 }: 1 s then 2 s (the default would be 600 s).
    expect(secondsBetween(first.date_started!, first.eta!)).toBeGreaterThanOrEqual(1);
    expect(secondsBetween(first.date_started!, first.eta!)).toBeLessThan(1.5);
    expect(secondsBetween(second.date_started!, second.eta!)).toBeGreaterThanOrEqual(2);
    expect(secondsBetween(second.date_started!, second.eta!)).toBeLessThan(2.5);
    await app!.get(JobService).cancel(job.uuid);
  });

  describe('startup errors (nothing is synchronised)', () => {
    it('the same job function in two modules with different channels: names both modules', async () => {
      await start([SalesModule, MailModule]);
      await app!.close();
      app = undefined;
      const before = await channels();
      const error = await startupError([SalesModule, ConflictingModule]);
      expect(error).toBeInstanceOf(RecordDeclarationError);
      expect(error.message).toBe(
        'Job function "<OrderService>.confirm" is declared with channel "root.sale" by SalesModule and with channel "root.mail" ' +
        'by ConflictingModule: declare it the same way in both modules, or in one module only.');
      expect(await channels()).toEqual(before);
      expect(await jobFunction('<OrderService>.confirm')).toMatchObject({ declared_by: ['MailModule', 'SalesModule'] });
    });

    it('a forFeature declaration contradicting an inline @Delayable({ channel }) names both modules', async () => {
      const error = await startupError([InlineConflictModule]);
      expect(error).toBeInstanceOf(RecordDeclarationError);
      expect(error.message).toMatch(/^Job function "<OrderService>\.inline" is declared with channel .* by (InlineConflictModule|OrdersModule) and with channel .* by (InlineConflictModule|OrdersModule):/);
      expect(error.message).toContain('InlineConflictModule');
      expect(error.message).toContain('OrdersModule');
    });

    it('an invalid retry pattern in forFeature: names the declarer and shows an example', async () => {
      const error = await startupError([BadPatternModule]);
      expect(error).toBeInstanceOf(InvalidRetryPatternError);
      expect(error.message).toMatch(/^Invalid retry pattern for job function <OrderService>\.flaky declared by BadPatternModule: .*e\.g\. \{ 1: 60/);
    });
  });
});
