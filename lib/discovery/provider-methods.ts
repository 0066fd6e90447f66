import type { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';

/** A method of a singleton provider instance, as the explorers walk them. */
export interface ProviderMethod {
  wrapper: InstanceWrapper;
  instance: object;
  methodName: string;
  /** The method as declared on the prototype (where decorators put their metadata). */
  method: (...args: unknown[]) => unknown;
}

/**
 * Every method of every singleton provider of the app (request-scoped providers have no instance to
 * patch or call, so they cannot hold job functions, related actions, crons or failure handlers).
 */
export function* providerMethods(discovery: DiscoveryService, scanner: MetadataScanner): Generator<ProviderMethod> {
  for (const wrapper of discovery.getProviders()) {
    const instance: unknown = wrapper.instance;
    if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
    const prototype = Object.getPrototypeOf(instance) as object;
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const method = (prototype as Record<string, unknown>)[methodName];
      if (typeof method === 'function') yield { wrapper, instance, methodName, method: method as ProviderMethod['method'] };
    }
  }
}
