import { maxRetriesReached } from '../queue-job.messages.js';
import { NothingToDoJob } from '../errors/nothing-to-do-job.error.js';
import { RetryableJobError } from '../errors/retryable-job.error.js';
import { JobTimeoutError } from '../errors/job-timeout.error.js';
import { isConcurrencyError, isConnectionLoss } from '../store/database-errors.js';
import { retryDelaySeconds, type RetryPattern } from './retry-pattern.js';
import { storableThrown, encodeResult, storableMessage } from './storable-outcome.js';

/** Seconds before a job that hit a database concurrency error or lost its connection runs again (SPEC §4). */
export const CONCURRENCY_RETRY_SECONDS = 5;

/**
 * What an attempt comes to; the runner writes it to the row. Every text is storable (storable-outcome.ts).
 * A retry after a database error keeps that error (`exc`) for the row's exc_* columns.
 */
export type AttemptOutcome =
  | { state: 'done'; result: string | null }
  | { state: 'pending'; result: string; delaySeconds: number; countsAsRetry: boolean; exc?: Exc }
  | { state: 'failed'; excName: string; excMessage: string; excInfo: string };

export interface Exc { excName: string; excMessage: string; excInfo: string }

export interface AttemptInfo {
  retry: number;
  maxRetries: number;
  retryPattern: RetryPattern | null;
}

export function doneOutcome(returned: unknown): AttemptOutcome {
  return { state: 'done', result: encodeResult(returned) };
}

/**
 * Maps an error thrown by a job to its outcome (SPEC §4): retry later, done, or failed. Whatever was
 * thrown (a Proxy, an object whose getters throw), this returns.
 */
export function errorOutcome(error: unknown, attempt: AttemptInfo, random: () => number = Math.random): AttemptOutcome {
  let kind: 'nothing' | 'retryable' | 'database' | 'other';
  try {
    kind = error instanceof NothingToDoJob ? 'nothing'
      : error instanceof RetryableJobError ? 'retryable'
        : isConcurrencyError(error) || isConnectionLoss(error) ? 'database' : 'other';
  } catch {
    kind = 'other';
  }
  const thrown = storableThrown(error);
  if (kind === 'nothing') return { state: 'done', result: JSON.stringify(thrown.message) };
  if (kind === 'other') return { state: 'failed', excName: thrown.name, excMessage: thrown.message, excInfo: thrown.stack };
  const retryable = kind === 'retryable' ? (error as RetryableJobError) : null;
  const timeout = retryable instanceof JobTimeoutError;
  const countsAsRetry = !retryable?.ignoreRetry;
  if (countsAsRetry && attempt.maxRetries > 0 && attempt.retry >= attempt.maxRetries) {
    // A timeout keeps its own name: "timed out" is the cause to fix, not "retried too often".
    const name = timeout ? thrown.name : 'FailedJobError';
    return { state: 'failed', excName: name, excMessage: storableMessage(maxRetriesReached(attempt.maxRetries, thrown.message)), excInfo: thrown.stack };
  }
  const delaySeconds = retryable
    ? (retryable.seconds ?? retryDelaySeconds(attempt.retryPattern, attempt.retry, random))
    : CONCURRENCY_RETRY_SECONDS;
  // A timeout and a database error name themselves on the retry: the row shows why the attempt ended.
  const exc = retryable && !timeout ? undefined : { excName: thrown.name, excMessage: thrown.message, excInfo: thrown.stack };
  return { state: 'pending', result: thrown.message, delaySeconds, countsAsRetry, exc };
}

