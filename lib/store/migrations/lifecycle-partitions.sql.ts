import { NOTIFY_CHANNEL } from '../../queue-job.constants.js';

/**
 * The SQL of migration `…5000000` (lifecycle partitions). Shipped SQL: change it only through a new
 * migration.
 *
 * `queue_job` becomes a table partitioned by `state`: the live jobs (waiting, pending, enqueued,
 * started) in `queue_job_live`, small and vacuumed in proportion to the backlog; `queue_job_failed`;
 * `queue_job_cancelled`; the done jobs in `queue_job_done`, itself partitioned by `date_done` into one
 * table per UTC day (`queue_job_done_YYYYMMDD`, made ahead by `queue_job_done_partitions`) and a
 * default one for dates no day table covers. Expired days are dropped whole.
 */

const LIVE_STATES = `'wait_dependencies', 'pending', 'enqueued', 'started'`;

/** Every table of jobs, indexes named after it: lookups by id and uuid, graphs, the admin's newest first. */
const jobTableIndexes = (t: string) => [
  `ALTER TABLE ${t} ADD CONSTRAINT ${t}_pkey PRIMARY KEY (id)`,
  `CREATE UNIQUE INDEX ${t}_uuid_key ON ${t} (uuid)`,
  `CREATE INDEX ${t}_graph_idx ON ${t} (graph_uuid) WHERE graph_uuid IS NOT NULL`,
  `CREATE INDEX ${t}_date_created_idx ON ${t} (date_created DESC, id DESC)`,
];

/** The table of live jobs: the claim's queues, etas and running counts, and identity keys (atomic: every state that holds a key is here). */
const liveJobIndexes = (t: string) => [
  `CREATE INDEX ${t}_pending_function_idx ON ${t} (channel, job_function, priority, date_created, id) WHERE state = 'pending'`,
  `CREATE INDEX ${t}_pending_eta_idx ON ${t} (eta) WHERE state = 'pending' AND eta IS NOT NULL`,
  `CREATE INDEX ${t}_running_idx ON ${t} (channel, lease_expires_at) WHERE state IN ('enqueued', 'started')`,
  `CREATE UNIQUE INDEX ${t}_identity_key_idx ON ${t} (identity_key)
     WHERE identity_key IS NOT NULL AND state IN ('wait_dependencies', 'pending', 'enqueued')`,
];

export const PARTITIONED_TABLE_SQL = [
  `CREATE TABLE queue_job (LIKE queue_job_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY LIST (state)`,
  `ALTER SEQUENCE queue_job_id_seq OWNED BY queue_job.id`,
  `CREATE TABLE queue_job_live PARTITION OF queue_job FOR VALUES IN (${LIVE_STATES})`,
  `CREATE TABLE queue_job_failed PARTITION OF queue_job FOR VALUES IN ('failed')`,
  `CREATE TABLE queue_job_cancelled PARTITION OF queue_job FOR VALUES IN ('cancelled')`,
  `CREATE TABLE queue_job_done PARTITION OF queue_job FOR VALUES IN ('done') PARTITION BY RANGE (date_done)`,
  `CREATE TABLE queue_job_done_default PARTITION OF queue_job_done DEFAULT`,
  ...jobTableIndexes('queue_job_live'),
  ...liveJobIndexes('queue_job_live'),
  ...['queue_job_failed', 'queue_job_cancelled', 'queue_job_done_default'].flatMap(jobTableIndexes),
  `CREATE INDEX queue_job_failed_channel_idx ON queue_job_failed (channel)`,
  `CREATE INDEX queue_job_cancelled_date_cancelled_idx ON queue_job_cancelled (date_cancelled)`,
  `CREATE INDEX queue_job_done_default_date_done_idx ON queue_job_done_default (date_done)`,
];

/**
 * `queue_job_done_partitions(from, to)`: a table of done jobs for each UTC day from `from` to `to`
 * (inclusive) that has none yet; returns the names of those it made. Each is made apart and attached
 * (ATTACH takes a SHARE UPDATE EXCLUSIVE lock on `queue_job_done`, so completions go on), with its
 * indexes and a CHECK of its range (so the attach does not scan it). Its indexes: `uuid` (lookups),
 * `date_done` (the admin's sort, the autovacuum's row deletes), `(date_created, id)` (the admin's
 * default order), `(exec_time, date_created, id)` (its sort by duration), `(channel, job_function)`
 * (its groups, counted from the index alone) and `graph_uuid`; none on `id` (done jobs are found by
 * uuid). A day that overlaps an existing range (the attach refuses it), or whose
 * jobs already sit in the default table, is skipped. Waits for locks at most 2 s (a setting of the
 * function: the caller's transaction, e.g. the migrations run after this one, keeps its own).
 */
