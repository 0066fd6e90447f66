import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { JobFunctionRegistry } from '../../discovery/job-function.registry.js';
import { FINISHED_STATES, JOB_STATES, type JobState } from '../../store/job-state.js';
import { JobStore } from '../../store/job-store.js';
import type { AdminJobFilter } from '../../store/sql/admin-job-filter.sql.js';
import { ADMIN_TABLE_ROWS_SQL, adminCountByStateSql, adminCountJobsSql, adminEstimateJobsSql } from '../../store/sql/admin-count-jobs.sql.js';
import { adminGroupJobsSql, type AdminJobGroup } from '../../store/sql/admin-group-jobs.sql.js';
import { ADMIN_JOB_FUNCTIONS_SQL } from '../../store/sql/admin-job-functions.sql.js';
import { adminListJobsSql, type AdminJobListRow } from '../../store/sql/admin-list-jobs.sql.js';
import { adminReadBeginSql, QUERY_CANCELED } from '../../store/sql/admin-read.sql.js';
import { queryTimedOut } from '../admin.messages.js';
import type {
  AdminCount, AdminJobFunction, AdminJobPage, AdminJobSummary,
} from './admin-api.types.js';
import type { JobsListQuery } from './jobs-query.js';

export type Query = <R>(text: string, params?: unknown[]) => Promise<R[]>;

/** Counts are exact up to this many rows, estimated above (a page view never counts the whole history). */
export const COUNT_CAP = 10_000;
const READ_TIMEOUT_MS = 10_000;
const MAX_GROUPS = 200;
/** From this many rows on (table statistics), a text search is not counted on finished jobs. */
export const LARGE_TABLE_ROWS = 100_000;

/** What the admin reads: pages of jobs, counts, groups, job functions (one job: AdminJobReader). */
@Injectable()
export class AdminQueries {
  private size = { rows: 0, at: 0 };

  constructor(private readonly store: JobStore, private readonly registry: JobFunctionRegistry) {}

  listJobs(q: JobsListQuery): Promise<AdminJobPage> {
    return this.read(async (query) => {
      const offset = (q.page - 1) * q.pageSize;
      const list = adminListJobsSql(q.filter, q.sort, q.descending, q.pageSize + 1, offset);
      const rows = await query<AdminJobListRow>(list.text, list.params);
      const hasMore = rows.length > q.pageSize;
      // A text search on a long history scans it: counting its matches would scan it a second time.
      const total: AdminCount = q.filter.search !== undefined && (await this.isLarge(query))
        ? { count: offset + rows.length, exact: !hasMore, ...(hasMore ? { atLeast: true } : {}) }
        : await this.countJobs(query, q.filter);
      return { jobs: rows.slice(0, q.pageSize).map(toSummary), page: q.page, pageSize: q.pageSize, hasMore, total };
    });
  }

  /**
   * Jobs per state under the filter (its states aside): the figures on the state chips, polled by
   * the pages. Exact up to the cap, estimated above; on a long history, finished states under a
   * text search are estimated at once (counting them would scan the history at every poll).
   */
  countByState(filter: AdminJobFilter): Promise<Record<JobState, AdminCount>> {
    return this.read(async (query) => {
      const estimated = filter.search !== undefined && (await this.isLarge(query)) ? FINISHED_STATES : [];
      const sql = adminCountByStateSql(filter, COUNT_CAP, JOB_STATES.filter((state) => !estimated.includes(state)));
      const rows = await query<{ state: JobState; n: number }>(sql.text, sql.params);
      const counts = {} as Record<JobState, AdminCount>;
      for (const state of JOB_STATES) {
        const n = rows.find((row) => row.state === state)?.n ?? COUNT_CAP;
        counts[state] = n < COUNT_CAP ? { count: n, exact: true } : await estimate(query, { ...filter, states: [state] }, n >= COUNT_CAP && !estimated.includes(state));
      }
      return counts;
    });
  }

