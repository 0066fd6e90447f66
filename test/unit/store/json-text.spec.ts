import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isStorableText, jsonDate, jsonRaw, jsonText, storableJson, storableText } from '../../../lib/store/sql/json-text.js';
import { hostileString, storableByPostgres } from '../../support/hostile-values.js';

describe('JSON text pieces', () => {
  it('jsonText quotes and escapes, and turns NUL into U+FFFD', () => {
    expect(jsonText(null)).toBe('null');
    expect(JSON.parse(jsonText('say "hi"\n'))).toBe('say "hi"\n');
    expect(JSON.parse(jsonText('a\u0000b'))).toBe('a\uFFFDb');
  });

  it('jsonRaw splices JSON as is, replacing only real \\u0000 escapes', () => {
    expect(jsonRaw(null)).toBe('null');
    const plain = JSON.stringify({ a: [1, 'x'] });
    expect(jsonRaw(plain)).toBe(plain);
    expect(JSON.parse(jsonRaw(JSON.stringify({ t: 'a\u0000b' })))).toEqual({ t: 'a\uFFFDb' });
    // A backslash followed by the letters u0000 is text, not a NUL: it stays.
    expect(JSON.parse(jsonRaw(JSON.stringify({ t: '\\u0000' })))).toEqual({ t: '\\u0000' });
    expect(JSON.parse(jsonRaw(JSON.stringify({ t: '\\\u0000' })))).toEqual({ t: '\\\uFFFD' });
  });

  it('jsonDate writes ISO strings', () => {
    expect(jsonDate(null)).toBe('null');
    expect(JSON.parse(jsonDate(new Date(Date.UTC(2026, 10, 29))))).toBe('2026-11-29T00:00:00.000Z');
  });

  it('jsonDate: the same instant twice, then another, then the first again (it remembers the last one only)', () => {
    const a = new Date(Date.UTC(2026, 10, 29, 1, 2, 3, 4));
    const b = new Date(a.getTime() + 1);
    expect([a, new Date(a), b, a].map(jsonDate)).toEqual(
      ['"2026-11-29T01:02:03.004Z"', '"2026-11-29T01:02:03.004Z"', '"2026-11-29T01:02:03.005Z"', '"2026-11-29T01:02:03.004Z"']);
    expect(() => jsonDate(new Date('nope'))).toThrow(RangeError);
  });
});

describe('text PostgreSQL can store', () => {
  it('storableJson turns exactly the escapes jsonb refuses into \\ufffd: the parsed text equals storableText', () => {
    fc.assert(fc.property(hostileString(), hostileString(8), (text, key) => {
      const parsed = JSON.parse(storableJson(JSON.stringify({ [key]: [text] }))) as Record<string, string[]>;
      expect(parsed).toEqual({ [storableText(key)]: [storableText(text)] });
      expect(storableByPostgres(storableText(text))).toBe(true);
    }), { numRuns: 1000 });
  });

  it('pairs stay, halves go; text that merely looks like an escape stays', () => {
    expect(storableText('😀')).toBe('😀');
    expect(storableText('😀'.slice(0, 1))).toBe('\uFFFD');
    expect(storableText('😀'.slice(1))).toBe('\uFFFD');
    expect(storableText('\udc00\ud800')).toBe('\uFFFD\uFFFD');
    expect(JSON.parse(jsonRaw(JSON.stringify('\\ud800\ud800')))).toBe('\\ud800\uFFFD');
    expect(JSON.parse(jsonText('ok\ud800'))).toBe('ok\uFFFD');
    expect(isStorableText('plain é 😀')).toBe(true);
  });
});
