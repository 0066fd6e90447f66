// The five workloads of ../shared/bench/PROTOCOL.md, on the library's public API.
import type { INestApplicationContext } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { JobRunner, JobService } from '../lib/index.js';
import { BenchJobs, type Payload } from './bench-app.js';

export const WORKLOADS = ['enqueue-single', 'enqueue-bulk', 'drain', 'latency', 'drain-backlog'] as const;
export type Workload = (typeof WORKLOADS)[number];

export interface Params {
  n: number; concurrency: number; backlog: number;
  /** Drains: called when the clock starts, just before the runner (`bench:history` starts its autovacuum there). */
  onStart?: () => void;
}
export interface Timing { seconds: number; jobsPerS: number | null; p50: number | null; p99: number | null }

const BATCH = 1000;        // bulk enqueue / pre-insert batch size
const LATENCY_GAP_MS = 20; // latency: one enqueue every 20 ms
const IDLE_MS = 1000;      // latency: the runner idles this long before the first enqueue
const POLL_MS = 5;         // drains: "recorded finished" poll interval

const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Nearest-rank percentile. */
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const payloads = (from: number, count: number): Array<[Payload]> =>
  Array.from({ length: count }, (_, k) => [{ i: from + k }] as [Payload]);

/** Runs one workload on a started app; `probe` is a separate connection for VACUUM, CHECKPOINT and done counts. */
export async function runWorkload(w: Workload, app: INestApplicationContext, probe: pg.Client, p: Params): Promise<Timing> {
  const jobs = app.get(BenchJobs);
  const jobService = app.get(JobService);
  const runner = app.get(JobRunner);

  const settle = async (vacuum: boolean) => {
    if (vacuum) await probe.query('VACUUM ANALYZE');
    await probe.query('CHECKPOINT').catch((e: Error) => console.error(`CHECKPOINT skipped: ${e.message}`));
  };
  // BENCH_JOB_CHANNELS=root.a,root.b spreads the jobs over those channels (the cost-of-channels run,
  // with QUEUE_JOB_CHANNELS=root:20,root.a:10,root.b:10); by default every job is in root.
  const jobChannels = (process.env.BENCH_JOB_CHANNELS ?? '').split(',').filter(Boolean);
  const enqueueBatch = async (from: number, count: number) => {
    if (jobChannels.length === 0) return void (await jobService.enqueueMany(jobs, 'handle', payloads(from, count)));
    const all = payloads(from, count);
    await Promise.all(jobChannels.map((channel, k) =>
      jobService.enqueueMany(jobs, 'handle', all.filter((_, j) => j % jobChannels.length === k), { channel })));
  };

  // Pre-insert `total` (untimed, runner off), settle, start the runner at t0; stop when `target`
  // handlers ran and those `target` jobs are `done` in queue_job. The check starts once the handlers
  // got there and polls every 5 ms, each time only for the jobs not yet seen done (unique index on
  // uuid): a `count(*) WHERE state = 'done'` would scan the whole table, 0.2-0.6 s with a 300k backlog.
  const drainFirst = async (total: number, target: number): Promise<Timing> => {
    for (let i = 0; i < total; i += BATCH) await enqueueBatch(i, Math.min(BATCH, total - i));
    await settle(true);
    const handled: string[] = [];
    let reached!: () => void;
    const handlersDone = new Promise<void>((r) => (reached = r));
    jobs.onCall = (_payload, uuid) => {
      if (handled.length < target) handled.push(uuid);
      if (jobs.calls === target) reached();
    };
    const t0 = now();
    const startedAt = Date.now();
    p.onStart?.();
    await runner.start();
    await handlersDone;
    const tHandlers = now();
    let polls = 0;
    const notYetDone = new Set(handled);
    for (;;) {
      // Done since the clock started: only the tables of done jobs that can hold them are read
      // (lifecycle partitions by date_done), not one index per day of history.
      const { rows } = await probe.query<{ uuid: string }>(
        `SELECT uuid::text AS uuid FROM queue_job WHERE uuid = ANY($1::uuid[]) AND state = 'done' AND date_done >= $2`,
        [[...notYetDone], new Date(startedAt - 1000)]);
      polls++;
      for (const row of rows) notYetDone.delete(row.uuid);
      if (notYetDone.size === 0) break;
      await sleep(POLL_MS);
    }
    const seconds = (now() - t0) / 1000;
    console.error(`bench: ${target} handlers ran at ${((tHandlers - t0) / 1000).toFixed(3)} s, recorded done at ${seconds.toFixed(3)} s (${polls} polls)`);
    return { seconds, jobsPerS: target / seconds, p50: null, p99: null };
  };

  switch (w) {
    case 'enqueue-single': {
      await settle(false);
      const lat: number[] = [];
      const t0 = now();
      for (let i = 0; i < p.n; i++) {
        const s = now();
        await jobs.handle({ i }); // the @Delayable() method: stores a job
        lat.push(now() - s);
      }
      const seconds = (now() - t0) / 1000;
      return { seconds, jobsPerS: p.n / seconds, p50: pct(lat, 50), p99: pct(lat, 99) };
    }
    case 'enqueue-bulk': {
      await settle(false);
      const lat: number[] = [];
      const t0 = now();
      for (let i = 0; i < p.n; i += BATCH) {
        const list = payloads(i, Math.min(BATCH, p.n - i));
        const s = now();
        await jobService.enqueueMany(jobs, 'handle', list);
        lat.push(now() - s); // per 1000-job call
      }
      const seconds = (now() - t0) / 1000;
      return { seconds, jobsPerS: p.n / seconds, p50: pct(lat, 50), p99: pct(lat, 99) };
    }
    case 'drain':
      return drainFirst(p.n, p.n);
    case 'drain-backlog':
      return drainFirst(p.backlog, p.n);
    case 'latency': {
      const sent = new Array<number>(p.n);
      const lat: number[] = [];
      let allSeen!: () => void;
      const seen = new Promise<void>((r) => (allSeen = r));
      jobs.onCall = ({ i }) => { lat.push(now() - sent[i]); if (lat.length === p.n) allSeen(); };
      await runner.start();
      await settle(false);
      await sleep(IDLE_MS);
      const t0 = now();
      for (let i = 0; i < p.n; i++) {
        const wait = t0 + i * LATENCY_GAP_MS - now();
        if (wait > 0) await sleep(wait);
        sent[i] = now();
        await jobs.handle({ i });
      }
      await seen;
      return { seconds: (now() - t0) / 1000, jobsPerS: null, p50: pct(lat, 50), p99: pct(lat, 99) };
    }
  }
}
