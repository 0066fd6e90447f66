import { describe, expect, it } from '@jest/globals';
import { CronSchedule, formatSlot } from '../../../lib/cron/cron-schedule.js';

const at = (iso: string) => new Date(iso);

describe('CronSchedule', () => {
  it('gives the next slot strictly after a time', () => {
    const everySecond = new CronSchedule('* * * * * *', 'UTC');
    expect(everySecond.next(at('2026-11-29T02:00:00.000Z'))).toEqual(at('2026-11-29T02:00:01.000Z'));
    expect(everySecond.next(at('2026-11-29T01:59:59.999Z'))).toEqual(at('2026-11-29T02:00:00.000Z'));
  });

  it('reads the expression in its time zone', () => {
    const paris = new CronSchedule('0 2 * * *', 'Europe/Paris');
    expect(paris.next(at('2026-11-28T12:00:00Z'))).toEqual(at('2026-11-29T01:00:00Z')); // winter: UTC+1
    expect(paris.next(at('2026-07-01T12:00:00Z'))).toEqual(at('2026-07-02T00:00:00Z')); // summer: UTC+2
    expect(new CronSchedule('0 2 * * *', 'UTC').next(at('2026-11-28T12:00:00Z'))).toEqual(at('2026-11-29T02:00:00Z'));
  });

  it('finds the latest slot at or before a time, however sparse the schedule', () => {
    const everySecond = new CronSchedule('* * * * * *', 'UTC');
    expect(everySecond.latest(at('2026-11-29T02:00:00.000Z'))).toEqual(at('2026-11-29T02:00:00.000Z'));
    expect(everySecond.latest(at('2026-11-29T02:00:00.700Z'))).toEqual(at('2026-11-29T02:00:00.000Z'));
    const nightly = new CronSchedule('0 2 * * *', 'UTC');
    expect(nightly.latest(at('2026-11-29T01:59:59Z'))).toEqual(at('2026-11-28T02:00:00Z'));
    const yearly = new CronSchedule('0 0 1 1 *', 'UTC');
    expect(yearly.latest(at('2026-11-29T00:00:00Z'))).toEqual(at('2026-01-01T00:00:00Z'));
  });

  it('finds the latest slot missed since a claimed one, or none', () => {
    const hourly = new CronSchedule('0 * * * *', 'UTC');
    expect(hourly.latest(at('2026-11-29T05:30:00Z'), at('2026-11-29T02:00:00Z'))).toEqual(at('2026-11-29T05:00:00Z'));
    expect(hourly.latest(at('2026-11-29T02:59:59Z'), at('2026-11-29T02:00:00Z'))).toBeNull();
    expect(hourly.latest(at('2026-11-29T03:00:00Z'), at('2026-11-29T02:00:00Z'))).toEqual(at('2026-11-29T03:00:00Z'));
  });

  it('refuses invalid expressions and time zones', () => {
    expect(() => new CronSchedule('61 * * * *')).toThrow();
    expect(() => new CronSchedule('* * *')).toThrow();
    expect(() => new CronSchedule('0 2 * * *', 'Mars/Olympus')).toThrow(/Invalid timezone/);
  });

  it('formats slots as in job descriptions', () => {
    expect(formatSlot(at('2026-11-29T02:00:00Z'))).toBe('2026-11-29T02:00:00Z');
  });
});
