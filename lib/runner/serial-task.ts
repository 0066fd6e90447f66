/**
 * Runs an async task one call at a time: asking while it runs makes it run once more right after,
 * however many times it was asked. A run starts after the current turn of the event loop, so that
 * requests made together (jobs finishing together) are served by one run. The task returns whether
 * a request made during its run may start it again (false after an error, to back off).
 */
export class SerialTask {
  private current: Promise<void> | undefined;
  private again = false;

  constructor(private readonly task: () => Promise<boolean>) {}

  request(): void {
    if (this.current) {
      this.again = true;
      return;
    }
    this.current = this.runWhileAsked();
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Resolves once no run is under way. */
  async settled(): Promise<void> {
    await this.current;
  }

  private async runWhileAsked(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    try {
      let more: boolean;
      do {
        this.again = false;
        more = await this.task();
      } while (more && this.again);
    } finally {
      // In the same turn as the last check of `again`: a request arriving later starts a new run
      // (cleared in a later callback, a request in between would be lost until the next wake-up).
      this.current = undefined;
    }
  }
}
