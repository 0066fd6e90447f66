import { IllegalJobTransitionError } from '../errors/illegal-job-transition.error.js';
import { JobNotFoundError } from '../errors/job-not-found.error.js';
import { cancelDescendants, lockGraphTransitions, releaseChildren, sqlOfClient } from './graph-transitions.js';
import { MANUAL_ACTION_FROM, type ManualAction } from './job-state.js';
import type { JobStore } from './job-store.js';
import { LOCK_JOBS_SQL, MANUAL_ACTION_SQL } from './sql/manual-actions.sql.js';
import { isUuid } from './uuid.js';

const RESULT_TEXT: Record<ManualAction, (who: string) => string> = {
  requeue: (who) => `Requeued by ${who}`,
  setDone: (who) => `Manually set to done by ${who}`,
  cancel: (who) => `Cancelled by ${who}`,
};

/**
 * Requeue, set done, cancel (SPEC §3) on one or many jobs, all or nothing: if any job is missing or
 * in a state the action does not accept, nothing changes and the error lists them. Setting done
 * releases waiting children; cancelling cancels them, recursively. Returns every uuid changed.
 */
export async function applyManualAction(store: JobStore, action: ManualAction, uuids: string[], who: string): Promise<string[]> {
  const bad = uuids.filter((uuid) => !isUuid(uuid));
  if (bad.length > 0) throw new JobNotFoundError(`Not a job uuid: ${bad.map((u) => JSON.stringify(u)).join(', ')}.`);
  const wanted = [...new Set(uuids.map((u) => u.toLowerCase()))];
  return store.withClient(async (client) => {
    const sql = sqlOfClient(client);
    await client.query('BEGIN');
    try {
      if (action !== 'requeue') await lockGraphTransitions(sql);
      const { rows } = await client.query<{ uuid: string; state: string }>(LOCK_JOBS_SQL, [wanted]);
      checkTransitions(action, wanted, rows);
      const result = RESULT_TEXT[action](who);
      await client.query(MANUAL_ACTION_SQL[action], [wanted, result]);
      const changed = [...wanted];
      if (action === 'setDone') await releaseChildren(sql, wanted);
      if (action === 'cancel') changed.push(...(await cancelDescendants(sql, wanted, result)));
      await client.query('COMMIT');
      return changed;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

function checkTransitions(action: ManualAction, wanted: string[], rows: Array<{ uuid: string; state: string }>): void {
  const found = new Map(rows.map((r) => [r.uuid, r.state]));
  const missing = wanted.filter((uuid) => !found.has(uuid));
  if (missing.length > 0) throw new JobNotFoundError(`No job with uuid ${missing.join(', ')}: nothing was changed.`);
  const allowed: readonly string[] = MANUAL_ACTION_FROM[action];
  const refused = rows.filter((r) => !allowed.includes(r.state));
  if (refused.length > 0) {
    const list = refused.map((r) => `${r.uuid} is ${r.state}`).join(', ');
    throw new IllegalJobTransitionError(
      `Cannot ${actionLabel(action)}: ${list}. Only jobs that are ${allowed.join(', ')} can be ${pastLabel(action)}; nothing was changed.`);
  }
}

const actionLabel = (action: ManualAction) => ({ requeue: 'requeue', setDone: 'set done', cancel: 'cancel' })[action];
const pastLabel = (action: ManualAction) => ({ requeue: 'requeued', setDone: 'set done', cancel: 'cancelled' })[action];
