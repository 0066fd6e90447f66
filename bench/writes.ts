// `npm run -s bench:writes -- [--n N]`: what one job writes over its life (issue 18). On a fresh
// database made on DATABASE_URL (the admin connection) and dropped after: N jobs enqueued in bulk
// (`enqueueMany`, 1000 per call), then drained by one runner (concurrency 20), from a CHECKPOINT on.
// pg_walinspect (PostgreSQL 15+) reads the WAL written from just before the enqueue to the end of
// the drain: index entries (btree INSERT_LEAF and INSERT_POST records: one per index entry written),
// heap records (a COPY writes one MULTI_INSERT record per page), and WAL bytes (full-page images apart), per job, of this database's relations. One JSON line on stdout.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { JobService } from '../lib/index.js';
import { JobRunner } from '../lib/runner/job-runner.js';
import { BenchJobs, createBenchApp, type Payload } from './bench-app.js';
import { BenchDatabases } from './history-databases.js';

const { values: a } = parseArgs({ options: { n: { type: 'string', default: '20000' } } });
const n = Number(a.n);
if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--n must be a positive whole number, got ${JSON.stringify(a.n)}`);

type WalStat = { record_type: string; count: string; record_size: string; fpi_size: string };

/**
 * The WAL between two LSNs that touched this database's relations, by record type: counts and bytes
 * (other databases' work on the same server, and commit records, which name no relation, left out).
 */
async function walBetween(probe: pg.Client, from: string, to: string): Promise<WalStat[]> {
  const { rows } = await probe.query<WalStat>(
    `SELECT resource_manager || '/' || record_type AS record_type, count(*) AS count,
            sum(record_length) AS record_size, sum(fpi_length) AS fpi_size
     FROM pg_get_wal_records_info($1::pg_lsn, $2::pg_lsn)
     WHERE block_ref ~ ('rel \\d+/' || (SELECT oid FROM pg_database WHERE datname = current_database()) || '/')
     GROUP BY 1`, [from, to]);
  return rows;
}

function perJob(stats: WalStat[]) {
  const sum = (test: (type: string) => boolean, field: 'count' | 'record_size' | 'fpi_size') =>
    stats.filter((s) => test(s.record_type)).reduce((total, s) => total + Number(s[field]), 0) / n;
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return {
    index_entries: r1(sum((t) => t === 'Btree/INSERT_LEAF' || t === 'Btree/INSERT_POST', 'count')),
    heap_inserts: r1(sum((t) => t.startsWith('Heap/INSERT') || t.startsWith('Heap2/MULTI_INSERT'), 'count')),
    heap_updates: r1(sum((t) => t.startsWith('Heap/UPDATE'), 'count')),
    heap_hot_updates: r1(sum((t) => t.startsWith('Heap/HOT_UPDATE'), 'count')),
    heap_deletes: r1(sum((t) => t.startsWith('Heap/DELETE'), 'count')),
    wal_record_bytes: Math.round(sum(() => true, 'record_size')),
    wal_fpi_bytes: Math.round(sum(() => true, 'fpi_size')),
    records: Object.fromEntries(stats.map((s) => [s.record_type, r1(Number(s.count) / n)])),
  };
}

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL is not set: give the admin connection, e.g. postgres://postgres@127.0.0.1:5432/postgres');
  const databases = new BenchDatabases(adminUrl, 'bench_writes_');
  const name = await databases.create('drain');
  const url = databases.url(name);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const probe = new pg.Client({ connectionString: url });
  try {
    const app = await createBenchApp(url, 20);
    await probe.connect();
    await probe.query('CREATE EXTENSION IF NOT EXISTS pg_walinspect');
    const jobs = app.get(BenchJobs);
    // Keeps the WAL from here on until it is read (checkpoints would recycle it).
    await admin.query(`SELECT pg_create_physical_replication_slot('${name}', true)`);
    await probe.query('CHECKPOINT');
    const start = (await probe.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn')).rows[0].lsn;
    for (let i = 0; i < n; i += 1000) {
      const payloads = Array.from({ length: Math.min(1000, n - i) }, (_, k) => [{ i: i + k }] as [Payload]);
      await app.get(JobService).enqueueMany(jobs, 'handle', payloads);
    }
    await app.get(JobRunner).start();
    for (;;) {
      const { rows } = await probe.query<{ n: number }>(`SELECT count(*)::int AS n FROM queue_job WHERE state IN ('pending', 'enqueued', 'started')`);
      if (rows[0].n === 0 && jobs.calls >= n) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await app.close();
    const end = (await probe.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn')).rows[0].lsn;
    const done = (await probe.query<{ n: number }>(`SELECT count(*)::int AS n FROM queue_job WHERE state = 'done'`)).rows[0].n;
    if (done !== n) throw new Error(`expected ${n} done jobs, found ${done}`);
    process.stdout.write(`${JSON.stringify({ bench: 'writes', n, per_job: perJob(await walBetween(probe, start, end)) })}\n`);
  } finally {
    await probe.end().catch(() => undefined);
    await admin.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1`, [name]);
    await admin.end();
    await databases.drop(name);
  }
}

main().then(() => process.exit(0), (error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
