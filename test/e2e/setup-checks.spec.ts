import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { QueueJobModule } from '../../lib/queue-job.module.js';
import { QUEUE_JOB_MIN_SERVER_VERSION } from '../../lib/store/server-version.js';
import { runQueueJobMigrations } from '../../lib/store/run-migrations.js';
import { QUEUE_JOB_MIGRATIONS } from '../../lib/store/migrations/index.js';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** The newest migration: the one a database upgraded last is missing. */
const lastMigration = new (QUEUE_JOB_MIGRATIONS.at(-1)!)().name!;

/** Compiles a testing module with these imports, and closes whatever did start. */
async function bootError(imports: NonNullable<Parameters<typeof Test.createTestingModule>[0]['imports']>): Promise<Error> {
  try {
    const moduleRef = await Test.createTestingModule({ imports }).compile();
    await moduleRef.close();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the module not to compile');
}

describe('QueueJobModule checks its setup at boot', () => {
  const NO_FOR_ROOT = 'QueueJobModule was imported without options: import QueueJobModule.forRoot({ ... }) (or forRootAsync) instead of QueueJobModule, once, in your app module.';

  it('the bare QueueJobModule class (no forRoot): says to import forRoot, before anything about the DataSource', async () => {
    const error = await bootError([QueueJobModule]);
    expect(error.message).toContain(NO_FOR_ROOT);
  });

  it('no TypeOrmModule.forRoot: says to import it', async () => {
    const error = await bootError([QueueJobModule.forRoot({ runner: false })]);
    expect(error.message).toBe("QueueJobModule found no TypeORM DataSource: import TypeOrmModule.forRoot({ type: 'postgres', url: ... }) (or forRootAsync) in your app module, next to QueueJobModule.forRoot(), or pass the dataSource option.");
  });

  it('a DataSource that is not PostgreSQL: says which type it is', async () => {
    @Global()
    @Module({ providers: [{ provide: getDataSourceToken(), useValue: { options: { type: 'mysql' } } }], exports: [getDataSourceToken()] })
    class FakeMysqlModule {}
    const error = await bootError([FakeMysqlModule, QueueJobModule.forRoot({ runner: false })]);
    expect(error.message).toContain('QueueJobModule needs PostgreSQL (LISTEN/NOTIFY, advisory locks, jsonb), but its TypeORM DataSource is of type "mysql"');
  });

  describe('on a real database', () => {
    let db: TestDatabase;
    /**
     * The DataSources the apps open: a boot that fails leaves its own open, or still opening (the
     * error can come first); they are closed here before the drop.
     */
    let opening: Array<Promise<DataSource>> = [];
    beforeEach(async () => { db = await createTestDatabase(); });
    afterEach(async () => {
      const opened = await Promise.all(opening);
      await Promise.all(opened.filter((dataSource) => dataSource.isInitialized).map((dataSource) => dataSource.destroy()));
      opening = [];
      await db.drop();
    });

    const typeOrm = () => TypeOrmModule.forRootAsync({
      useFactory: () => ({ type: 'postgres', url: db.url, logging: false, retryAttempts: 0 }),
      dataSourceFactory: (options) => {
        const dataSource = new DataSource(options!).initialize();
        opening.push(dataSource);
        return dataSource;
      },
    });

    /** Runs the module's migrations on the test database, as a previous boot of the app would have. */
    async function migrate(): Promise<void> {
      const dataSource = await new DataSource({ type: 'postgres', url: db.url }).initialize();
      try {
        await runQueueJobMigrations(dataSource);
      } finally {
        await dataSource.destroy();
      }
    }

    it('the bare class imported by a feature module of an app that has forRoot: says to import forRoot', async () => {
      @Module({ imports: [QueueJobModule] })
      class OrdersModule {}
      const error = await bootError([typeOrm(), QueueJobModule.forRoot({ runner: false }), OrdersModule]);
      expect(error.message).toContain(NO_FOR_ROOT);
    });

    it('a dataSource name that no TypeOrmModule.forRoot declares: names it', async () => {
      const error = await bootError([typeOrm(), QueueJobModule.forRoot({ runner: false, dataSource: 'jobs' })]);
      expect(error.message).toContain('QueueJobModule found no TypeORM DataSource named "jobs": import TypeOrmModule.forRoot({ name: "jobs"');
    });

    it('a server older than the module needs: names the version found and the one needed', async () => {
      const { rows: [server] } = await db.pool.query<{ num: string; version: string }>('SELECT current_setting(\'server_version_num\') AS num, current_setting(\'server_version\') AS version');
      let error: Error | undefined;
      try {
        const moduleRef = await Test.createTestingModule({ imports: [typeOrm(), QueueJobModule.forRoot({ runner: false })] })
          .overrideProvider(QUEUE_JOB_MIN_SERVER_VERSION).useValue(990000)
          .compile();
        await moduleRef.close();
      } catch (thrown) {
        error = thrown as Error;
      }
      expect(error?.message).toBe(`QueueJobModule needs PostgreSQL 99 or later, but its DataSource's server is PostgreSQL ${server.version} (server_version_num ${server.num}): upgrade the server, or give the module a DataSource on a newer one.`);
      const { rows: [{ migrated }] } = await db.pool.query("SELECT to_regclass('queue_job') IS NOT NULL AS migrated");
      expect(migrated).toBe(false); // checked before the migrations run
    });

    it('migrationsRun: false on a database without the module\'s migrations: lists them all and says what to do', async () => {
      const error = await bootError([typeOrm(), QueueJobModule.forRoot({ runner: false, migrationsRun: false })]);
      const all = QUEUE_JOB_MIGRATIONS.length;
      expect(error.message).toContain(`QueueJobModule has migrationsRun: false, but ${all} of its ${all} migrations have not run on this database (none of the tables queue_job_migrations, migrations records them): QueueJobSchema1764403200000, QueueJobRecords1764403300000,`);
      expect(error.message).toContain(`${lastMigration}. Run them with your migration tooling (QUEUE_JOB_MIGRATIONS in your DataSource's migrations`);
      expect(error.message).toContain('or remove migrationsRun: false so that the module runs them at startup.');
    });

    it('migrationsRun: false with the last migration not run: lists only that one', async () => {
      await migrate();
      await db.pool.query('DELETE FROM queue_job_migrations WHERE name = $1', [lastMigration]);
      const error = await bootError([typeOrm(), QueueJobModule.forRoot({ runner: false, migrationsRun: false })]);
      expect(error.message).toContain(`but 1 of its ${QUEUE_JOB_MIGRATIONS.length} migrations have not run on this database (none of the tables queue_job_migrations, migrations records them): ${lastMigration}. Run them`);
    });

    it('migrationsRun: false with all of them run: the app boots', async () => {
      await migrate();
      const moduleRef = await Test.createTestingModule({ imports: [typeOrm(), QueueJobModule.forRoot({ runner: false, migrationsRun: false })] }).compile();
      await moduleRef.close();
    });
  });
});
