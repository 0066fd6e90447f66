import { describe, expect, it } from '@jest/globals';
import { encodeContext } from '../../../lib/context/context-json.js';
import { contextOption } from '../../../lib/context/context-options.js';
import { JobContextError } from '../../../lib/errors/job-context.error.js';

const FN = '<ReportService>.nightly';

function refusal(captured: unknown): JobContextError {
  try {
    encodeContext(FN, captured);
  } catch (error) {
    if (error instanceof JobContextError) return error;
    throw error;
  }
  throw new Error('expected the context to be refused');
}

describe('encodeContext', () => {
  it('stores plain JSON as it is, and the userId in user_id', () => {
    const context = { userId: 'alice', tenant: { id: 7, name: 'Acme', tags: ['a', null, true] }, locale: 'fr_FR', n: -0.5 };
    expect(encodeContext(FN, context)).toEqual({ json: JSON.stringify(context), userId: 'alice' });
    expect(encodeContext(FN, { userId: 42 })).toEqual({ json: '{"userId":42}', userId: '42' });
    expect(encodeContext(FN, { tenant: 'acme' })?.userId).toBeNull();
  });

  it('captures nothing for null or undefined; leaves out undefined properties, as JSON does', () => {
    expect(encodeContext(FN, null)).toBeNull();
    expect(encodeContext(FN, undefined)).toBeNull();
    expect(encodeContext(FN, { a: 1, b: undefined })?.json).toBe('{"a":1}');
  });

  it('allows a value shared by two branches (not a cycle)', () => {
    const shared = { id: 1 };
    expect(encodeContext(FN, { a: shared, b: [shared] })?.json).toBe('{"a":{"id":1},"b":[{"id":1}]}');
  });

  it.each([
    ['a function', { user: { audit: () => 1 } }, 'context.user.audit', 'a function'],
    ['a class instance', { tenant: new (class Tenant { id = 1 })() }, 'context.tenant', 'an instance of Tenant'],
    ['a Map', { roles: new Map() }, 'context.roles', 'an instance of Map'],
    ['a Date', { since: new Date(0) }, 'context.since', 'date.toISOString()'],
    ['NaN', { ratio: Number.NaN }, 'context.ratio', 'NaN'],
    ['Infinity', { list: [1, Infinity] }, 'context.list[1]', 'Infinity'],
    ['a bigint', { big: 10n }, 'context.big', 'a bigint'],
    ['a symbol', { s: Symbol('x') }, 'context.s', 'a symbol'],
    ['an undefined array item', { list: [1, undefined] }, 'context.list[1]', 'undefined'],
    ['a non-identifier key', { 'a b': () => 0 }, 'context["a b"]', 'a function'],
  ])('refuses %s, naming its path', (_what, captured, path, words) => {
    const error = refusal(captured);
    expect(error.path).toBe(path);
    expect(error.message).toContain(`Cannot enqueue ${FN}: its context value ${path} is`);
    expect(error.message).toContain(words);
    expect(error.message).toContain('Nothing was stored.');
  });

  it('refuses circular references', () => {
    const user: Record<string, unknown> = { id: 1 };
    user.self = user;
    expect(refusal({ user }).path).toBe('context.user.self');
    expect(refusal({ user }).message).toContain('a circular reference');
  });

  it('refuses a context that is not a plain object, and a userId that is not a string or a number', () => {
    expect(refusal(['a']).message).toContain('context is an array');
    expect(refusal('alice').message).toContain('context is a string');
    expect(refusal(new Date()).message).toContain('an instance of Date');
    expect(refusal({ userId: { id: 1 } }).path).toBe('context.userId');
    expect(refusal({ userId: '' }).message).toContain('user_id column');
  });
});

describe('contextOption', () => {
  it('accepts { capture, restore } and no option', () => {
    const option = { capture: () => null, restore: (_c: object, run: () => Promise<unknown>) => run() };
    expect(contextOption(option)).toBe(option);
    expect(contextOption(undefined)).toBeNull();
  });

  it('refuses anything else at startup, saying what is expected', () => {
    expect(() => contextOption({ capture: () => null } as never)).toThrow(
      /QueueJobModule option "context" is \{"capture":"\[function\]"\}: expected an object with capture\(\) and restore\(context, run\)/);
  });
});
