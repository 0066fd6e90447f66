import type { DataSource } from 'typeorm';
import { QUEUE_JOB_MIGRATIONS } from './migrations/index.js';
import { migrationsNotRun } from '../queue-job.messages.js';
import { QUEUE_JOB_MIGRATIONS_TABLE } from './run-migrations.js';

/**
 * Where TypeORM records which of the module's migrations ran: `queue_job_migrations` when the module
 * runs them, the app's own migrations table when the app does (`migrationsRun: false`).
 */
export function migrationTables(dataSource: DataSource): string[] {
  return [QUEUE_JOB_MIGRATIONS_TABLE, dataSource.options.migrationsTableName ?? 'migrations'];
}

/** The names of the module's migrations that neither table records, in order. */
export async function pendingQueueJobMigrations(dataSource: DataSource): Promise<string[]> {
  const ran = new Set<string>();
  for (const table of migrationTables(dataSource)) {
    const name = qualifiedName(dataSource, table);
    const [{ exists }] = await dataSource.query('SELECT to_regclass($1) IS NOT NULL AS exists', [name]) as Array<{ exists: boolean }>;
    if (!exists) continue;
    for (const row of await dataSource.query(`SELECT name FROM ${name}`) as Array<{ name: string }>) ran.add(row.name);
  }
  return QUEUE_JOB_MIGRATIONS.map((migration) => new migration().name).filter((name) => !ran.has(name));
}

/** The table in the DataSource's schema, if it names one (TypeORM keeps its migrations table there). */
function qualifiedName(dataSource: DataSource, table: string): string {
  const schema = (dataSource.options as { schema?: string }).schema;
  return [schema, table].filter((part) => part !== undefined).map((part) => `"${part!.replace(/"/g, '""')}"`).join('.');
}

/** With `migrationsRun: false`, stops the boot when the app has not run all of the module's migrations. */
export async function checkQueueJobMigrationsRan(dataSource: DataSource): Promise<void> {
  const pending = await pendingQueueJobMigrations(dataSource);
  if (pending.length > 0) throw new Error(migrationsNotRun(pending, QUEUE_JOB_MIGRATIONS.length, migrationTables(dataSource)));
}
