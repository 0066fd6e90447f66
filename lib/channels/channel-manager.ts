import { JobState, RUNNING_STATES } from '../store/job-state.js';
import type { CandidateJob } from './channel-job.js';
import { ChannelTree } from './channel-tree.js';
import { type DispatchSnapshot, selectJobsToStart } from './dispatch.js';

/** A job as the ChannelManager tracks it. */
export interface ManagedJob extends CandidateJob {
  state: JobState;
}

/**
 * Channel dispatch over a sequence of job events, held in memory: the pure model of the runner,
 * used to check the golden scenarios. The runner itself reads a snapshot from the database instead.
 */
export class ChannelManager {
  private readonly tree: ChannelTree;
  private readonly jobs = new Map<string, ManagedJob>();
  private readonly lastStart = new Map<string, number>();
  private readonly recentStarts = new Map<string, number[]>();
  private wakeup: number | null = null;

  /** A ChannelTree, or a channels configuration string (throws ChannelConfigError). */
  constructor(config: ChannelTree | string) {
    this.tree = typeof config === 'string' ? ChannelTree.parse(config) : config;
  }

  /** Adds a job or updates it (state, priority, eta...). */
  upsert(job: ManagedJob): void {
    this.jobs.set(job.id, { ...job });
  }

  /** Forgets a job; unknown ids are ignored. */
  remove(id: string): void {
    this.jobs.delete(id);
  }

  /** Ids of the jobs to start at `now`; they become `enqueued` here. */
  getJobsToRun(now: number): string[] {
    const decision = selectJobsToStart(this.tree, this.snapshot(), now);
    for (const { id } of decision.start) {
      const job = this.jobs.get(id);
      if (job !== undefined) this.jobs.set(id, { ...job, state: JobState.Enqueued });
    }
    for (const [channel, time] of decision.lastStart) this.lastStart.set(channel, time);
    for (const [channel, starts] of decision.recentStarts) this.recentStarts.set(channel, starts);
    this.wakeup = decision.nextWakeup;
    return decision.start.map((job) => job.id);
  }

  /** When calling getJobsToRun again could start something without any job event, as of its last call; or null. */
  nextWakeup(): number | null {
    return this.wakeup;
  }

  private snapshot(): DispatchSnapshot {
    const running = new Map<string, number>();
    const failedChannels = new Set<string>();
    const pending: ManagedJob[] = [];
    for (const job of this.jobs.values()) {
      if (RUNNING_STATES.includes(job.state)) running.set(job.channel, (running.get(job.channel) ?? 0) + 1);
      else if (job.state === JobState.Failed) failedChannels.add(job.channel);
      else if (job.state === JobState.Pending) pending.push(job);
    }
    return { running, pending, failedChannels, lastStart: this.lastStart, recentStarts: this.recentStarts };
  }
}
