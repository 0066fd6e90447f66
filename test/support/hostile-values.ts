import fc from 'fast-check';

/**
 * Values user code hands us, generated rather than listed (fast-check): any UTF-16 code unit, with
 * lone surrogates, NUL, quotes, backslashes and `\u` text made common; cycles, getters and toJSON
 * that throw, Proxies, bigints, symbols, functions, class instances, undefined.
 */
const awkwardUnit = fc.constantFrom('\0', '\ud800', '\udbff', '\udc00', '\udfff', '\ud83d\ude00', '\\', '"', '\\u0000', '\\ud800', '\uFFFD', '\n');
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

export const hostileString = (maxLength = 40) =>
  fc.string({ unit: fc.oneof(awkwardUnit, anyUnit, fc.constantFrom('a', 'é', '😀')), maxLength });

const plainValue = fc.anything({
  maxDepth: 3, maxKeys: 4, stringUnit: fc.oneof(awkwardUnit, anyUnit), key: hostileString(6),
  withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true,
  withSparseArray: true, withBoxedValues: true, withObjectString: true,
});

class Thing {
  constructor(readonly label: string) {}
}

/** A value built to break whoever reads it. */
const trap = fc.oneof(
  plainValue.map((inner) => Object.defineProperty({ ok: inner }, 'bad', { enumerable: true, get: () => { throw new Error('getter refuses'); } })),
  plainValue.map((inner) => ({ inner, toJSON: () => { throw new Error('toJSON refuses'); } })),
  plainValue.map((inner) => {
    const cycle: Record<string, unknown> = { inner };
    cycle.self = cycle;
    return cycle;
  }),
  fc.constant(new Proxy({}, {
    // fast-check may print it in a failure report: only its own method answers.
    get: (_target, key) => {
      if (key === fc.toStringMethod) return () => 'HostileProxy';
      if (typeof key === 'symbol') return undefined;
      throw new Error('proxy get');
    },
    ownKeys: () => { throw new Error('proxy ownKeys'); },
    getPrototypeOf: () => { throw new Error('proxy getPrototypeOf'); },
  })),
  fc.constant(Symbol('s')),
  fc.constant(() => 1),
  fc.constant(undefined),
  hostileString().map((label) => new Thing(label)),
  fc.bigInt(),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: plainValue, weight: 3 },
  { arbitrary: trap, weight: 2 },
  { arbitrary: fc.array(fc.oneof(plainValue, trap), { maxLength: 3 }), weight: 1 },
);

/** What a job may throw: Errors with hostile messages, names and stacks, and anything else. */
export const hostileThrown: fc.Arbitrary<unknown> = fc.oneof(
  hostileString().map((message) => new Error(message)),
  fc.tuple(hostileString(), hostileString(10)).map(([message, name]) => Object.assign(new Error(message), { name })),
  hostileString().map((message) => Object.defineProperty(new Error('x'), 'message', { get: () => { throw new Error(message); } })),
  hostileString().map((stack) => Object.assign(new Error('with stack'), { stack })),
  hostileValue,
);

/** True when PostgreSQL can store the string as text (no NUL, no lone surrogate). */
export const storableByPostgres = (text: string): boolean =>
  !/\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

/** Every string and key of a JSON value PostgreSQL can store. */
export function everyTextStorable(value: unknown): boolean {
  if (typeof value === 'string') return storableByPostgres(value);
  if (Array.isArray(value)) return value.every(everyTextStorable);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).every(([key, item]) => storableByPostgres(key) && everyTextStorable(item));
  }
  return true;
}
