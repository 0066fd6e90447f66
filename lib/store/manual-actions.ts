import type { PoolClient } from 'pg';
import { IllegalJobTransitionError } from '../errors/illegal-job-transition.error.js';
import { JobNotFoundError } from '../errors/job-not-found.error.js';
import type { JobEvent } from '../hooks/job-event.js';
import type { QueueJobHooks } from '../hooks/queue-job-hooks.js';
import { inBoundedTransaction } from './bounded-transaction.js';
import { cancelDescendants, lockGraphTransitions, releaseChildren, sqlOfClient, type TouchedJob } from './graph-transitions.js';
import { MANUAL_ACTION_FROM, RUNNING_STATES, type ManualAction } from './job-state.js';
import type { JobStore } from './job-store.js';
import { LOCK_JOBS_NOWAIT_SQL, LOCK_JOBS_SQL, MANUAL_ACTION_SQL } from './sql/manual-actions.sql.js';
import { isUuid } from './uuid.js';
import { notifyRunners } from './notify-runners.js';
import { notifyCancelled } from './cancel-notices.js';
import { storableText } from './sql/json-text.js';
import { isMovedRow } from './moved-rows.js';

const RESULT_TEXT: Record<ManualAction, (who: string) => string> = {
  requeue: (who) => `Requeued by ${who}`,
  setDone: (who) => `Manually set to done by ${who}`,
  cancel: (who) => `Cancelled by ${who}`,
};

/**
 * Requeue, set done, cancel (SPEC §3) on one or many jobs, all or nothing: if any job is missing or
 * in a state the action does not accept, nothing changes and the error lists them. Setting done
 * releases waiting children; cancelling cancels them, recursively, and aborts the attempts of jobs
 * that were enqueued or started wherever they run. Returns every uuid changed.
 */
export async function applyManualAction(
  store: JobStore, hooks: QueueJobHooks, action: ManualAction, uuids: string[], who: string,
): Promise<string[]> {
  const bad = uuids.filter((uuid) => !isUuid(uuid));
  if (bad.length > 0) throw new JobNotFoundError(`Not a job uuid: ${bad.map((u) => JSON.stringify(u)).join(', ')}.`);
  const wanted = [...new Set(uuids.map((u) => u.toLowerCase()))];
  for (let attempt = 1; ; attempt++) {
    try {
      const changed = await store.withClient((client) => applyOnce(client, action, wanted, who, attempt < LOCK_ATTEMPTS, store.lockTimeoutMs));
      emitEvents(hooks, action, changed, who);
      return changed.map((job) => job.uuid);
    } catch (error) {
      const retried = (error as { code?: string }).code === LOCK_NOT_AVAILABLE || isMovedRow(error);
      if (!retried || attempt >= LOCK_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, LOCK_PAUSE_MS));
    }
  }
}

/**
 * Set done and cancel hold the claim lock before locking the rows, while a claim cycle writes the
 * outcomes of its jobs (locking their rows) before it asks for the claim lock: waiting for a row
 * here could close a deadlock. So the rows are locked with NOWAIT and the whole action retried
 * shortly (the cycle commits within milliseconds); only the last attempt waits.
 */
const LOCK_ATTEMPTS = 40;
const LOCK_PAUSE_MS = 25;
const LOCK_NOT_AVAILABLE = '55P03';

async function applyOnce(
  client: PoolClient, action: ManualAction, wanted: string[], who: string, nowait: boolean, lockTimeoutMs: number,
): Promise<TouchedJob[]> {
  const sql = sqlOfClient(client);
  return inBoundedTransaction(client, lockTimeoutMs, async () => {
    if (action !== 'requeue') await lockGraphTransitions(sql, lockTimeoutMs);
    const { rows } = await client.query<TouchedJob & { state: string }>(nowait ? LOCK_JOBS_NOWAIT_SQL : LOCK_JOBS_SQL, [wanted]);
    checkTransitions(action, wanted, rows);
    // The actor's name comes from the app's auth (a request's user): made storable like any user text.
    const result = storableText(RESULT_TEXT[action](who));
    await client.query(MANUAL_ACTION_SQL[action], [wanted, result]);
    const changed: TouchedJob[] = [...rows];
    if (action === 'setDone') await releaseChildren(sql, wanted);
    if (action === 'cancel') {
      // Jobs a runner holds: it aborts them (their outcome is fenced by the cleared lease either way).
      await notifyCancelled(sql, rows.filter((r) => (RUNNING_STATES as readonly string[]).includes(r.state)).map((r) => r.uuid));
      changed.push(...(await cancelDescendants(sql, wanted, result)));
    }
    // Any of these may unblock a channel (a failed job in a sequential channel, a freed slot): wake the runners.
    await notifyRunners(sql);
    return changed;
  });
}

const EVENT_OF: Record<ManualAction, JobEvent['name'] | null> = { requeue: null, setDone: 'job.done', cancel: 'job.cancelled' };

function emitEvents(hooks: QueueJobHooks, action: ManualAction, jobs: TouchedJob[], who: string): void {
  const name = EVENT_OF[action];
  if (!name) return;
  const at = new Date();
  for (const job of jobs) {
    hooks.emit({ name, uuid: job.uuid, jobFunction: job.job_function, channel: job.channel, retry: job.retry, maxRetries: job.max_retries, at, by: who, reason: 'manual' });
  }
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
