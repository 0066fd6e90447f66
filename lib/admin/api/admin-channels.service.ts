import { Injectable } from '@nestjs/common';
import { channelLineage } from '../../channels/channel-name.js';
import { JobRunner } from '../../runner/job-runner.js';
import { JobStore } from '../../store/job-store.js';
import { ADMIN_CHANNEL_COUNTS_SQL, ADMIN_CHANNEL_RECORDS_SQL } from '../../store/sql/admin-channels.sql.js';
import type { AdminChannel, ChannelCounts } from './admin-api.types.js';

type Bucket = keyof ChannelCounts;

/**
 * The channel tree of the admin: configured channels (capacity, options: this instance's channels
 * configuration), channel records (removal interval, declarers) and channels that only jobs name,
 * each with live counts of its own jobs and of its whole subtree.
 */
@Injectable()
export class AdminChannels {
  constructor(private readonly store: JobStore, private readonly runner: JobRunner) {}

  async tree(): Promise<AdminChannel[]> {
    const [records, counts] = await Promise.all([
      this.store.query<{ complete_name: string; removal_interval: number; declared_by: string[] }>(ADMIN_CHANNEL_RECORDS_SQL, []),
      this.store.query<{ channel: string; bucket: Bucket; n: number }>(ADMIN_CHANNEL_COUNTS_SQL, []),
    ]);
    const names = new Set<string>();
    const add = (name: string) => channelLineage(name).forEach((n) => names.add(n));
    for (const config of this.runner.channels.channels) add(config.name);
    for (const record of records) add(record.complete_name);
    for (const row of counts) add(row.channel);

    const own = new Map<string, ChannelCounts>([...names].map((n) => [n, zero()]));
    const totals = new Map<string, ChannelCounts>([...names].map((n) => [n, zero()]));
    for (const row of counts) {
      for (const name of channelLineage(row.channel)) totals.get(name)![row.bucket] += row.n;
      own.get(channelLineage(row.channel).at(-1)!)![row.bucket] += row.n;
    }
    const recordOf = new Map(records.map((r) => [r.complete_name, r]));
    return [...names].sort(treeOrder).map((name) => {
      const config = this.runner.channels.get(name);
      const record = recordOf.get(name);
      const segments = name.split('.');
      return {
        name,
        parent: segments.length > 1 ? segments.slice(0, -1).join('.') : null,
        depth: segments.length - 1,
        configured: config !== undefined,
        capacity: config?.capacity ?? null,
        sequential: config?.sequential ?? false,
        throttle: config?.throttle ?? 0,
        paused: config?.paused ?? false,
        maxPending: config?.maxPending ?? null,
        removalInterval: record?.removal_interval ?? null,
        declaredBy: record?.declared_by ?? [],
        counts: own.get(name)!,
        totals: totals.get(name)!,
      };
    });
  }
}

const zero = (): ChannelCounts => ({ waiting: 0, pending: 0, running: 0, failed: 0 });

/** Depth-first: every channel right after its parent, siblings by name. */
const treeOrder = (a: string, b: string) => {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i].localeCompare(y[i]);
  return x.length - y.length;
};
