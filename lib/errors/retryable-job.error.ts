/** Options of {@link RetryableJobError}. */
export interface RetryableJobErrorOptions {
  /** Seconds to wait before the next attempt; overrides the job function's retry pattern. */
  seconds?: number;
  /** When true, this attempt does not count against `maxRetries`. */
  ignoreRetry?: boolean;
}

/** Thrown by a job to postpone it: it goes back to `pending` with a later `eta` (SPEC §4). */
export class RetryableJobError extends Error {
  readonly seconds: number | undefined;
  readonly ignoreRetry: boolean;

  constructor(message: string, options: RetryableJobErrorOptions = {}) {
    super(message);
    // A literal, not `new.target.name`: `exc_name` must survive minification.
    this.name = 'RetryableJobError';
    const { seconds, ignoreRetry = false } = options;
    // Checked here, where the job's author threw it, rather than later as a broken `eta`.
    if (seconds !== undefined && !(typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0)) {
      throw new TypeError(
        `RetryableJobError: seconds must be a finite number >= 0 (the delay before the next attempt), got ${show(seconds)}`,
      );
    }
    if (typeof ignoreRetry !== 'boolean') {
      throw new TypeError(`RetryableJobError: ignoreRetry must be a boolean, got ${show(ignoreRetry)}`);
    }
    this.seconds = seconds;
    this.ignoreRetry = ignoreRetry;
  }
}

// Callers from plain JS may pass anything; a string "10" must not read like the number 10.
function show(value: unknown): string {
  return typeof value === 'string' ? `${JSON.stringify(value)} (a string)` : String(value);
}
