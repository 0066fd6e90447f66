import type { ChannelConfig } from './channel-config.js';

/** `rate=N/S`: at most `count` starts in any `seconds`-long window, across all instances. */
export interface RateLimit {
  count: number;
  seconds: number;
}

/** Largest N of `rate=N/S`: a sliding window keeps one time per start. */
export const MAX_RATE_COUNT = 100_000;

const RATE = /^(\d+)\/(\d+(?:\.\d+)?)$/;

/** `100/60` → `{ count: 100, seconds: 60 }`; null when it is not `N/S` with 1 <= N <= MAX_RATE_COUNT and S > 0. */
export function parseRate(text: string | undefined): RateLimit | null {
  const match = text === undefined ? null : RATE.exec(text.trim());
  if (!match) return null;
  const count = Number(match[1]);
  const seconds = Number(match[2]);
  return count >= 1 && count <= MAX_RATE_COUNT && seconds > 0 ? { count, seconds } : null;
}

/** `{ count: 100, seconds: 60 }` → `100/60`. */
export const rateText = (rate: RateLimit) => `${rate.count}/${rate.seconds}`;

/** The starts of a window that still count at `now`, oldest first, at most `count` (older ones no longer matter). */
export function liveStarts(starts: readonly number[], rate: RateLimit, now: number): number[] {
  return starts.filter((t) => t > now - rate.seconds).sort((a, b) => a - b).slice(-rate.count);
}

/** When the window allows one more start: now if it has room, else when its oldest counted start leaves it. */
export function rateRelease(starts: readonly number[], rate: RateLimit, now: number): number {
  const live = liveStarts(starts, rate, now);
  return live.length < rate.count ? now : live[live.length - rate.count]! + rate.seconds;
}

/** The recent starts of the rate-limited channels during one dispatch: read from its snapshot, grown by its starts. */
export class RateWindows {
  private readonly windows = new Map<string, number[]>();
  /** Channels that started a job in this dispatch -> their recent starts, to store. */
  readonly started = new Map<string, number[]>();

  constructor(private readonly recent: ReadonlyMap<string, readonly number[]> | undefined, private readonly now: number) {}

  /** When every rate-limited channel on the path allows one more start: now when all have room. */
  release(path: readonly ChannelConfig[]): number {
    return Math.max(this.now, ...path.filter((c) => c.rate).map((c) => rateRelease(this.of(c), c.rate!, this.now)));
  }

  /** Counts a start now in every rate-limited channel on the path. */
  record(path: readonly ChannelConfig[]): void {
    for (const channel of path.filter((c) => c.rate)) {
      const window = this.of(channel);
      window.push(this.now);
      this.started.set(channel.name, window);
    }
  }

  private of(channel: ChannelConfig): number[] {
    let window = this.windows.get(channel.name);
    if (!window) this.windows.set(channel.name, (window = liveStarts(this.recent?.get(channel.name) ?? [], channel.rate!, this.now)));
    return window;
  }
}
