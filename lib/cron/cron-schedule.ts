import { CronTime } from 'cron';

const SECOND = 1000;
/** Beyond this, no slot is looked for (the cron package gives up after 8 years too). */
const MAX_LOOKBACK = 8 * 366 * 86_400 * SECOND;

/**
 * The slots of a cron expression in a time zone (pure: no timers, no I/O). Built on the `cron`
 * package's `CronTime`, which `@nestjs/schedule` uses, so slots are the times its `CronJob` fires at.
 */
export class CronSchedule {
  private readonly time: CronTime;

  /** Throws the `cron` package's error for an invalid expression or time zone. */
  constructor(readonly expression: string, readonly timeZone?: string) {
    this.time = new CronTime(expression, timeZone ?? null);
    if (this.time.realDate) throw new Error('a cron expression is needed, not a date');
  }

  /** The first slot strictly after `after`. */
  next(after: Date): Date {
    return this.time.getNextDateFrom(after, this.time.timeZone).toJSDate();
  }

  /**
   * The latest slot at or before `at` and strictly after `after` (when given), or null. Looks back in
   * doubling windows, so a daily schedule does not walk every second and a per-second one stays cheap.
   */
  latest(at: Date, after?: Date): Date | null {
    const floor = after?.getTime() ?? at.getTime() - MAX_LOOKBACK;
    for (let window = SECOND; ; window *= 2) {
      const start = Math.max(at.getTime() - window, floor);
      let slot = this.next(new Date(start));
      if (slot.getTime() <= at.getTime()) {
        for (let following = this.next(slot); following.getTime() <= at.getTime(); following = this.next(slot)) slot = following;
        return slot;
      }
      if (start === floor) return null;
    }
  }
}

/** A slot as jobs show it: `2026-11-29T02:00:00Z`. */
export function formatSlot(slot: Date): string {
  return slot.toISOString().replace(/\.000Z$/, 'Z');
}
