import { describe, expect, it } from '@jest/globals';
import { MAX_CALL_LENGTH, describeCall, describeValue } from '../../../lib/enqueue/describe-call.js';
import { Order, OrderLine, inspector } from './fake-entities.js';

describe('describeCall', () => {
  it('shows the call as code', () => {
    expect(describeCall('OrderService', 'confirm', [5, 'x'])).toBe('OrderService.confirm(5, "x")');
    expect(describeCall('OrderService', 'ping', [])).toBe('OrderService.ping()');
  });

  it('shows every kind of argument readably', () => {
    const args = [null, undefined, true, 1.5, 12n, 'say "hi"', new Date('2024-01-02T03:04:05.000Z'), [1, [2]], { a: 1, 'b c': { d: [] } }, {}];
    expect(describeCall('S', 'm', args)).toBe(
      'S.m(null, undefined, true, 1.5, 12n, "say \\"hi\\"", 2024-01-02T03:04:05.000Z, [1, [2]], {a: 1, "b c": {d: []}}, {})',
    );
  });

  it('shows entities as Entity#id with an inspector, as objects without one', () => {
    const args = [new Order(5), { line: new OrderLine(5, 2) }];
    expect(describeCall('OrderService', 'confirm', args, inspector)).toBe(
      'OrderService.confirm(Order#5, {line: OrderLine#{orderId: 5, lineNo: 2}})',
    );
    expect(describeCall('OrderService', 'confirm', [new Order(5)])).toBe('OrderService.confirm(Order {…})');
  });

  it('never throws on values the serializer refuses', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const args = [function named() {}, Symbol('s'), new Map(), new Date('nope'), cyclic, Number.NaN];
    expect(describeCall('S', 'm', args)).toBe(
      'S.m([Function named], Symbol(s), Map {…}, Invalid Date, {self: [Circular]}, NaN)',
    );
  });

  it(`cuts long output to ${MAX_CALL_LENGTH} characters ending with …`, () => {
    const text = describeCall('S', 'm', ['a'.repeat(2000)]);
    expect(text).toHaveLength(MAX_CALL_LENGTH);
    expect(text.startsWith('S.m("aaa')).toBe(true);
    expect(text.endsWith('a…')).toBe(true);
  });

  it('leaves output of exactly the limit untouched', () => {
    const text = describeCall('S', 'm', ['a'.repeat(MAX_CALL_LENGTH - 'S.m("")'.length)]);
    expect(text).toHaveLength(MAX_CALL_LENGTH);
    expect(text.endsWith('")')).toBe(true);
  });

  it('stops walking a huge argument once the output is long enough', () => {
    let reads = 0;
    const huge = Array.from({ length: 100_000 }, () => ({
      get v() {
        reads += 1;
        return 1;
      },
    }));
    const text = describeCall('S', 'm', [huge]);
    expect(text).toHaveLength(MAX_CALL_LENGTH);
    expect(text.startsWith('S.m([{v: 1}, {v: 1}')).toBe(true);
    expect(reads).toBeLessThan(200);
  });
});

describe('describeValue', () => {
  it('cuts to maxLength (100 by default)', () => {
    expect(describeValue('x'.repeat(500))).toHaveLength(100);
    expect(describeValue([1, 2, 3, 4, 5, 6], { maxLength: 8 })).toBe('[1, 2, …');
  });
});
