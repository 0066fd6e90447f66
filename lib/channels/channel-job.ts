/** A pending job as the dispatcher sees it. */
export interface CandidateJob {
  /** Job id (the runner uses the row id as a string). */
  id: string;
  /** The job's channel as stored; may be unconfigured, e.g. `root.sale.eu`. */
  channel: string;
  /** Lower runs first. */
  priority: number;
  /** Milliseconds since epoch; orders jobs of equal priority. */
  dateCreated: number;
  /** Row id: the final tie-break. */
  seq: number;
  /** Seconds, on the same clock as `now`; null = no eta. */
  eta: number | null;
}

/** Queue order (SPEC §5): priority, creation date, row id. A due eta plays no part: it competes on priority. */
export function compareJobs(a: CandidateJob, b: CandidateJob): number {
  return a.priority - b.priority || a.dateCreated - b.dateCreated || a.seq - b.seq;
}

/** True when the job may start at `now` as far as its eta goes. */
export function isDue(job: CandidateJob, now: number): boolean {
  return job.eta === null || job.eta <= now;
}

/**
 * The jobs of one channel queue, `sorted` by compareJobs, that may start at `now`, in order.
 * A sequential queue yields only its head, and only once the head is due: a job waiting for its
 * eta holds back the jobs behind it.
 */
export function startableJobs<T extends CandidateJob>(sorted: readonly T[], now: number, sequential: boolean): T[] {
  if (!sequential) return sorted.filter((job) => isDue(job, now));
  const head = sorted[0];
  return head !== undefined && isDue(head, now) ? [head] : [];
}

/** The earliest future eta in a `sorted` queue that would let a job start, or null. */
export function queueWakeup(sorted: readonly CandidateJob[], now: number, sequential: boolean): number | null {
  const waiting = sequential ? sorted.slice(0, 1) : sorted;
  return earliest(waiting.map((job) => (isDue(job, now) ? null : job.eta)));
}

/** The smallest of the given times, ignoring nulls; null when there is none. */
export function earliest(times: Iterable<number | null>): number | null {
  let min: number | null = null;
  for (const time of times) if (time !== null && (min === null || time < min)) min = time;
  return min;
}
