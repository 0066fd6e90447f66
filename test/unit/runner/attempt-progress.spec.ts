import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { AttemptProgress, PROGRESS_WRITE_INTERVAL_MS } from '../../../lib/runner/attempt-progress.js';
import type { StoredProgress } from '../../../lib/store/job-progress.js';

const at = (progress: number, message: string | null = null): StoredProgress => ({ progress, message });

/** An attempt's progress over a fake database: `fenced` makes writes miss the row, `failing` makes them throw. */
function attempt() {
  const writes: StoredProgress[] = [];
  const stored: StoredProgress[] = [];
  const errors: unknown[] = [];
  const db = { fenced: false, failing: false };
  const progress = new AttemptProgress(async (value) => {
    if (db.failing) throw new Error('connection lost');
    writes.push(value);
    return !db.fenced;
  }, (value) => stored.push(value), (error) => errors.push(error));
  return { progress, writes, stored, errors, db };
}

describe('AttemptProgress', () => {
  afterEach(() => void jest.useRealTimers());

  it('writes the first report at once, then at most one a second, the latest winning', async () => {
    jest.useFakeTimers();
    const { progress, writes, stored } = attempt();
    for (let i = 1; i <= 10; i++) progress.report(at(i / 100));
    await jest.advanceTimersByTimeAsync(0);
    expect(writes).toEqual([at(0.1)]);
    for (let i = 11; i <= 50; i++) {
      progress.report(at(i / 100));
      await jest.advanceTimersByTimeAsync(20);
    }
    // 800 ms after the first write: the next waits for the second to pass.
    expect(writes).toEqual([at(0.1)]);
    await jest.advanceTimersByTimeAsync(PROGRESS_WRITE_INTERVAL_MS - 800);
    expect(writes).toEqual([at(0.1), at(0.5)]);
    expect(stored).toEqual(writes);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(writes).toHaveLength(2);
  });

  it('end() writes the last report at once, then nothing more; a retry (pending) clears it instead', async () => {
    jest.useFakeTimers();
    const done = attempt();
    done.progress.report(at(0.2));
    await jest.advanceTimersByTimeAsync(0);
    done.progress.report(at(0.9, 'almost'));
    await done.progress.end('done');
    expect(done.writes).toEqual([at(0.2), at(0.9, 'almost')]);
    done.progress.report(at(1, 'late'));
    await jest.advanceTimersByTimeAsync(5_000);
    expect(done.writes).toHaveLength(2);

    const retried = attempt();
    retried.progress.report(at(0.5));
    await retried.progress.end('pending');
    expect(retried.writes).toEqual([{ progress: null, message: null }]);
    // A clearing is no report: no job.progress event for it.
    expect(retried.stored).toEqual([]);
  });

  it('end() again with the same state writes nothing; with pending after done (its commit failed: a retry) it clears', async () => {
    const { progress, writes } = attempt();
    progress.report(at(0.7));
    await progress.end('done');
    await progress.end('done');
    expect(writes).toEqual([at(0.7)]);
    await progress.end('pending');
    await progress.end('pending');
    expect(writes).toEqual([at(0.7), { progress: null, message: null }]);
  });

  it('a write fenced out (the attempt lost the job) is no event; a failed one is written with the next report', async () => {
    jest.useFakeTimers();
    const { progress, writes, stored, errors, db } = attempt();
    db.fenced = true;
    progress.report(at(0.1));
    await jest.advanceTimersByTimeAsync(0);
    expect([writes, stored]).toEqual([[at(0.1)], []]);
    db.fenced = false;
    db.failing = true;
    progress.report(at(0.2));
    await jest.advanceTimersByTimeAsync(PROGRESS_WRITE_INTERVAL_MS);
    expect(errors).toHaveLength(1);
    db.failing = false;
    await progress.end('failed');
    expect(writes).toEqual([at(0.1), at(0.2)]);
    expect(stored).toEqual([at(0.2)]);
  });
});
