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
 * Every method of every singleton provider instance of the app, once each: an alias
 * (`useExisting`) lists an instance again, and its handlers must not be registered twice.
 * Request-scoped providers have no instance to patch or call, so they cannot hold job functions,
 * related actions, crons or failure handlers.
 */
export function* providerMethods(discovery: DiscoveryService, scanner: MetadataScanner): Generator<ProviderMethod> {
  const seen = new Set<object>();
  for (const wrapper of discovery.getProviders()) {
    const instance: unknown = wrapper.instance;
    if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic() || seen.has(instance)) continue;
    seen.add(instance);
    const prototype = Object.getPrototypeOf(instance) as object;
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const method = (prototype as Record<string, unknown>)[methodName];
      if (typeof method === 'function') yield { wrapper, instance, methodName, method: method as ProviderMethod['method'] };
    }
  }
}
