import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import type { DelayableOptions } from '../decorators/delayable.decorator.js';
import { JobService } from '../enqueue/job.service.js';
import { DELAYABLE_METADATA, RELATED_ACTION_METADATA } from '../queue-job.constants.js';
import { RecordsSynchronizer } from '../records/records.synchronizer.js';
import { jobFunctionName, type JobFunction } from './job-function.js';
import { providerMethods } from './provider-methods.js';
import { JobFunctionRegistry } from './job-function.registry.js';
import { RelatedActionRegistry, type RelatedActionHandler } from './related-action.registry.js';
import { handleCalls, originalMethod } from '../decorators/delayable-interception.js';
import { refuseUnreachableJobFunctions } from './unreachable-job-functions.js';

/**
 * Finds the `@Delayable()` and `@RelatedAction()` methods of the app's providers. Each job function
 * is registered, and the calls of its instance's method, intercepted since decoration, are routed to
 * the job service (the original method is kept for the runner); then the channel and job function
 * records are synchronised. Only singleton providers can hold job functions: the others are refused.
 */
@Injectable()
export class DelayableExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly registry: JobFunctionRegistry,
    private readonly relatedActions: RelatedActionRegistry,
    private readonly jobs: JobService,
    private readonly records: RecordsSynchronizer,
  ) {}

  async onModuleInit(): Promise<void> {
    refuseUnreachableJobFunctions(this.discovery, this.scanner, this.reflector);
    for (const { wrapper, instance, methodName, method } of providerMethods(this.discovery, this.scanner)) {
      this.exploreDelayable(wrapper, instance, methodName, method);
      this.exploreRelatedAction(instance, method as RelatedActionHandler);
    }
    this.registry.markDiscovered();
    await this.records.synchronize();
  }

  private exploreDelayable(wrapper: InstanceWrapper, instance: object, methodName: string, method: JobFunction['method']): void {
    const options = this.reflector.get<DelayableOptions | undefined>(DELAYABLE_METADATA, method);
    if (!options) return;
    const serviceName = instance.constructor.name;
    const fn: JobFunction = {
      name: options.name ?? jobFunctionName(serviceName, methodName),
      serviceName,
      methodName,
      instance,
      method: originalMethod(method),
      options,
      // Channel, retry pattern, related action, timeout, lease and missing record policy come from the job function records, set by the synchronizer.
      channel: 'root',
      retryPattern: null,
      relatedAction: null,
      timeout: null,
      leaseSeconds: null,
      onMissingRecord: 'fail',
      declarer: wrapper.host?.metatype?.name ?? serviceName,
    };
    this.registry.add(fn);
    this.registry.addCallable(method, fn);
    handleCalls(instance, methodName, (args) => this.jobs.call(fn, args));
  }

  private exploreRelatedAction(instance: object, method: RelatedActionHandler): void {
    const name = this.reflector.get<string | undefined>(RELATED_ACTION_METADATA, method);
    if (name) this.relatedActions.add(name, method.bind(instance), `${instance.constructor.name}.${method.name}`);
  }
}
