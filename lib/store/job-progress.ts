import type { Pool } from 'pg';
import { retryMovedRows } from './moved-rows.js';
import { WRITE_PROGRESS_SQL } from './sql/progress.sql.js';

/** A progress report as stored; both null to clear it. */
export interface StoredProgress {
  progress: number | null;
  message: string | null;
}

/**
 * Writes the progress of the attempt holding `leaseToken` on job `id`; false when that attempt no
 * longer holds the job (its write is fenced out). A prepared statement: a long job writes it often.
 */
export async function writeJobProgress(pool: Pool, id: string, leaseToken: string, value: StoredProgress): Promise<boolean> {
  const result = await retryMovedRows(() => pool.query({ name: 'qj_write_progress', text: WRITE_PROGRESS_SQL, values: [id, leaseToken, value.progress, value.message] }));
  return result.rowCount === 1;
}
