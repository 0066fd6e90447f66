import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { messageOf } from '../errors/describe-thrown.js';
import { copyColumns, copySql, copyText, fitsColumns } from './sql/copy-jobs.sql.js';
import type { NewJobRow } from './sql/insert-jobs.sql.js';
import type { JobColumn } from './sql/job-columns.js';

/**
 * Data the stream holds before `write` waits: the first batches are prepared while the COPY's
 * go-ahead is on its way, and a database slower than the process holds back the process.
 */
const BUFFERED_BYTES = 256 * 1024;

/**
 * Rows one COPY takes before the stream starts another: each statement stays well under an app's
 * `statement_timeout` (50,000 rows take ~0.5 s here), whatever the size of the call.
 */
export const ROWS_PER_COPY = 50_000;

/**
 * The rows of a large bulk call, streamed into one COPY as the process prepares them: the database
 * inserts the first rows while the process prepares the next, instead of each waiting for the other
 * at every chunk. Rows that need a column the COPY under way left out (an eta that only later calls
 * have…), or that would take it past ROWS_PER_COPY rows, end it and start another on the same
 * connection. Used inside the call's own transaction: rows that `abort` cancels, or that a later
 * statement's failure rolls back, are not kept.
 */
export class JobsCopyStream {
  private columns: readonly JobColumn[] = [];
  private stream: Writable | undefined;
  private readonly statements: Array<Promise<void>> = [];
  private failure: unknown;
  /** Rows sent into the COPY under way, and when it started (ms). */
  private rowsInCopy = 0;
  private copyStartedAt = 0;
  private readonly rowsPerCopy: number;
  private readonly maxCopyMs: number;

  private firstStatement: string | undefined;

  /**
   * `maxCopyMs`: a COPY older than this is ended before the next rows, so that a `statement_timeout`
   * of twice as long cancels only a COPY whose process stopped sending (paused, or blocked in user code).
   * `firstStatement`: sent ahead of the first COPY, in its query string, without a round trip of its
   * own (inCopyTransaction's BEGIN and `statement_timeout`); by `end()` if no COPY came.
   */
  constructor(private readonly client: ClientBase, limits: { rowsPerCopy?: number; maxCopyMs?: number; firstStatement?: string } = {}) {
    this.rowsPerCopy = limits.rowsPerCopy ?? ROWS_PER_COPY;
    this.maxCopyMs = limits.maxCopyMs ?? Number.POSITIVE_INFINITY;
    this.firstStatement = limits.firstStatement;
  }

  /** Sends `rows`; resolves once the stream can take more (its buffer is bounded, whatever the call's size). */
  async write(rows: readonly NewJobRow[]): Promise<void> {
    if (this.failure !== undefined) throw this.failure; // a COPY failed: the call stops here
    if (rows.length === 0) return;
    if (this.needsAnotherCopy(rows)) this.startCopy(copyColumns(rows));
    this.rowsInCopy += rows.length;
    if (!this.stream!.write(copyText(this.columns, rows))) await this.drained(this.stream!);
  }

  /**
   * Ends the COPY under way and resolves once the database has every row (the next `write` starts
   * another COPY: call it before another statement on this connection), and `firstStatement` has run;
   * rejects with the database's error if a COPY failed.
   */
  async end(): Promise<void> {
    this.stream?.end();
    this.stream = undefined;
    await Promise.all(this.statements);
    if (this.firstStatement === undefined) return;
    const first = this.firstStatement; // no COPY took it: it runs before the caller's next statement
    this.firstStatement = undefined;
    await this.client.query(first);
  }

  /**
   * Cancels the COPY under way (CopyFail: the database keeps none of it) and waits for the database's
   * answer. `reason` is whatever stopped the call (user code may throw anything): only its message,
   * read safely, goes to the database.
   */
  async abort(reason: unknown): Promise<void> {
    this.stream?.destroy(new Error(messageOf(reason)));
    this.stream = undefined;
    await Promise.allSettled(this.statements);
  }

  private needsAnotherCopy(rows: readonly NewJobRow[]): boolean {
    return !this.stream || !fitsColumns(this.columns, rows) || this.rowsInCopy + rows.length > this.rowsPerCopy
      || Date.now() - this.copyStartedAt > this.maxCopyMs;
  }

  private startCopy(columns: readonly JobColumn[]): void {
    this.stream?.end();
    this.columns = columns;
    this.rowsInCopy = 0;
    this.copyStartedAt = Date.now();
    const sql = this.firstStatement ? `${this.firstStatement}; ${copySql(columns)}` : copySql(columns);
    this.firstStatement = undefined;
    const stream = this.client.query(copyFrom(sql, { highWaterMark: BUFFERED_BYTES }));
    const statement = finished(stream);
    statement.catch((error: unknown) => (this.failure ??= error)); // thrown by the next write or end
    this.statements.push(statement);
    this.stream = stream;
  }

  /** The stream's buffer was emptied, or the COPY failed (its error surfaces in `end`). */
  private async drained(stream: Writable): Promise<void> {
    await Promise.race([once(stream, 'drain'), this.statements.at(-1)]).catch(() => undefined);
  }
}
