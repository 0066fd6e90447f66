import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import { DataSource } from 'typeorm';
import { runQueueJobMigrations } from '../../lib/store/run-migrations.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/**
 * For SQL-level specs: a fresh database for the file, migrated by the module's migrations, with an
 * empty `queue_job` before each test. Read `db()` inside tests (it is set in `beforeAll`).
 */
export function useMigratedDatabase(): () => TestDatabase {
  let db: TestDatabase | undefined;
  let dataSource: DataSource | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource({ type: 'postgres', url: db.url });
    await dataSource.initialize();
    await runQueueJobMigrations(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  beforeEach(async () => {
    await db!.pool.query('TRUNCATE queue_job');
  });

  return () => db!;
}
