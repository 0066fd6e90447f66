import { DEFAULTS } from '../queue-job.constants.js';
import type { QueueJobModuleOptions, ResolvedQueueJobOptions, RunnerOptions } from '../queue-job.options.js';
import { invalidOption } from '../queue-job.messages.js';
import { contextOption } from '../context/context-options.js';
import { resolveObservabilityOptions } from '../observability/observability.options.js';

type Env = Record<string, string | undefined>;

const truthy = (value: string | undefined) => value !== undefined && !['', '0', 'false', 'no', 'off'].includes(value.toLowerCase());

/** Whether the environment switches delay off (`TEST_QUEUE_JOB_NO_DELAY=1` or `QUEUE_JOB_NO_DELAY=1`). */
export const noDelayFromEnv = (env: Env = process.env) => truthy(env.TEST_QUEUE_JOB_NO_DELAY) || truthy(env.QUEUE_JOB_NO_DELAY);

/** Applies the environment overrides (env wins over options) and the defaults, and validates the result. */
export function resolveOptions(options: QueueJobModuleOptions, env: Env = process.env): ResolvedQueueJobOptions {
  const runner: RunnerOptions = typeof options.runner === 'object' ? options.runner : { enabled: options.runner ?? true };
  const enabled = env.QUEUE_JOB_RUNNER !== undefined ? truthy(env.QUEUE_JOB_RUNNER) : (runner.enabled ?? true);
  const noDelay = noDelayFromEnv(env) || options.noDelay === true;
  return {
    channels: env.QUEUE_JOB_CHANNELS?.trim() || options.channels || DEFAULTS.channels,
    noDelay,
    runsJobs: enabled && !noDelay,
    migrationsRun: options.migrationsRun ?? true,
    strictChannels: options.strictChannels === true,
    lockTimeout: positiveInteger('lockTimeout', options.lockTimeout ?? DEFAULTS.lockTimeoutMs, 500, MAX_TIMER_MS),
    context: contextOption(options.context),
    observability: resolveObservabilityOptions(options.observability),
    autovacuum: options.autovacuum === false ? { interval: 0, batchSize: DEFAULTS.autovacuumBatchSize } : {
      interval: positiveInteger('autovacuum.interval', options.autovacuum?.interval ?? DEFAULTS.autovacuumIntervalMs, 1, MAX_TIMER_MS),
      batchSize: positiveInteger('autovacuum.batchSize', options.autovacuum?.batchSize ?? DEFAULTS.autovacuumBatchSize),
    },
    runner: {
      enabled,
      concurrency: positiveInteger('runner.concurrency', runner.concurrency ?? DEFAULTS.concurrency),
      pollInterval: positiveInteger('runner.pollInterval', runner.pollInterval ?? DEFAULTS.pollIntervalMs, 1, MAX_TIMER_MS),
      shutdownTimeout: positiveInteger('runner.shutdownTimeout', runner.shutdownTimeout ?? DEFAULTS.shutdownTimeoutMs, 0, MAX_TIMER_MS),
      leaseSeconds: positiveInteger('runner.leaseSeconds', runner.leaseSeconds ?? DEFAULTS.leaseSeconds),
      // In seconds; the timer waits it in milliseconds.
      jobTimeout: positiveInteger('runner.jobTimeout', runner.jobTimeout ?? 0, 0, Math.floor(MAX_TIMER_MS / 1000)),
      unknownFunctionGrace: positiveInteger('runner.unknownFunctionGrace', runner.unknownFunctionGrace ?? DEFAULTS.unknownFunctionGraceSeconds),
    },
  };
}

/** Node runs a timer of more than 2^31 - 1 ms (~24.8 days) after 1 ms: such a value is refused, not obeyed wrongly. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function positiveInteger(name: string, value: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(invalidOption(name, value, max === Number.MAX_SAFE_INTEGER ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`));
  }
  return value;
}
