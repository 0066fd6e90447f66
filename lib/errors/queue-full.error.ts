import { queueFull } from '../queue-job.messages.js';

/**
 * An enqueue would leave more pending jobs in a channel than its `maxPending` allows (channels
 * configuration, e.g. `root.mail:4:maxPending=10000`): nothing of the call was stored.
 */
export class QueueFullError extends Error {
  /**
   * @param channel the full channel, e.g. `root.mail`
   * @param pending its pending jobs when the call was refused, counted up to `maxPending + 1`
   * @param maxPending its limit
   * @param adding the jobs of the call for that channel
   * @param waitedMs how long the call waited for room (`waitIfFull`), 0 when it did not
   */
  constructor(
    readonly channel: string, readonly pending: number, readonly maxPending: number, readonly adding: number, readonly waitedMs = 0,
  ) {
    super(queueFull(channel, pending, maxPending, adding, waitedMs));
    // A literal, not `new.target.name`: the name must survive minification.
    this.name = 'QueueFullError';
  }
}
