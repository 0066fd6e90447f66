/**
 * The SQL of migration `…4200000` (mixed fleets): the claim functions take the names of the job
 * functions the claiming instance has registered (`p_functions`) and read the pending jobs per
 * (channel, job function) queue, and `queue_job_worker` holds what each instance declares.
 * Shipped SQL: change it only through a new migration.
 */

/**
 * Pending jobs by channel and job function, in queue order within each: the claim reads the queue of
 * each (channel, job function) that the claiming instance runs, and steps over the others with one
 * probe each, however many jobs they hold (a version that is down for a deploy can leave a backlog).
 * It replaces `queue_job_pending_idx` (channel, priority, date_created, id), which nothing needs any
 * more: with both, every enqueue wrote one index more (a bulk COPY took ~1.7 × as long).
 */
export const PENDING_BY_FUNCTION_INDEX_SQL = `
      CREATE INDEX queue_job_pending_function_idx ON queue_job (channel, job_function, priority, date_created, id) WHERE state = 'pending'`;

/** `…3200000`'s index, dropped by `…4200000` and created again by its `down()`. */
export const PENDING_BY_CHANNEL_INDEX_SQL = `
      CREATE INDEX queue_job_pending_idx ON queue_job (channel, priority, date_created, id) WHERE state = 'pending'`;

/**
 * The pending queues, one row per (channel, job function) with pending jobs, with the key of its
 * first live job: one probe per queue, however many jobs it holds, so a claim steps over the queue
 * of a job function it does not run (a version down for a deploy may leave a backlog) at the cost of
 * one probe. The key lets readers start after the dead entries that claimed jobs leave at the front
 * of the index until vacuum (as `…4100000` does per channel). A SQL function: inlined into callers.
 */
export const PENDING_QUEUES_SQL = `
      CREATE FUNCTION queue_job_pending_queues()
      RETURNS TABLE (channel text, job_function text, priority int, date_created timestamptz, id bigint)
      LANGUAGE sql STABLE AS $$
        WITH RECURSIVE queues AS (
          (SELECT q.channel, q.job_function, q.priority, q.date_created, q.id FROM queue_job q WHERE q.state = 'pending'
           ORDER BY q.channel, q.job_function, q.priority, q.date_created, q.id LIMIT 1)
          UNION ALL
          SELECT n.channel, n.job_function, n.priority, n.date_created, n.id FROM queues c CROSS JOIN LATERAL (
            SELECT q.channel, q.job_function, q.priority, q.date_created, q.id FROM queue_job q
            WHERE q.state = 'pending' AND (q.channel, q.job_function) > (c.channel, c.job_function)
            ORDER BY q.channel, q.job_function, q.priority, q.date_created, q.id LIMIT 1) n
        )
        SELECT c.channel, c.job_function, c.priority, c.date_created, c.id FROM queues c
      $$`;

/**
 * The first `p_limit` due pending jobs of each channel among the job functions `p_functions`, in
 * queue order (what `…4100000`'s function gave for all functions): a channel's first `p_limit` are
 * among the first `p_limit` of its queues. The start key includes the (constant) job function, so
 * that it is a bound of `queue_job_pending_function_idx` only: given one on `queue_job_pending_idx`
 * the planner chose that index and read past the other functions' jobs.
 */
export const PENDING_HEADS_SQL = `
      CREATE FUNCTION queue_job_pending_heads(p_limit int, p_now float8, p_functions text[])
      RETURNS TABLE (id bigint, channel text, priority int, date_created timestamptz)
      LANGUAGE sql STABLE AS $$
        SELECT h.id, h.channel, h.priority, h.date_created FROM queue_job_pending_queues() c CROSS JOIN LATERAL (
          SELECT q.id, q.channel, q.priority, q.date_created FROM queue_job q
          WHERE q.state = 'pending' AND q.channel = c.channel AND q.job_function = c.job_function
            AND (q.job_function, q.priority, q.date_created, q.id) >= (c.job_function, c.priority, c.date_created, c.id)
            AND (q.eta IS NULL OR q.eta <= to_timestamp(p_now))
          ORDER BY q.priority, q.date_created, q.id
          LIMIT p_limit
        ) h
        WHERE c.job_function = ANY(p_functions)
        ORDER BY h.priority, h.date_created, h.id
      $$`;

