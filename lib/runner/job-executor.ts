import { Inject, Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { DataSource, QueryRunner } from 'typeorm';
import { JobFunctionRegistry } from '../discovery/job-function.registry.js';
import type { JsonValue } from '../enqueue/argument-serializer.js';
import { TypeOrmEntities } from '../enqueue/typeorm-entities.js';
import { QUEUE_JOB_DATA_SOURCE, QUEUE_JOB_RESOLVED_OPTIONS } from '../queue-job.constants.js';
import type { ResolvedQueueJobOptions } from '../queue-job.options.js';
import { progressNotStored, unknownJobFunction } from '../queue-job.messages.js';
import type { ClaimedJobRow } from '../store/claim-cycle.js';
import { sqlOfRunner } from '../store/graph-transitions.js';
import { writeOutcomesInTransaction } from '../store/record-outcomes.js';
import type { JobOutcomeRow } from '../store/sql/record-outcomes.sql.js';
import { jobArguments } from './job-arguments.js';
import { runInJobContext, type JobContext } from './job-context.js';
import type { ExecutingJob, JobEvent } from '../hooks/job-event.js';
import { QueueJobHooks } from '../hooks/queue-job-hooks.js';
import { doneOutcome, errorOutcome, type AttemptInfo, type AttemptOutcome } from './job-outcome.js';
import type { RetryPattern } from './retry-pattern.js';
import { messageOf } from '../errors/describe-thrown.js';
import { abandonTransaction, AttemptAbort } from './job-abort.js';
import { JobStore } from '../store/job-store.js';
import { writeJobProgress, type StoredProgress } from '../store/job-progress.js';
import { AttemptProgress } from './attempt-progress.js';
import { progressReport } from './progress-report.js';
import { JobCancelledError } from '../errors/job-cancelled.error.js';

/**
 * The row to write for one execution; `written` when nothing is left to write: committed with the
 * job's own transaction, or the job was cancelled while it ran (the cancel wrote its row).
 */
export interface ExecutionResult {
  row: JobOutcomeRow;
  written: boolean;
}

/**
 * Runs one claimed job in this process: only a registered `@Delayable()` method can run, whatever
 * the row says; arguments are decoded (records loaded again) and the method runs in the job context.
 */
@Injectable()
export class JobExecutor {
  private readonly logger = new Logger('QueueJob');
  private readonly entities: TypeOrmEntities;

  constructor(
    private readonly registry: JobFunctionRegistry,
    private readonly hooks: QueueJobHooks,
    private readonly store: JobStore,
    @Inject(QUEUE_JOB_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(QUEUE_JOB_RESOLVED_OPTIONS) private readonly options: ResolvedQueueJobOptions,
  ) {
    this.entities = new TypeOrmEntities(dataSource);
  }

  /**
   * `emit` delivers the job's lifecycle events, each given as a function that makes it (its time
   * already taken), so that a caller delivering them later also makes them later: by default, to the
   * hooks' listeners at once. When `abort` aborts (the job timed out or was cancelled), the attempt
   * ends at once with its reason as the error, and the job's own transaction is abandoned (rolled
   * back); a cancelled job's attempt has no outcome and no event of its own (the cancel emitted `job.cancelled`).
   */
  async execute(
    job: ClaimedJobRow, emit: (event: () => JobEvent) => void = (make) => this.hooks.emit(make()), abort = new AttemptAbort(),
  ): Promise<ExecutionResult> {
    const dateStarted = new Date();
    const started = performance.now();
    const fn = this.registry.get(job.job_function);
    let transaction: QueryRunner | undefined;
    let outcome: AttemptOutcome;
    // Made at the job's first report; null once the attempt is over (later reports are dropped).
    let progress: AttemptProgress | undefined | null;
    try {
      if (!fn) throw Object.assign(new Error(unknownJobFunction(job.job_function)), { name: 'UnknownJobFunction' });
      const args = await jobArguments(job.args as JsonValue[], this.entities, fn);
      // Timed out while its records loaded: the method does not start.
      abort.throwIfAborted();
      const context = this.context(job, abort, async () => {
        const opened = (transaction ??= await this.openTransaction());
        // Opened or asked for after a timeout: the attempt is over, nothing more may go through it.
        if (abort.aborted) abandonTransaction(opened);
        abort.throwIfAborted();
        return opened.manager;
      }, (fraction, message) => {
        const report = progressReport(fraction, message);
        if (progress !== null) (progress ??= this.progressOf(job, emit)).report(report);
      });
      emit(() => ({ ...eventBase(job, 'job.started', dateStarted), waitSeconds: waitSeconds(job, dateStarted) }));
      const run = () => Promise.resolve(fn.method.apply(fn.instance, args));
      outcome = doneOutcome(await abort.race(runInJobContext(context, () => this.hooks.execute(executingJob(job), run))));
    } catch (error) {
      outcome = errorOutcome(error, attemptOf(job, fn?.retryPattern ?? null));
    }
    const row = toOutcomeRow(job, outcome, dateStarted, (performance.now() - started) / 1000);
    // Its last report is written before its outcome, which ends the lease that fences progress writes.
    const reported = progress;
    progress = null;
    if (reported) await reported.end(row.state);
    const aborted = abort.aborted;
    if (aborted && transaction) abandonTransaction(transaction);
    // Read now: a cancel landing later (while the job's transaction commits) is settled by the fenced write.
    if (abort.reason instanceof JobCancelledError) return { row, written: true };
    const written = transaction && !aborted ? await this.finishTransaction(transaction, row, attemptOf(job, fn?.retryPattern ?? null)) : false;
    // A done whose commit failed is a retry now: its next attempt starts without progress.
    if (reported) await reported.end(row.state);
    // Logged (one line per transition) by the observability JobTransitionLog, from this event.
    const at = new Date();
    emit(() => outcomeEvent(job, row, at));
    return { row, written };
  }

  private context(job: ClaimedJobRow, abort: AttemptAbort, manager: JobContext['manager'], progress: JobContext['progress']): JobContext {
    return {
      uuid: job.uuid, jobFunction: job.job_function, channel: job.channel, retry: job.retry, maxRetries: job.max_retries, manager, progress,
      get signal() {
        return abort.signal;
      },
    };
  }

  /** The progress of this attempt of `job`, written fenced by its lease token; each stored report is a `job.progress` event. */
  private progressOf(job: ClaimedJobRow, emit: (event: () => JobEvent) => void): AttemptProgress {
    return new AttemptProgress(
      (value) => writeJobProgress(this.store.pool, job.id, job.lease_token, value),
      (value: StoredProgress) => {
        const at = new Date();
        emit(() => ({ ...eventBase(job, 'job.progress', at), progress: value.progress!, progressMessage: value.message }));
      },
      (error) => this.logger.warn(progressNotStored(job.uuid, job.job_function, messageOf(error))),
    );
  }

  private async openTransaction(): Promise<QueryRunner> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    return runner;
  }

  /**
   * A done job commits its work and its `done` record together; if the lease was lost meanwhile (the
   * job was rescued), both are rolled back. Any other outcome rolls the work back and is batched.
   */
  private async finishTransaction(transaction: QueryRunner, row: JobOutcomeRow, attempt: AttemptInfo): Promise<boolean> {
    try {
      if (row.state !== 'done') {
        await transaction.rollbackTransaction();
        return false;
      }
      const written = await writeOutcomesInTransaction(sqlOfRunner(transaction), [row], this.options.lockTimeout);
      if (written.size === 1) {
        await transaction.commitTransaction();
      } else {
        await transaction.rollbackTransaction();
        // Says so, as the batched path does: the job's work is gone, the rescuer's run is the one that counts.
        this.logger.warn(`Job #${row.id}: outcome not recorded, its lease was lost (the job was requeued); its transaction was rolled back`);
      }
      return true;
    } catch (error) {
      await transaction.rollbackTransaction().catch(() => undefined);
      this.logger.error(`Job ${row.id}: its transaction could not be committed: ${messageOf(error)}`);
      // The job's work is gone with the transaction: a lost connection (a database restart, a session
      // ended by a timeout) is retried like a concurrency error; any other refusal fails the job.
      setOutcome(row, errorOutcome(error, attempt));
      return false;
    } finally {
      await transaction.release();
    }
  }
}

function eventBase(job: ClaimedJobRow, name: JobEvent['name'], at: Date): JobEvent {
  return { name, uuid: job.uuid, jobFunction: job.job_function, channel: job.channel, retry: job.retry, maxRetries: job.max_retries, at };
}

/** Seconds the job waited since it became due (its eta, or its creation). */
function waitSeconds(job: ClaimedJobRow, start: Date): number {
  const due = Math.max(new Date(job.date_created).getTime(), job.eta ? new Date(job.eta).getTime() : 0);
  return Math.max(0, (start.getTime() - due) / 1000);
}

function executingJob(job: ClaimedJobRow): ExecutingJob {
  return {
    uuid: job.uuid, jobFunction: job.job_function, channel: job.channel, retry: job.retry, maxRetries: job.max_retries,
    context: job.context, userId: job.user_id, traceContext: job.trace_context,
  };
}

function outcomeEvent(job: ClaimedJobRow, row: JobOutcomeRow, at: Date): JobEvent {
  const base = { ...eventBase(job, 'job.done', at), execTime: row.execTime };
  if (row.state === 'done') return { ...base, result: row.result === null ? null : JSON.parse(row.result) };
  if (row.state === 'pending') return { ...base, name: 'job.retrying', retryEta: row.eta ?? undefined, excMessage: JSON.parse(row.result ?? 'null') };
  return { ...base, name: 'job.failed', excName: row.excName ?? undefined, excMessage: row.excMessage ?? undefined };
}

function attemptOf(job: ClaimedJobRow, retryPattern: RetryPattern | null): AttemptInfo {
  return { retry: job.retry, maxRetries: job.max_retries, retryPattern };
}

function toOutcomeRow(job: ClaimedJobRow, outcome: AttemptOutcome, dateStarted: Date, execTime: number): JobOutcomeRow {
  const row: JobOutcomeRow = {
    id: job.id, uuid: job.uuid, inGraph: job.graph_uuid !== null, leaseToken: job.lease_token, state: outcome.state, result: null, excName: null, excMessage: null,
    excInfo: null, eta: null, retryDelta: 0, dateStarted, dateDone: null, execTime,
  };
  return setOutcome(row, outcome);
}

/** Sets the columns that depend on how the attempt ended (in place: the row is on the claim's path). */
function setOutcome(row: JobOutcomeRow, outcome: AttemptOutcome): JobOutcomeRow {
  row.state = outcome.state;
  row.result = row.excName = row.excMessage = row.excInfo = row.eta = row.dateDone = null;
  row.retryDelta = 0;
  if (outcome.state === 'done') {
    row.result = outcome.result;
    row.dateDone = new Date();
  } else if (outcome.state === 'failed') {
    row.excName = outcome.excName;
    row.excMessage = outcome.excMessage;
    row.excInfo = outcome.excInfo;
  } else {
    row.result = JSON.stringify(outcome.result);
    row.eta = new Date(Date.now() + outcome.delaySeconds * 1000);
    row.retryDelta = outcome.countsAsRetry ? 0 : -1;
    if (outcome.exc) {
      row.excName = outcome.exc.excName;
      row.excMessage = outcome.exc.excMessage;
      row.excInfo = outcome.exc.excInfo;
    }
  }
  return row;
}
