import { ChannelConfigError } from '../errors/channel-config.error.js';
import { CHANNEL_SEGMENT, channelLineage, normalizeChannelName, ROOT_CHANNEL } from './channel-name.js';
import * as msg from './channel-config.messages.js';
import { parseRate, type RateLimit } from './rate-limit.js';

/** One configured channel, as parsed from the channels configuration string (SPEC §5). */
export interface ChannelConfig {
  /** Full dotted name, always starting with `root`. */
  name: string;
  /** Jobs of this channel and its sub-channels that may run at once; null = unlimited. */
  capacity: number | null;
  /** Strict queue order; a failed job blocks the channel. Only with capacity 1. */
  sequential: boolean;
  /** Seconds between two starts in this channel (and its sub-channels); 0 = no throttle. */
  throttle: number;
  /** No job of this channel or its sub-channels starts. */
  paused: boolean;
  /** At most N starts per S seconds in this channel and its sub-channels, across instances; absent = none. */
  rate?: RateLimit;
  /**
   * Most pending jobs of exactly this channel an enqueue may leave; one that would leave more throws
   * QueueFullError. null = no limit.
   */
  maxPending: number | null;
}

/** The configuration used when none is given (Odoo's default). */
export const DEFAULT_CHANNELS = 'root:1';

/** Largest capacity accepted: anything above is a typo, not a real limit. */
export const MAX_CHANNEL_CAPACITY = 10000;

/** Largest maxPending accepted: each limited enqueue counts up to that many index entries. */
export const MAX_PENDING_LIMIT = 1_000_000;

/** The options an entry may carry after its capacity. */
export const CHANNEL_OPTIONS = ['sequential', 'throttle', 'paused', 'rate', 'maxPending'] as const;

const WHOLE = /^\d+$/;
const SECONDS = /^\d+(\.\d+)?$/;

/** Parses `name(.sub)*(:capacity(:key(=value)?)*)?` entries; throws ChannelConfigError on the first bad one. */
export function parseChannelsConfig(text: string): ChannelConfig[] {
  const explicit = new Map<string, ChannelConfig>();
  for (const raw of text.split(/[,\r\n]/)) {
    const entry = raw.trim();
    if (entry === '') continue;
    const config = parseEntry(entry);
    if (explicit.has(config.name)) throw new ChannelConfigError(msg.DUPLICATE_CHANNEL(entry, config.name), entry);
    explicit.set(config.name, config);
  }
  return completeChannels([...explicit.values()]);
}

/**
 * Adds what a configuration leaves implicit: root with capacity 1 when not listed, and missing
 * parents with unlimited capacity. Returns one entry per channel, parents before children.
 */
export function completeChannels(configs: readonly ChannelConfig[]): ChannelConfig[] {
  const byName = new Map(configs.map((c) => [normalizeChannelName(c.name), { ...c, name: normalizeChannelName(c.name) }]));
  const result = new Map<string, ChannelConfig>();
  const add = (name: string, capacity: number | null): void => {
    for (const ancestor of channelLineage(name)) {
      if (!result.has(ancestor)) result.set(ancestor, byName.get(ancestor) ?? plain(ancestor, capacity));
    }
  };
  add(ROOT_CHANNEL, 1);
  for (const name of byName.keys()) add(name, null);
  return [...result.values()];
}

function plain(name: string, capacity: number | null): ChannelConfig {
  return { name, capacity, sequential: false, throttle: 0, paused: false, maxPending: null };
}

function parseEntry(entry: string): ChannelConfig {
  const [rawName = '', rawCapacity, ...options] = entry.split(':').map((part) => part.trim());
  const fail = (message: string): never => {
    throw new ChannelConfigError(message, entry);
  };
  if (rawName === '') fail(msg.EMPTY_NAME(entry));
  for (const segment of rawName.split('.')) {
    if (segment === '') fail(msg.EMPTY_NAME_SEGMENT(entry, rawName));
    if (!CHANNEL_SEGMENT.test(segment)) fail(msg.BAD_NAME_SEGMENT(entry, segment));
  }
  const config = plain(normalizeChannelName(rawName), parseCapacity(entry, rawCapacity, fail));
  const seen = new Set<string>();
  for (const option of options) {
    const [key = '', value] = splitOption(option);
    if (key === '') fail(msg.EMPTY_OPTION(entry));
    if (!isKnownOption(key)) return fail(msg.UNKNOWN_OPTION(entry, key, CHANNEL_OPTIONS));
    if (seen.has(key)) fail(msg.OPTION_REPEATED(entry, key));
    seen.add(key);
    if (key === 'throttle') {
      const seconds = value !== undefined && SECONDS.test(value) ? Number(value) : 0;
      if (!(seconds > 0)) fail(msg.BAD_THROTTLE(entry, value));
      config.throttle = seconds;
    } else if (key === 'rate') {
      config.rate = parseRate(value) ?? fail(msg.BAD_RATE(entry, value));
    } else if (key === 'maxPending') {
      config.maxPending = parseMaxPending(entry, value, fail);
    } else {
      if (value !== undefined) fail(msg.OPTION_TAKES_NO_VALUE(entry, key));
      config[key] = true;
    }
  }
  if (config.sequential && config.capacity !== 1) fail(msg.SEQUENTIAL_NEEDS_CAPACITY_ONE(entry, rawCapacity ?? ''));
  return config;
}

/** Omitted capacity = 1; 0 = unlimited (null), root included: the runner's own concurrency then bounds it. */
function parseCapacity(entry: string, raw: string | undefined, fail: (message: string) => never): number | null {
  if (raw === undefined) return 1;
  if (raw === '') return fail(msg.EMPTY_CAPACITY(entry));
  if (!WHOLE.test(raw)) return fail(msg.BAD_CAPACITY(entry, raw));
  const capacity = Number(raw);
  if (capacity > MAX_CHANNEL_CAPACITY) return fail(msg.CAPACITY_TOO_LARGE(entry, raw, MAX_CHANNEL_CAPACITY));
  return capacity === 0 ? null : capacity;
}

/** `maxPending=N`: a whole number from 1 to MAX_PENDING_LIMIT. */
function parseMaxPending(entry: string, value: string | undefined, fail: (message: string) => never): number {
  const limit = value !== undefined && WHOLE.test(value) ? Number(value) : 0;
  if (limit < 1 || limit > MAX_PENDING_LIMIT) return fail(msg.BAD_MAX_PENDING(entry, value, MAX_PENDING_LIMIT));
  return limit;
}

/** `key` -> [key]; `key=value` -> [key, value] (value may be ''); only the first `=` splits. */
function splitOption(option: string): [string, string?] {
  const eq = option.indexOf('=');
  return eq < 0 ? [option] : [option.slice(0, eq).trim(), option.slice(eq + 1).trim()];
}

function isKnownOption(key: string): key is (typeof CHANNEL_OPTIONS)[number] {
  return (CHANNEL_OPTIONS as readonly string[]).includes(key);
}
