import type { Provider } from '@nestjs/common';
import { EventEmitterBridge } from './event-emitter-bridge.js';
import { JobFailureNotifier } from './job-failure-notifier.js';
import { JobTransitionLog } from './job-transition-log.js';
import { OptionalPeers } from './optional-peers.js';
import { QueueJobHealthIndicator } from './queue-job-health.indicator.js';
import { QueueJobMetrics } from './queue-job-metrics.js';
import { QueueJobTracing } from './queue-job-tracing.js';

/** Registered by QueueJobModule in every app: each integration turns itself on when its package is installed. */
export const OBSERVABILITY_PROVIDERS: Provider[] = [
  OptionalPeers, QueueJobTracing, QueueJobMetrics, QueueJobHealthIndicator, EventEmitterBridge, JobFailureNotifier, JobTransitionLog,
];

/** What apps inject: `QueueJobMetrics` (snapshot), `QueueJobHealthIndicator` (terminus). */
export const OBSERVABILITY_EXPORTS = [QueueJobMetrics, QueueJobHealthIndicator];
