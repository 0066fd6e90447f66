import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { WakeTimer } from '../../../lib/runner/wake-timer.js';

describe('WakeTimer', () => {
  let wakes: number;
  let timer: WakeTimer;
  const inSeconds = (s: number) => Date.now() / 1000 + s;

  beforeEach(() => {
    jest.useFakeTimers();
    wakes = 0;
    timer = new WakeTimer(() => wakes++);
  });
  afterEach(() => void jest.useRealTimers());

  it('wakes once at the time set, not before', async () => {
    timer.set(inSeconds(2));
    await jest.advanceTimersByTimeAsync(1_999);
    expect(wakes).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(wakes).toBe(1);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(wakes).toBe(1);
  });

  it('a sooner time replaces the one set; a later one changes nothing', async () => {
    timer.set(inSeconds(5));
    timer.set(inSeconds(1));
    timer.set(inSeconds(3));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(wakes).toBe(1);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(wakes).toBe(1);
  });

  it('ignores no time and an infinite one (nothing to wait for)', async () => {
    timer.set(null);
    timer.set(Number.POSITIVE_INFINITY);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(wakes).toBe(0);
  });

  it('a time in the past wakes at once', async () => {
    timer.set(inSeconds(-3));
    await jest.advanceTimersByTimeAsync(0);
    expect(wakes).toBe(1);
  });

  it('clear cancels the wake, and a later time can be set afterwards (a runner stopped and started again)', async () => {
    timer.set(inSeconds(1));
    timer.clear();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(wakes).toBe(0);
    timer.set(inSeconds(4));
    await jest.advanceTimersByTimeAsync(4_000);
    expect(wakes).toBe(1);
  });
});
