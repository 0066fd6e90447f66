import { describe, expect, it } from '@jest/globals';
import { serializeArguments } from '../../../lib/enqueue/argument-serializer.js';
import { ArgumentSerializationError } from '../../../lib/errors/argument-serialization.error.js';
import { Order, OrderLine, inspector } from './fake-entities.js';

const serialize = (...args: unknown[]) => serializeArguments(args, inspector);

function refusal(...args: unknown[]): ArgumentSerializationError {
  try {
    serialize(...args);
  } catch (error) {
    if (error instanceof ArgumentSerializationError) return error;
    throw error;
  }
  throw new Error('expected the arguments to be refused');
}

describe('serializeArguments', () => {
  it('keeps JSON values as they are', () => {
    const args = ['x', 5, -1.5, true, false, null, [1, [2]], { a: { b: 'c' } }, {}, []];
    expect(serialize(...args)).toEqual({ args, records: [] });
  });

  it('tags dates, bigints and undefined arguments', () => {
    const { args } = serialize(new Date('2024-01-02T03:04:05.678Z'), 12345678901234567890n, undefined, -3n);
    expect(args).toEqual([
      { $date: '2024-01-02T03:04:05.678Z' },
      { $bigint: '12345678901234567890' },
      { $undefined: true },
      { $bigint: '-3' },
    ]);
  });

  it('keeps positions of undefined and holes in arrays, drops undefined properties as JSON does', () => {
    const { args } = serialize([1, undefined, , 4], { a: 1, b: undefined });
    expect(args).toEqual([[1, { $undefined: true }, { $undefined: true }, 4], { a: 1 }]);
    expect(Object.keys(args[1] as object)).toEqual(['a']);
  });

  it('wraps objects with a "$" key so user data is never read as a tag', () => {
    const { args } = serialize({ $date: 'not a date', plain: { $bigint: '1' } }, { price: '$5' });
    expect(args).toEqual([{ $object: { $date: 'not a date', plain: { $object: { $bigint: '1' } } } }, { price: '$5' }]);
  });

  it('keeps a "__proto__" key as data', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}}') as object;
    const [out] = serialize(input).args;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    expect(serialize(bare).args).toEqual([{ a: 1 }]);
  });

  it('accepts a value shared by two branches (not a cycle)', () => {
    const shared = { id: 1 };
    expect(serialize({ a: shared, b: [shared] }, shared).args).toEqual([{ a: { id: 1 }, b: [{ id: 1 }] }, { id: 1 }]);
  });

  it('stores entities by reference and lists each record once, in order of appearance', () => {
    const order = new Order(5);
    const line = new OrderLine(5, 2, order);
    order.lines.push(line); // a cycle through entities is fine: they are not walked
    const { args, records } = serialize({ line }, order, [new Order(7), new OrderLine(5, 2)]);
    expect(args).toEqual([
      { line: { $record: { entity: 'OrderLine', id: { orderId: 5, lineNo: 2 } } } },
      { $record: { entity: 'Order', id: 5 } },
      [{ $record: { entity: 'Order', id: 7 } }, { $record: { entity: 'OrderLine', id: { orderId: 5, lineNo: 2 } } }],
    ]);
    expect(records).toEqual([
      { entity: 'OrderLine', id: { orderId: 5, lineNo: 2 } },
      { entity: 'Order', id: 5 },
      { entity: 'Order', id: 7 },
    ]);
  });

  it('treats composite ids with keys in another order as the same record', () => {
    const spellings = [{ orderId: 5, lineNo: 2 }, { lineNo: 2, orderId: 5 }];
    const reordering = { identify: () => ({ entity: 'OrderLine', id: spellings.shift() ?? null }) };
    const { records } = serializeArguments([new OrderLine(5, 2), new OrderLine(5, 2)], reordering);
    expect(records).toEqual([{ entity: 'OrderLine', id: { orderId: 5, lineNo: 2 } }]);
  });

  it('asks the inspector before the plain-object rule', () => {
    const plain = { kind: 'order', id: 9 };
    const byShape = { identify: (value: object) => ('kind' in value ? { entity: 'Order', id: 9 } : null) };
    expect(serializeArguments([plain], byShape).args).toEqual([{ $record: { entity: 'Order', id: 9 } }]);
  });
});

describe('serializeArguments refusals', () => {
  it.each([
    ['a function', [1, { items: [0, 1, { callback: () => 1 }] }], 'args[1].items[2].callback', 'it is a function; pass an id or a plain object instead'],
    ['a symbol', [Symbol('s')], 'args[0]', 'it is a symbol; pass a string instead'],
    ['NaN', [{ total: Number.NaN }], 'args[0].total', 'it is NaN; JSON cannot store it'],
    ['Infinity', [[Number.POSITIVE_INFINITY]], 'args[0][0]', 'it is Infinity;'],
    ['-Infinity', [Number.NEGATIVE_INFINITY], 'args[0]', 'it is -Infinity;'],
    ['an invalid Date', [{ when: new Date('nope') }], 'args[0].when', 'it is an invalid Date; pass a valid Date or null'],
    ['a Map', [new Map([['a', 1]])], 'args[0]', 'it is an instance of Map; pass Object.fromEntries(map) or [...map] instead'],
    ['a Set', [{ tags: new Set(['a']) }], 'args[0].tags', 'it is an instance of Set; pass [...set] instead'],
    ['a Buffer', [Buffer.from('x')], 'args[0]', 'it is an instance of Buffer; pass a base64 string instead'],
    ['a Uint8Array', [new Uint8Array(2)], 'args[0]', 'it is an instance of Uint8Array; pass a base64 string'],
    ['a Promise', [Promise.resolve(1)], 'args[0]', 'it is an instance of Promise; await it and pass the result'],
    ['a boxed string', [new String('x')], 'args[0]', 'it is an instance of String;'],
    ['a custom class', [{ 'the customer': new (class Customer {})() }], 'args[0]["the customer"]', 'it is an instance of Customer; pass an id or a plain object instead'],
    ['an anonymous class', [new (class {})()], 'args[0]', 'it is an instance of an anonymous class;'],
    ['an unsaved entity', [new Order(undefined)], 'args[0]', 'it is an unsaved Order entity (its primary key is not set); save it'],
    ['a composite key with a missing part', [[new OrderLine(null, 1)]], 'args[0][0]', 'it is an unsaved OrderLine entity'],
    ['a symbol key', [{ a: { [Symbol('tag')]: 1 } }], 'args[0].a[Symbol(tag)]', 'it is a property with a symbol key; use a string key'],
  ])('refuses %s, naming its path', (_what, args, path, text) => {
    const error = refusal(...args);
    expect(error.path).toBe(path);
    expect(error.message).toContain(`Cannot store job argument ${path}: ${text}`);
  });

  it('refuses a cycle, naming where it starts', () => {
    const root: Record<string, unknown> = { a: { b: {} } };
    ((root.a as Record<string, unknown>).b as Record<string, unknown>).back = root.a;
    const error = refusal('x', root);
    expect(error.path).toBe('args[1].a.b.back');
    expect(error.message).toContain('it is a circular reference to args[1].a; pass ids instead of back-references');
  });

  it('refuses an array that contains itself', () => {
    const list: unknown[] = [1];
    list.push(list);
    expect(refusal(list).message).toContain('args[0][1]: it is a circular reference to args[0]');
  });

  it('ignores non-enumerable symbol keys, which JSON never sees', () => {
    const value = { a: 1 };
    Object.defineProperty(value, Symbol('hidden'), { value: 1, enumerable: false });
    expect(serialize(value).args).toEqual([{ a: 1 }]);
  });
});
