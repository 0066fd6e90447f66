import { isRescue, isTransition, type JobEvent, type JobTransitionName } from '../hooks/job-event.js';
import type { DurationStats, JobCounts, JobFunctionStats } from './queue-job-stats.js';

/** Which count each event adds to. */
export const COUNTED: Record<JobTransitionName, keyof JobCounts> = {
  'job.enqueued': 'enqueued', 'job.started': 'started', 'job.done': 'done',
  'job.retrying': 'retried', 'job.failed': 'failed', 'job.cancelled': 'cancelled',
};

const zeroCounts = (): JobCounts => ({ enqueued: 0, started: 0, done: 0, retried: 0, failed: 0, cancelled: 0, rescued: 0 });
const zeroDuration = (): DurationStats => ({ count: 0, sum: 0, max: 0 });

/** In-memory counts and timings of the lifecycle events, per channel and job function. */
export class MetricsTally {
  readonly since = new Date();
  private readonly entries = new Map<string, JobFunctionStats>();

  /** Progress reports are no transition: nothing to count. */
  record(event: JobEvent): void {
    if (!isTransition(event)) return;
    const entry = this.entry(event.channel, event.jobFunction);
    entry[COUNTED[event.name]]++;
    if (isRescue(event)) entry.rescued++;
    if (event.execTime !== undefined) addDuration(entry.execTime, event.execTime);
    if (event.name === 'job.started' && event.waitSeconds !== undefined) addDuration(entry.waitTime, event.waitSeconds);
  }

  byJobFunction(): JobFunctionStats[] {
    return [...this.entries.values()]
      .map((e) => ({ ...e, execTime: { ...e.execTime }, waitTime: { ...e.waitTime } }))
      .sort((a, b) => a.channel.localeCompare(b.channel) || a.jobFunction.localeCompare(b.jobFunction));
  }

  totals(): JobCounts {
    const totals = zeroCounts();
    for (const entry of this.entries.values()) {
      for (const key of Object.keys(totals) as Array<keyof JobCounts>) totals[key] += entry[key];
    }
    return totals;
  }

  private entry(channel: string, jobFunction: string): JobFunctionStats {
    const key = `${channel}\u0000${jobFunction}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { jobFunction, channel, ...zeroCounts(), execTime: zeroDuration(), waitTime: zeroDuration() };
      this.entries.set(key, entry);
    }
    return entry;
  }
}

function addDuration(stats: DurationStats, seconds: number): void {
  stats.count++;
  stats.sum += seconds;
  stats.max = Math.max(stats.max, seconds);
}
