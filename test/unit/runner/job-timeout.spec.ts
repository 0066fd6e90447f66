import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { JobTimeoutError } from '../../../lib/errors/job-timeout.error.js';
import { CALL_TIMEOUT_LOOKUP_MS, JobTimeouts } from '../../../lib/runner/job-timeout.js';
import { errorOutcome } from '../../../lib/runner/job-outcome.js';

const job = (id: string) => ({ id, uuid: `uuid-${id}`, job_function: '<S>.m' });

describe('JobTimeouts', () => {
  afterEach(() => void jest.useRealTimers());

  function timeouts(callTimeouts: Record<string, number> = {}) {
    const timedOut: string[] = [];
    const lookups: string[][] = [];
    const t = new JobTimeouts(async (ids) => {
      lookups.push(ids);
      return new Map(Object.entries(callTimeouts).filter(([id]) => ids.includes(id)));
    }, (j, seconds) => timedOut.push(`${j.id}:${seconds}`), () => undefined);
    return { t, timedOut, lookups };
  }

  it('aborts the attempt with a JobTimeoutError once the timeout passes, not before', async () => {
    jest.useFakeTimers();
    const { t, timedOut } = timeouts();
    const signal = t.watch(job('1'), 2);
    await jest.advanceTimersByTimeAsync(1_999);
    expect(signal.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(JobTimeoutError);
    expect(timedOut).toEqual(['1:2']);
  });

  it("a call's timeout, read shortly after the start for the jobs still running, replaces the function's; none: no limit", async () => {
    jest.useFakeTimers();
    const { t, lookups } = timeouts({ 1: 5, 3: 1 });
    const longer = t.watch(job('1'), 2);
    const ended = t.watch(job('2'), 2);
    const shorter = t.watch(job('3'), null);
    t.unwatch('2'); // done before the lookup: not read
    await jest.advanceTimersByTimeAsync(CALL_TIMEOUT_LOOKUP_MS);
    expect(lookups).toEqual([['1', '3']]);
    await jest.advanceTimersByTimeAsync(1_000 - CALL_TIMEOUT_LOOKUP_MS);
    expect(shorter.aborted).toBe(true); // 1 s from its start
    await jest.advanceTimersByTimeAsync(3_000);
    expect(longer.aborted).toBe(false); // 5 s, not the function's 2
    await jest.advanceTimersByTimeAsync(1_000);
    expect(longer.aborted).toBe(true);
    expect(ended.aborted).toBe(false);
  });

  it('an ended job is never aborted', async () => {
    jest.useFakeTimers();
    const { t } = timeouts();
    const signal = t.watch(job('1'), 1);
    t.unwatch('1');
    await jest.advanceTimersByTimeAsync(5_000);
    expect(signal.aborted).toBe(false);
  });
});

describe('errorOutcome of a JobTimeoutError', () => {
  const attempt = (retry: number) => ({ retry, maxRetries: 3, retryPattern: { 1: 7 } });

  it('a retry that counts, after the retry pattern, named JobTimeoutError', () => {
    expect(errorOutcome(new JobTimeoutError(1), attempt(1))).toEqual({
      state: 'pending', result: expect.stringMatching(/timeout of 1 s/), delaySeconds: 7, countsAsRetry: true,
      exc: { excName: 'JobTimeoutError', excMessage: expect.stringMatching(/timeout of 1 s/), excInfo: expect.stringMatching(/^JobTimeoutError: /) },
    });
  });

  it('fails as JobTimeoutError (not FailedJobError) on the last attempt', () => {
    expect(errorOutcome(new JobTimeoutError(1), attempt(3))).toMatchObject({
      state: 'failed', excName: 'JobTimeoutError', excMessage: expect.stringMatching(/^Max\. retries \(3\) reached: Job timed out/),
    });
  });
});
