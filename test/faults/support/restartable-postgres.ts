import { readFileSync, rmSync } from 'node:fs';
import { freePort, startEmbeddedPostgres } from '../../../scripts/embedded-postgres.mjs';
import { waitFor } from '../../support/wait-for.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A PostgreSQL server of the suite's own, which a test may restart (stop + start on the same data and port). */
export interface RestartablePostgres {
  /** URL of the `postgres` database. */
  readonly url: string;
  /** Stops the server (fast shutdown: every session is cut) and starts it again; resolves to the seconds it was down. */
  restart(): Promise<number>;
  /**
   * Crashes the server: SIGQUIT to the postmaster, an immediate shutdown, as a crash is (every session cut,
   * the WAL not yet written out lost, recovery at the next start). Resolves once it is gone.
   */
  crash(): Promise<void>;
  /** Starts it again after a crash (crash recovery); resolves to the seconds it took. */
  start(): Promise<number>;
  /** Stops the server and deletes its data. */
  destroy(): Promise<void>;
}

export async function startRestartablePostgres(name: string): Promise<RestartablePostgres> {
  const dir = `.tmp/${name}-${process.pid}`;
  rmSync(dir, { recursive: true, force: true });
  const port = await freePort();
  // Not `fresh`: a non-fresh cluster is persistent, so stopping it keeps its data for the restart.
  let server = await startEmbeddedPostgres({ dir, port });
  return {
    url: server.url,
    async restart() {
      const down = Date.now();
      await server.stop();
      server = await startEmbeddedPostgres({ dir, port });
      return (Date.now() - down) / 1000;
    },
    async crash() {
      const pid = Number(readFileSync(`${dir}/postmaster.pid`, 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGQUIT');
      await waitFor('the postmaster to exit', () => !isAlive(pid), 30_000, 20);
    },
    async start() {
      const starting = Date.now();
      server = await startEmbeddedPostgres({ dir, port });
      return (Date.now() - starting) / 1000;
    },
    async destroy() {
      await server.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
