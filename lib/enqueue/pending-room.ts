import type { EntityManager } from 'typeorm';
import { ChannelTree } from '../channels/channel-tree.js';
import type { JobStore } from '../store/job-store.js';
import { reservePendingRoom } from '../store/pending-room.js';
import { countByChannel, PendingLimits, type PendingLimit } from './pending-limits.js';
import type { PreparedJob } from './prepared-job.js';
import { retryWhileFull } from './wait-if-full.js';

/** Backpressure at enqueue: the `maxPending` of this instance's channels configuration, around the storing of a call. */
export class PendingRoom {
  private readonly limits: PendingLimits;

  constructor(private readonly store: JobStore, channels: string) {
    this.limits = new PendingLimits(ChannelTree.parse(channels));
  }

  /** The room `count` jobs of `channel` (a bulk call's) need; none when the channel has no `maxPending`. */
  needed(channel: string, count: number): PendingLimit[] {
    return this.limits.any ? this.limits.needed(new Map([[channel, count]])) : [];
  }

  /**
   * `store(manager)` as is when no channel of `jobs` has a `maxPending` (nothing counted, no lock);
   * else once the jobs fit, waiting up to `waitIfFullMs`, in `manager`'s transaction or, without one,
   * in a transaction of its own: the room is held until it commits.
   */
  storeJobs<T>(
    jobs: readonly PreparedJob[], manager: EntityManager | undefined, waitIfFullMs: number,
    store: (manager: EntityManager | undefined) => Promise<T>,
  ): Promise<T> {
    const limits = this.limits.any ? this.limits.needed(countByChannel(jobs.map((job) => job.options.channel))) : [];
    if (limits.length === 0) return store(manager);
    const attempt = async (m: EntityManager, own: boolean) => {
      await reservePendingRoom(this.store, limits, m, own);
      return store(m);
    };
    return retryWhileFull(waitIfFullMs, () => (manager ? attempt(manager, false) : this.store.dataSource.transaction((m) => attempt(m, true))));
  }
}
