import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type * as EmbeddedPostgres from '../scripts/embedded-postgres.mjs';

export interface Database {
  /** Connection URL of the shop's database. */
  url: string;
  /** Where it lives, for the console. */
  description: string;
  /** What was done to it on the way, for the console. */
  notes: string[];
  /** Stops the embedded server, if one was started (a no-op with DATABASE_URL). */
  stop(): Promise<void>;
}

// This file runs as dist/sample/database.js: the project root is two levels up.
const projectRoot = new URL('../../', import.meta.url);

/** `DATABASE_URL` when set; else an embedded PostgreSQL kept in `.sample-pg/`, with a database `shop`. */
export async function openDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (url) return { url, description: `DATABASE_URL (${withoutPassword(url)})`, notes: [], stop: async () => {} };

  const { startEmbeddedPostgres } = await importEmbeddedPostgres();
  const server = await startEmbeddedPostgres({ dir: fileURLToPath(new URL('.sample-pg/', projectRoot)) });
  // stop() never resolves when the server is gone already (a Ctrl-C in the terminal reaches it too).
  const stop = () => Promise.race([server.stop(), new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref())]);
  try {
    const shopUrl = new URL(server.url);
    shopUrl.pathname = '/shop';
    await createDatabaseIfMissing(server.url, 'shop');
    // Jobs an interrupted earlier run left enqueued or started are taken back by the runner itself
    // (their worker's lock is gone): no clean-up here.
    return { url: shopUrl.href, description: `embedded PostgreSQL in .sample-pg/ (port ${server.port}, database shop)`, notes: [], stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * embedded-postgres stops its servers by itself on SIGINT and SIGTERM, while the app may still be
 * finishing its jobs; main.ts stops the server after closing the app instead. (Its exit hook stays.)
 */
async function importEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
  const module = (await import(new URL('scripts/embedded-postgres.mjs', projectRoot).href)) as typeof EmbeddedPostgres;
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.includes(listener)) process.off(signal, listener);
  }
  return module;
}

async function createDatabaseIfMissing(serverUrl: string, name: string): Promise<void> {
  await withClient(serverUrl, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  });
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.href;
}
