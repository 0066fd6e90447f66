import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { DelayableOptions } from '../decorators/delayable.decorator.js';
import { JobService } from '../enqueue/job.service.js';
import { DELAYABLE_METADATA } from '../queue-job.constants.js';
import { validateRetryPattern } from '../runner/retry-pattern.js';
import { jobFunctionName, type JobFunction } from './job-function.js';
import { JobFunctionRegistry } from './job-function.registry.js';

/**
 * Finds the `@Delayable()` methods of the app's providers, registers them as job functions, and
 * replaces each method on its instance by a wrapper that enqueues the call (the original is kept for
 * the runner). Only singleton providers are seen: a request-scoped provider cannot be a job target.
 */
@Injectable()
export class DelayableExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly registry: JobFunctionRegistry,
    private readonly jobs: JobService,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        this.explore(instance, prototype, methodName);
      }
    }
  }

  private explore(instance: object, prototype: object, methodName: string): void {
    const method = (prototype as Record<string, unknown>)[methodName];
    if (typeof method !== 'function') return;
    const options = this.reflector.get<DelayableOptions | undefined>(DELAYABLE_METADATA, method);
    if (!options || this.registry.forMethod(instance, methodName)) return;
    const serviceName = instance.constructor.name;
    const name = options.name ?? jobFunctionName(serviceName, methodName);
    const fn: JobFunction = {
      name,
      serviceName,
      methodName,
      instance,
      method: method as JobFunction['method'],
      options,
      channel: options.channel ?? 'root',
      retryPattern: options.retryPattern ? validateRetryPattern(options.retryPattern, `job function ${name}`) : null,
    };
    this.registry.add(fn);
    const enqueueCall = (...args: unknown[]) => this.jobs.call(fn, args);
    this.registry.addCallable(enqueueCall, fn);
    Object.defineProperty(instance, methodName, { value: enqueueCall, writable: true, configurable: true });
  }
}
