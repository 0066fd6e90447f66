import type { StoredProgress } from '../store/job-progress.js';

/** At most one progress write per job and per second while it runs. */
export const PROGRESS_WRITE_INTERVAL_MS = 1_000;

const CLEARED: StoredProgress = { progress: null, message: null };

/**
 * The progress of one attempt of a job run here (made at its first report: jobs that never report
 * cost nothing). Reports are kept in memory and written at most once a second, the latest winning,
 * so a job may report at every row it handles. When the attempt ends, `end` writes what is left —
 * the last report, or nothing at all (cleared) when the job goes back to pending for a new attempt —
 * before the outcome is recorded; reports made after that (an attempt that timed out and runs on)
 * are dropped. `write` is fenced by the attempt's lease token: false when the attempt lost the job.
 */
export class AttemptProgress {
  private unwritten: StoredProgress | undefined;
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  /** The writes, one after the other: a late one never overtakes a newer value. */
  private writing: Promise<void> = Promise.resolve();
  /** The state the attempt ended in, once it did. */
  private endedAs: 'done' | 'pending' | 'failed' | undefined;

  constructor(
    private readonly write: (value: StoredProgress) => Promise<boolean>,
    /** A report was stored (not a clearing): the `job.progress` event. */
    private readonly onStored: (value: StoredProgress) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  report(value: StoredProgress): void {
    if (this.endedAs) return;
    this.unwritten = value;
    if (this.timer) return;
    // The first report is written in the next turn: reports made in a row are one write.
    const wait = Math.max(0, this.lastWriteAt + PROGRESS_WRITE_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait).unref();
  }

  /**
   * The attempt ended in `state`: writes its last report (cleared for `pending`), then writes nothing
   * more. Called again when the outcome changed since (a `done` whose commit failed became a retry):
   * a new `pending` clears what the first call wrote.
   */
  async end(state: 'done' | 'pending' | 'failed'): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (state === 'pending' && this.endedAs !== 'pending') this.unwritten = CLEARED;
    this.endedAs = state;
    this.flush();
    await this.writing;
  }

  private flush(): void {
    const value = this.unwritten;
    if (!value) return;
    this.unwritten = undefined;
    this.lastWriteAt = Date.now();
    this.writing = this.writing.then(async () => {
      try {
        if ((await this.write(value)) && value !== CLEARED) this.onStored(value);
      } catch (error) {
        // Written with the next report, or at the end, unless a newer one replaces it.
        if (!this.endedAs) this.unwritten ??= value;
        this.onError(error);
      }
    });
  }
}
