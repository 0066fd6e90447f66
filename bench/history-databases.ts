// The databases of `bench:history`, made and dropped through the admin connection (DATABASE_URL):
// empty ones, one built with the history, and copies of it (`CREATE DATABASE … TEMPLATE`, file
// copy: a few seconds where building 3,000,000 rows again takes minutes).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { runQueueJobMigrations } from '../lib/store/run-migrations.js';

/** Names start with this; one run's names share a random tag, so two runs never meet. */
export const DATABASE_PREFIX = 'bench_history_';

export class BenchDatabases {
  /** The start of every name this run gives. */
  readonly prefix: string;
  private readonly made = new Set<string>();

  /** `kind` starts the names (`bench_history_` by default). */
  constructor(private readonly adminUrl: string, kind = DATABASE_PREFIX) {
    this.prefix = `${kind}${randomBytes(3).toString('hex')}_`;
  }

  /** The URL of database `name` on the admin connection's server. */
  url(name: string): string {
    const url = new URL(this.adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  }

  /** A new empty database (the bench app migrates it at start-up). */
  create(role: string): Promise<string> {
    return this.make(role, '');
  }

  /** A new database holding what `template` holds (nobody may be connected to `template`). */
  copy(template: string, role: string): Promise<string> {
    return this.make(role, `TEMPLATE ${template} STRATEGY FILE_COPY`);
  }

  /** A new database, migrated, for `fill` to write into with a client on it; VACUUM ANALYZE and CHECKPOINT after. */
  async build(role: string, fill: (client: pg.Client) => Promise<void>): Promise<string> {
    const name = await this.create(role);
    const dataSource = new DataSource({ type: 'postgres', url: this.url(name) });
    await dataSource.initialize();
    await runQueueJobMigrations(dataSource);
    await dataSource.destroy();
    await withClient(this.url(name), async (client) => {
      await fill(client);
      await settle(client);
    });
    return name;
  }

  async drop(name: string): Promise<void> {
    await this.admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    this.made.delete(name);
  }

  /** Drops every database this run made. */
  async dropAll(): Promise<void> {
    for (const name of [...this.made]) await this.drop(name);
  }

  private async make(role: string, options: string): Promise<string> {
    const name = `${this.prefix}${role}`;
    await this.admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await this.admin(`CREATE DATABASE ${name} ${options}`);
    this.made.add(name);
    return name;
  }

  private admin(sql: string): Promise<unknown> {
    return withClient(this.adminUrl, (client) => client.query(sql));
  }
}

/** After a bulk load: frozen, analyzed and written out, as a long-lived table would be, so no later phase pays for it. */
export async function settle(client: pg.ClientBase): Promise<void> {
  await client.query('VACUUM (FREEZE, ANALYZE)');
  await client.query('CHECKPOINT');
}

/** Runs `fn` with a client connected to `url`, closed after. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return fn(client).finally(() => client.end());
}
