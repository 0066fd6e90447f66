import { beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { INestApplicationContext } from '@nestjs/common';
import { JobService } from '../../lib/enqueue/job.service.js';
import { QueueJobHooks } from '../../lib/hooks/queue-job-hooks.js';
import { hostileThrown } from '../support/hostile-values.js';
import type { Job } from '../../lib/enqueue/job.js';
import { ArgumentSerializationError } from '../../lib/errors/argument-serialization.error.js';
import type { DelayCallOptions } from '../../lib/enqueue/with-delay.js';
import { ShopService } from '../fixtures/shop.service.js';
import { countJobs, jobRow, waitForRow } from '../support/job-rows.js';
import { useShopApp } from '../support/shop-app.js';
import type { TestDatabase } from '../support/test-database.js';

describe('bad input', () => {
  const shopApp = useShopApp({ channels: 'root:2', runner: { unknownFunctionGrace: 1 } });
  const log = shopApp.log;
  let db: TestDatabase;
  let app: INestApplicationContext;
  let shop: ShopService;
  let jobs: JobService;
  beforeAll(() => void ({ db, app, shop, jobs } = shopApp));

  describe('arguments that cannot be stored: ArgumentSerializationError naming the path, nothing stored', () => {
    const circular: Record<string, unknown> = { id: 1 };
    circular.self = circular;
    it.each<[string, unknown, string, RegExp]>([
      ['a function', () => 1, 'args[1]', /a function/],
      ['a nested function', { lines: [{ total: () => 2 }] }, 'args[1].lines[0].total', /a function/],
      ['a Map', new Map([['a', 1]]), 'args[1]', /instance of Map.*Object\.fromEntries/],
      ['a circular structure', { order: circular }, 'args[1].order.self', /circular reference to args\[1\]\.order/],
      ['NaN', { amount: NaN }, 'args[1].amount', /NaN/],
      ['a symbol', Symbol('s'), 'args[1]', /a symbol/],
      ['an invalid Date', new Date('nope'), 'args[1]', /invalid Date/],
      ['a class instance', new (class Money { cents = 5 })(), 'args[1]', /instance of Money/],
      ['a string with a NUL character', { note: 'a\u0000b' }, 'args[1].note', /NUL character/],
    ])('%s', async (_what, bad, path, problem) => {
      const before = await countJobs(db);
      const direct = shop.confirm(1, bad as string);
      await expect(direct).rejects.toThrow(ArgumentSerializationError);
      await expect(direct).rejects.toMatchObject({ path, message: expect.stringContaining(`Cannot store job argument ${path}:`) });
      await expect(direct).rejects.toThrow(problem);
      await expect(jobs.withDelay(shop).confirm(1, bad as string)).rejects.toMatchObject({ path });
      await expect(jobs.enqueueMany(shop, 'confirm', [[1, 'fine'], [2, bad as string]])).rejects.toMatchObject({ path });
      // Over 500 calls the bulk path streams the calls into a COPY, 100 at a time as they are prepared:
      // the bad last call cancels the COPY, with the 1100 rows already sent.
      const many = Array.from({ length: 1100 }, (_, i): [number, string] => [i, 'fine']);
      many.push([1100, bad as string]);
      await expect(jobs.enqueueMany(shop, 'confirm', many)).rejects.toMatchObject({ path });
      expect(await countJobs(db)).toBe(before);
    });
  });

  it('an enqueue hook throwing anything in the middle of a large call: the call rejects with it, nothing stored, the pool still serves', async () => {
    // Calls past 500 are streamed into a COPY: the 551st throws once the COPY is under way.
    await fc.assert(fc.asyncProperty(hostileThrown, async (thrown) => {
      const before = await countJobs(db);
      let n = 0;
      const off = app.get(QueueJobHooks).onEnqueue(() => {
        if (++n === 551) throw thrown;
      });
      try {
        const many = Array.from({ length: 600 }, (_, i): [number, string] => [i, 'fine']);
        // Caught by await, not by a handler that returns it: resolving a promise with the value would
        // read its `then`, which a hostile Proxy refuses.
        let rejectedWith: unknown = 'not rejected';
        try {
          await jobs.enqueueMany(shop, 'confirm', many);
        } catch (error) {
          rejectedWith = error;
        }
        expect(Object.is(rejectedWith, thrown)).toBe(true); // NaN is thrown too
      } finally {
        off();
      }
      expect(await countJobs(db)).toBe(before);
      expect((await jobs.enqueueMany(shop, 'confirm', [[1, 'after']], { eta: 3600 }))[0]!.created).toBe(true);
    }), {
      numRuns: 12,
      // Always tried too: what String(), err.message and any property read cannot read.
      examples: [
        [Object.defineProperty(new Error('x'), 'message', { get: () => { throw new Error('message refuses'); } })],
        [{ toString: () => { throw new Error('toString refuses'); } }],
        [new Proxy({}, { get: (_t, key) => { if (typeof key === 'symbol') return undefined; throw new Error('proxy get'); } })],
        // `instanceof` asks its prototype: a catch block that tests what it caught must not throw instead.
        [new Proxy({}, { getPrototypeOf: () => { throw new Error('proxy getPrototypeOf'); } })],
      ],
    });
  });

  describe('absurd options: a clear error, nothing stored', () => {
    it.each<[string, DelayCallOptions, RegExp]>([
      ['priority NaN', { priority: NaN }, /option "priority" is NaN.*whole number/],
      ['priority 1.5', { priority: 1.5 }, /option "priority" is 1\.5/],
      ['maxRetries -1', { maxRetries: -1 }, /option "maxRetries" is -1.*>= 0/],
      ['eta NaN', { eta: NaN }, /option "eta" is NaN/],
      ['eta Invalid Date', { eta: new Date('nope') }, /option "eta" is Invalid Date/],
      ['eta negative', { eta: -5 }, /option "eta" is -5/],
      ['channel with SQL', { channel: "a';drop table x;--" }, /option "channel" is a';drop table x;--.*dotted channel name/],
      ['empty channel', { channel: '' }, /option "channel"/],
    ])('%s', async (_what, options, message) => {
      const before = await countJobs(db);
      const attempt = jobs.withDelay(shop, options).confirm(1, 'bad options');
      await expect(attempt).rejects.toThrow(message);
      await expect(attempt).rejects.toThrow(/Cannot enqueue <ShopService>\.confirm: .*Nothing was stored\./);
      // enqueueMany checks a call's options once, for all its jobs, whether one statement or streamed.
      await expect(jobs.enqueueMany(shop, 'confirm', [[1, 'a'], [2, 'b']], options)).rejects.toThrow(message);
      await expect(jobs.enqueueMany(shop, 'confirm', Array.from({ length: 600 }, (_, i): [number, string] => [i, 'x']), options)).rejects.toThrow(message);
      expect(await countJobs(db)).toBe(before);
    });

    it('a method that is not @Delayable cannot be delayed', () => {
      expect(() => (jobs.withDelay(shop) as unknown as Record<string, () => void>).log()).toThrow(/ShopService\.log is not a @Delayable\(\) method/);
    });
  });

  describe('rows the runner cannot run', () => {
    const insertByHand = async (jobFunction: string, args: string) => {
      const { rows } = await db.pool.query<{ uuid: string }>(
        `INSERT INTO queue_job (uuid, name, job_function, service_name, method_name, args, channel)
         VALUES (gen_random_uuid(), 'by hand', $1, 'Nope', 'run', $2::jsonb, 'root') RETURNING uuid`,
        [jobFunction, args],
      );
      return rows[0]!.uuid;
    };

    it('a job function that no live worker declares is never claimed and fails with UnknownJobFunction after the grace; the runner keeps running other jobs', async () => {
      const uuid = await insertByHand('<Nope>.run', '[]');
      const row = await waitForRow(db, uuid);
      expect(row.state).toBe('failed');
      expect(row.exc_name).toBe('UnknownJobFunction');
      expect(row.exc_message).toContain('No live worker declared job function <Nope>.run for 1 s');
      expect(row.retry).toBe(0);
      const next = (await shop.confirm(10, 'after unknown')) as Job;
      expect((await waitForRow(db, next.uuid)).state).toBe('done');
    });

    it.each([
      ['[{"$date": 5}]', 'args[0]', /"\$date" must hold an ISO date string/],
      ['[1, {"$bigint": "12x"}]', 'args[1]', /"\$bigint" must hold a string of digits/],
      ['[1, {"note": {"$nope": 1}}]', 'args[1].note', /unknown tag "\$nope"/],
      ['{"not": "an array"}', 'args', /expected an array/],
    ])('malformed tagged args %s are failed with a message naming %s', async (args, path, problem) => {
      const calls = log.callsOf('confirm').length;
      const uuid = await insertByHand('<ShopService>.confirm', args);
      const row = await waitForRow(db, uuid);
      expect(log.callsOf('confirm')).toHaveLength(calls); // the method never ran
      expect(row.state).toBe('failed');
      expect(row.exc_name).toBe('ArgumentSerializationError');
      expect(row.exc_message).toContain(`Cannot read stored job argument ${path}:`);
      expect(row.exc_message).toMatch(problem);
    });

    it('a result or an error message with a NUL character (which PostgreSQL cannot store) is recorded with U+FFFD', async () => {
      const returned = await jobs.withDelay(shop).nulText(false);
      expect((await waitForRow(db, returned.uuid)).result).toEqual({ text: 'a\uFFFDb', escaped: '\\u0000 stays' });
      const thrown = await jobs.withDelay(shop).nulText(true);
      const failed = await waitForRow(db, thrown.uuid);
      expect(failed.state).toBe('failed');
      expect(failed.exc_message).toBe('bad \uFFFD byte');
    });

    it('the runner is still alive after all that', async () => {
      const job = (await shop.confirm(11, 'still alive')) as Job;
      expect((await waitForRow(db, job.uuid)).state).toBe('done');
      expect((await jobRow(db, job.uuid)).result).toEqual({ confirmed: 11, note: 'still alive' });
    });
  });
});
