import { describeValue } from '../enqueue/describe-call.js';
import { progressMessageNotText, progressNotAFraction } from '../queue-job.messages.js';
import type { StoredProgress } from '../store/job-progress.js';
import { storableText } from '../store/sql/json-text.js';

/** Characters of a progress message kept: a line for a list and a bar, not a log. */
export const PROGRESS_MESSAGE_LIMIT = 500;

/**
 * What `currentJob().progress(fraction, message)` stores, checked: a fraction from 0 to 1, and a
 * message that is a string (cut to {@link PROGRESS_MESSAGE_LIMIT} characters, NUL and lone
 * surrogates made U+FFFD) or nothing. Throws a RangeError or TypeError naming the value otherwise.
 */
export function progressReport(fraction: unknown, message?: unknown): StoredProgress {
  if (typeof fraction !== 'number') throw new TypeError(progressNotAFraction(describeValue(fraction)));
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(progressNotAFraction(describeValue(fraction)));
  // -0 is 0.
  const progress = fraction === 0 ? 0 : fraction;
  if (message === undefined || message === null) return { progress, message: null };
  if (typeof message !== 'string') throw new TypeError(progressMessageNotText(fraction, describeValue(message)));
  return { progress, message: storableText(message.slice(0, PROGRESS_MESSAGE_LIMIT)) };
}
