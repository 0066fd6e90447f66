import { describe, expect, it } from '@jest/globals';
import { resolveOptions } from '../../../lib/config/resolve-options.js';

describe('resolveOptions: timers', () => {
  it.each([
    ['runner.pollInterval', { runner: { pollInterval: 2 ** 31 } }],
    ['runner.shutdownTimeout', { runner: { shutdownTimeout: 30 * 86_400_000 } }],
    ['autovacuum.interval', { autovacuum: { interval: 30 * 86_400_000 } }],
  ])('refuses %s beyond what a Node timer can wait (it would fire after 1 ms), naming the option and the range', (name, options) => {
    expect(() => resolveOptions(options, {})).toThrow(new RegExp(`^QueueJobModule option "${name.replace('.', '\\.')}" is \\d+: expected a whole number from \\d+ to 2147483647\\.$`));
  });

  it('accepts the longest timer Node can wait, and keeps the defaults', () => {
    const resolved = resolveOptions({ runner: { pollInterval: 2 ** 31 - 1 }, autovacuum: { interval: 86_400_000 } }, {});
    expect(resolved.runner.pollInterval).toBe(2 ** 31 - 1);
    expect(resolved.autovacuum.interval).toBe(86_400_000);
    expect(resolveOptions({}, {}).runner.shutdownTimeout).toBe(30_000);
  });

  it('runner.jobTimeout: off (0) unless set; whole seconds, within what a timer can wait', () => {
    expect(resolveOptions({}, {}).runner.jobTimeout).toBe(0);
    expect(resolveOptions({ runner: { jobTimeout: 300 } }, {}).runner.jobTimeout).toBe(300);
    expect(() => resolveOptions({ runner: { jobTimeout: 1.5 } }, {})).toThrow('QueueJobModule option "runner.jobTimeout" is 1.5: expected a whole number from 0 to 2147483.');
    expect(() => resolveOptions({ runner: { jobTimeout: 2147484 } }, {})).toThrow(/"runner\.jobTimeout" is 2147484: expected a whole number from 0 to 2147483\./);
  });

  it('still refuses a concurrency below 1 with the plain message', () => {
    expect(() => resolveOptions({ runner: { concurrency: 0 } }, {})).toThrow('QueueJobModule option "runner.concurrency" is 0: expected a whole number >= 1.');
  });
});

describe('resolveOptions: runner.unknownFunctionGrace', () => {
  it('defaults to 600 seconds and takes a whole number of seconds >= 1', () => {
    expect(resolveOptions({}, {}).runner.unknownFunctionGrace).toBe(600);
    expect(resolveOptions({ runner: { unknownFunctionGrace: 5 } }, {}).runner.unknownFunctionGrace).toBe(5);
  });

  it.each([0, 1.5, -3, Number.NaN])('refuses %s, naming the option and the range', (value) => {
    expect(() => resolveOptions({ runner: { unknownFunctionGrace: value } }, {}))
      .toThrow(`QueueJobModule option "runner.unknownFunctionGrace" is ${JSON.stringify(value)}: expected a whole number >= 1.`);
  });
});

describe('resolveOptions: runsJobs', () => {
  it.each<[string, Parameters<typeof resolveOptions>[0], Record<string, string>, boolean]>([
    ['the defaults', {}, {}, true],
    ['runner: false', { runner: false }, {}, false],
    ['QUEUE_JOB_RUNNER=0 over runner.enabled', { runner: { enabled: true } }, { QUEUE_JOB_RUNNER: '0' }, false],
    ['no-delay mode', { noDelay: true }, {}, false],
    ['TEST_QUEUE_JOB_NO_DELAY=1', {}, { TEST_QUEUE_JOB_NO_DELAY: '1' }, false],
  ])('%s', (_label, options, env, runsJobs) => {
    expect(resolveOptions(options, env).runsJobs).toBe(runsJobs);
  });
});
