import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { encodeContext } from '../../../lib/context/context-json.js';
import { MAX_NESTING, serializeArguments } from '../../../lib/enqueue/argument-serializer.js';
import { ArgumentSerializationError } from '../../../lib/errors/argument-serialization.error.js';
import { JobContextError } from '../../../lib/errors/job-context.error.js';
import { everyTextStorable, hostileString, hostileThrown, hostileValue } from '../../support/hostile-values.js';
import { inspector } from './fake-entities.js';

/** What was thrown, or null when nothing was. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
    return null;
  } catch (error) {
    return error;
  }
}

const nested = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { down: value };
  return value;
};

describe('hostile job arguments at enqueue', () => {
  it('any value: stored as storable JSON, or refused with an ArgumentSerializationError naming a path (never another error)', () => {
    fc.assert(fc.property(fc.array(hostileValue, { maxLength: 3 }), (args) => {
      const error = thrownBy(() => {
        const { args: stored } = serializeArguments(args, inspector);
        expect(everyTextStorable(JSON.parse(JSON.stringify(stored)))).toBe(true);
      });
      if (error === null) return;
      expect(error).toBeInstanceOf(ArgumentSerializationError);
      expect((error as ArgumentSerializationError).path).toMatch(/^args\[\d+\]/);
    }), { numRuns: 500 });
  });

  it('a string or key PostgreSQL cannot store is refused with its path and what to do', () => {
    const cut = 'hello 😀'.slice(0, 7);
    const error = thrownBy(() => serializeArguments([{ note: cut }], inspector)) as ArgumentSerializationError;
    expect(error.path).toBe('args[0].note');
    expect(error.message).toContain('half of a UTF-16 surrogate pair');
    expect(error.message).toContain('toWellFormed()');
    const key = thrownBy(() => serializeArguments([{ ['k\ud800']: 1 }], inspector)) as ArgumentSerializationError;
    expect(key.path).toBe('args[0]["k\\ud800"]');
    expect(key.message).toContain('a key with half of a UTF-16 surrogate pair');
  });

  it('a getter that throws is refused with its path; so is a Proxy', () => {
    const order = { id: 1, get total(): number { throw new Error('lazy relation not loaded'); } };
    const error = thrownBy(() => serializeArguments(['x', order], inspector)) as ArgumentSerializationError;
    expect(error).toBeInstanceOf(ArgumentSerializationError);
    expect(error.path).toBe('args[1]');
    expect(error.message).toContain('threw when read (lazy relation not loaded)');
    const proxy = new Proxy({}, { getPrototypeOf: () => { throw new Error('trap'); } });
    expect(thrownBy(() => serializeArguments([[proxy]], inspector))).toMatchObject({ path: 'args[0][0]' });
  });

  it('a getter that throws anything (a Proxy whose traps throw included) is refused with its path, never rethrown as another error', () => {
    fc.assert(fc.property(hostileThrown, (thrown) => {
      const order = { id: 1, get total(): number { throw thrown; } };
      const error = thrownBy(() => serializeArguments(['x', order], inspector));
      expect(error).toBeInstanceOf(ArgumentSerializationError);
      expect((error as ArgumentSerializationError).path).toBe('args[1]');
    }), { numRuns: 200 });
  });

  it(`nesting deeper than ${MAX_NESTING} levels is refused (PostgreSQL would refuse it)`, () => {
    expect(() => serializeArguments([nested(MAX_NESTING - 1)], inspector)).not.toThrow();
    const error = thrownBy(() => serializeArguments([nested(MAX_NESTING + 5)], inspector)) as ArgumentSerializationError;
    expect(error.message).toContain(`nested more than ${MAX_NESTING} levels deep`);
  });
});

describe('a hostile context at enqueue', () => {
  it('any captured value: stored as storable JSON, or refused with a JobContextError naming a path', () => {
    fc.assert(fc.property(fc.oneof(hostileValue, fc.dictionary(hostileString(6), hostileValue, { maxKeys: 3 })), (captured) => {
      const error = thrownBy(() => {
        const encoded = encodeContext('<S>.m', captured);
        if (encoded) expect(everyTextStorable(JSON.parse(encoded.json))).toBe(true);
      });
      if (error === null) return;
      expect(error).toBeInstanceOf(JobContextError);
      expect((error as JobContextError).message).toMatch(/its context value context.* is /s);
    }), { numRuns: 500 });
  });

  it('a getter that throws anything is refused with a JobContextError naming its path', () => {
    fc.assert(fc.property(hostileThrown, (thrown) => {
      const error = thrownBy(() => encodeContext('<S>.m', { tenant: { get id(): string { throw thrown; } } }));
      expect(error).toBeInstanceOf(JobContextError);
      expect((error as JobContextError).message).toContain('context.tenant is a value that threw when read');
    }), { numRuns: 200 });
  });

  it('a getter that throws, a lone surrogate', () => {
    const captured = { tenant: { get id(): string { throw new Error('no tenant'); } } };
    expect((thrownBy(() => encodeContext('<S>.m', captured)) as Error).message).toContain('context.tenant is a value that threw when read (no tenant)');
    expect((thrownBy(() => encodeContext('<S>.m', { user: 'bob\udc00' })) as Error).message).toContain('context.user is a string with half of a UTF-16 surrogate pair');
  });
});
