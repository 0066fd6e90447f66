import { setTimeout as sleep } from 'node:timers/promises';
import { isInstance } from '../errors/describe-thrown.js';
import { QueueFullError } from '../errors/queue-full.error.js';
import { invalidDelayOption } from '../queue-job.messages.js';

const MAX_WAIT_MS = 2 ** 31 - 1;
/** First and longest pause between two looks for room: completions free it at any moment, a look is one short transaction. */
const FIRST_PAUSE_MS = 20;
const LONGEST_PAUSE_MS = 500;

/** The call's `waitIfFull` in ms (0 when not given); throws, naming the value, when it is not a whole number from 0 to 2^31 - 1. */
export function waitIfFullOf(jobFunction: string, value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_WAIT_MS) {
    throw new Error(invalidDelayOption(jobFunction, 'waitIfFull', value, `the milliseconds to wait for room in a full channel, a whole number from 0 to ${MAX_WAIT_MS}`));
  }
  return value;
}

/**
 * Runs `attempt` until it does not throw QueueFullError, for at most `waitIfFullMs`, looking again
 * after growing pauses; then throws the last QueueFullError with the time waited. Polling keeps it
 * simple and right across instances: room appears when any instance starts or cancels a job. A call
 * with more jobs for a channel than its maxPending never fits: it throws at once.
 */
export async function retryWhileFull<T>(waitIfFullMs: number, attempt: () => Promise<T>): Promise<T> {
  const start = Date.now();
  for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, LONGEST_PAUSE_MS)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isInstance(error, QueueFullError) || waitIfFullMs === 0 || error.adding > error.maxPending) throw error;
      const left = start + waitIfFullMs - Date.now();
      if (left <= 0) throw new QueueFullError(error.channel, error.pending, error.maxPending, error.adding, Date.now() - start);
      await sleep(Math.min(pause, left));
    }
  }
}
