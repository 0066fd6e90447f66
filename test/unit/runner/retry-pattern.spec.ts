import { describe, expect, it } from '@jest/globals';
import { InvalidRetryPatternError } from '../../../lib/errors/invalid-retry-pattern.error.js';
import {
  DEFAULT_RETRY_DELAY_SECONDS,
  retryDelaySeconds,
  validateRetryPattern,
  type RetryPattern,
} from '../../../lib/runner/retry-pattern.js';

const WHERE = 'job function <OrderService>.confirm';

describe('retryDelaySeconds', () => {
  it('waits 10 minutes by default', () => {
    expect(DEFAULT_RETRY_DELAY_SECONDS).toBe(600);
    expect(retryDelaySeconds(undefined, 1)).toBe(600);
    expect(retryDelaySeconds(null, 3)).toBe(600);
    expect(retryDelaySeconds({}, 3)).toBe(600);
  });

  // SPEC §4 golden example.
  it.each([
    [1, 60],
    [2, 180],
    [3, 10],
    [4, 10],
    [5, 300],
    [6, 300],
    [100, 300],
  ])('{1: 60, 2: 180, 3: 10, 5: 300}: retry %i waits %i s', (retry, seconds) => {
    expect(retryDelaySeconds({ 1: 60, 2: 180, 3: 10, 5: 300 }, retry)).toBe(seconds);
  });

  it.each([
    [1, 600],
    [2, 600],
    [3, 180],
    [4, 180],
  ])('{3: 180}: retry %i waits %i s', (retry, seconds) => {
    expect(retryDelaySeconds({ 3: 180 }, retry)).toBe(seconds);
  });

  // The seed's prose says "5 first retries" for this one; the behaviour is retries 1-4.
  it.each([
    [1, 10], [2, 10], [3, 10], [4, 10],
    [5, 20], [6, 20], [9, 20],
    [10, 30], [14, 30],
    [15, 300], [16, 300], [1000, 300],
  ])('{1: 10, 5: 20, 10: 30, 15: 300}: retry %i waits %i s', (retry, seconds) => {
    expect(retryDelaySeconds({ 1: 10, 5: 20, 10: 30, 15: 300 }, retry)).toBe(seconds);
  });

  it('walks keys in numeric order whatever order the object lists them in', () => {
    const fromTable = JSON.parse('{"10": 30, "2": 20, "1": 10}') as RetryPattern;
    expect(retryDelaySeconds(fromTable, 9)).toBe(20);
    expect(retryDelaySeconds(fromTable, 10)).toBe(30);
  });

  it('picks a whole number of seconds inside [min, max], both ends included', () => {
    const pattern = { 1: [300, 600] as const };
    expect(retryDelaySeconds(pattern, 1, () => 0)).toBe(300);
    expect(retryDelaySeconds(pattern, 1, () => 0.5)).toBe(450);
    expect(retryDelaySeconds(pattern, 1, () => 0.999999)).toBe(600);
    expect(retryDelaySeconds(pattern, 1, () => 1)).toBe(600);
    expect(retryDelaySeconds({ 1: [7, 7] as const }, 3, () => 0.9)).toBe(7);
  });

  it('uses Math.random when no source is given, staying whole and in range', () => {
    const seen = new Set(Array.from({ length: 200 }, () => retryDelaySeconds({ 1: [1, 3] as const }, 1)));
    expect([...seen].sort()).toEqual([1, 2, 3]);
  });

  it('does not draw for a fixed delay', () => {
    let draws = 0;
    expect(retryDelaySeconds({ 1: 60, 5: [1, 2] as const }, 4, () => (draws++, 0))).toBe(60);
    expect(draws).toBe(0);
  });
});

describe('validateRetryPattern', () => {
  it('normalises string keys from JSON and keeps the delays', () => {
    const pattern = validateRetryPattern(JSON.parse('{"1": 60, "5": [300, 600], "2": 0}'), WHERE);
    expect(pattern).toEqual({ 1: 60, 2: 0, 5: [300, 600] });
    expect(Object.keys(pattern)).toEqual(['1', '2', '5']);
    expect(retryDelaySeconds(pattern, 6, () => 0)).toBe(300);
  });

  it('returns a frozen copy', () => {
    const range: [number, number] = [1, 2];
    const input = { 1: range };
    const pattern = validateRetryPattern(input, WHERE);
    range[1] = 99;
    expect(pattern).toEqual({ 1: [1, 2] });
    expect(Object.isFrozen(pattern)).toBe(true);
    expect(Object.isFrozen(pattern[1])).toBe(true);
  });

  it('accepts an empty pattern (always 600 s)', () => {
    expect(validateRetryPattern({}, WHERE)).toEqual({});
  });

  it.each([
    ['null', null, 'expected a plain object, found null'],
    ['an array', [60, 180], 'expected a plain object, found [60, 180]'],
    ['a number', 60, 'expected a plain object, found 60'],
    ['a Map', new Map([[1, 60]]), 'expected a plain object, found Map {…}'],
    ['key 0', { 0: 60 }, 'key "0" is not a whole number >= 1 (retries count from 1)'],
    ['a negative key', { '-1': 60 }, 'key "-1" is not a whole number >= 1'],
    ['a fractional key', { 1.5: 60 }, 'key "1.5" is not a whole number >= 1'],
    ['a word key', { first: 60 }, 'key "first" is not a whole number >= 1'],
    ['a zero-padded key', { '01': 60 }, 'key "01" is not a whole number >= 1'],
    ['a negative delay', { 1: -5 }, 'the delay for retry 1 is -5; use whole seconds >= 0 or [min, max] with 0 <= min <= max'],
    ['a fractional delay', { 2: 1.5 }, 'the delay for retry 2 is 1.5;'],
    ['a string delay', { 1: '60' }, 'the delay for retry 1 is "60";'],
    ['an undefined delay', { 1: undefined }, 'the delay for retry 1 is undefined;'],
    ['a reversed range', { 5: [600, 300] }, 'the delay for retry 5 is [600, 300];'],
    ['a negative range', { 5: [-1, 300] }, 'the delay for retry 5 is [-1, 300];'],
    ['a range of three', { 5: [1, 2, 3] }, 'the delay for retry 5 is [1, 2, 3];'],
    ['a fractional range', { 5: [1, 2.5] }, 'the delay for retry 5 is [1, 2.5];'],
  ])('refuses %s, naming the value and showing an example', (_what, pattern, problem) => {
    const validate = () => validateRetryPattern(pattern, WHERE);
    expect(validate).toThrow(InvalidRetryPatternError);
    expect(validate).toThrow(`Invalid retry pattern for ${WHERE}: ${problem}`);
    expect(validate).toThrow('e.g. { 1: 60, 2: 180, 5: [300, 600] }');
  });
});
