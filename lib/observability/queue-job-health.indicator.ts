import { Inject, Injectable } from '@nestjs/common';
import { QUEUE_JOB_RESOLVED_OPTIONS } from '../queue-job.constants.js';
import type { ResolvedQueueJobOptions } from '../queue-job.options.js';
import { JobRunner } from '../runner/job-runner.js';
import { JobStore } from '../store/job-store.js';
import { readOldestDueWait } from '../store/observability-reads.js';
import { QueueJobMetrics } from './queue-job-metrics.js';

export interface QueueJobHealthOptions {
  /** Down when the longest-waiting due pending job has waited more than this many seconds (default: only reported). */
  maxWaitSeconds?: number;
  /** Down when the database does not answer within this many milliseconds (default 3000). */
  timeoutMs?: number;
}

/** What the indicator reports under its key (`@nestjs/terminus`'s HealthIndicatorResult shape). */
export interface QueueJobHealth {
  status: 'up' | 'down';
  /** Why it is down. */
  message?: string;
  /** `running`, `stopped` (not started, or shutting down) or `disabled` (runner off in this instance). */
  runner: 'running' | 'stopped' | 'disabled';
  /** The runner's LISTEN connection is up (false when the runner is disabled). */
  listening: boolean;
  database: 'up' | 'down';
  /** Seconds the pending job that became due first has waited; null when none is due (or the database is down). */
  oldestDueWaitSeconds: number | null;
  /** Jobs of dead executors this instance requeued or failed (JobFoundDead) since it started. */
  deadJobRescues: number;
  /** Jobs running in this instance now. */
  runningHere: number;
}

const DEFAULT_TIMEOUT_MS = 3_000;

/**
 * A `@nestjs/terminus` health indicator, without depending on terminus: it resolves to the
 * `{ [key]: { status: 'up' | 'down', ...details } }` object terminus expects, so
 * `health.check([() => queueJobHealth.isHealthy('queue_job')])` works as is. Down when the database
 * does not answer, when the runner of this instance is stopped or has lost its LISTEN connection,
 * or when a due job has waited longer than `maxWaitSeconds`.
 */
@Injectable()
export class QueueJobHealthIndicator {
  constructor(
    private readonly runner: JobRunner,
    private readonly store: JobStore,
    private readonly metrics: QueueJobMetrics,
    @Inject(QUEUE_JOB_RESOLVED_OPTIONS) private readonly options: ResolvedQueueJobOptions,
  ) {}

  async isHealthy<const Key extends string = 'queue_job'>(
    key: Key = 'queue_job' as Key, options: QueueJobHealthOptions = {},
  ): Promise<Record<Key, QueueJobHealth>> {
    const problems: string[] = [];
    const enabled = this.options.runsJobs;
    const state = { active: this.runner.isActive, listening: this.runner.isListening };
    const runner = !enabled ? 'disabled' : state.active ? 'running' : 'stopped';
    if (runner === 'stopped') problems.push('the job runner of this instance is stopped');
    if (runner === 'running' && !state.listening) problems.push('the job runner has lost its LISTEN connection (reconnecting)');
    let database: QueueJobHealth['database'] = 'up';
    let oldestDueWaitSeconds: number | null = null;
    try {
      oldestDueWaitSeconds = await withTimeout(readOldestDueWait(this.store), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    } catch (error) {
      database = 'down';
      problems.push(`the database does not answer: ${(error as Error).message}`);
    }
    if (options.maxWaitSeconds !== undefined && oldestDueWaitSeconds !== null && oldestDueWaitSeconds > options.maxWaitSeconds) {
      problems.push(`a due job has waited ${Math.round(oldestDueWaitSeconds)} s (more than ${options.maxWaitSeconds} s)`);
    }
    const health: QueueJobHealth = {
      status: problems.length > 0 ? 'down' : 'up',
      ...(problems.length > 0 && { message: problems.join('; ') }),
      runner,
      listening: runner === 'running' && state.listening,
      database,
      oldestDueWaitSeconds,
      deadJobRescues: this.metrics.deadJobRescues,
      runningHere: this.runner.runningCount,
    };
    return { [key]: health } as Record<Key, QueueJobHealth>;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
