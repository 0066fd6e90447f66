import { Injectable, NotFoundException } from '@nestjs/common';
import { JobFunctionRegistry } from '../../discovery/job-function.registry.js';
import { MANUAL_ACTION_FROM, type JobState } from '../../store/job-state.js';
import { ADMIN_JOB_DETAIL_SQL, ADMIN_LARGE_FIELDS, adminJobFieldSql, type AdminLargeField } from '../../store/sql/admin-job-detail.sql.js';
import { ADMIN_JOB_FUNCTION_SQL } from '../../store/sql/admin-job-functions.sql.js';
import { ADMIN_JOB_GRAPH_SQL } from '../../store/sql/admin-job-graph.sql.js';
import { ADMIN_JOB_STATE_SQL } from '../../store/sql/admin-job-state.sql.js';
import { NO_LIVE_WORKER_SQL } from '../../store/sql/fleet.sql.js';
import * as m from '../admin.messages.js';
import type { AdminJobDetail, AdminJobGraph, AdminJobState, AdminJobView } from './admin-api.types.js';
import { AdminQueries, type Query } from './admin-queries.service.js';

/**
 * Characters of each large field in a job's detail: enough for any ordinary call, result or stack,
 * while a 50 MB value costs the page 64 KB; the rest is one request away (`field`).
 */
export const FIELD_LIMIT = 64 * 1024;
const MAX_GRAPH_NODES = 500;

type DetailRow = AdminJobView & { hasRecords: boolean } & Record<`${AdminLargeField}:text`, string | null> &
  Record<`${AdminLargeField}:length`, number | null>;

/** One job as the admin reads it: its page (large fields cut), its light state for polling, one whole field. */
@Injectable()
export class AdminJobReader {
  constructor(private readonly queries: AdminQueries, private readonly registry: JobFunctionRegistry) {}

  async detail(uuid: string, readOnly: boolean): Promise<AdminJobDetail> {
    return this.queries.read(async (query) => {
      const [row] = await query<DetailRow>(ADMIN_JOB_DETAIL_SQL, [uuid, FIELD_LIMIT]);
      if (!row) throw new NotFoundException(m.jobNotFound(uuid));
      const { job, fields } = splitLargeFields(row);
      const fn = this.registry.get(job.jobFunction);
      const [record] = await query<{ channel: string; retry_pattern: unknown; related_action: unknown }>(ADMIN_JOB_FUNCTION_SQL, [job.jobFunction]);
      const relatedAction = (fn?.relatedAction ?? record?.related_action ?? null) as { enable?: boolean; funcName?: string } | null;
      const allowed = (action: keyof typeof MANUAL_ACTION_FROM) => !readOnly && (MANUAL_ACTION_FROM[action] as readonly string[]).includes(job.state);
      return {
        job,
        fields,
        jobFunction: fn || record ? {
          channel: fn?.channel ?? record!.channel,
          retryPattern: fn?.retryPattern ?? record?.retry_pattern ?? null,
          relatedAction,
          registered: fn !== undefined,
        } : null,
        actions: {
          requeue: allowed('requeue'), setDone: allowed('setDone'), cancel: allowed('cancel'),
          related: relatedAction?.enable !== false && (Boolean(relatedAction?.funcName) || row.hasRecords),
        },
        graph: job.graphUuid ? await graphOf(query, job.graphUuid) : null,
        noLiveWorker: (await query<{ no_live_worker: boolean }>(NO_LIVE_WORKER_SQL, [job.state, job.jobFunction]))[0].no_live_worker,
      };
    });
  }

  async state(uuid: string): Promise<AdminJobState> {
    const [row] = await this.queries.read((query) => query<AdminJobState>(ADMIN_JOB_STATE_SQL, [uuid]));
    if (!row) throw new NotFoundException(m.jobNotFound(uuid));
    return row;
  }

  /** The whole text of one large field (JSON as PostgreSQL writes it). */
  async field(uuid: string, field: string): Promise<string> {
    if (!Object.hasOwn(ADMIN_LARGE_FIELDS, field)) throw new NotFoundException(m.unknownField(field, Object.keys(ADMIN_LARGE_FIELDS)));
    const [row] = await this.queries.read((query) => query<{ text: string | null }>(adminJobFieldSql(field as AdminLargeField), [uuid]));
    if (!row) throw new NotFoundException(m.jobNotFound(uuid));
    if (row.text === null) throw new NotFoundException(m.emptyField(uuid, field));
    return row.text;
  }
}

/** The small columns as the job, the large ones as excerpts: `{ text, length, truncated }`, null when the column is. */
function splitLargeFields(row: DetailRow): Pick<AdminJobDetail, 'job' | 'fields'> {
  const job: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (!key.includes(':') && key !== 'hasRecords') job[key] = value;
  const fields = {} as AdminJobDetail['fields'];
  for (const name of Object.keys(ADMIN_LARGE_FIELDS) as AdminLargeField[]) {
    const text = row[`${name}:text`];
    const length = row[`${name}:length`];
    fields[name] = text === null || length === null ? null : { text, length, truncated: length > text.length };
  }
  return { job: job as unknown as AdminJobView, fields };
}

/** The dependency graph of a job's graph, for drawing: the first 500 jobs, edges from parent to child. */
async function graphOf(query: Query, graphUuid: string): Promise<AdminJobGraph> {
  type Row = { uuid: string; name: string; job_function: string; method_name: string; state: JobState; dependencies: { depends_on?: unknown } | null };
  const rows = await query<Row>(ADMIN_JOB_GRAPH_SQL, [graphUuid, MAX_GRAPH_NODES + 1]);
  const nodes = rows.slice(0, MAX_GRAPH_NODES);
  const present = new Set(nodes.map((n) => n.uuid));
  // `dependencies` is whatever the row holds: only a list of uuids draws edges.
  const parentsOf = (n: Row) => (Array.isArray(n.dependencies?.depends_on) ? (n.dependencies.depends_on as unknown[]) : []);
  const edges = nodes.flatMap((n) => parentsOf(n).filter((p) => present.has(p as string)).map((p) => ({ from: p as string, to: n.uuid })));
  return {
    graphUuid,
    nodes: nodes.map((n) => ({ uuid: n.uuid, name: n.name, jobFunction: n.job_function, methodName: n.method_name, state: n.state })),
    edges,
    truncated: rows.length > MAX_GRAPH_NODES,
  };
}
