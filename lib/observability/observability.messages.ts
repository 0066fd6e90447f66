import { messageOf } from '../errors/describe-thrown.js';
import type { JobEvent } from '../hooks/job-event.js';

/** User-facing messages of the observability integrations (one factory per message). */

export const peerMissing = (option: string, peer: string) =>
  `QueueJobModule option "observability.${option}" asks for ${peer}, which is not installed: run \`npm install ${peer}\`, or remove the option (integrations are on by default when their package is installed).`;

export const peerUnloadable = (peer: string, reason: string) =>
  `${peer} is installed but could not be loaded (${reason}): its queue_job integration is off.`;

export const noEventEmitter = () =>
  'QueueJobModule option "observability.eventEmitter" is true but the app has no EventEmitter2: import EventEmitterModule.forRoot() from @nestjs/event-emitter.';

export const unknownFailureTarget = (name: string, owner: string, known: string[]) =>
  `@OnJobFailure('${name}') on ${owner} names no @Delayable() job function of this app; known job functions: ${known.join(', ') || 'none'}. Fix the name (e.g. '<OrderService>.confirm', or the @Delayable({ name }) given).`;

export const failureHandlerThrew = (owner: string, event: JobEvent, error: unknown) =>
  `@OnJobFailure handler ${owner} threw for job ${event.uuid} ${event.jobFunction}: ${messageOf(error)}`;

const attempt = (event: JobEvent) => `attempt ${event.retry}/${event.maxRetries > 0 ? event.maxRetries : '∞'}`;
const seconds = (value: number | undefined) => (value === undefined ? '' : ` in ${value.toFixed(3)} s`);

/** The debug line of one transition (failures have their own line, at error level). */
export function transitionLine(event: JobEvent): string {
  const job = `Job ${event.uuid} ${event.jobFunction}`;
  switch (event.name) {
    case 'job.enqueued':
      return `${job} enqueued in ${event.channel}`;
    case 'job.started':
      return `${job} started in ${event.channel} (${attempt(event)}, waited ${(event.waitSeconds ?? 0).toFixed(3)} s)`;
    case 'job.done':
      return event.by ? `${job} set done by ${event.by}` : `${job} done${seconds(event.execTime)}`;
    case 'job.retrying':
      return event.reason === 'dead-executor' || event.reason === 'lease-lost'
        ? `${job} requeued: ${RESCUE_CAUSE[event.reason]} during ${attempt(event)}`
        : `${job} retrying at ${event.retryEta?.toISOString() ?? 'once due'} after ${attempt(event)}${seconds(event.execTime)}: ${event.excMessage ?? ''}`;
    case 'job.cancelled':
      return `${job} cancelled by ${event.by ?? 'system'}`;
    case 'job.failed':
      return failureLine(event);
    case 'job.progress':
      return `${job} at ${Math.round((event.progress ?? 0) * 100)} %${event.progressMessage ? `: ${event.progressMessage}` : ''}`;
  }
}

export const failureLine = (event: JobEvent) =>
  `Job ${event.uuid} ${event.jobFunction} failed (${attempt(event)}${event.reason === 'dead-executor' || event.reason === 'lease-lost' ? `, ${RESCUE_CAUSE[event.reason]}` : ''}): ${event.excName ?? 'Error'}: ${event.excMessage ?? ''}`;

const RESCUE_CAUSE = { 'dead-executor': 'its executor stopped', 'lease-lost': 'its lease expired while its executor was alive but unresponsive' };
