import { Logger } from '@nestjs/common';
import { messageOf } from '../errors/describe-thrown.js';
import type { ClaimedJobRow } from '../store/claim-cycle.js';
import { isStatementError } from '../store/database-errors.js';
import type { JobStore } from '../store/job-store.js';
import { recordOutcomes, type StartedMark } from '../store/record-outcomes.js';
import type { JobOutcomeRow } from '../store/sql/record-outcomes.sql.js';
import { isolateOutcomes, refusedOutcome } from './isolate-outcomes.js';
import { SerialTask } from './serial-task.js';
import { retryMovedRows } from '../store/moved-rows.js';

const STARTED_FLUSH_MS = 100;
const ERROR_BACKOFF_MS = 1_000;

/**
 * The runner's writes that no claim carries, one batch at a time: the outcomes of jobs (all of them
 * with the channel manager's claims, a done graph job's, any at shutdown or after a refused claim),
 * and the `started` marks of jobs running for a while. A batch the database refuses for what it holds
 * is written apart until the offending outcome stands alone (isolate-outcomes.ts).
 */
export class OutcomeRecorder {
  private readonly logger = new Logger('QueueJob');
  private pending: JobOutcomeRow[] = [];
  /** Jobs launched and not finished, not marked `started` yet (by id, oldest first). */
  private readonly startedMarks = new Map<string, StartedMark>();
  private startedFlush: NodeJS.Timeout | undefined;
  private readonly task = new SerialTask(() => this.record());

  /** `onWritten`: outcomes were written, so their slots are free (a claim of the channel manager counted them running). */
  constructor(private readonly store: JobStore, private readonly lockTimeoutMs: number, private readonly onWritten: () => void) {}

  add(...outcomes: JobOutcomeRow[]): void {
    this.pending.push(...outcomes);
    this.task.request();
  }

  /** A job began here: it is marked `started` if it still runs ~100 ms later. */
  launched(job: ClaimedJobRow): void {
    this.startedMarks.set(job.id, { id: job.id, leaseToken: job.lease_token, dateStarted: new Date() });
    this.armStartedFlush();
  }

  ended(jobId: string): void {
    this.startedMarks.delete(jobId);
  }

  stopMarking(): void {
    clearTimeout(this.startedFlush);
  }

  /** At shutdown: writes what is left, a few attempts at most. */
  async flush(): Promise<void> {
    for (let attempt = 0; attempt < 3 && (this.task.busy || this.pending.length > 0); attempt++) {
      this.task.request();
      await this.task.settled();
    }
  }

  warnLostLeases(outcomes: readonly JobOutcomeRow[], recorded: Set<string>): void {
    for (const outcome of outcomes) {
      if (!recorded.has(outcome.id)) this.logger.warn(`Job #${outcome.id}: outcome not recorded, its lease was lost (the job was requeued)`);
    }
  }

  private async record(): Promise<boolean> {
    const started = this.takeStartedMarks();
    const outcomes = this.pending.splice(0);
    if (outcomes.length === 0 && started.length === 0) {
      // Woken by the mark of a job that ended since, with a younger one not due yet: its flush is armed here.
      this.armStartedFlush();
      return false;
    }
    try {
      this.warnLostLeases(outcomes, await this.write(outcomes, started));
      if (outcomes.length > 0) this.onWritten();
      return true;
    } catch (error) {
      for (const mark of started) this.startedMarks.set(mark.id, mark);
      if (isStatementError(error) && outcomes.length > 0) {
        await this.writeApart(outcomes, error);
        return true;
      }
      // Nothing is lost: outcomes go back to the list and are written by the next successful run.
      this.pending.unshift(...outcomes);
      this.logger.error(`Recording job outcomes failed (${messageOf(error)}); retrying`);
      this.retryLater();
      return false;
    } finally {
      this.armStartedFlush();
    }
  }

  private write(outcomes: JobOutcomeRow[], started: StartedMark[] = []): Promise<Set<string>> {
    return retryMovedRows(() => this.store.withClient((client) => recordOutcomes(client, outcomes, started, this.lockTimeoutMs)));
  }

  /**
   * The database refused a batch of outcomes for what it holds: written again in parts until each
   * refused one stands alone; those jobs fail with the database's error, the others are recorded.
   */
  private async writeApart(outcomes: JobOutcomeRow[], error: unknown): Promise<void> {
    this.logger.error(`Recording ${outcomes.length} job outcome(s) refused by the database (${messageOf(error)}); writing them apart`);
    const { written, recorded, refused, unwritten } = await isolateOutcomes(outcomes, (batch) => this.write(batch));
    this.warnLostLeases(written, recorded);
    for (const { outcome, error: reason } of refused) await this.recordRefused(outcome, reason);
    if (unwritten.length > 0) {
      this.pending.unshift(...unwritten);
      this.retryLater();
    }
    this.onWritten();
  }

  /** A job whose outcome the database refuses fails with its error; if even that is refused, its lease runs out. */
  private async recordRefused(outcome: JobOutcomeRow, reason: unknown): Promise<void> {
    const failed = refusedOutcome(outcome, reason);
    this.logger.error(`Job #${outcome.id} (${outcome.uuid}): the database refused its outcome; recorded failed: ${failed.excMessage}`);
    try {
      this.warnLostLeases([failed], await this.write([failed]));
    } catch (error) {
      this.logger.error(`Job #${outcome.id} (${outcome.uuid}): not even its failure could be stored (${messageOf(error)}); it will be taken back when its lease expires`);
    }
  }

  private retryLater(): void {
    setTimeout(() => this.task.request(), ERROR_BACKOFF_MS).unref();
  }

  /** Long jobs show as `started` soon; short ones are usually done before the oldest mark is due. */
  private armStartedFlush(): void {
    const oldest = this.startedMarks.values().next();
    if (this.startedFlush || oldest.done) return;
    const delay = Math.max(0, oldest.value.dateStarted.getTime() + STARTED_FLUSH_MS - Date.now());
    this.startedFlush = setTimeout(() => {
      this.startedFlush = undefined;
      this.task.request();
    }, delay);
  }

  /** Marks of jobs running for a while: shorter ones will likely be done before it matters. */
  private takeStartedMarks(): StartedMark[] {
    const cutoff = Date.now() - STARTED_FLUSH_MS;
    const due: StartedMark[] = [];
    for (const mark of this.startedMarks.values()) if (mark.dateStarted.getTime() <= cutoff) due.push(mark);
    for (const mark of due) this.startedMarks.delete(mark.id);
    return due;
  }
}
