import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { typeErrors } from '../support/type-errors.js';

const FIXTURE = 'test/types/delayable-types.ts';
const EXPECTED_ERROR = /^\s*\/\/ @ts-expect-error (.+)$/;

/** The lines of the fixture that must not compile (the one after each directive), with the reason written there. */
function expectations(lines: string[]): Array<{ line: number; reason: string }> {
  return lines.flatMap((text, i) => {
    const match = EXPECTED_ERROR.exec(text);
    return match ? [{ line: i + 2, reason: match[1] }] : [];
  });
}

describe('public types (test/types/delayable-types.ts)', () => {
  it('compile as the fixture says: the plain lines compile, and each line marked @ts-expect-error is an error', () => {
    expect(typeErrors(FIXTURE)).toEqual([]);
  });

  it('refuse each marked line for the reason written next to it, and nothing else', () => {
    const lines = readFileSync(FIXTURE, 'utf8').split('\n');
    const expected = expectations(lines);
    const errors = typeErrors(FIXTURE, lines.map((text) => text.replace('@ts-expect-error', 'expected error:')).join('\n'));
    const messagesOn = (line: number) => errors.filter((error) => error.line === line).map((error) => error.message).join('\n');
    const found = expected.map(({ line, reason }) => `${line}: ${messagesOn(line).includes(reason) ? reason : messagesOn(line) || 'no error'}`);
    expect(found).toEqual(expected.map(({ line, reason }) => `${line}: ${reason}`));
    expect(errors.filter((error) => !expected.some(({ line }) => line === error.line))).toEqual([]);
  });
});
