import type { JobStore } from './job-store.js';
import { OLDEST_DUE_WAIT_SQL, QUEUE_GAUGES_SQL } from './sql/observability.sql.js';

/** Jobs waiting to run and running, in one channel, across every app instance. */
export interface ChannelGauges {
  channel: string;
  pending: number;
  running: number;
}

export async function readQueueGauges(store: JobStore): Promise<ChannelGauges[]> {
  return store.query<{ channel: string; pending: number; running: number }>(QUEUE_GAUGES_SQL, []);
}

/** Seconds the longest-waiting due pending job has waited, or null when no pending job is due. */
export async function readOldestDueWait(store: JobStore): Promise<number | null> {
  const [row] = await store.query<{ wait: number | null }>(OLDEST_DUE_WAIT_SQL, []);
  return row?.wait ?? null;
}
