import { isPlainObject } from '../enqueue/argument-serializer.js';
import { describeValue } from '../enqueue/describe-call.js';
import { InvalidRetryPatternError } from '../errors/invalid-retry-pattern.error.js';

/** Seconds to wait, or `[min, max]`: a random whole number of seconds in that range. */
export type RetryDelay = number | readonly [number, number];

/** Retry count → delay; the largest key `<=` the job's `retry` applies (SPEC §4). */
export type RetryPattern = Readonly<Record<number, RetryDelay>>;

/** The delay when no pattern key applies, as in queue_job (10 minutes). */
export const DEFAULT_RETRY_DELAY_SECONDS = 600;

/**
 * Checks a declared pattern (keys may be strings, as JSON gives them) and returns a frozen copy.
 * `where` names the declaration in the error, e.g. `job function <OrderService>.confirm`.
 */
export function validateRetryPattern(pattern: unknown, where: string): RetryPattern {
  if (typeof pattern !== 'object' || pattern === null || !isPlainObject(pattern)) {
    throw new InvalidRetryPatternError(where, `expected a plain object, found ${describeValue(pattern)}`);
  }
  const normalised: Record<number, RetryDelay> = {};
  for (const [key, value] of Object.entries(pattern)) {
    // Only the plain spelling: "01" or "1.0" would be a second way to write key 1.
    if (!/^[1-9]\d*$/.test(key) || !Number.isSafeInteger(Number(key))) {
      throw new InvalidRetryPatternError(where, `key ${JSON.stringify(key)} is not a whole number >= 1 (retries count from 1)`);
    }
    normalised[Number(key)] = validateDelay(value, key, where);
  }
  return Object.freeze(normalised);
}

/** Seconds to wait before attempt `retry + 1`; `random` (default Math.random) picks inside `[min, max]` ranges. */
export function retryDelaySeconds(
  pattern: RetryPattern | null | undefined,
  retry: number,
  random: () => number = Math.random,
): number {
  let delay: RetryDelay = DEFAULT_RETRY_DELAY_SECONDS;
  // Sorted here too: a pattern read back from a table may not have been built by validateRetryPattern.
  const keys = Object.keys(pattern ?? {}).map(Number).sort((a, b) => a - b);
  for (const key of keys) {
    if (key > retry) break;
    delay = (pattern as RetryPattern)[key] as RetryDelay;
  }
  if (typeof delay === 'number') return delay;
  const [min, max] = delay;
  // min(…) guards a `random` that returns 1, which Math.random never does but a stub may.
  return Math.min(max, min + Math.floor(random() * (max - min + 1)));
}

function validateDelay(value: unknown, key: string, where: string): RetryDelay {
  if (isSeconds(value)) return value;
  if (Array.isArray(value) && value.length === 2 && isSeconds(value[0]) && isSeconds(value[1]) && value[0] <= value[1]) {
    return Object.freeze([value[0], value[1]] as const);
  }
  throw new InvalidRetryPatternError(
    where,
    `the delay for retry ${key} is ${describeValue(value)}; use whole seconds >= 0 or [min, max] with 0 <= min <= max`,
  );
}

function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
