import { Logger } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';

/**
 * Keeps an 'error' listener on every connection the pool lends, for the connection's whole life.
 *
 * pg-pool takes its own listener off a connection as it lends it, and a borrower that awaits
 * `pool.connect()` (JobStore.withClient, TypeORM's query runners) adds its own one microtask later.
 * A server that ends a new connection in the same packet as its first ReadyForQuery (a restart just
 * after accepting it, read late by a busy process) makes the client emit 'error' in between, with
 * no listener: an unhandled 'error', which ends the process (SPEC §6 says it must not).
 *
 * Nothing is lost by handling it here: the client is no longer queryable, so its borrower's next
 * query fails, and the pool drops the connection when it is released. That query's error only says
 * "not queryable", so the reason is logged when this listener was the only one.
 */
export function keepErrorListenerOnLentConnections(pool: Pool): void {
  if (guardedPools.has(pool)) return;
  guardedPools.add(pool);
  pool.on('acquire', (client: PoolClient) => {
    if (guardedClients.has(client)) return;
    guardedClients.add(client);
    client.on('error', onLostConnection);
  });
}

const guardedPools = new WeakSet<Pool>();
const guardedClients = new WeakSet<PoolClient>();
const logger = new Logger('QueueJob');

function onLostConnection(this: PoolClient, error: Error): void {
  // Others listening (the pool, TypeORM, JobStore.withClient) handle it; alone, this one says why.
  if (this.listenerCount('error') === 1) logger.warn(`A database connection was lost as it was lent: ${error.message}; what runs on it next fails`);
}
