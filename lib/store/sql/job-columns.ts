import type { NewJobRow } from './insert-jobs.sql.js';

/** What a column's values are, which decides how they are written (as JSON, or in COPY's text format). */
export type ColumnKind = 'text' | 'json' | 'number' | 'date';

/** One column of a new job row: its name, its SQL type, its value in a row. */
export interface JobColumn {
  key: string;
  sqlType: string;
  kind: ColumnKind;
  value: (row: NewJobRow) => string | number | Date | null;
  /**
   * The value (as a NewJobRow holds it) that the column's DEFAULT stores, when there is one to rely
   * on: a COPY in which every row has it leaves the column out. Undefined: the column is always sent.
   */
  byDefault?: string | null;
}

/** The columns a new job is written with, in the order of the INSERT and of the COPY. */
export const JOB_COLUMNS: readonly JobColumn[] = [
  { key: 'uuid', sqlType: 'uuid', kind: 'text', value: (r) => r.uuid },
  { key: 'graph_uuid', sqlType: 'uuid', kind: 'text', value: (r) => r.graphUuid, byDefault: null },
  { key: 'name', sqlType: 'text', kind: 'text', value: (r) => r.name },
  { key: 'job_function', sqlType: 'text', kind: 'text', value: (r) => r.jobFunction },
  { key: 'service_name', sqlType: 'text', kind: 'text', value: (r) => r.serviceName },
  { key: 'method_name', sqlType: 'text', kind: 'text', value: (r) => r.methodName },
  { key: 'func_string', sqlType: 'text', kind: 'text', value: (r) => r.funcString },
  { key: 'args', sqlType: 'jsonb', kind: 'json', value: (r) => r.args },
  { key: 'records', sqlType: 'jsonb', kind: 'json', value: (r) => r.records, byDefault: '[]' },
  { key: 'dependencies', sqlType: 'jsonb', kind: 'json', value: (r) => r.dependencies, byDefault: null },
  { key: 'state', sqlType: 'text', kind: 'text', value: (r) => r.state },
  { key: 'priority', sqlType: 'int', kind: 'number', value: (r) => r.priority },
  { key: 'eta', sqlType: 'timestamptz', kind: 'date', value: (r) => r.eta, byDefault: null },
  { key: 'max_retries', sqlType: 'int', kind: 'number', value: (r) => r.maxRetries },
  { key: 'channel', sqlType: 'text', kind: 'text', value: (r) => r.channel },
  { key: 'identity_key', sqlType: 'text', kind: 'text', value: (r) => r.identityKey, byDefault: null },
  { key: 'context', sqlType: 'jsonb', kind: 'json', value: (r) => r.context, byDefault: null },
  { key: 'user_id', sqlType: 'text', kind: 'text', value: (r) => r.userId, byDefault: null },
  { key: 'trace_context', sqlType: 'jsonb', kind: 'json', value: (r) => r.traceContext, byDefault: null },
  { key: 'timeout', sqlType: 'int', kind: 'number', value: (r) => r.timeout, byDefault: null },
];

/** The `dependencies` of a job that has none. */
export const NO_DEPENDENCIES = '{"depends_on": [], "reverse_depends_on": []}';

/**
 * The columns in which every row has the same value (dates compared by time), sent once for all the
 * rows of a statement; never `uuid`, which no two jobs share even when there is one row.
 */
export function sharedColumns(rows: readonly NewJobRow[]): Set<JobColumn> {
  return new Set(JOB_COLUMNS.filter((column) => column.key !== 'uuid' && sharedByAll(rows, column)));
}

function sharedByAll(rows: readonly NewJobRow[], column: JobColumn): boolean {
  const first = column.value(rows[0]);
  if (first instanceof Date) return rows.every((r) => (column.value(r) as Date | null)?.getTime() === first.getTime());
  return rows.every((r) => column.value(r) === first);
}
