import { describe, expect, it } from '@jest/globals';
import { PROGRESS_MESSAGE_LIMIT, progressReport } from '../../../lib/runner/progress-report.js';

describe('progressReport (what currentJob().progress() stores)', () => {
  it('keeps a fraction from 0 to 1 and a message', () => {
    expect(progressReport(0.42, 'row 4200 of 10000')).toEqual({ progress: 0.42, message: 'row 4200 of 10000' });
    expect(progressReport(0)).toEqual({ progress: 0, message: null });
    expect(Object.is(progressReport(-0).progress, 0)).toBe(true);
    expect(progressReport(1, undefined)).toEqual({ progress: 1, message: null });
  });

  it('refuses what is not a fraction from 0 to 1, naming the value', () => {
    const refusals: Array<[unknown, ErrorConstructor, string]> = [
      [Number.NaN, RangeError, 'NaN'], [-0.01, RangeError, '-0.01'], [1.0001, RangeError, '1.0001'], [42, RangeError, '42'],
      [Number.NEGATIVE_INFINITY, RangeError, '-Infinity'], ['0.5', TypeError, '"0.5"'], [undefined, TypeError, 'undefined'],
      [10n, TypeError, '10n'], [{ done: 1 }, TypeError, '{done: 1}'],
    ];
    for (const [value, type, shown] of refusals) {
      expect(() => progressReport(value)).toThrow(type);
      expect(() => progressReport(value)).toThrow(`currentJob().progress(${shown}): the fraction done must be a number from 0 to 1 (0.42 for 42 %)`);
    }
  });

  it('refuses a message that is not a string, naming it', () => {
    expect(() => progressReport(0.5, 42)).toThrow(new TypeError('currentJob().progress(0.5, 42): the message must be a string (e.g. \'row 4200 of 10000\'), or left out.'));
    expect(() => progressReport(0.5, ['a'])).toThrow('currentJob().progress(0.5, ["a"]): the message must be a string');
  });

  it('cuts a long message and makes it storable (NUL, half an emoji)', () => {
    expect(progressReport(0.5, 'x'.repeat(10_000)).message).toBe('x'.repeat(PROGRESS_MESSAGE_LIMIT));
    expect(progressReport(0.5, 'a\0b').message).toBe('a\uFFFDb');
    // Cut in the middle of an emoji: its lone half becomes U+FFFD.
    expect(progressReport(0.5, `${'x'.repeat(PROGRESS_MESSAGE_LIMIT - 1)}😀`).message).toBe(`${'x'.repeat(PROGRESS_MESSAGE_LIMIT - 1)}\uFFFD`);
  });
});