export const DONE_PARTITIONS_FUNCTION_SQL = `
      CREATE FUNCTION queue_job_done_partitions(p_from date, p_to date) RETURNS SETOF text
      LANGUAGE plpgsql VOLATILE SET lock_timeout = '2s' AS $$
      DECLARE
        v_day date;
        v_name text;
        v_low text;
        v_high text;
      BEGIN
        FOR v_day IN SELECT d::date FROM generate_series(p_from, p_to, interval '1 day') d LOOP
          v_name := 'queue_job_done_' || to_char(v_day, 'YYYYMMDD');
          CONTINUE WHEN to_regclass(quote_ident(v_name)) IS NOT NULL;
          -- ISO dates whatever the session's DateStyle.
          v_low := quote_literal(to_char(v_day, 'YYYY-MM-DD') || ' 00:00:00+00');
          v_high := quote_literal(to_char(v_day + 1, 'YYYY-MM-DD') || ' 00:00:00+00');
          BEGIN
            EXECUTE format('CREATE TABLE %I (LIKE queue_job INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', v_name);
            EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (date_done >= %s AND date_done < %s AND state = ''done'')',
                           v_name, v_name || '_range', v_low, v_high);
            EXECUTE format('CREATE INDEX %I ON %I (uuid)', v_name || '_uuid_idx', v_name);
            EXECUTE format('CREATE INDEX %I ON %I (date_done)', v_name || '_date_done_idx', v_name);
            EXECUTE format('CREATE INDEX %I ON %I (date_created DESC, id DESC)', v_name || '_date_created_idx', v_name);
            EXECUTE format('CREATE INDEX %I ON %I (exec_time, date_created, id)', v_name || '_exec_time_idx', v_name);
            EXECUTE format('CREATE INDEX %I ON %I (channel, job_function)', v_name || '_channel_idx', v_name);
            EXECUTE format('CREATE INDEX %I ON %I (graph_uuid) WHERE graph_uuid IS NOT NULL', v_name || '_graph_idx', v_name);
            EXECUTE format('ALTER TABLE queue_job_done ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)', v_name, v_low, v_high);
            RETURN NEXT v_name;
          EXCEPTION WHEN check_violation OR lock_not_available OR invalid_object_definition OR duplicate_table OR unique_violation THEN
            -- Jobs of that day already sit in the default table, a lock is busy, or another instance made it meanwhile.
            RAISE NOTICE 'queue_job: no table for done jobs of % (%)', v_day, SQLERRM;
          END;
        END LOOP;
      END $$`;

/** Statement triggers fire for the table a statement names: enqueues insert into `queue_job_live` directly. */
export const NOTIFY_TRIGGERS_SQL = [
  `CREATE TRIGGER queue_job_notify_insert AFTER INSERT ON queue_job FOR EACH STATEMENT EXECUTE FUNCTION queue_job_notify()`,
  `CREATE TRIGGER queue_job_live_notify_insert AFTER INSERT ON queue_job_live FOR EACH STATEMENT EXECUTE FUNCTION queue_job_notify()`,
];

/** `queue_job_claim` of `…3600000` returns `SETOF queue_job`: made again for the new table's row type. */
export const CLAIM_FUNCTION_SQL = `
      CREATE FUNCTION queue_job_claim(p_ids bigint[], p_worker text, p_token uuid, p_lease int, p_wake text)
      RETURNS SETOF queue_job LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan SET jit = off AS $$
      BEGIN
        RETURN QUERY
          UPDATE queue_job SET state = 'enqueued', date_enqueued = now(), worker_id = p_worker, lease_token = p_token,
                 lease_expires_at = now() + p_lease * interval '1 second', retry = retry + 1
          WHERE id = ANY(p_ids) AND state = 'pending'
          RETURNING *;
        IF p_wake IS NOT NULL THEN
          PERFORM pg_notify('${NOTIFY_CHANNEL}', p_wake);
        END IF;
      END $$`;

/** `down()`: the single table of `…4800000`, with its indexes and trigger, under their names. */
export const UNPARTITIONED_INDEXES_SQL = [
  ...jobTableIndexes('queue_job'),
  ...liveJobIndexes('queue_job'),
  `CREATE INDEX queue_job_failed_idx ON queue_job (channel) WHERE state = 'failed'`,
  `CREATE INDEX queue_job_done_idx ON queue_job (date_done) WHERE state = 'done'`,
  `CREATE INDEX queue_job_cancelled_idx ON queue_job (date_cancelled) WHERE state = 'cancelled'`,
  `CREATE INDEX queue_job_unfinished_idx ON queue_job (date_created DESC, id DESC) WHERE state NOT IN ('done', 'cancelled')`,
  `CREATE TRIGGER queue_job_notify_insert AFTER INSERT ON queue_job FOR EACH STATEMENT EXECUTE FUNCTION queue_job_notify()`,
];
