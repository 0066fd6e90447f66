import { Logger } from '@nestjs/common';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { NOTIFY_CHANNEL } from '../queue-job.constants.js';
import { LOCK_WORKER_SQL } from '../store/sql/leases.sql.js';
import { CHANNEL_SETTINGS_NOTIFY } from '../store/sql/channel-settings.sql.js';

// Short: while this worker's lock is gone, other instances start counting it as dead.
const MAX_BACKOFF_MS = 1_000;
// A connection attempt that gets no answer (a server starting or stopping, a network black hole) is
// given up and retried, rather than leaving the worker without LISTEN and its lock for ever.
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Holds one dedicated connection in LISTEN (outside the pool: a pooled connection would be handed to
 * others). When the connection drops it reconnects with backoff and calls `onReconnect`, because
 * NOTIFYs sent while it was away are lost.
 */
export class NotificationListener {
  private readonly logger = new Logger('QueueJob');
  /** The connection being opened or listening. Events of any other (a dropped one's late 'end') change nothing. */
  private current: pg.Client | undefined;
  private stopped = false;
  private backoffMs = 100;
  private retryTimer: NodeJS.Timeout | undefined;
  /** True while LISTEN is active. */
  listening = false;

  constructor(
    private readonly dataSource: DataSource,
    /** Held on this connection: other instances see this worker as alive while they see the lock. */
    private readonly workerId: string,
    /** Called with the payload: empty for a wake-up, or a cancel notice (store/cancel-notices.ts). */
    private readonly onNotify: (payload: string) => void,
    private readonly onReconnect: () => void,
    /** A run-time channel setting changed (pause, limits). */
    private readonly onChannelSettings: () => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.current;
    this.current = undefined;
    this.listening = false;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ ...connectionConfig(this.dataSource), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // A worker that wakes the others when it is full ignores its own call.
    client.on('notification', (message) => {
      if (message.channel === CHANNEL_SETTINGS_NOTIFY) this.onChannelSettings();
      else if (message.payload !== this.workerId) this.onNotify(message.payload ?? '');
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    this.current = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${NOTIFY_CHANNEL}; LISTEN ${CHANNEL_SETTINGS_NOTIFY}`);
      await client.query(LOCK_WORKER_SQL, [this.workerId]);
      if (this.stopped) return void client.end().catch(() => undefined);
      this.listening = true;
      this.backoffMs = 100;
    } catch (error) {
      this.lost(client, error as Error);
    }
  }

  private lost(client: pg.Client, error?: Error): void {
    // Only the current connection's loss schedules an attempt: a late 'end' of one already replaced
    // would start a second attempt beside the one under way, whose worker lock it could never take.
    if (this.stopped || client !== this.current) return;
    this.current = undefined;
    if (this.listening) {
      this.listening = false;
      this.logger.warn(`LISTEN connection lost${error ? `: ${error.message}` : ''}; reconnecting`);
    }
    client.end().catch(() => undefined);
    this.retryTimer = setTimeout(() => {
      void this.connect().then(() => {
        if (this.listening) this.onReconnect();
      });
    }, this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
  }
}

/** pg connection settings of the app's TypeORM DataSource. */
export function connectionConfig(dataSource: DataSource): pg.ClientConfig {
  const o = dataSource.options as {
    url?: string; host?: string; port?: number; username?: string; password?: string; database?: string; ssl?: pg.ClientConfig['ssl'];
  };
  return { connectionString: o.url, host: o.host, port: o.port, user: o.username, password: o.password, database: o.database, ssl: o.ssl };
}
