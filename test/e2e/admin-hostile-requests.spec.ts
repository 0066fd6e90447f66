import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import type { Job } from '../../lib/enqueue/job.js';
import { OrderService, startAdminApp, USER_HEADER, type AdminTestApp } from '../browser/admin-app.js';
import { rawHttp } from '../support/raw-http.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('Job Queue admin under hostile requests', () => {
  let db: TestDatabase;
  let shop: AdminTestApp;
  let port: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    shop = await startAdminApp({ databaseUrl: db.url, runner: false });
    port = (shop.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await shop?.app.close();
    await db?.drop();
  });

  const pendingJob = async () => ((await shop.app.get(OrderService).confirm(1, 'x')) as unknown as Job).uuid;
  const stateOf = async (uuid: string) => (await db.pool.query('SELECT state FROM queue_job WHERE uuid = $1', [uuid])).rows[0].state;
  const cancel = (uuid: string, headers: Record<string, string>) => fetch(`${shop.url}/api/jobs/${uuid}/cancel`, {
    method: 'POST', body: '{}', headers: { [USER_HEADER]: 'alice', 'content-type': 'application/json', ...headers },
  });

  describe('an absolute-form request target', () => {
    for (const path of ['/queue-job', '/queue-job/jobs/00000000-0000-4000-8000-000000000000', '/queue-job/channels']) {
      it(`GET http://evil.example${path}: the page references the configured mount path, no foreign host`, async () => {
        const reply = await rawHttp(port, `GET http://evil.example${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
          `${USER_HEADER}: alice\r\nConnection: close\r\n\r\n`);
        expect(reply.status).toBe(200);
        expect(reply.text).not.toContain('evil.example');
        expect(reply.text).toMatch(/<script src="\/queue-job\/assets\/admin\.js\?v=[0-9a-f]{12}" defer><\/script>/);
        expect(reply.text).toContain('<link rel="stylesheet" href="/queue-job/assets/admin.css?v=');
      });
    }

    it('under a global prefix: the prefix, then the mount path', async () => {
      const prefixed = await startAdminApp({ databaseUrl: db.url, runner: false, globalPrefix: 'internal' });
      try {
        const { port: p } = prefixed.app.getHttpServer().address() as AddressInfo;
        const reply = await rawHttp(p, `GET http://evil.example/internal/queue-job/channels HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
          `${USER_HEADER}: alice\r\nConnection: close\r\n\r\n`);
        expect(reply.status).toBe(200);
        expect(reply.text).not.toContain('evil.example');
        expect(reply.text).toContain('<script src="/internal/queue-job/assets/admin.js?v=');
      } finally {
        await prefixed.app.close();
      }
    });
  });

  describe('actions refuse cross-site requests with 403, and change nothing', () => {
    it('Sec-Fetch-Site: cross-site or same-site (another port of the host)', async () => {
      const uuid = await pendingJob();
      for (const site of ['cross-site', 'same-site']) {
        const refused = await cancel(uuid, { 'sec-fetch-site': site });
        expect(refused.status).toBe(403);
        expect((await refused.json()).message).toBe(`Refused: this request comes from a page of another site (Sec-Fetch-Site: ${site}). ` +
          "The admin's actions are accepted only from its own pages, or from clients that are not browsers; nothing was changed.");
      }
      expect(await stateOf(uuid)).toBe('pending');
    });

    it('an Origin that is not the host the request was sent to (another host, port or scheme, an opaque origin); its own origin passes', async () => {
      const uuid = await pendingJob();
      for (const origin of ['http://evil.example', `http://127.0.0.1:${port + 1}`, 'https://127.0.0.1', 'null']) {
        const refused = await cancel(uuid, { origin });
        expect(refused.status).toBe(403);
        expect((await refused.json()).message).toContain(`(Origin: ${origin})`);
      }
      const bulk = await fetch(`${shop.url}/api/jobs/cancel`, {
        method: 'POST', body: JSON.stringify({ uuids: [uuid] }),
        headers: { [USER_HEADER]: 'alice', 'content-type': 'application/json', origin: 'http://evil.example' },
      });
      expect(bulk.status).toBe(403);
      expect(await stateOf(uuid)).toBe('pending');
      // Not refused: the admin's own origin (also through a proxy that forwards the host), and clients that send no Origin.
      expect((await cancel(await pendingJob(), { origin: shop.origin, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
      expect((await cancel(await pendingJob(), { origin: 'https://jobs.example.com', 'x-forwarded-host': 'jobs.example.com' })).status).toBe(200);
      expect((await cancel(await pendingJob(), {})).status).toBe(200);
    });
  });
});
