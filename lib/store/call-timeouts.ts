import type { Pool } from 'pg';
import { CALL_TIMEOUTS_SQL } from './sql/call-timeouts.sql.js';

/**
 * The seconds each call allowed its job (`withDelay(x, { timeout })`), by job id; jobs without one
 * are left out. Read apart from the claim, whose functions stay as they are (see migration
 * 1764404300000), by primary key.
 */
export async function readCallTimeouts(pool: Pool, ids: string[]): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ id: string; timeout: number }>({ name: 'qj_call_timeouts', text: CALL_TIMEOUTS_SQL, values: [ids] });
  return new Map(rows.map((row) => [row.id, row.timeout]));
}
