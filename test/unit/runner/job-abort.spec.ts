import { describe, expect, it } from '@jest/globals';
import { AttemptAbort } from '../../../lib/runner/job-abort.js';

describe('AttemptAbort', () => {
  it('ends the race with its reason as soon as it aborts; the job settling later changes nothing', async () => {
    const abort = new AttemptAbort();
    let finish!: (value: string) => void;
    const race = abort.race(new Promise<string>((resolve) => (finish = resolve)));
    const reason = new Error('timed out');
    abort.abort(reason);
    finish('late');
    await expect(race).rejects.toBe(reason);
  });

  it('lets the job win when it settles first', async () => {
    const abort = new AttemptAbort();
    const race = abort.race(Promise.resolve('done'));
    await expect(race).resolves.toBe('done');
    abort.abort(new Error('too late'));
  });

  it('makes the signal on demand, aborted with the reason even when asked for after the abort', () => {
    const early = new AttemptAbort();
    const signal = early.signal;
    expect(signal.aborted).toBe(false);
    const reason = new Error('timed out');
    early.abort(reason);
    expect([signal.aborted, signal.reason]).toEqual([true, reason]);

    const late = new AttemptAbort();
    late.abort(reason);
    expect([late.signal.aborted, late.signal.reason]).toEqual([true, reason]);
    expect(() => late.throwIfAborted()).toThrow(reason);
  });

  it('a race started after the abort rejects at once and leaves no unhandled rejection behind', async () => {
    const abort = new AttemptAbort();
    abort.abort(new Error('timed out'));
    const unhandled: unknown[] = [];
    const record = (error: unknown) => unhandled.push(error);
    process.on('unhandledRejection', record);
    try {
      await expect(abort.race(Promise.reject(new Error('the job failed later')))).rejects.toThrow('timed out');
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});
