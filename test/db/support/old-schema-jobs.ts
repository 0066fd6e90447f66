import type pg from 'pg';

/**
 * Fills the single `queue_job` table of migration `…4800000` with `rows` jobs, by INSERT … SELECT
 * generate_series: about 97 % done over the last 60 days, the rest in every other state with the
 * columns that state uses (identity keys and etas, leases, errors, graphs).
 */
export async function fillOldSchema(pool: pg.Pool, rows: number): Promise<void> {
  const share = (per: number) => Math.max(3, Math.floor(rows / per));
  const others = 3 + share(100) + 2 * share(1000) + 2 * share(500) + share(1000);
  const insert = (n: number, state: string, columns: string, values: string) => pool.query(`
    INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, channel, args, date_created, state${columns})
    SELECT gen_random_uuid(), 'Job ' || i, '<Shop>.sync', 'Shop', 'sync', (ARRAY['root', 'root.sale', 'root.mail'])[1 + i % 3],
      jsonb_build_array(i), now() - make_interval(days => 61) + make_interval(secs => i % 86400), '${state}'${values}
    FROM generate_series(1, $1::int) i`, [n]);
  await insert(Math.max(1, rows - others), 'done', ', date_started, date_done, exec_time, result',
    `, now() - make_interval(secs => i % (60 * 86400)) - interval '1 second', now() - make_interval(secs => i % (60 * 86400)), 1, to_jsonb(i)`);
  await insert(3, 'done', '', ''); // done without a date: no day to file them under
  await insert(share(100), 'pending', ', identity_key, eta',
    `, CASE WHEN i % 4 = 0 THEN 'key-' || i END, CASE WHEN i % 5 = 0 THEN now() + make_interval(mins => i % 600) END`);
  for (const state of ['enqueued', 'started']) {
    await insert(share(1000), state, ', worker_id, lease_token, lease_expires_at, date_enqueued, identity_key',
      `, 'worker-' || i % 7, gen_random_uuid(), now() + interval '5 minutes', now(), CASE WHEN i % 4 = 0 THEN '${state}-key-' || i END`);
  }
  await insert(share(500), 'failed', ', exc_name, exc_message, date_done', `, 'Error', 'boom ' || i, now() - make_interval(hours => i % 2000)`);
  await insert(share(500), 'cancelled', ', date_cancelled', `, now() - make_interval(hours => i % 2000)`);
  await insert(share(1000), 'wait_dependencies', ', graph_uuid, dependencies',
    `, md5((i / 10)::text)::uuid, '{"depends_on": ["00000000-0000-4000-8000-000000000000"], "reverse_depends_on": []}'::jsonb`);
}

/** Per state: how many jobs, their smallest and largest id, and a checksum of every column of every row. */
export async function jobsByState(pool: pg.Pool): Promise<Record<string, string>> {
  const { rows } = await pool.query<{ state: string; summary: string }>(`
    SELECT state, concat_ws(' ', count(*), min(id), max(id), sum(hashtextextended(j::text, 0)::numeric)) AS summary
    FROM queue_job j GROUP BY state ORDER BY state`);
  return Object.fromEntries(rows.map((r) => [r.state, r.summary]));
}

/** The definitions of the indexes and the triggers of `table`, sorted. */
export async function indexesAndTriggers(pool: pg.Pool, table: string): Promise<string[]> {
  const { rows } = await pool.query<{ def: string }>(`
    SELECT indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1
    UNION ALL SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal
    ORDER BY 1`, [table]);
  return rows.map((r) => r.def);
}
