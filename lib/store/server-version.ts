import type { DataSource } from 'typeorm';
import { serverTooOld } from '../queue-job.messages.js';

/**
 * The oldest PostgreSQL whose features the module's SQL needs, as `server_version_num`: 12, for
 * `SET plan_cache_mode` on the claim functions (migration …3900000 on). The next newest needs are
 * of 11 (`starts_with()`, triggers that `EXECUTE FUNCTION`); nothing needs 13 or later.
 */
export const MIN_SERVER_VERSION_NUM = 120_000;

/** Token of the version required at boot: {@link MIN_SERVER_VERSION_NUM}, a provider so that tests can raise it. */
export const QUEUE_JOB_MIN_SERVER_VERSION = Symbol('QUEUE_JOB_MIN_SERVER_VERSION');

export interface ServerVersion {
  /** `server_version_num`, e.g. 150020. */
  num: number;
  /** `server_version`, e.g. "15.20 (Debian 15.20-0+deb12u1)". */
  version: string;
}

/** Why the server cannot be used, or null when it is recent enough. */
export function serverVersionProblem(server: ServerVersion, minimumNum: number): string | null {
  return server.num >= minimumNum ? null : serverTooOld(server.version, server.num, majorVersion(minimumNum));
}

/** Stops the boot on a server older than `minimumNum`, before any migration trips on a missing feature. */
export async function checkServerVersion(dataSource: DataSource, minimumNum: number): Promise<void> {
  const [row] = await dataSource.query(
    "SELECT current_setting('server_version_num')::int AS num, current_setting('server_version') AS version",
  ) as ServerVersion[];
  const problem = serverVersionProblem(row, minimumNum);
  if (problem) throw new Error(problem);
}

/** 120000 → "12" (from PostgreSQL 10 on, the major version is the number's first two digits). */
const majorVersion = (num: number) => String(Math.floor(num / 10_000));
