import { describe, expect, it } from '@jest/globals';
import { ArgumentSerializationError } from '../../../lib/errors/argument-serialization.error.js';
import { FailedJobError } from '../../../lib/errors/failed-job.error.js';
import { InvalidRetryPatternError, RETRY_PATTERN_EXAMPLE } from '../../../lib/errors/invalid-retry-pattern.error.js';
import { NothingToDoJob } from '../../../lib/errors/nothing-to-do-job.error.js';
import { RecordNotFoundError } from '../../../lib/errors/record-not-found.error.js';
import { RetryableJobError } from '../../../lib/errors/retryable-job.error.js';

describe('job errors', () => {
  // `exc_name` stores error.name, so each class must name itself rather than inherit "Error".
  it.each([
    ['RetryableJobError', new RetryableJobError('later')],
    ['FailedJobError', new FailedJobError('broken')],
    ['NothingToDoJob', new NothingToDoJob('nothing')],
    ['ArgumentSerializationError', new ArgumentSerializationError('args[0]', 'bad')],
    ['InvalidRetryPatternError', new InvalidRetryPatternError('job function <A>.b', 'bad')],
    ['RecordNotFoundError', new RecordNotFoundError('ShopOrder', 42)],
  ])('%s sets its name and stays an Error', (name, error) => {
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(Error);
    expect(String(error.stack)).toContain(name);
  });

  it('RecordNotFoundError keeps the entity and id, and names a composite key as its columns', () => {
    expect(new RecordNotFoundError('ShopOrder', 42)).toMatchObject({ entity: 'ShopOrder', id: 42 });
    expect(new RecordNotFoundError('OrderLine', { orderId: 1, lineNo: 2 }).message)
      .toMatch(/^OrderLine \{"orderId":1,"lineNo":2\} no longer exists: it was deleted after the job was enqueued\./);
  });

  it('keeps the message as given', () => {
    expect(new FailedJobError('Max. retries (5) reached: timeout').message).toBe('Max. retries (5) reached: timeout');
    expect(new NothingToDoJob('already confirmed').message).toBe('already confirmed');
    expect(new RetryableJobError('API down').message).toBe('API down');
  });
});

describe('RetryableJobError', () => {
  it('defaults to no delay of its own and a counted attempt', () => {
    const error = new RetryableJobError('later');
    expect(error.seconds).toBeUndefined();
    expect(error.ignoreRetry).toBe(false);
  });

  it('keeps seconds and ignoreRetry', () => {
    const error = new RetryableJobError('later', { seconds: 30, ignoreRetry: true });
    expect(error.seconds).toBe(30);
    expect(error.ignoreRetry).toBe(true);
  });

  it.each([0, 0.5, 86400])('accepts %p seconds', (seconds) => {
    expect(new RetryableJobError('later', { seconds }).seconds).toBe(seconds);
  });

  it.each([
    [-1, 'got -1'],
    [Number.NaN, 'got NaN'],
    [Number.POSITIVE_INFINITY, 'got Infinity'],
    ['10', 'got "10" (a string)'],
    [null, 'got null'],
  ])('refuses seconds %p, naming the value', (seconds, shown) => {
    const make = () => new RetryableJobError('later', { seconds: seconds as number });
    expect(make).toThrow(TypeError);
    expect(make).toThrow(`seconds must be a finite number >= 0 (the delay before the next attempt), ${shown}`);
  });

  it('refuses a non-boolean ignoreRetry from untyped callers', () => {
    expect(() => new RetryableJobError('later', { ignoreRetry: 'yes' as unknown as boolean })).toThrow(
      'ignoreRetry must be a boolean, got "yes" (a string)',
    );
  });
});

describe('ArgumentSerializationError', () => {
  it('exposes the path of the bad value', () => {
    const error = new ArgumentSerializationError('args[1].items[2]', 'Cannot store it');
    expect(error.path).toBe('args[1].items[2]');
    expect(error.message).toBe('Cannot store it');
  });
});

describe('InvalidRetryPatternError', () => {
  it('names where it was declared, the problem, and a valid example', () => {
    const error = new InvalidRetryPatternError('job function <OrderService>.confirm', 'key "0" is wrong');
    expect(error.where).toBe('job function <OrderService>.confirm');
    expect(error.message).toMatch(/^Invalid retry pattern for job function <OrderService>\.confirm: key "0" is wrong\. /);
    expect(error.message).toContain(RETRY_PATTERN_EXAMPLE);
    expect(RETRY_PATTERN_EXAMPLE).toBe('{ 1: 60, 2: 180, 5: [300, 600] }');
  });
});
