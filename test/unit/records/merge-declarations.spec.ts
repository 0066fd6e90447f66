import { describe, expect, it } from '@jest/globals';
import { InvalidRetryPatternError, RETRY_PATTERN_EXAMPLE } from '../../../lib/errors/invalid-retry-pattern.error.js';
import { RecordDeclarationError } from '../../../lib/errors/record-declaration.error.js';
import type { ChannelDeclaration, Declared, JobFunctionDeclaration } from '../../../lib/records/declarations.js';
import { mergeDeclarations } from '../../../lib/records/merge-declarations.js';

const ch = (declarer: string, declaration: ChannelDeclaration): Declared<ChannelDeclaration> => ({ declaration, declarer });
const fn = (declarer: string, declaration: JobFunctionDeclaration): Declared<JobFunctionDeclaration> => ({ declaration, declarer });

/** The RecordDeclarationError (or other error) thrown by merging these declarations. */
function mergeError(channels: Declared<ChannelDeclaration>[], jobFunctions: Declared<JobFunctionDeclaration>[] = []): Error {
  try {
    mergeDeclarations(channels, jobFunctions);
  } catch (error) {
    return error as Error;
  }
  throw new Error('mergeDeclarations accepted the declarations');
}

describe('mergeDeclarations: merge', () => {
  it('one record per channel declared by two modules, listing both declarers (sorted)', () => {
    const { channels } = mergeDeclarations([
      ch('SalesModule', { name: 'sale', parent: 'root' }),
      ch('MailModule', { name: 'sale' }), // parent defaults to root
      ch('SalesModule', { name: 'sale', parent: 'root' }), // a module repeating itself is listed once
    ], []);
    expect(channels).toEqual([
      { completeName: 'root.sale', name: 'sale', parent: 'root', removalInterval: 30, declaredBy: ['MailModule', 'SalesModule'] },
    ]);
  });

  it('one record per job function declared by two modules; settings given by one apply to the record', () => {
    const { jobFunctions } = mergeDeclarations([], [
      fn('SalesModule', { name: '<OrderService>.confirm', channel: 'sale', retryPattern: { 1: 60 } }),
      fn('MailModule', { name: '<OrderService>.confirm', channel: 'root.sale', relatedAction: { enable: false } }),
    ]);
    expect(jobFunctions).toEqual([{
      name: '<OrderService>.confirm', channel: 'root.sale', retryPattern: { 1: 60 }, relatedAction: { enable: false },
      timeout: null, leaseSeconds: null, onMissingRecord: 'fail', declaredBy: ['MailModule', 'SalesModule'],
    }]);
  });

  it('timeout and leaseSeconds of a job function, given by any of its declarers', () => {
    const { jobFunctions } = mergeDeclarations([], [
      fn('SalesModule', { name: '<Report>.build', timeout: 600 }),
      fn('MailModule', { name: '<Report>.build', leaseSeconds: 120, timeout: 600 }),
    ]);
    expect(jobFunctions[0]).toMatchObject({ timeout: 600, leaseSeconds: 120 });
  });

  it('the same settings written in another key order are no conflict', () => {
    const { jobFunctions } = mergeDeclarations([], [
      fn('SalesModule', { name: '<S>.m', relatedAction: { enable: true, funcName: 'open', kwargs: { a: 1, b: 2 } } }),
      fn('MailModule', { name: '<S>.m', relatedAction: { kwargs: { b: 2, a: 1 }, funcName: 'open', enable: true } }),
    ]);
    expect(jobFunctions[0]!.declaredBy).toEqual(['MailModule', 'SalesModule']);
  });

  it('a job function without a channel belongs to root', () => {
    const { jobFunctions, channels } = mergeDeclarations([], [fn('A', { name: '<S>.m' })]);
    expect(jobFunctions[0]).toMatchObject({ channel: 'root', retryPattern: null, relatedAction: null });
    expect(channels).toEqual([]);
  });

  it('creates the channels a job function channel implies, parents first, declared by the function declarers', () => {
    const { channels } = mergeDeclarations(
      [ch('SalesModule', { name: 'sale', removalInterval: 7 })],
      [fn('MailModule', { name: '<MailService>.send', channel: 'sale.eu.fr' })],
    );
    expect(channels).toEqual([
      { completeName: 'root.sale', name: 'sale', parent: 'root', removalInterval: 7, declaredBy: ['MailModule', 'SalesModule'] },
      { completeName: 'root.sale.eu', name: 'eu', parent: 'root.sale', removalInterval: 30, declaredBy: ['MailModule'] },
      { completeName: 'root.sale.eu.fr', name: 'fr', parent: 'root.sale.eu', removalInterval: 30, declaredBy: ['MailModule'] },
    ]);
  });

  it('nested declared channels: the parent path may omit root, and the same removalInterval twice is no conflict', () => {
    const { channels } = mergeDeclarations([
      ch('B', { name: 'eu', parent: 'sale', removalInterval: 3 }),
      ch('A', { name: 'sale' }),
      ch('C', { name: 'eu', parent: 'root.sale', removalInterval: 3 }),
    ], []);
    expect(channels.map((c) => [c.completeName, c.parent, c.removalInterval, c.declaredBy])).toEqual([
      ['root.sale', 'root', 30, ['A']],
      ['root.sale.eu', 'root.sale', 3, ['B', 'C']],
    ]);
  });

  it('root may be declared (for its removalInterval) but is never given a parent', () => {
    const { channels } = mergeDeclarations([ch('A', { name: 'root', removalInterval: 90 })], []);
    expect(channels).toEqual([{ completeName: 'root', name: 'root', parent: null, removalInterval: 90, declaredBy: ['A'] }]);
  });
});

