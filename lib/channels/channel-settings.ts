import { MAX_CHANNEL_CAPACITY, type ChannelConfig } from './channel-config.js';
import { CHANNEL_PATH, normalizeChannelName } from './channel-name.js';
import { InvalidChannelSettingError } from '../errors/invalid-channel-setting.error.js';
import { parseRate } from './rate-limit.js';

/** What operators changed at run time for one channel, over every instance's configuration; null: as configured. */
export interface ChannelSetting {
  channel: string;
  /** true: paused by `pauseChannel`; false: resumed by `resumeChannel` (even if configured `paused`). */
  paused: boolean | null;
  pausedBy: string | null;
  pausedAt: Date | null;
  /** 0: unlimited, as in the channels configuration. */
  capacity: number | null;
  throttle: number | null;
  sequential: boolean | null;
  /** `N/S` as in the configuration, or `none` (no rate limit, whatever the configuration says). */
  rate: string | null;
  limitsBy: string | null;
  limitsAt: Date | null;
}

/** `setChannelLimits(name, limits)`: the limits to change; those left out keep their value. */
export interface ChannelLimits {
  /** Jobs of the channel and its sub-channels at once; 0 = unlimited. */
  capacity?: number;
  /** Seconds between two starts; 0 = none. */
  throttle?: number;
  /** Strict queue order (needs capacity 1). */
  sequential?: boolean;
  /** At most N starts per S seconds (`'100/60'`), or `'none'`. */
  rate?: string;
}

const LIMIT_KEYS = ['capacity', 'throttle', 'sequential', 'rate'] as const;

/**
 * The channels an instance dispatches by: its configuration with the run-time settings over it. A
 * setting for a channel the configuration does not list adds it (unlimited unless the setting says
 * otherwise). `sequential` holds only with capacity 1: a capacity changed to more turns it off.
 */
export function applyChannelSettings(configured: readonly ChannelConfig[], settings: readonly ChannelSetting[]): ChannelConfig[] {
  const byName = new Map(configured.map((config) => [config.name, { ...config }]));
  for (const setting of settings) {
    const base: ChannelConfig = byName.get(setting.channel)
      ?? { name: setting.channel, capacity: null, sequential: false, throttle: 0, paused: false, maxPending: null };
    const capacity = setting.capacity === null ? base.capacity : setting.capacity === 0 ? null : setting.capacity;
    const sequential = (setting.sequential ?? base.sequential) && capacity === 1;
    const rate = setting.rate === null ? base.rate : parseRate(setting.rate) ?? undefined;
    byName.set(setting.channel, {
      name: setting.channel,
      capacity,
      sequential,
      throttle: setting.throttle ?? base.throttle,
      paused: setting.paused ?? base.paused,
      maxPending: base.maxPending,
      ...(rate && { rate }),
    });
  }
  return [...byName.values()];
}

/** `sale` → `root.sale`; refuses what is not a channel name. */
export function checkedChannelName(name: unknown): string {
  if (typeof name !== 'string' || !CHANNEL_PATH.test(name.trim())) {
    throw new InvalidChannelSettingError(`Channel name ${JSON.stringify(name)} is not a channel name: write dot-separated segments of letters, digits, "_" or "-", e.g. "root.sale".`);
  }
  return normalizeChannelName(name);
}

/**
 * Checks limits before they are stored: known keys, at least one, values in range, and `sequential`
 * only with capacity 1 (`effective`: the channel's capacity as this instance sees it now, null = unlimited).
 */
export function checkedChannelLimits(channel: string, limits: unknown, effective: ChannelConfig | undefined): ChannelLimits {
  const fail = (problem: string): never => {
    throw new InvalidChannelSettingError(`Cannot set the limits of channel ${channel}: ${problem}.`);
  };
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) return fail(`expected an object such as { capacity: 4 }, got ${JSON.stringify(limits)}`);
  const entries = Object.entries(limits).filter(([, value]) => value !== undefined);
  const unknown = entries.find(([key]) => !(LIMIT_KEYS as readonly string[]).includes(key));
  if (unknown) fail(`unknown limit "${unknown[0]}" (known: ${LIMIT_KEYS.join(', ')})`);
  if (entries.length === 0) fail(`give at least one of ${LIMIT_KEYS.join(', ')}; resetChannelLimits() goes back to the configuration`);
  const { capacity, throttle, sequential, rate } = limits as Record<string, unknown>;
  if (capacity !== undefined && !(Number.isInteger(capacity) && (capacity as number) >= 0 && (capacity as number) <= MAX_CHANNEL_CAPACITY)) {
    fail(`capacity ${JSON.stringify(capacity)} is not a whole number from 0 (unlimited) to ${MAX_CHANNEL_CAPACITY}`);
  }
  if (throttle !== undefined && !(typeof throttle === 'number' && Number.isFinite(throttle) && throttle >= 0)) {
    fail(`throttle ${JSON.stringify(throttle)} is not a number of seconds >= 0 (0: no throttle)`);
  }
  if (sequential !== undefined && typeof sequential !== 'boolean') fail(`sequential ${JSON.stringify(sequential)} is not true or false`);
  if (rate !== undefined && rate !== 'none' && (typeof rate !== 'string' || !parseRate(rate))) {
    fail(`rate ${JSON.stringify(rate)} is not N/S (at most N starts, 1 to 100000, per S seconds, e.g. '100/60') nor 'none'`);
  }
  const resultingCapacity = capacity !== undefined ? (capacity === 0 ? null : capacity) : (effective?.capacity ?? null);
  if (sequential === true && resultingCapacity !== 1) {
    fail(`sequential needs capacity 1, and the capacity would be ${resultingCapacity ?? 'unlimited'}: pass { capacity: 1, sequential: true }`);
  }
  return Object.fromEntries(entries) as ChannelLimits;
}
