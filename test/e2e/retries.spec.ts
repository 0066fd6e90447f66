import { beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { JobService } from '../../lib/enqueue/job.service.js';
import type { Job } from '../../lib/enqueue/job.js';
import { ShopService } from '../fixtures/shop.service.js';
import { inState, secondsBetween, waitForRow, type JobRow } from '../support/job-rows.js';
import { useShopApp } from '../support/shop-app.js';
import type { TestDatabase } from '../support/test-database.js';

/** Slack for "eta - time of the attempt": the method's own run and the write of the outcome. */
const SLACK_S = 0.5;

describe('errors and retries', () => {
  const shopApp = useShopApp({ channels: 'root:4' });
  const log = shopApp.log;
  let db: TestDatabase;
  let app: INestApplicationContext;
  let shop: ShopService;
  let jobs: JobService;
  beforeAll(() => void ({ db, app, shop, jobs } = shopApp));

  it('RetryableJobError: back to pending with eta spaced by the retry pattern, then FailedJobError after maxRetries', async () => {
    // flaky: retryPattern { 1: 1, 2: 2 }, maxRetries 3, always throws RetryableJobError('not yet: <label>').
    const job = (await shop.flaky('pattern')) as Job;

    const first = await waitForRow(db, job.uuid, (r) => r.state === 'pending' && r.retry === 1);
    expectRetry(first, 1, 'not yet: pattern');

    const second = await waitForRow(db, job.uuid, (r) => r.state === 'pending' && r.retry === 2);
    expectRetry(second, 2, 'not yet: pattern');
    // The second attempt waited for the first eta.
    expect(second.date_started!.getTime()).toBeGreaterThanOrEqual(first.eta!.getTime() - 5);

    const last = await waitForRow(db, job.uuid, inState('failed'));
    expect(last.retry).toBe(3);
    expect(last.exc_name).toBe('FailedJobError');
    expect(last.exc_message).toBe('Max. retries (3) reached: not yet: pattern');
    expect(last.exc_info).toContain('RetryableJobError: not yet: pattern');
    expect(last.date_started!.getTime()).toBeGreaterThanOrEqual(second.eta!.getTime() - 5);
    expect(last.date_done).toBeNull();

    // Three attempts, spaced per the pattern (as the method saw them).
    const attempts = log.callsOf('flaky', 'pattern').map((c) => c.at);
    expect(attempts).toHaveLength(3);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(1000 - 20);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(2000 - 20);
  });

  it('RetryableJobError(msg, { seconds }) overrides the pattern; the attempt counts', async () => {
    const job = await jobs.withDelay(shop, { maxRetries: 3 }).postponeOnce('seconds', 1, false);
    const postponed = await waitForRow(db, job.uuid, attempted);
    expect(postponed.state).toBe('pending');
    expect(postponed.retry).toBe(1);
    expect(postponed.result).toBe('later: seconds');
    const delay = secondsBetween(postponed.date_started!, postponed.eta!);
    expect(delay).toBeGreaterThanOrEqual(1);
    expect(delay).toBeLessThan(1 + SLACK_S);

    const done = await waitForRow(db, job.uuid, inState('done', 'failed'));
    expect(done.state).toBe('done');
    expect(done.retry).toBe(2);
    expect(done.result).toBe('ran: seconds');
  });

  it('RetryableJobError with ignoreRetry: the attempt does not count against maxRetries', async () => {
    // maxRetries 1: had the first attempt counted, it would have failed with "Max. retries (1) reached".
    const job = await jobs.withDelay(shop, { maxRetries: 1 }).postponeOnce('ignore', 1, true);
    const postponed = await waitForRow(db, job.uuid, attempted);
    expect(postponed).toMatchObject({ state: 'pending', retry: 0, result: 'later: ignore' });
    expect(secondsBetween(postponed.date_started!, postponed.eta!)).toBeGreaterThanOrEqual(1);
    const done = await waitForRow(db, job.uuid, inState('done', 'failed'));
    expect(done.exc_message).toBeNull();
    expect(done.state).toBe('done');
    expect(done.retry).toBe(1);
    expect(done.result).toBe('ran: ignore');
    expect(log.callsOf('postponeOnce', 'ignore')).toHaveLength(2);
  });

  it('RetryableJobError on the last allowed attempt fails with FailedJobError', async () => {
    const job = await jobs.withDelay(shop, { maxRetries: 1 }).postponeOnce('last', 0, false);
    const row = await waitForRow(db, job.uuid, inState('done', 'failed'));
    expect(row.state).toBe('failed');
    expect(row.retry).toBe(1);
    expect(row.exc_name).toBe('FailedJobError');
    expect(row.exc_message).toBe('Max. retries (1) reached: later: last');
    expect(log.callsOf('postponeOnce', 'last')).toHaveLength(1);
  });

  it('any other error: failed at once with exc_name, exc_message and the stack in exc_info', async () => {
    const job = (await shop.crash()) as Job;
    const row = await waitForRow(db, job.uuid);
    expect(row.state).toBe('failed');
    expect(row.retry).toBe(1);
    expect(row.exc_name).toBe('TypeError');
    expect(row.exc_message).toBe('boom');
    expect(row.exc_info).toMatch(/^TypeError: boom\n\s+at /);
    expect(row.exc_info).toContain('shop.service');
    expect(row.result).toBeNull();
    expect(row.date_done).toBeNull();
    expect(row.date_started).not.toBeNull();
  });

  it("an app's error class that does not set name: exc_name is the class name", async () => {
    const job = (await shop.decline()) as Job;
    const row = await waitForRow(db, job.uuid);
    expect(row).toMatchObject({ state: 'failed', exc_name: 'PaymentDeclined', exc_message: 'card expired' });
    expect(row.exc_info).toContain('card expired');
  });

  it('FailedJobError: failed at once, no retry', async () => {
    const job = (await shop.refuse()) as Job;
    const row = await waitForRow(db, job.uuid);
    expect(row.state).toBe('failed');
    expect(row.retry).toBe(1);
    expect(row.exc_name).toBe('FailedJobError');
    expect(row.exc_message).toBe('refused for good');
    expect(row.exc_info).toContain('FailedJobError: refused for good');
  });

  it('NothingToDoJob: done with the message as result', async () => {
    const job = (await shop.nothing()) as Job;
    const row = await waitForRow(db, job.uuid);
    expect(row.state).toBe('done');
    expect(row.result).toBe('already confirmed');
    expect(row.exc_name).toBeNull();
    expect(row.date_done).not.toBeNull();
  });
});

/** A row whose first attempt is recorded (a postponed job is pending again, with `date_started` set). */
const attempted = (row: JobRow) => ['pending', 'failed', 'done'].includes(row.state) && row.date_started !== null;

/** The row after attempt `retry` was postponed by the pattern {1: 1, 2: 2}: eta = attempt + `retry` seconds. */
function expectRetry(row: JobRow, retry: number, message: string): void {
  expect(row.state).toBe('pending');
  expect(row.retry).toBe(retry);
  expect(row.result).toBe(message);
  expect(row.exc_name).toBeNull();
  const delay = secondsBetween(row.date_started!, row.eta!);
  expect(delay).toBeGreaterThanOrEqual(retry);
  expect(delay).toBeLessThan(retry + SLACK_S);
}
