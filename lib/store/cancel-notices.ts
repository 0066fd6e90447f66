import { NOTIFY_CHANNEL } from '../queue-job.constants.js';
import type { Sql } from './graph-transitions.js';

/**
 * Cancel notices: NOTIFY payloads on the runners' channel naming jobs cancelled while they were
 * enqueued or started, `cancel:<uuid>,<uuid>…`, delivered at commit. The runner running one of them
 * aborts its attempt; any other runner only wakes up, as for any NOTIFY (the cancel freed a slot).
 */
const PREFIX = 'cancel:';

/** 200 uuids of 37 characters: far below NOTIFY's limit of 8000 bytes per payload. */
const UUIDS_PER_NOTICE = 200;

const NOTIFY_CANCELLED_SQL = `SELECT pg_notify('${NOTIFY_CHANNEL}', notice) FROM unnest($1::text[]) AS notice`;

/** In the cancel's transaction: tells the runners, at commit, which of their jobs to abort. */
export async function notifyCancelled(sql: Sql, uuids: readonly string[]): Promise<void> {
  if (uuids.length === 0) return;
  const notices: string[] = [];
  for (let i = 0; i < uuids.length; i += UUIDS_PER_NOTICE) notices.push(PREFIX + uuids.slice(i, i + UUIDS_PER_NOTICE).join(','));
  await sql.query(NOTIFY_CANCELLED_SQL, [notices]);
}

/** The uuids a NOTIFY payload names as cancelled: none for any other payload (a wake-up). */
export function cancelledUuidsOf(payload: string): string[] {
  return payload.startsWith(PREFIX) ? payload.slice(PREFIX.length).split(',') : [];
}
