import { maxRetriesReached } from '../queue-job.messages.js';
import { NothingToDoJob } from '../errors/nothing-to-do-job.error.js';
import { RetryableJobError } from '../errors/retryable-job.error.js';
import { JobTimeoutError } from '../errors/job-timeout.error.js';
import { retryDelaySeconds, type RetryPattern } from './retry-pattern.js';

/** Seconds before a job that hit a database concurrency error runs again (SPEC §4). */
export const CONCURRENCY_RETRY_SECONDS = 5;

/** PostgreSQL serialization_failure, deadlock_detected, lock_not_available. */
const CONCURRENCY_ERROR_CODES = new Set(['40001', '40P01', '55P03']);

/** What an attempt comes to; the runner writes it to the row. */
export type AttemptOutcome =
  | { state: 'done'; result: string | null }
  | { state: 'pending'; result: string; delaySeconds: number; countsAsRetry: boolean; excName?: string }
  | { state: 'failed'; excName: string; excMessage: string; excInfo: string };

export interface AttemptInfo {
  retry: number;
  maxRetries: number;
  retryPattern: RetryPattern | null;
}

export function doneOutcome(returned: unknown): AttemptOutcome {
  return { state: 'done', result: encodeResult(returned) };
}

/** Maps an error thrown by a job to its outcome (SPEC §4): retry later, done, or failed. */
export function errorOutcome(error: unknown, attempt: AttemptInfo, random: () => number = Math.random): AttemptOutcome {
  if (error instanceof NothingToDoJob) return { state: 'done', result: JSON.stringify(error.message) };
  const retryable = error instanceof RetryableJobError;
  const concurrency = isConcurrencyError(error);
  if (!retryable && !concurrency) return failed(error);
  const message = (error as Error).message;
  const countsAsRetry = !(retryable && error.ignoreRetry);
  if (countsAsRetry && attempt.maxRetries > 0 && attempt.retry >= attempt.maxRetries) {
    // A timeout keeps its own name: "timed out" is the cause to fix, not "retried too often".
    const name = error instanceof JobTimeoutError ? error.name : 'FailedJobError';
    return { state: 'failed', excName: name, excMessage: maxRetriesReached(attempt.maxRetries, message), excInfo: stackOf(error) };
  }
  const delaySeconds = retryable
    ? (error.seconds ?? retryDelaySeconds(attempt.retryPattern, attempt.retry, random))
    : CONCURRENCY_RETRY_SECONDS;
  // A timeout names itself on the retry too: the row shows why the attempt ended, not only when the next runs.
  const cause = error instanceof JobTimeoutError ? { excName: error.name } : {};
  return { state: 'pending', result: message, delaySeconds, countsAsRetry, ...cause };
}

export function isConcurrencyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONCURRENCY_ERROR_CODES.has(code);
}

function failed(error: unknown): AttemptOutcome {
  if (error instanceof Error) {
    return { state: 'failed', excName: excName(error), excMessage: error.message, excInfo: stackOf(error) };
  }
  return { state: 'failed', excName: typeof error, excMessage: String(error), excInfo: String(error) };
}

/**
 * A name the error set on itself wins (our error classes do, so it survives minification; the
 * executor names UnknownJobFunction this way); else the class name, so an undecorated
 * `class PaymentError extends Error {}` shows as PaymentError rather than its inherited "Error".
 */
function excName(error: Error): string {
  if (Object.hasOwn(error, 'name') && error.name) return error.name;
  return error.constructor?.name || error.name;
}

const stackOf = (error: unknown) => (error instanceof Error ? (error.stack ?? String(error)) : String(error));

/**
 * The return value as JSON text for the `result` column: bigints as their digits, what JSON cannot
 * hold described instead. Tried first without a replacer (a replacer turns V8's fast path off).
 */
export function encodeResult(value: unknown): string | null {
  if (value === undefined) return null;
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    // A bigint somewhere, or what JSON cannot hold at all (a cycle).
  }
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? null;
  } catch {
    return JSON.stringify(`[unserializable result: ${Object.prototype.toString.call(value)}]`);
  }
}
