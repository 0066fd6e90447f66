/**
 * What a thrown value says about itself, read so that nothing it does can throw again: user code
 * may throw anything (null, a Proxy, an Error whose `message` getter throws).
 */
export interface ThrownDescription {
  name: string;
  message: string;
  stack: string;
}

/**
 * A name the error set on itself wins (our error classes do, so it survives minification; the
 * executor names UnknownJobFunction this way); else the class name, so an undecorated
 * `class PaymentError extends Error {}` shows as PaymentError rather than its inherited "Error".
 * A thrown non-Error is named by its type.
 */
export function describeThrown(error: unknown): ThrownDescription {
  if (!isInstance(error, Error)) {
    const text = describeValue(error);
    return { name: typeof error, message: text, stack: text };
  }
  const e = error as Error;
  const name = asText(attempt(() => (Object.hasOwn(e, 'name') && e.name ? e.name : (e.constructor?.name || e.name)), 'Error'));
  const message = asText(attempt(() => e.message, '[unreadable message]'));
  const stack = attempt(() => e.stack, undefined);
  return { name, message, stack: typeof stack === 'string' ? stack : `${name}: ${message}` };
}

/** Just the message, for a log line. */
export const messageOf = (error: unknown): string => describeThrown(error).message;

const asText = (value: unknown): string => (typeof value === 'string' ? value : describeValue(value));

/** `String(value)`, or its `[object Tag]`, or a placeholder: whatever a value does, this returns. */
export function describeValue(value: unknown): string {
  return attempt(() => String(value), undefined) ?? attempt(() => Object.prototype.toString.call(value), '[unprintable value]');
}

/**
 * `value instanceof type`, false when asking throws: user code may throw a Proxy whose
 * `getPrototypeOf` trap throws, and a catch block that tests what it caught must rethrow that very
 * value, not the trap's error.
 */
export function isInstance<T>(value: unknown, type: abstract new (...args: never[]) => T): value is T {
  return attempt(() => value instanceof type, false);
}

/** What `read` returns, or `fallback` if it throws: for reading values user code handed over. */
export function attempt<T, F>(read: () => T, fallback: F): T | F {
  try {
    return read();
  } catch {
    return fallback;
  }
}
