import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { NOTIFY_CHANNEL } from '../../lib/queue-job.constants.js';
import { cancelledUuidsOf, notifyCancelled } from '../../lib/store/cancel-notices.js';
import { sqlOfClient } from '../../lib/store/graph-transitions.js';
import { useMigratedDatabase } from '../support/migrated-database.js';
import { waitFor } from '../support/wait-for.js';

describe('cancel notices: the NOTIFYs naming jobs cancelled while they ran', () => {
  const database = useMigratedDatabase();

  it('name every uuid, in payloads NOTIFY accepts (< 8000 bytes), delivered at commit only', async () => {
    const listener = new pg.Client({ connectionString: database().url });
    await listener.connect();
    const payloads: string[] = [];
    listener.on('notification', (message) => payloads.push(message.payload ?? ''));
    await listener.query(`LISTEN ${NOTIFY_CHANNEL}`);
    const client = await database().pool.connect();
    try {
      const uuids = Array.from({ length: 450 }, () => randomUUID());
      await client.query('BEGIN');
      await notifyCancelled(sqlOfClient(client), uuids);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(payloads).toEqual([]);
      await client.query('COMMIT');
      await waitFor('the notices', () => payloads.length === 3, 5_000);
      expect(payloads.every((p) => Buffer.byteLength(p) < 8000)).toBe(true);
      expect(payloads.flatMap(cancelledUuidsOf)).toEqual(uuids);
    } finally {
      client.release();
      await listener.end();
    }
  });

  it('name no job in a wake-up (an empty payload) nor in a worker id', () => {
    expect(cancelledUuidsOf('')).toEqual([]);
    expect(cancelledUuidsOf('host:123:abcd')).toEqual([]);
  });
});
