/** One segment of a channel name: letters, digits, `_` and `-`. */
export const CHANNEL_SEGMENT = /^[A-Za-z0-9_-]+$/;

/** A dotted channel name (`root.sale`, or `sale` for the same): segments joined by dots. */
export const CHANNEL_PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** The channel every other channel descends from. */
export const ROOT_CHANNEL = 'root';

/** Full dotted name of a channel: the `root.` prefix is optional when written (`sale` = `root.sale`). */
export function normalizeChannelName(name: string): string {
  const trimmed = name.trim();
  // A job stored without a channel belongs to root rather than to a nameless channel.
  if (trimmed === '' || trimmed === ROOT_CHANNEL) return ROOT_CHANNEL;
  return trimmed.startsWith(`${ROOT_CHANNEL}.`) ? trimmed : `${ROOT_CHANNEL}.${trimmed}`;
}

/** Names from root down to the channel itself: `root.a.b` -> `root`, `root.a`, `root.a.b`. */
export function channelLineage(name: string): string[] {
  const segments = normalizeChannelName(name).split('.');
  return segments.map((_, i) => segments.slice(0, i + 1).join('.'));
}
