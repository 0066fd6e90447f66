import { Scope } from '@nestjs/common';
import type { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { DELAYABLE_METADATA } from '../queue-job.constants.js';
import { unreachableJobFunction } from '../queue-job.messages.js';

/**
 * Refuses at startup the `@Delayable()` methods that the runner could not call on one known instance:
 * those of request-scoped providers (themselves, or through a dependency), of transient providers and
 * of controllers. Without this, their calls would reach no interceptor and fail only when made.
 */
export function refuseUnreachableJobFunctions(discovery: DiscoveryService, scanner: MetadataScanner, reflector: Reflector): void {
  for (const wrapper of discovery.getProviders()) {
    const reason = scopeProblem(wrapper);
    if (reason) refuseDelayableMethods(wrapper, reason, scanner, reflector);
  }
  for (const wrapper of discovery.getControllers()) {
    refuseDelayableMethods(wrapper, `${wrapper.name} is a controller, whose methods answer requests`, scanner, reflector);
  }
}

function scopeProblem(wrapper: InstanceWrapper): string | undefined {
  if (wrapper.isFactory || wrapper.isNotMetatype) return undefined;
  if (wrapper.isTransient) return `${wrapper.name} is a transient provider: each consumer gets its own instance, so a job would not know which one to run on`;
  if (wrapper.isDependencyTreeStatic()) return undefined;
  if (wrapper.scope === Scope.REQUEST) return `${wrapper.name} is request-scoped: it has no instance outside a request`;
  const dependencies = [...(wrapper.getCtorMetadata() ?? []), ...(wrapper.getPropertiesMetadata() ?? []).map((property) => property.wrapper)];
  const scoped = dependencies.find((dependency) => dependency && !dependency.isDependencyTreeStatic());
  return `${wrapper.name} is request-scoped through its dependency ${String(scoped?.name ?? 'on a request-scoped provider')}: it has no instance outside a request`;
}

function refuseDelayableMethods(wrapper: InstanceWrapper, reason: string, scanner: MetadataScanner, reflector: Reflector): void {
  const prototype = typeof wrapper.metatype === 'function' ? (wrapper.metatype.prototype as object | undefined) : undefined;
  if (!prototype) return;
  for (const methodName of scanner.getAllMethodNames(prototype)) {
    const method = (prototype as Record<string, unknown>)[methodName];
    if (typeof method === 'function' && reflector.get(DELAYABLE_METADATA, method)) {
      throw new Error(unreachableJobFunction(`${wrapper.name}.${methodName}`, reason));
    }
  }
}
