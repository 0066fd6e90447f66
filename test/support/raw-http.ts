import { connect } from 'node:net';

/**
 * Sends `request` as it is (request line, headers, body) over a TCP socket and resolves with the
 * whole answer: `fetch` always sends an origin-form target, so only a raw socket can send the
 * absolute-form `GET http://evil.example/queue-job HTTP/1.1` a proxy or an attacker may.
 */
export function rawHttp(port: number, request: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
  });
}
