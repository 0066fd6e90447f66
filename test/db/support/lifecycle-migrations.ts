import { DataSource, type MigrationInterface } from 'typeorm';
import { QueueJobLifecyclePartitions1764405000000 } from '../../../lib/store/migrations/1764405000000-queue-job-lifecycle-partitions.js';
import { QUEUE_JOB_MIGRATIONS } from '../../../lib/store/migrations/index.js';
import { QUEUE_JOB_MIGRATIONS_TABLE } from '../../../lib/store/run-migrations.js';

const LIFECYCLE = QUEUE_JOB_MIGRATIONS.indexOf(QueueJobLifecyclePartitions1764405000000);

/** The module's migrations before the lifecycle partitions (`…5000000`): the single-table schema. */
export const BEFORE_LIFECYCLE = QUEUE_JOB_MIGRATIONS.slice(0, LIFECYCLE);

/** The module's migrations up to the lifecycle partitions, so that undoing the last undoes them. */
export const THROUGH_LIFECYCLE = QUEUE_JOB_MIGRATIONS.slice(0, LIFECYCLE + 1);

/** `migrations` run (or the last one undone) on `url` as the module runs them; returns the milliseconds. */
export async function migrate(url: string, migrations: Array<new () => MigrationInterface>, step: 'up' | 'down' = 'up'): Promise<number> {
  const dataSource = new DataSource({ type: 'postgres', url, migrations, migrationsTableName: QUEUE_JOB_MIGRATIONS_TABLE, logging: false });
  await dataSource.initialize();
  try {
    const started = performance.now();
    if (step === 'up') await dataSource.runMigrations({ transaction: 'all' });
    else await dataSource.undoLastMigration({ transaction: 'all' });
    return performance.now() - started;
  } finally {
    await dataSource.destroy();
  }
}
