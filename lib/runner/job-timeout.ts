import { JobTimeoutError } from '../errors/job-timeout.error.js';
import { AttemptAbort } from './job-abort.js';

/**
 * A call's own timeout is looked up this long after its job started, for the jobs still running
 * then: short jobs (most) cost no query, and a timeout, whole seconds, is far longer.
 */
export const CALL_TIMEOUT_LOOKUP_MS = 100;
const LOOKUP_RETRY_MS = 1_000;

export interface TimedJob { id: string; uuid: string; job_function: string }

/** A running job's attempt, with what its timer needs (one object per job: the runner makes one per launch). */
class WatchedAttempt extends AttemptAbort {
  timer: NodeJS.Timeout | undefined;
  readonly startedAt = Date.now();

  constructor(readonly job: TimedJob) {
    super();
  }
}

/**
 * Aborts the attempt of a job that outlives its timeout: the call's (stored with the job, read shortly
 * after it starts), else the one its job function or the runner gives at launch. The executor ends
 * the attempt when it aborts; the timer runs in the runner's process, so a job blocking the
 * event loop is stopped by nothing but its lease.
 */
export class JobTimeouts {
  private readonly watched = new Map<string, WatchedAttempt>();
  private toLookUp: string[] = [];
  private lookupTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly readCallTimeouts: (ids: string[]) => Promise<Map<string, number>>,
    private readonly onTimeout: (job: TimedJob, seconds: number) => void,
    private readonly onLookupError: (error: Error) => void,
  ) {}

  /** A job starts now, allowed `seconds` unless its call says otherwise (null: no limit). Its attempt aborts at the timeout. */
  watch(job: TimedJob, seconds: number | null): AttemptAbort {
    const attempt = new WatchedAttempt(job);
    this.watched.set(job.id, attempt);
    this.arm(attempt, seconds);
    this.toLookUp.push(job.id);
    this.lookUpSoon(CALL_TIMEOUT_LOOKUP_MS);
    return attempt;
  }

  /** The job's attempt ended (or timed out): nothing left to abort. */
  unwatch(id: string): void {
    clearTimeout(this.watched.get(id)?.timer);
    this.watched.delete(id);
  }

  stop(): void {
    clearTimeout(this.lookupTimer);
    this.lookupTimer = undefined;
    for (const entry of this.watched.values()) clearTimeout(entry.timer);
  }

  private arm(entry: WatchedAttempt, seconds: number | null): void {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    if (seconds === null) return;
    const delay = Math.max(0, entry.startedAt + seconds * 1000 - Date.now());
    entry.timer = setTimeout(() => {
      this.watched.delete(entry.job.id);
      this.onTimeout(entry.job, seconds);
      entry.abort(new JobTimeoutError(seconds));
    }, delay).unref();
  }

  private lookUpSoon(delay: number): void {
    this.lookupTimer ??= setTimeout(() => void this.lookUp(), delay).unref();
  }

  private async lookUp(): Promise<void> {
    const ids = this.toLookUp.filter((id) => this.watched.has(id));
    this.toLookUp = [];
    let failed = false;
    try {
      if (ids.length === 0) return;
      const timeouts = await this.readCallTimeouts(ids);
      for (const [id, seconds] of timeouts) {
        const entry = this.watched.get(id);
        if (entry) this.arm(entry, seconds);
      }
    } catch (error) {
      // The job function's or the runner's timeout holds meanwhile.
      failed = true;
      this.toLookUp.push(...ids);
      this.onLookupError(error as Error);
    } finally {
      // Set while the lookup ran, so that jobs launched meanwhile wait for this one to end.
      this.lookupTimer = undefined;
      if (this.toLookUp.length > 0) this.lookUpSoon(failed ? LOOKUP_RETRY_MS : CALL_TIMEOUT_LOOKUP_MS);
    }
  }
}
