import type { JobRunner } from '../runner/job-runner.js';

/** What the health check needs of the runner of this instance. */
export interface RunnerState {
  /** Started and not stopping. */
  active: boolean;
  /** Its LISTEN connection is up (LISTEN issued and the worker lock held). */
  listening: boolean;
}

/**
 * Read-only view of the runner's private state. JobRunner keeps `active` and its NotificationListener
 * private; this single function is where that coupling lives until it exposes them.
 */
export function runnerState(runner: JobRunner): RunnerState {
  const internals = runner as unknown as { active?: unknown; listener?: { listening?: unknown } };
  return { active: internals.active === true, listening: internals.listener?.listening === true };
}