  groupJobs(filter: AdminJobFilter, by: AdminJobGroup): Promise<Array<{ key: string | null; count: number }>> {
    return this.read(async (query) => {
      const sql = adminGroupJobsSql(filter, by, MAX_GROUPS);
      return (await query<{ key: string | null; n: number }>(sql.text, sql.params)).map((row) => ({ key: row.key, count: row.n }));
    });
  }

  /** Job function records, and the `@Delayable()` methods of this app that have none. */
  async jobFunctions(): Promise<AdminJobFunction[]> {
    type Row = { name: string; channel: string; retry_pattern: unknown; related_action: unknown; declared_by: string[] };
    const rows = await this.store.query<Row>(ADMIN_JOB_FUNCTIONS_SQL, []);
    const byName = new Map<string, AdminJobFunction>(rows.map((r) => [r.name, {
      name: r.name, channel: r.channel, retryPattern: r.retry_pattern, relatedAction: r.related_action,
      declaredBy: r.declared_by ?? [], registered: this.registry.get(r.name) !== undefined,
    }]));
    for (const fn of this.registry.all()) {
      if (byName.has(fn.name)) continue;
      byName.set(fn.name, {
        name: fn.name, channel: fn.channel, retryPattern: fn.retryPattern, relatedAction: fn.relatedAction,
        declaredBy: [fn.declarer], registered: true,
      });
    }
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Runs `fn` in a read-only transaction whose statements stop after the read timeout (then 503). */
  async read<T>(fn: (query: Query) => Promise<T>): Promise<T> {
    return this.store.withClient(async (client) => {
      await client.query(adminReadBeginSql(READ_TIMEOUT_MS));
      try {
        const result = await fn(async <R>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as R[]);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        if ((error as { code?: string }).code === QUERY_CANCELED) throw new ServiceUnavailableException(queryTimedOut(READ_TIMEOUT_MS / 1000));
        throw error;
      }
    });
  }

  private async countJobs(query: Query, filter: AdminJobFilter): Promise<AdminCount> {
    const sql = adminCountJobsSql(filter, COUNT_CAP);
    const [row] = await query<{ n: number }>(sql.text, sql.params);
    return row.n < COUNT_CAP ? { count: row.n, exact: true } : estimate(query, filter, true);
  }

  /** Whether the table holds a long history (from the statistics, read at most every 30 s). */
  private async isLarge(query: Query): Promise<boolean> {
    if (Date.now() - this.size.at > 30_000) {
      const [row] = await query<{ n: number }>(ADMIN_TABLE_ROWS_SQL);
      this.size = { rows: row?.n ?? 0, at: Date.now() };
    }
    return this.size.rows >= LARGE_TABLE_ROWS;
  }
}

/** The planner's row estimate for the filter; at least the cap when an exact count reached it. */
async function estimate(query: Query, filter: AdminJobFilter, reachedCap: boolean): Promise<AdminCount> {
  const sql = adminEstimateJobsSql(filter);
  const [row] = await query<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>(sql.text, sql.params);
  const planned = Math.round(row?.['QUERY PLAN']?.[0]?.Plan?.['Plan Rows'] ?? 0);
  return { count: reachedCap ? Math.max(COUNT_CAP, planned) : planned, exact: false };
}

function toSummary(r: AdminJobListRow): AdminJobSummary {
  return {
    uuid: r.uuid, graphUuid: r.graph_uuid, name: r.name, jobFunction: r.job_function, channel: r.channel, state: r.state as JobState,
    priority: r.priority, eta: r.eta, retry: r.retry, maxRetries: r.max_retries, dateCreated: r.date_created,
    dateStarted: r.date_started, dateDone: r.date_done, dateCancelled: r.date_cancelled, execTime: r.exec_time,
    excName: r.exc_name, excMessage: r.exc_message, noLiveWorker: r.no_live_worker,
    progress: r.progress, progressMessage: r.progress_message,
  };
}
