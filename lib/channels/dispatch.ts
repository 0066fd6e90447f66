import type { ChannelConfig } from './channel-config.js';
import { type CandidateJob, compareJobs, earliest, queueWakeup, startableJobs } from './channel-job.js';
import type { ChannelTree } from './channel-tree.js';
import { RateWindows } from './rate-limit.js';

export type { CandidateJob } from './channel-job.js';

/** What the runner read from the database (or the ChannelManager holds) at one dispatch. */
export interface DispatchSnapshot {
  /** Job channel name (as stored) -> number of its jobs enqueued or started. */
  running: ReadonlyMap<string, number>;
  /** Pending jobs: the due heads of each queue, and for sequential channels their head even when not due. */
  pending: readonly CandidateJob[];
  /** Job channel names (as stored) that hold at least one failed job. */
  failedChannels: ReadonlySet<string>;
  /** Configured channel name -> time (seconds) of its last start, for throttled channels. */
  lastStart: ReadonlyMap<string, number>;
  /** Configured channel name -> times (seconds) of its recent starts, for rate-limited channels. */
  recentStarts?: ReadonlyMap<string, readonly number[]>;
}

/** Which jobs start now, and when to look again. */
export interface DispatchDecision {
  /** Jobs to start now, in start order. */
  start: CandidateJob[];
  /** Throttled configured channels that started a job now -> now. */
  lastStart: Map<string, number>;
  /** Rate-limited configured channels that started a job now -> their recent starts, these included. */
  recentStarts: Map<string, number[]>;
  /** Earliest future time (seconds) at which calling again could start something, or null. */
  nextWakeup: number | null;
}

/**
 * Picks the jobs to start at `now` (SPEC §5): candidates are walked in queue order and each is
 * admitted when every channel on its path has room, is not paused, not throttled and under its rate; admitted jobs
 * count as running for the rest of the walk. `limit` caps the starts (the instance's free slots).
 */
export function selectJobsToStart(
  tree: ChannelTree,
  snapshot: DispatchSnapshot,
  now: number,
  limit = Number.POSITIVE_INFINITY,
): DispatchDecision {
  const load = subtreeLoad(tree, snapshot.running);
  const wakeups: (number | null)[] = [];
  const candidates = queueCandidates(tree, snapshot, now, wakeups).sort(compareJobs);
  const started = new Map<string, number>();
  const rates = new RateWindows(snapshot.recentStarts, now);
  const start: CandidateJob[] = [];
  for (const job of candidates) {
    const path = tree.path(job.channel);
    const release = Math.max(throttleRelease(path, snapshot.lastStart, started) ?? now, rates.release(path));
    if (release > now) {
      wakeups.push(release);
      continue;
    }
    if (start.length >= limit || !path.every((c) => hasRoom(c, load))) continue;
    start.push(job);
    for (const channel of path) {
      load.set(channel.name, (load.get(channel.name) ?? 0) + 1);
      if (channel.throttle > 0) started.set(channel.name, now);
    }
    rates.record(path);
  }
  return { start, lastStart: started, recentStarts: rates.started, nextWakeup: earliest(wakeups) };
}

/**
 * The jobs each configured channel's queue offers now. A job joins the queue of its nearest
 * configured channel, so jobs of unconfigured sub-channels share a sequential parent's strict order.
 * Future etas of queues that could start once due are pushed to `wakeups`.
 */
function queueCandidates(tree: ChannelTree, snapshot: DispatchSnapshot, now: number, wakeups: (number | null)[]): CandidateJob[] {
  const queues = new Map<ChannelConfig, CandidateJob[]>();
  for (const job of snapshot.pending) {
    const owner = tree.owner(job.channel);
    const queue = queues.get(owner);
    if (queue === undefined) queues.set(owner, [job]);
    else queue.push(job);
  }
  const failed = new Set([...snapshot.failedChannels].map((name) => tree.owner(name)));
  const candidates: CandidateJob[] = [];
  for (const [owner, jobs] of queues) {
    if (tree.path(owner.name).some((c) => c.paused)) continue;
    // A sequential channel stays blocked until its failed job is requeued, done or cancelled.
    if (owner.sequential && failed.has(owner)) continue;
    const sorted = jobs.sort(compareJobs);
    candidates.push(...startableJobs(sorted, now, owner.sequential));
    wakeups.push(queueWakeup(sorted, now, owner.sequential));
  }
  return candidates;
}

/** Running jobs per configured channel, counting its whole subtree (unconfigured channels count in their ancestors). */
function subtreeLoad(tree: ChannelTree, running: ReadonlyMap<string, number>): Map<string, number> {
  const load = new Map<string, number>();
  for (const [channel, count] of running) {
    for (const config of tree.path(channel)) load.set(config.name, (load.get(config.name) ?? 0) + count);
  }
  return load;
}

function hasRoom(channel: ChannelConfig, load: ReadonlyMap<string, number>): boolean {
  return channel.capacity === null || (load.get(channel.name) ?? 0) < channel.capacity;
}

/** When the throttled channels on a path allow the next start (a start in this call counts), or null if none is throttled. */
function throttleRelease(
  path: readonly ChannelConfig[],
  previous: ReadonlyMap<string, number>,
  now: ReadonlyMap<string, number>,
): number | null {
  let release: number | null = null;
  for (const channel of path) {
    const last = channel.throttle > 0 ? (now.get(channel.name) ?? previous.get(channel.name)) : undefined;
    if (last !== undefined) release = Math.max(release ?? last, last + channel.throttle);
  }
  return release;
}
