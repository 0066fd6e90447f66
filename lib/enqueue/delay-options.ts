import { CHANNEL_PATH, normalizeChannelName } from '../channels/channel-name.js';
import type { DelayOptions } from '../decorators/delayable.decorator.js';
import { DEFAULTS } from '../queue-job.constants.js';
import { invalidDelayOption } from '../queue-job.messages.js';

/** Options of one job after defaults, checked. */
export interface EffectiveDelayOptions {
  priority: number;
  eta: Date | null;
  maxRetries: number;
  description: string;
  channel: string;
  identityKey: string | null;
  /** The call's own `timeout` (stored with the job); null: the job function's or the runner's applies. */
  timeout: number | null;
}

const MAX_INT = 2 ** 31 - 1;
/** What a Node timer can wait (2^31 - 1 ms), in seconds. */
const MAX_TIMEOUT = Math.floor(MAX_INT / 1000);

/**
 * Merges the decorator's defaults with the call's options and refuses absurd values before anything
 * is stored. Negative priorities are allowed (they run before the default 10), as in queue_job.
 */
export function effectiveDelayOptions(
  jobFunction: string, defaults: DelayOptions, call: DelayOptions, fallbackChannel: string, now = Date.now(),
): EffectiveDelayOptions {
  const merged = { ...defaults, ...definedOnly(call) } as DelayOptions & { identityKey?: unknown };
  const bad = (name: string, value: unknown, expected: string) => new Error(invalidDelayOption(jobFunction, name, value, expected));
  const priority = merged.priority ?? DEFAULTS.priority;
  if (!Number.isInteger(priority) || Math.abs(priority) > MAX_INT) throw bad('priority', priority, 'a whole number (lower runs first)');
  const maxRetries = merged.maxRetries ?? DEFAULTS.maxRetries;
  if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > MAX_INT) {
    throw bad('maxRetries', maxRetries, 'a whole number >= 0 (0 = retry for ever)');
  }
  const channel = merged.channel ?? fallbackChannel;
  if (typeof channel !== 'string' || !CHANNEL_PATH.test(channel)) {
    throw bad('channel', channel, 'a dotted channel name of letters, digits, "_" and "-", e.g. "root.sale"');
  }
  // The call's only: the decorator's `timeout` belongs to the job function, resolved when the job runs.
  const timeout = call.timeout ?? null;
  if (timeout !== null && (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMEOUT)) {
    throw bad('timeout', timeout, `a whole number of seconds from 1 to ${MAX_TIMEOUT}`);
  }
  const identityKey = merged.identityKey ?? null;
  if (identityKey !== null && (typeof identityKey !== 'string' || identityKey === '')) {
    throw bad('identityKey', identityKey, 'a non-empty string');
  }
  return {
    priority,
    maxRetries,
    eta: toEta(merged.eta, now, bad),
    description: merged.description ?? jobFunction,
    channel: normalizeChannelName(channel),
    identityKey,
    timeout,
  };
}

function toEta(eta: Date | number | undefined, now: number, bad: (n: string, v: unknown, e: string) => Error): Date | null {
  if (eta === undefined || eta === null) return null;
  if (eta instanceof Date) {
    if (Number.isNaN(eta.getTime())) throw bad('eta', eta, 'a valid Date or a number of seconds from now');
    return eta;
  }
  if (typeof eta !== 'number' || !Number.isFinite(eta) || eta < 0) {
    throw bad('eta', eta, 'a valid Date or a number of seconds >= 0 from now');
  }
  return eta === 0 ? null : new Date(now + eta * 1000);
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
