import type { ChannelTree } from '../channels/channel-tree.js';

/** The room a call needs in one channel that has a `maxPending`. */
export interface PendingLimit {
  channel: string;
  maxPending: number;
  /** The call's jobs for that channel (pending or waiting for parents: all end up pending). */
  adding: number;
}

/**
 * The channels of this instance's configuration that have a `maxPending`. A limit is on exactly the
 * channel it is written on: jobs of its sub-channels are not counted (they get their own), so that
 * the count is an exact-match range of the pending jobs' index in any database collation.
 */
export class PendingLimits {
  private readonly limits: ReadonlyMap<string, number>;

  constructor(tree: ChannelTree) {
    this.limits = new Map(tree.channels.flatMap((c) => (c.maxPending === null ? [] : [[c.name, c.maxPending] as const])));
  }

  /** Whether any channel has a limit: without one, enqueues skip every check. */
  get any(): boolean {
    return this.limits.size > 0;
  }

  /** What a call adding these jobs (count by normalized channel) needs, limited channels only, by name. */
  needed(adding: ReadonlyMap<string, number>): PendingLimit[] {
    const needed: PendingLimit[] = [];
    for (const [channel, count] of adding) {
      const maxPending = this.limits.get(channel);
      if (maxPending !== undefined && count > 0) needed.push({ channel, maxPending, adding: count });
    }
    // Locks are taken in this order by every enqueuer: two calls over the same channels cannot deadlock.
    return needed.sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
  }
}

/** How many of `channels` name each channel. */
export function countByChannel(channels: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const channel of channels) counts.set(channel, (counts.get(channel) ?? 0) + 1);
  return counts;
}
