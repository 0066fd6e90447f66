/** The advisory lock key of a channel's pending room (`$1` a channel name): apart from any other key of the module. */
const ROOM_KEY = (channel: string) => `hashtextextended('queue_job.max_pending:' || ${channel}, 0)`;

/**
 * Takes the transaction-scoped lock of each channel `$1` (sorted: every enqueuer locks in one order),
 * waiting at most `$2` ms for each (lock_timeout, set for this transaction: a stalled holder makes the
 * others fail with 55P03 rather than hang). Returns the caller's lock_timeout, for COUNT_PENDING_SQL to
 * put back. In a transaction of the module's own, `$3` is the same bound for idleness (a stalled
 * process loses its session, so its locks, after that long: bounded-transaction.ts); in a caller's,
 * `$3` is null and its setting stays. The count must be a later statement: a statement's snapshot
 * predates the locks it takes.
 */
export const LOCK_PENDING_ROOM_SQL = `
WITH bound AS (
  SELECT current_setting('lock_timeout') AS previous, set_config('lock_timeout', $2, true) AS now_set,
    set_config('idle_in_transaction_session_timeout', COALESCE($3, current_setting('idle_in_transaction_session_timeout')), true) AS idle_set)
SELECT b.previous,
  (SELECT count(pg_advisory_xact_lock(${ROOM_KEY('s.channel')})) FROM (SELECT c AS channel FROM unnest($1::text[]) c ORDER BY c) s) AS locked
FROM bound b`;

/**
 * The pending jobs of channel `$1`, counted up to `$2` (its maxPending + 1: enough to know if a call
 * fits, never more); puts back lock_timeout `$3`. One channel per statement, sent unnamed: planned
 * with the channel's own statistics, so a channel rare in the table is read through a partial index
 * of pending jobs (channel first) rather than by a scan that stops only after `$2` matches.
 */
export const COUNT_PENDING_SQL = `
SELECT set_config('lock_timeout', $3, true) AS restored,
  (SELECT count(*) FROM (SELECT 1 FROM queue_job q WHERE q.state = 'pending' AND q.channel = $1 LIMIT $2) n)::int AS pending`;
