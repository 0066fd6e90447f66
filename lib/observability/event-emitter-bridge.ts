import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { QueueJobHooks } from '../hooks/queue-job-hooks.js';
import { QUEUE_JOB_RESOLVED_OPTIONS } from '../queue-job.constants.js';
import type { ResolvedQueueJobOptions } from '../queue-job.options.js';
import { noEventEmitter, peerMissing } from './observability.messages.js';
import { OptionalPeers } from './optional-peers.js';

interface EventEmitterLike {
  emit(event: string, ...values: unknown[]): unknown;
}

/**
 * Re-emits every lifecycle event on the app's `EventEmitter2` under the same name (`job.enqueued`,
 * `job.started`, `job.done`, `job.retrying`, `job.failed`, `job.cancelled`), so `@OnEvent('job.failed')`
 * methods receive the `JobEvent`. Needs `EventEmitterModule.forRoot()` in the app; otherwise off.
 */
@Injectable()
export class EventEmitterBridge implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('QueueJob');
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly hooks: QueueJobHooks,
    private readonly peers: OptionalPeers,
    @Inject(QUEUE_JOB_RESOLVED_OPTIONS) private readonly options: ResolvedQueueJobOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    const enabled = this.options.observability.eventEmitter;
    if (enabled === false) return;
    const module = await this.peers.load<{ EventEmitter2: Type<EventEmitterLike> }>('@nestjs/event-emitter');
    if (!module?.EventEmitter2) {
      if (enabled === true) this.logger.warn(peerMissing('eventEmitter', '@nestjs/event-emitter'));
      return;
    }
    const emitter = this.findEmitter(module.EventEmitter2);
    if (!emitter) {
      if (enabled === true) this.logger.warn(noEventEmitter());
      return;
    }
    this.unsubscribe = this.hooks.on((event) => void emitter.emit(event.name, event));
  }

  /** Whether events are re-emitted on EventEmitter2. */
  get active(): boolean {
    return this.unsubscribe !== undefined;
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private findEmitter(token: Type<EventEmitterLike>): EventEmitterLike | undefined {
    try {
      return this.moduleRef.get(token, { strict: false });
    } catch {
      return undefined;
    }
  }
}
