import pg from 'pg';
import { randomBytes } from 'node:crypto';

/** The PostgreSQL server the tests use (set by scripts/test.mjs: DATABASE_URL or an embedded one). */
export function serverUrl(): string {
  const url = process.env.QUEUE_JOB_TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error('Run the tests with `npm test` (it provides a PostgreSQL), or set DATABASE_URL.');
  return url;
}

export interface TestDatabase {
  name: string;
  url: string;
  /** A plain pg pool on the database, for assertions. */
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** A fresh, empty database for one test file: tests never see each other's jobs. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `qj_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  // pool.end() resolves before its clients' sockets are closed, so DROP DATABASE … WITH (FORCE) can
  // still cut one: its error must not surface as an unhandled 'error' in the next test file of the worker.
  pool.on('error', () => undefined);
  return {
    name,
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      const c = new pg.Client({ connectionString: serverUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
