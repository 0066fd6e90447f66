import { NOTIFY_CHANNEL } from '../queue-job.constants.js';
import type { Sql } from './graph-transitions.js';

/** NOTIFY sent (at commit) by the updates that make jobs runnable; inserts notify through their trigger. */
export const NOTIFY_RUNNERS_SQL = `SELECT pg_notify('${NOTIFY_CHANNEL}', '')`;

export async function notifyRunners(sql: Sql): Promise<void> {
  await sql.query(NOTIFY_RUNNERS_SQL);
}
