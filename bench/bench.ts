// `npm run -s bench -- --system ours --workload W --n N [--concurrency C] [--backlog B]`: one run of
// one workload of ../shared/bench/PROTOCOL.md (route B) on DATABASE_URL (or BENCH_PG_URL), which
// should be a fresh database. Prints one JSON line on stdout; everything else goes to stderr.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createBenchApp } from './bench-app.js';
import { runWorkload, WORKLOADS, type Workload } from './workloads.js';

const DEFAULT_N: Record<Workload, number> = { 'enqueue-single': 5000, 'enqueue-bulk': 100000, drain: 20000, latency: 300, 'drain-backlog': 20000 };
const CLOSE_CAP_MS = 10_000;

const { values: a } = parseArgs({
  options: {
    system: { type: 'string', default: 'ours' }, workload: { type: 'string' }, n: { type: 'string' },
    concurrency: { type: 'string' }, backlog: { type: 'string' },
  },
});
const workload = a.workload as Workload;
if (!WORKLOADS.includes(workload)) {
  console.error(`usage: npm run -s bench -- [--system NAME] --workload {${WORKLOADS.join('|')}} [--n N] [--concurrency C] [--backlog B]`);
  process.exit(2);
}
const usesWorker = workload === 'drain' || workload === 'latency' || workload === 'drain-backlog';
const n = Number(a.n ?? DEFAULT_N[workload]);
const concurrency = usesWorker ? Number(a.concurrency ?? 20) : null;
const backlog = workload === 'drain-backlog' ? Number(a.backlog ?? 300000) : null;
const url = process.env.DATABASE_URL ?? process.env.BENCH_PG_URL;

const r2 = (x: number | null) => (x == null ? null : Math.round(x * 100) / 100);
function emit(fields: Record<string, unknown>): void {
  const line = { system: a.system, workload, n, concurrency, seconds: null, jobs_per_s: null, p50_ms: null, p99_ms: null, rss_mb: null, ...fields };
  process.stdout.write(JSON.stringify(line) + '\n');
}

async function main(): Promise<void> {
  if (!url) throw new Error('DATABASE_URL (or BENCH_PG_URL) is not set');
  const app = await createBenchApp(url, concurrency ?? 20); // migrations run here (untimed)
  const probe = new pg.Client({ connectionString: url });
  await probe.connect();
  const r = await runWorkload(workload, app, probe, { n, concurrency: concurrency ?? 20, backlog: backlog ?? 0 });
  const rssMb = process.resourceUsage().maxRSS / 1024; // peak RSS of this process (KB -> MB), setup included
  emit({ seconds: r2(r.seconds), jobs_per_s: r.jobsPerS == null ? null : Math.round(r.jobsPerS),
    p50_ms: r2(r.p50), p99_ms: r2(r.p99), rss_mb: Math.round(rssMb) });
  const closing = Promise.all([app.close(), probe.end()]);
  await Promise.race([closing, new Promise((res) => setTimeout(res, CLOSE_CAP_MS).unref())]);
}

process.on('unhandledRejection', (e) => { emit({ error: `unhandled rejection: ${(e as Error)?.message ?? e}` }); console.error(e); process.exit(1); });
main().then(() => process.exit(0), (e: unknown) => {
  emit({ error: String((e as Error)?.stack ?? e).split('\n')[0] });
  console.error(e);
  process.exit(1);
});
