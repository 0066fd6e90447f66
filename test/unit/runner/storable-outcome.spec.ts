import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { RetryableJobError } from '../../../lib/errors/retryable-job.error.js';
import { errorOutcome } from '../../../lib/runner/job-outcome.js';
import {
  MAX_MESSAGE_CHARS, MAX_NAME_CHARS, MAX_RESULT_CHARS, MAX_STACK_CHARS, storableThrown, encodeResult,
} from '../../../lib/runner/storable-outcome.js';
import { everyTextStorable, hostileThrown, hostileValue, storableByPostgres } from '../../support/hostile-values.js';

const attempt = { retry: 1, maxRetries: 5, retryPattern: null };

describe('what a job returns, made storable', () => {
  it('any value: encodeResult never throws, and gives JSON whose every text PostgreSQL can store', () => {
    fc.assert(fc.property(hostileValue, (value) => {
      const json = encodeResult(value);
      if (json === null) return;
      expect(json.length).toBeLessThanOrEqual(MAX_RESULT_CHARS + 200);
      expect(everyTextStorable(JSON.parse(json))).toBe(true);
    }), { numRuns: 500 });
  });

  it('a value JSON keeps and PostgreSQL can store is stored as it is', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const plain = JSON.stringify(value);
      fc.pre(everyTextStorable(value));
      expect(encodeResult(value)).toBe(plain);
    }), { numRuns: 300 });
  });

  it('a lone surrogate (an emoji cut in half) becomes U+FFFD; a whole emoji stays', () => {
    const cut = '😀 done'.slice(1);
    expect(JSON.parse(encodeResult({ text: cut, ok: '😀' })!)).toEqual({ text: '\uFFFD done', ok: '😀' });
    expect(JSON.parse(encodeResult('a\u0000b')!)).toBe('a\uFFFDb');
  });

  it('a result past the limit is stored as its start and a note with its size', () => {
    const big = 'x'.repeat(MAX_RESULT_CHARS + 10);
    const stored = JSON.parse(encodeResult(big)!) as string;
    expect(stored.startsWith(`"${'x'.repeat(100)}`)).toBe(true);
    expect(stored).toMatch(new RegExp(`\\[truncated: ${MAX_RESULT_CHARS + 12} characters of JSON, the limit is ${MAX_RESULT_CHARS}\\]$`));
  });

  it('a getter or toJSON that throws, a cycle, a Proxy: described with the reason', () => {
    const getter = Object.defineProperty({}, 'x', { enumerable: true, get: () => { throw new Error('no reading me'); } });
    expect(JSON.parse(encodeResult(getter)!)).toBe('[unserializable result: [object Object]: no reading me]');
    const proxy = new Proxy({}, { get: () => { throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); } });
    expect(JSON.parse(encodeResult(proxy)!)).toMatch(/^\[unserializable result: .*: trap\]$/);
  });
});

describe('what a job throws, made storable', () => {
  it('anything thrown: errorOutcome never throws; name, message and stack are storable and bounded', () => {
    fc.assert(fc.property(hostileThrown, (thrown) => {
      const outcome = errorOutcome(thrown, attempt);
      expect(outcome.state).toBe('failed');
      if (outcome.state !== 'failed') return;
      expect(storableByPostgres(outcome.excName) && storableByPostgres(outcome.excMessage) && storableByPostgres(outcome.excInfo)).toBe(true);
      expect(outcome.excName.length).toBeLessThanOrEqual(MAX_NAME_CHARS + 80);
      expect(outcome.excMessage.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS + 80);
      expect(outcome.excInfo.length).toBeLessThanOrEqual(MAX_STACK_CHARS + 80);
    }), { numRuns: 500 });
  });

  it('a retry keeps a hostile message storable', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('\ud800', 'a', '\0') }), (message) => {
      const outcome = errorOutcome(new RetryableJobError(message), attempt);
      expect(outcome.state).toBe('pending');
      if (outcome.state === 'pending') expect(storableByPostgres(outcome.result)).toBe(true);
    }));
  });

  it('a message getter that throws, a thrown Proxy, a huge message', () => {
    const unreadable = Object.defineProperty(new TypeError('x'), 'message', { get: () => { throw new Error('no'); } });
    expect(storableThrown(unreadable)).toMatchObject({ name: 'TypeError', message: '[unreadable message]' });
    const proxy = new Proxy({}, { get: () => { throw new Error('trap'); }, getPrototypeOf: () => { throw new Error('trap'); } });
    expect(errorOutcome(proxy, attempt)).toMatchObject({ state: 'failed', excName: 'object' });
    const huge = storableThrown(new Error('m'.repeat(MAX_MESSAGE_CHARS * 3)));
    expect(huge.message).toMatch(new RegExp(`… \\[truncated: ${MAX_MESSAGE_CHARS * 3} characters, the limit is ${MAX_MESSAGE_CHARS}\\]$`));
  });

  it('a lost database connection is retried like a concurrency error, its error kept for exc_*', () => {
    const lost = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const outcome = errorOutcome(lost, attempt);
    expect(outcome).toMatchObject({ state: 'pending', delaySeconds: 5, countsAsRetry: true });
    if (outcome.state === 'pending') expect(outcome.exc).toMatchObject({ excMessage: 'terminating connection due to administrator command' });
    const released = Object.assign(new Error('Query runner already released.'), { name: 'QueryRunnerAlreadyReleasedError' });
    expect(errorOutcome(released, attempt).state).toBe('pending');
    expect(errorOutcome(Object.assign(new Error('x'), { code: '08006' }), attempt).state).toBe('pending');
    expect(errorOutcome(released, { ...attempt, retry: 5 })).toMatchObject({ state: 'failed', excName: 'FailedJobError' });
    // An app's own failure with a code that is not a SQLSTATE is not a database connection loss.
    expect(errorOutcome(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), attempt).state).toBe('failed');
  });
});
