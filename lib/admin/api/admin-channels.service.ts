import { Injectable } from '@nestjs/common';
import type { ChannelConfig } from '../../channels/channel-config.js';
import { channelLineage } from '../../channels/channel-name.js';
import { ChannelSettingsService } from '../../channels/channel-settings.service.js';
import { JobStore } from '../../store/job-store.js';
import { ADMIN_CHANNEL_COUNTS_SQL, ADMIN_CHANNEL_RECORDS_SQL, ADMIN_RATE_WINDOWS_SQL } from '../../store/sql/admin-channels.sql.js';
import { rateRelease, rateText } from '../../channels/rate-limit.js';
import type { AdminChannel, ChannelCounts } from './admin-api.types.js';

type Bucket = keyof ChannelCounts;

/**
 * The channel tree of the admin: configured channels (capacity, options: this instance's channels
 * configuration, and the run-time settings over it, with who changed them), channel records (removal interval, declarers) and channels that only jobs name,
 * each with live counts of its own jobs and of its whole subtree.
 */
@Injectable()
export class AdminChannels {
  constructor(private readonly store: JobStore, private readonly channelSettings: ChannelSettingsService) {}

  async tree(): Promise<AdminChannel[]> {
    const [records, counts, settings, windows] = await Promise.all([
      this.store.query<{ complete_name: string; removal_interval: number; declared_by: string[] }>(ADMIN_CHANNEL_RECORDS_SQL, []),
      this.store.query<{ channel: string; bucket: Bucket; n: number }>(ADMIN_CHANNEL_COUNTS_SQL, []),
      this.channelSettings.settings(),
      this.store.query<{ channel: string; starts: number[] }>(ADMIN_RATE_WINDOWS_SQL, []),
    ]);
    const startsOf = new Map(windows.map((w) => [w.channel, w.starts]));
    const effective = await this.channelSettings.effectiveChannels(settings);
    const settingOf = new Map(settings.map((setting) => [setting.channel, setting]));
    const names = new Set<string>();
    const add = (name: string) => channelLineage(name).forEach((n) => names.add(n));
    for (const config of effective.channels) add(config.name);
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
      const config = effective.get(name);
      const configured = this.channelSettings.configured.get(name);
      const record = recordOf.get(name);
      const segments = name.split('.');
      return {
        name,
        parent: segments.length > 1 ? segments.slice(0, -1).join('.') : null,
        depth: segments.length - 1,
        configured: configured !== undefined,
        ...limitsOf(config),
        configuredLimits: limitsOf(configured),
        rateLimitedUntil: rateLimitedUntil(config, startsOf.get(name)),
        setting: settingOf.get(name) ?? null,
        maxPending: config?.maxPending ?? null,
        removalInterval: record?.removal_interval ?? null,
        declaredBy: record?.declared_by ?? [],
        counts: own.get(name)!,
        totals: totals.get(name)!,
      };
    });
  }
}

const limitsOf = (config: ChannelConfig | undefined) => ({
  capacity: config?.capacity ?? null, sequential: config?.sequential ?? false, throttle: config?.throttle ?? 0, paused: config?.paused ?? false,
  rate: config?.rate ? rateText(config.rate) : null,
});

/** When a rate-limited channel whose window is full may start its next job (ISO), or null when it may now. */
function rateLimitedUntil(config: ChannelConfig | undefined, starts: number[] | undefined): string | null {
  if (!config?.rate || !starts) return null;
  const now = Date.now() / 1000;
  const release = rateRelease(starts, config.rate, now);
  return release > now ? new Date(release * 1000).toISOString() : null;
}

const zero = (): ChannelCounts => ({ waiting: 0, pending: 0, running: 0, failed: 0 });

/** Depth-first: every channel right after its parent, siblings by name. */
const treeOrder = (a: string, b: string) => {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i].localeCompare(y[i]);
  return x.length - y.length;
};
