import { describe, expect, it } from '@jest/globals';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { QueueJobModule } from '../../lib/queue-job.module.js';
import { createTestDatabase } from '../support/test-database.js';

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

  it('the bare class imported by a feature module of an app that has forRoot: says the same', async () => {
    const db = await createTestDatabase();
    try {
      @Module({ imports: [QueueJobModule] })
      class OrdersModule {}
      const error = await bootError([
        TypeOrmModule.forRoot({ type: 'postgres', url: db.url, logging: false, retryAttempts: 0 }),
        QueueJobModule.forRoot({ runner: false }),
        OrdersModule,
      ]);
      expect(error.message).toContain(NO_FOR_ROOT);
    } finally {
      await db.drop();
    }
  });

  it('no TypeOrmModule.forRoot: says to import it', async () => {
    const error = await bootError([QueueJobModule.forRoot({ runner: false })]);
    expect(error.message).toBe("QueueJobModule found no TypeORM DataSource: import TypeOrmModule.forRoot({ type: 'postgres', url: ... }) (or forRootAsync) in your app module, next to QueueJobModule.forRoot(), or pass the dataSource option.");
  });

  it('a dataSource name that no TypeOrmModule.forRoot declares: names it', async () => {
    const db = await createTestDatabase();
    try {
      const error = await bootError([
        TypeOrmModule.forRoot({ type: 'postgres', url: db.url, logging: false, retryAttempts: 0 }),
        QueueJobModule.forRoot({ runner: false, dataSource: 'jobs' }),
      ]);
      expect(error.message).toContain('QueueJobModule found no TypeORM DataSource named "jobs": import TypeOrmModule.forRoot({ name: "jobs"');
    } finally {
      await db.drop();
    }
  });

  it('a DataSource that is not PostgreSQL: says which type it is', async () => {
    @Global()
    @Module({ providers: [{ provide: getDataSourceToken(), useValue: { options: { type: 'mysql' } } }], exports: [getDataSourceToken()] })
    class FakeMysqlModule {}
    const error = await bootError([FakeMysqlModule, QueueJobModule.forRoot({ runner: false })]);
    expect(error.message).toContain('QueueJobModule needs PostgreSQL (LISTEN/NOTIFY, advisory locks, jsonb), but its TypeORM DataSource is of type "mysql"');
  });
});