/** The heads `queue_job_claim_next` (`claimNextOneRowSql`) walks: only jobs this instance can run. */
export const CLAIM_NEXT_HEADS = `SELECT h.id, h.channel FROM queue_job_pending_heads(p_limit + 1, p_now, p_functions) h
          ORDER BY h.priority, h.date_created, h.id`;

/**
 * `queue_job_cycle` of `…3600000` with `p_functions`, reading the heads per queue (channel, job
 * function): heads of other job functions are not returned (the instance cannot run them), except in
 * a sequential channel, where they come as `held` rows: a sequential channel keeps its strict order
 * across the fleet, so a head that only another instance can run holds back the jobs behind it, as a
 * head waiting for its eta does.
 * Outcomes are written by the six-argument function, which stays for that.
 */
export const CYCLE_SQL = `
      CREATE FUNCTION queue_job_cycle(p_outcomes jsonb, p_lock bigint, p_limit int, p_now float8, p_sequential text[], p_throttled text[], p_functions text[])
      RETURNS TABLE (kind text, job_id bigint, job_channel text, job_priority int, created_ms float8, at float8, n int)
      LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan SET jit = off AS $$
      BEGIN
        IF jsonb_array_length(p_outcomes) > 0 THEN
          RETURN QUERY SELECT * FROM queue_job_cycle(p_outcomes, 0, 0, 0, '{}', '{}');
        END IF;
        IF p_limit <= 0 THEN
          RETURN;
        END IF;
        PERFORM pg_advisory_xact_lock(p_lock);
        RETURN QUERY
          SELECT 'running'::text, NULL::bigint, q.channel, NULL::int, NULL::float8, NULL::float8, count(*)::int
          FROM queue_job q WHERE q.state IN ('enqueued', 'started') GROUP BY q.channel;
        RETURN QUERY
          SELECT CASE WHEN h.job_function = ANY(p_functions) THEN 'head' ELSE 'held' END, h.id, h.channel, h.priority,
                 extract(epoch FROM h.date_created)::float8 * 1000, extract(epoch FROM h.eta)::float8, NULL::int
          FROM queue_job_pending_queues() c CROSS JOIN LATERAL (
            SELECT q.id, q.channel, q.priority, q.date_created, q.eta, q.job_function FROM queue_job q
            WHERE q.state = 'pending' AND q.channel = c.channel AND q.job_function = c.job_function
              AND (q.job_function, q.priority, q.date_created, q.id) >= (c.job_function, c.priority, c.date_created, c.id)
              AND (q.eta IS NULL OR q.eta <= to_timestamp(p_now) OR q.channel = ANY(p_sequential))
            ORDER BY q.priority, q.date_created, q.id
            LIMIT p_limit
          ) h
          WHERE c.job_function = ANY(p_functions) OR c.channel = ANY(p_sequential);
        RETURN QUERY
          SELECT 'next_eta'::text, NULL::bigint, NULL::text, NULL::int, NULL::float8, extract(epoch FROM min(q.eta))::float8, NULL::int
          FROM queue_job q WHERE q.state = 'pending' AND q.eta > to_timestamp(p_now);
        IF cardinality(p_sequential) > 0 THEN
          RETURN QUERY
            SELECT DISTINCT 'failed'::text, NULL::bigint, q.channel, NULL::int, NULL::float8, NULL::float8, NULL::int
            FROM queue_job q WHERE q.state = 'failed' AND q.channel = ANY(p_sequential);
        END IF;
        IF cardinality(p_throttled) > 0 THEN
          RETURN QUERY
            SELECT 'throttle'::text, NULL::bigint, t.channel, NULL::int, NULL::float8, extract(epoch FROM t.last_start)::float8, NULL::int
            FROM queue_job_channel_throttle t WHERE t.channel = ANY(p_throttled);
        END IF;
      END $$`;

/**
 * One row per app instance, written at startup and every few seconds: what it runs (`job_functions`,
 * empty when its runner is off) and which records it declares. Rows of instances not seen for
 * longer than `runner.unknownFunctionGrace` are deleted by the others.
 */
export const WORKER_TABLE_SQL = `
      CREATE TABLE queue_job_worker (
        worker_id text PRIMARY KEY,
        app text NOT NULL,
        job_functions text[] NOT NULL DEFAULT '{}',
        declared_functions text[] NOT NULL DEFAULT '{}',
        declared_channels text[] NOT NULL DEFAULT '{}',
        started_at timestamptz NOT NULL DEFAULT now(),
        last_seen timestamptz NOT NULL DEFAULT now()
      )`;