describe('mergeDeclarations: validation errors', () => {
  it.each([
    ['a dot', 'sale.eu'],
    ['a space', 'sa le'],
    ['an empty name', ''],
  ])('bad channel name (%s)', (_what, name) => {
    const error = mergeError([ch('SalesModule', { name })]);
    expect(error).toBeInstanceOf(RecordDeclarationError);
    expect(error.message).toBe(
      `Channel ${JSON.stringify(name)} declared by SalesModule is not a valid channel name: use one segment of letters, digits, "_" or "-" (e.g. { name: 'sale', parent: 'root' }).`);
  });

  it.each(['root..sale', 'root.sa le', '.sale', ''])('bad parent path %j', (parent) => {
    const error = mergeError([ch('SalesModule', { name: 'eu', parent })]);
    expect(error).toBeInstanceOf(RecordDeclarationError);
    expect(error.message).toBe(`Parent ${JSON.stringify(parent)} declared by SalesModule is not a valid channel path: write it like "root.sale".`);
  });

  it('bad channel of a job function', () => {
    const error = mergeError([], [fn('MailModule', { name: '<M>.send', channel: 'mail..out' })]);
    expect(error).toBeInstanceOf(RecordDeclarationError);
    expect(error.message).toMatch(/^Channel of job function <M>\.send: "mail\.\.out" declared by MailModule is not a valid channel path/);
  });

  it('a job function without a name', () => {
    const error = mergeError([], [fn('MailModule', { name: ' ' })]);
    expect(error).toBeInstanceOf(RecordDeclarationError);
    expect(error.message).toBe('Job function " " declared by MailModule needs a name like "<OrderService>.confirm".');
  });

  it('unknown parent: names the channel, the declarer and the declaration to add', () => {
    const error = mergeError([ch('SalesModule', { name: 'fr', parent: 'root.sale.eu' }), ch('Other', { name: 'sale' })]);
    expect(error).toBeInstanceOf(RecordDeclarationError);
    expect(error.message).toBe(
      `Channel "root.sale.eu.fr" declared by SalesModule has parent "root.sale.eu", which no module declares: add { name: 'eu', parent: 'root.sale' } to the channels of a QueueJobModule.forFeature(), or fix the parent.`);
  });

  it.each(['root', 'root.sale'])('root re-parented (parent %j)', (parent) => {
    const error = mergeError([ch('SalesModule', { name: 'root', parent })]);
    expect(error).toBeInstanceOf(RecordDeclarationError);
    expect(error.message).toMatch(/^SalesModule declares channel "root" with a parent: root .* cannot be re-parented, renamed or removed/);
  });

  it.each([0, -1, 1.5, Number.NaN, '30'])('bad removalInterval %p', (removalInterval) => {
    const error = mergeError([ch('SalesModule', { name: 'sale', removalInterval: removalInterval as number })]);
    expect(error).toBeInstanceOf(RecordDeclarationError);
    expect(error.message).toMatch(/^Channel "root\.sale" declared by SalesModule has removalInterval .*: expected a whole number of days >= 1 \(default 30\)\.$/);
  });

  it('conflicting channel of one job function in two modules: names both declarers and says how to fix it', () => {
    const error = mergeError([], [
      fn('SalesModule', { name: '<OrderService>.confirm', channel: 'root.sale' }),
      fn('MailModule', { name: '<OrderService>.confirm', channel: 'mail' }),
    ]);
    expect(error).toBeInstanceOf(RecordDeclarationError);
    expect(error.message).toBe(
      'Job function "<OrderService>.confirm" is declared with channel "root.sale" by SalesModule and with channel "root.mail" by MailModule: declare it the same way in both modules, or in one module only.');
  });

  it('conflicting retry patterns of one job function', () => {
    const error = mergeError([], [
      fn('SalesModule', { name: '<OrderService>.confirm', retryPattern: { 1: 60 } }),
      fn('MailModule', { name: '<OrderService>.confirm', retryPattern: { 1: 30 } }),
    ]);
    expect(error).toBeInstanceOf(RecordDeclarationError);
    expect(error.message).toBe(
      'Job function "<OrderService>.confirm" is declared with retryPattern {"1":60} by SalesModule and with retryPattern {"1":30} by MailModule: declare it the same way in both modules, or in one module only.');
  });

  it('conflicting related actions of one job function', () => {
    const error = mergeError([], [
      fn('SalesModule', { name: '<OrderService>.confirm', relatedAction: { funcName: 'a' } }),
      fn('MailModule', { name: '<OrderService>.confirm', relatedAction: { enable: false } }),
    ]);
    expect(error).toBeInstanceOf(RecordDeclarationError);
    expect(error.message).toMatch(/relatedAction \{"funcName":"a"\} by SalesModule and with relatedAction \{"enable":false\} by MailModule/);
  });

  it.each([
    [{ 0: 60 }, /key "0" is not a whole number >= 1/],
    [{ '1.5': 60 }, /key "1\.5" is not a whole number >= 1/],
    [{ 1: -5 }, /the delay for retry 1 is/],
    [{ 1: [10, 5] }, /the delay for retry 1 is/],
    [[60], /expected a plain object/],
  ])('invalid retry pattern %j: names the declaration and shows an example', (retryPattern, problem) => {
    const error = mergeError([], [fn('SalesModule', { name: '<OrderService>.confirm', retryPattern: retryPattern as never })]);
    expect(error).toBeInstanceOf(InvalidRetryPatternError);
    expect(error.message).toMatch(/^Invalid retry pattern for job function <OrderService>\.confirm declared by SalesModule: /);
    expect(error.message).toMatch(problem);
    expect(error.message).toContain(`e.g. ${RETRY_PATTERN_EXAMPLE}`);
  });

  it.each([
    ['timeout', 0], ['timeout', 1.5], ['timeout', -1], ['timeout', '60'], ['leaseSeconds', 0], ['leaseSeconds', 2 ** 31],
  ])('bad %s %p of a job function: names it, the declarer and an example', (field, value) => {
    const error = mergeError([], [fn('ReportModule', { name: '<Report>.build', [field]: value as number })]);
    expect(error).toBeInstanceOf(RecordDeclarationError);
    expect(error.message).toBe(`Job function "<Report>.build" declared by ReportModule has ${field} ${JSON.stringify(value)}: `
      + `expected a whole number of seconds >= 1 (e.g. { name: '<Report>.build', ${field}: 60 }).`);
  });

  it('conflicting timeouts of one job function in two modules', () => {
    const error = mergeError([], [fn('A', { name: '<Report>.build', timeout: 60 }), fn('B', { name: '<Report>.build', timeout: 30 })]);
    expect(error.message).toMatch(/declared with timeout 60 by A and with timeout 30 by B/);
  });

  it.each([['skip'], ['DONE'], [true]])('bad onMissingRecord %p of a job function: names it, the declarer and the two values', (value) => {
    const error = mergeError([], [fn('ParcelModule', { name: '<Parcel>.ship', onMissingRecord: value as never })]);
    expect(error).toBeInstanceOf(RecordDeclarationError);
    expect(error.message).toMatch(new RegExp(`^Job function "<Parcel>\\.ship" declared by ParcelModule has onMissingRecord ${JSON.stringify(value)}: expected 'fail' .* or 'done'`));
  });

  it("onMissingRecord: 'fail' by default, 'done' from any declarer; 'fail' and 'done' by two modules conflict", () => {
    const policy = (...declared: Declared<JobFunctionDeclaration>[]) => mergeDeclarations([], declared).jobFunctions[0]!.onMissingRecord;
    expect(policy(fn('A', { name: '<Parcel>.ship', channel: 'root' }))).toBe('fail');
    expect(policy(fn('A', { name: '<Parcel>.ship' }), fn('B', { name: '<Parcel>.ship', onMissingRecord: 'done' }))).toBe('done');
    const error = mergeError([], [fn('A', { name: '<Parcel>.ship', onMissingRecord: 'fail' }), fn('B', { name: '<Parcel>.ship', onMissingRecord: 'done' })]);
    expect(error.message).toMatch(/declared with onMissingRecord "fail" by A and with onMissingRecord "done" by B/);
  });

  it('conflicting removalInterval of one channel in two modules', () => {
    const error = mergeError([
      ch('SalesModule', { name: 'sale', removalInterval: 7 }),
      ch('MailModule', { name: 'sale' }), // no interval: no conflict
      ch('MailModule', { name: 'sale', parent: 'root', removalInterval: 14 }),
    ]);
    expect(error).toBeInstanceOf(RecordDeclarationError);
    expect(error.message).toBe(
      'Channel "root.sale" is declared with removalInterval 7 by SalesModule and with removalInterval 14 by MailModule: declare it the same way in both modules, or in one module only.');
  });
});
