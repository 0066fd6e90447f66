import { describe, expect, it } from '@jest/globals';
import { deserializeArguments } from '../../../lib/enqueue/argument-deserializer.js';
import { serializeArguments, type JsonValue } from '../../../lib/enqueue/argument-serializer.js';
import { ArgumentSerializationError } from '../../../lib/errors/argument-serialization.error.js';
import { FakeLoader, Order, OrderLine, inspector } from './fake-entities.js';

const noRecords = new FakeLoader({});

/** Through JSON text, as the jsonb column would hand it back. */
async function roundTrip(args: unknown[], loader = noRecords): Promise<unknown[]> {
  const stored = JSON.parse(JSON.stringify(serializeArguments(args, inspector).args)) as JsonValue[];
  return deserializeArguments(stored, loader);
}

async function failure(args: unknown, loader = noRecords): Promise<ArgumentSerializationError> {
  try {
    await deserializeArguments(args as JsonValue[], loader);
  } catch (error) {
    if (error instanceof ArgumentSerializationError) return error;
    throw error;
  }
  throw new Error('expected the stored arguments to be refused');
}

describe('deserializeArguments round trips', () => {
  it('gives back JSON values, dates and bigints', async () => {
    const args = ['x', 5, true, null, new Date('2024-01-02T03:04:05.678Z'), 12345678901234567890n, { when: [new Date(0)], n: -3n }];
    const back = await roundTrip(args);
    expect(back).toEqual(args);
    expect(back[4]).toBeInstanceOf(Date);
    expect(typeof back[5]).toBe('bigint');
  });

  it('gives back undefined arguments and array items in place', async () => {
    const back = await roundTrip([undefined, 1, [undefined, 2], undefined]);
    expect(back).toHaveLength(4);
    expect(back).toEqual([undefined, 1, [undefined, 2], undefined]);
  });

  it('gives back objects whose keys start with "$", nested or not', async () => {
    const args = [{ $date: 'text', $object: { $record: 1 }, inner: { $undefined: 'kept' } }, { price: '$5' }];
    expect(await roundTrip(args)).toEqual(args);
  });

  it('keeps a stored "__proto__" key as data', async () => {
    const back = await deserializeArguments(JSON.parse('[{"__proto__": {"polluted": true}}]') as JsonValue[], noRecords);
    expect(Object.getPrototypeOf(back[0])).toBe(Object.prototype);
    expect(Object.keys(back[0] as object)).toEqual(['__proto__']);
  });

  it('loads entities once each, in order of appearance, and shares the instance', async () => {
    const order5 = new Order(5);
    const line = new OrderLine(5, 2);
    const loader = new FakeLoader({ 'Order#5': order5, 'OrderLine#{"orderId":5,"lineNo":2}': line });
    const back = await roundTrip([{ line: new OrderLine(5, 2) }, new Order(5), [new Order(5)]], loader);
    expect(back).toEqual([{ line }, order5, [order5]]);
    expect(back[1]).toBe(order5);
    expect((back[2] as unknown[])[0]).toBe(back[1]);
    expect(loader.calls).toEqual([
      { entity: 'OrderLine', id: { orderId: 5, lineNo: 2 } },
      { entity: 'Order', id: 5 },
    ]);
  });

  it("passes on the loader's error for a record that no longer exists", async () => {
    const loader = new FakeLoader({ 'Order#5': new Order(5) });
    await expect(roundTrip([new Order(5), new Order(6)], loader)).rejects.toThrow('Order 6 no longer exists');
  });
});

describe('deserializeArguments refusals', () => {
  it.each([
    ['a non-array', { a: 1 }, 'args', 'expected an array of arguments, found {a: 1}'],
    ['an unknown tag', [1, { x: [{ $map: [] }] }], 'args[1].x[0]', 'unknown tag "$map" (known: $date, $bigint, $record, $undefined, $object)'],
    ['a tag among other keys', [{ $date: '2024-01-01', extra: 1 }], 'args[0]', 'a tag must be the only key of its object, found keys "$date", "extra"'],
    ['a bad date', [{ $date: 'soon' }], 'args[0]', '"$date" must hold an ISO date string, found "soon"'],
    ['a date that is not a string', [{ $date: 5 }], 'args[0]', '"$date" must hold an ISO date string, found 5'],
    ['a bad bigint', [{ $bigint: '1.5' }], 'args[0]', '"$bigint" must hold a string of digits, found "1.5"'],
    ['a numeric bigint', [{ $bigint: 15 }], 'args[0]', '"$bigint" must hold a string of digits, found 15'],
    ['a bad undefined', [{ $undefined: 1 }], 'args[0]', '"$undefined" must hold true, found 1'],
    ['a bad $object', [{ a: { $object: [1] } }], 'args[0].a', '"$object" must hold an object, found [1]'],
    ['a record without id', [{ $record: { entity: 'Order' } }], 'args[0]', '"$record" must hold { entity, id }, found {entity: "Order"}'],
    ['a record with a null id', [{ $record: { entity: 'Order', id: null } }], 'args[0]', '"$record" must hold { entity, id }'],
    ['a record without entity', [{ $record: { entity: '', id: 1 } }], 'args[0]', '"$record" must hold { entity, id }'],
    ['a record that is a string', [{ $record: 'Order#5' }], 'args[0]', '"$record" must hold { entity, id }, found "Order#5"'],
    ['undefined (not JSON)', [{ a: undefined }], 'args[0].a', 'undefined is not JSON'],
    ['NaN (not JSON)', [[Number.NaN]], 'args[0][0]', 'NaN is not JSON'],
    ['a class instance (not JSON)', [{ 'a b': new Map() }], 'args[0]["a b"]', 'Map {…} is not JSON'],
  ])('refuses %s, naming its path', async (_what, stored, path, text) => {
    const error = await failure(stored);
    expect(error.path).toBe(path);
    expect(error.message).toContain(`Cannot read stored job argument ${path}: ${text}`);
    expect(error.message).toContain('fix them or cancel the job');
  });

  it('names paths inside $object by the original keys', async () => {
    const error = await failure([{ $object: { $a: { $nope: 1 } } }]);
    expect(error.path).toBe('args[0].$a');
  });

  it('loads no record when the shape is broken', async () => {
    const loader = new FakeLoader({ 'Order#5': new Order(5) });
    await failure([{ $record: { entity: 'Order', id: 5 } }, { $bad: 1 }], loader);
    expect(loader.calls).toEqual([]);
  });
});
