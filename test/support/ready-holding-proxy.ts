import net from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that can hold back a new connection's first ReadyForQuery, then
 * deliver it in the same packet as whatever the server sends next (a FATAL after
 * `pg_terminate_backend`): the client finishes connecting and loses the connection within one read,
 * as when the server restarts just after accepting it. Other connections pass through untouched.
 */
export class ReadyHoldingProxy {
  private armed: ((pid: number) => void) | undefined;
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly server: net.Server, private readonly target: URL) {}

  static async start(databaseUrl: string): Promise<ReadyHoldingProxy> {
    const target = new URL(databaseUrl);
    let proxy: ReadyHoldingProxy | undefined;
    const server = net.createServer((client) => proxy!.accept(client));
    proxy = new ReadyHoldingProxy(server, target);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The database URL through this proxy. */
  get url(): string {
    const url = new URL(this.target);
    url.hostname = '127.0.0.1';
    url.port = String((this.server.address() as net.AddressInfo).port);
    return url.toString();
  }

  /** Holds the next new connection's first ReadyForQuery; resolves with its backend's pid once held. */
  holdNextReady(): Promise<number> {
    return new Promise((resolve) => (this.armed = resolve));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect(Number(this.target.port || 5432), this.target.hostname);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on('close', () => this.sockets.delete(socket));
    }
    // Ends pass on (pipe); a write is flushed before its socket ends, where destroy() would drop it.
    client.pipe(upstream);
    const onHeld = this.armed;
    this.armed = undefined;
    if (onHeld) holdFirstReady(upstream, client, onHeld);
    else upstream.pipe(client);
  }
}

/**
 * Forwards the server's messages up to its first ReadyForQuery ('Z'), keeps that one and what follows
 * it, and sends them together with the server's next data. The pid is in BackendKeyData ('K').
 */
function holdFirstReady(upstream: net.Socket, client: net.Socket, onHeld: (pid: number) => void): void {
  let pending = Buffer.alloc(0);
  let held: Buffer | undefined;
  let pid = 0;
  upstream.once('end', () => client.end());
  upstream.on('data', (data: Buffer) => {
    if (held) {
      client.write(Buffer.concat([held, data]));
      held = undefined;
      upstream.removeAllListeners('data');
      upstream.pipe(client); // what comes after passes straight through
      return;
    }
    pending = Buffer.concat([pending, data]);
    let offset = 0;
    while (pending.length - offset >= 5) {
      const type = String.fromCharCode(pending[offset]);
      const end = offset + 1 + pending.readInt32BE(offset + 1);
      if (end > pending.length) break;
      if (type === 'K') pid = pending.readInt32BE(offset + 5);
      if (type === 'Z') {
        client.write(pending.subarray(0, offset));
        held = pending.subarray(offset);
        onHeld(pid);
        return;
      }
      offset = end;
    }
    // Whole messages go on at once: a password exchange waits for the client's answer.
    client.write(pending.subarray(0, offset));
    pending = pending.subarray(offset);
  });
}
