import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { QueueJobAutovacuum } from '../../lib/maintenance/autovacuum.service.js';
import { QueueJobModule } from '../../lib/queue-job.module.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { printFigures } from './support/figures.js';

// SPEC §6 autovacuum, in process: done and cancelled jobs older than their channel's
// removal_interval go, in batches; jobs of channels without a record follow root's interval.
describe('fault: autovacuum', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({
      url: db.url, runner: false, autovacuum: { batchSize: 3 },
      imports: [QueueJobModule.forFeature({ channels: [{ name: 'sale', parent: 'root', removalInterval: 5 }] })],
    });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  /** `n` rows in `channel` and `state`, their `column` set `days` ago, tagged `tag` (in `name`). */
  const insert = (tag: string, n: number, channel: string, state: string, column: string, days: number) => db.pool.query(
    `INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, channel, state, ${column})
     SELECT gen_random_uuid(), $1, '<X>.y', 'X', 'y', $2, $3, now() - make_interval(days => $4) FROM generate_series(1, $5)`,
    [tag, channel, state, days, n]);

  it('deletes old done and cancelled jobs per channel interval, including channels without a record, in batches', async () => {
    await insert('gone', 4, 'root', 'done', 'date_done', 40);
    await insert('kept', 2, 'root', 'done', 'date_done', 10);
    await insert('gone', 2, 'root', 'cancelled', 'date_cancelled', 40);
    await insert('kept', 1, 'root', 'cancelled', 'date_cancelled', 10);
    await insert('gone', 3, 'root.sale', 'done', 'date_done', 6); // sale's removal_interval: 5 days
    await insert('kept', 2, 'root.sale', 'done', 'date_done', 4);
    await insert('gone', 3, 'root.ghost', 'done', 'date_done', 40); // no channel record: root's 30 days
    await insert('kept', 1, 'root.ghost', 'done', 'date_done', 20);
    await insert('kept', 1, 'root', 'failed', 'date_done', 100); // other states stay, however old
    await insert('kept', 1, 'root', 'pending', 'date_created', 100);
    await insert('kept', 1, 'root', 'started', 'date_started', 100);
    await insert('kept', 1, 'root', 'wait_dependencies', 'date_created', 100);

    const count = async (tag: string) => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM queue_job WHERE name = $1', [tag])).rows[0]!.n;
    const keptBefore = await count('kept');
    const deleted = await app.get(QueueJobAutovacuum).run();
    expect(deleted).toBe(12); // 4 batches of at most 3 done jobs, then the cancelled ones
    expect(await count('gone')).toBe(0);
    expect(await count('kept')).toBe(keptBefore);
    expect(await app.get(QueueJobAutovacuum).run()).toBe(0);
    printFigures('7. autovacuum (batchSize 3)', { 'old done/cancelled jobs': 12, deleted, 'recent or other states': keptBefore, kept: await count('kept') });
  });
});
