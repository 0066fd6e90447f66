import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { JobEvent } from '../../../lib/hooks/job-event.js';
import { failureHandlerThrew } from '../../../lib/observability/observability.messages.js';
import { hostileThrown } from '../../support/hostile-values.js';

// The line logged when an @OnJobFailure handler throws is built in the rejection handler of its call:
// if building it threw, that call's promise would reject with nobody to catch it (the process exits).
describe('the log line of a failure handler that threw', () => {
  const event = { uuid: '0190a6b8-0000-7000-8000-000000000001', jobFunction: '<Shop>.sync' } as JobEvent;

  it('is made whatever the handler threw', () => {
    fc.assert(fc.property(hostileThrown, (thrown) => {
      const line = failureHandlerThrew('Notifier.onFailure', event, thrown);
      expect(line).toContain('@OnJobFailure handler Notifier.onFailure threw for job 0190a6b8-0000-7000-8000-000000000001 <Shop>.sync: ');
    }), { numRuns: 200, examples: [[new Proxy({}, { getPrototypeOf: () => { throw new Error('trap'); } })]] });
  });

  it('quotes an Error by its message', () => {
    expect(failureHandlerThrew('Notifier.onFailure', event, new Error('mail server down'))).toMatch(/<Shop>\.sync: mail server down$/);
  });
});
