import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATION_LOCK_KEY } from '../queue-job.constants.js';
import { QUEUE_JOB_MIGRATIONS } from './migrations/index.js';

/** The table in which TypeORM records which of the module's migrations ran (kept apart from the app's own). */
export const QUEUE_JOB_MIGRATIONS_TABLE = 'queue_job_migrations';

/**
 * Runs the module's TypeORM migrations on the app's database. Instances starting together take turns
 * under a session advisory lock, so only the first one migrates.
 */
export async function runQueueJobMigrations(dataSource: DataSource): Promise<void> {
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    await lockRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const migrator = new DataSource({
      ...(dataSource.options as DataSourceOptions),
      entities: [],
      subscribers: [],
      migrations: QUEUE_JOB_MIGRATIONS,
      migrationsTableName: QUEUE_JOB_MIGRATIONS_TABLE,
      migrationsRun: false,
      synchronize: false,
      dropSchema: false,
      logging: false,
    } as DataSourceOptions);
    await migrator.initialize();
    try {
      await migrator.runMigrations({ transaction: 'all' });
    } finally {
      await migrator.destroy();
    }
  } finally {
    await lockRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockRunner.release();
  }
}
