/**
 * What a database error says about its cause: the data of the statement (split the batch and find
 * the offending row), or the moment (retry the same work later).
 */

/** PostgreSQL serialization_failure, deadlock_detected, lock_not_available. */
const CONCURRENCY_CODES = new Set(['40001', '40P01', '55P03']);

/** admin_shutdown, crash_shutdown, cannot_connect_now (a server restarting), idle_in_transaction_session_timeout. */
const CONNECTION_CODES = new Set(['57P01', '57P02', '57P03', '25P03']);

/** The SQLSTATE of a PostgreSQL error, if it has one. */
function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function isConcurrencyError(error: unknown): boolean {
  const code = sqlState(error);
  return code !== undefined && CONCURRENCY_CODES.has(code);
}

/**
 * The connection went away under the work: the server ended the session (restart, timeout), the
 * socket broke (class 08, or pg's "Connection terminated"), or TypeORM's query runner was released
 * because of it.
 */
export function isConnectionLoss(error: unknown): boolean {
  const code = sqlState(error);
  if (code !== undefined) return code.startsWith('08') || CONNECTION_CODES.has(code);
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  return name === 'QueryRunnerAlreadyReleasedError'
    || (typeof message === 'string' && /^Connection terminated|^Client has encountered a connection error/.test(message));
}

/**
 * The server refused the statement for what it holds (a value it cannot store, a limit, a trigger):
 * sending it again will fail again. Errors without a SQLSTATE (the network), concurrency errors,
 * connection losses and resource shortages (class 53) are not: the same work may pass later.
 */
export function isStatementError(error: unknown): boolean {
  const code = sqlState(error);
  return code !== undefined && !isConcurrencyError(error) && !isConnectionLoss(error) && !code.startsWith('53');
}
