import type { JobEvent } from '../hooks/job-event.js';
import type { QueueJobHooks } from '../hooks/queue-job-hooks.js';

/**
 * The lifecycle events of the jobs this runner executes, delivered to the hooks' listeners off the
 * claim's path: a batch of jobs finishes, the next claim statement is sent, and the listeners
 * (metrics, logs, the app's) run while PostgreSQL works on it. Events keep their order and their
 * `at`; none waits more than a timer tick (about a millisecond) when no claim comes.
 */
export class DeferredEvents {
  /** Each event as the function that makes it: made when delivered, off the claim's path too. */
  private pending: Array<() => JobEvent> = [];
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Immediate | undefined;

  constructor(private readonly hooks: QueueJobHooks) {}

  add(event: () => JobEvent): void {
    this.pending.push(event);
    // A timer fires in a later turn of the event loop than a claim asked for by jobs finishing now.
    this.timer ??= setTimeout(() => this.deliver(), 0);
  }

  /** Called once the claim statement is on its way: the listeners run in the next turn. */
  deliverSoon(): void {
    if (this.pending.length > 0) this.soon ??= setImmediate(() => this.deliver());
  }

  deliver(): void {
    clearTimeout(this.timer);
    clearImmediate(this.soon);
    this.timer = undefined;
    this.soon = undefined;
    const events = this.pending;
    this.pending = [];
    for (const make of events) this.hooks.emit(make());
  }
}
