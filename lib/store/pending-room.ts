import type { EntityManager } from 'typeorm';
import type { PendingLimit } from '../enqueue/pending-limits.js';
import { QueueFullError } from '../errors/queue-full.error.js';
import type { JobStore } from './job-store.js';
import { COUNT_PENDING_SQL, LOCK_PENDING_ROOM_SQL } from './sql/pending-room.sql.js';

/**
 * Checks, in the transaction of `manager`, that the jobs of a call fit under the `maxPending` of
 * their channels, and keeps the room until that transaction ends: the channels' advisory locks
 * serialise the enqueues into them across instances, so that two enqueuers never both take the
 * last place. Throws QueueFullError for the first channel that has no room. `ownTransaction`: the
 * module opened it (bounded for idleness too), else it is the caller's (its settings stay).
 */
export async function reservePendingRoom(
  store: JobStore, limits: readonly PendingLimit[], manager: EntityManager, ownTransaction: boolean,
): Promise<void> {
  const channels = limits.map((limit) => limit.channel);
  const bound = String(Math.trunc(store.lockTimeoutMs));
  const [{ previous }] = await store.query<{ previous: string }>(LOCK_PENDING_ROOM_SQL, [channels, bound, ownTransaction ? bound : null], manager);
  for (const limit of limits) {
    const [{ pending }] = await store.query<{ pending: number }>(COUNT_PENDING_SQL, [limit.channel, limit.maxPending + 1, previous], manager);
    if (pending + limit.adding > limit.maxPending) throw new QueueFullError(limit.channel, pending, limit.maxPending, limit.adding);
  }
}
