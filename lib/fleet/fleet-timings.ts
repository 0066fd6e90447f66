/**
 * How often an instance announces itself and looks for jobs of undeclared job functions, for a
 * grace of `graceSeconds`: heartbeats well inside the grace (a worker is "seen within the grace" with
 * several beats to spare), every 5 s at most; sweeps every tenth of the grace (so a job fails at
 * most 10 % late), once a minute at most: a sweep reads every pending job.
 */
export function fleetTimings(graceSeconds: number): { heartbeatMs: number; sweepMs: number } {
  const clamp = (ms: number, max: number) => Math.round(Math.min(max, Math.max(200, ms)));
  return { heartbeatMs: clamp((graceSeconds * 1000) / 4, 5_000), sweepMs: clamp((graceSeconds * 1000) / 10, 60_000) };
}
