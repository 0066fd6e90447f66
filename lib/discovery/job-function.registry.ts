import { Injectable } from '@nestjs/common';
import { duplicateJobFunction } from '../queue-job.messages.js';
import type { JobFunction } from './job-function.js';

/** The job functions of this app, by name and by (instance, method). One per app: never global. */
@Injectable()
export class JobFunctionRegistry {
  private readonly byName = new Map<string, JobFunction>();
  private readonly byInstance = new WeakMap<object, Map<string, JobFunction>>();
  private readonly byCallable = new WeakMap<Function, JobFunction>();
  private discovered = false;

  /** Whether the app's job functions were found, i.e. QueueJobModule initialised and calls are intercepted. */
  get isDiscovered(): boolean {
    return this.discovered;
  }

  markDiscovered(): void {
    this.discovered = true;
  }

  add(fn: JobFunction): void {
    const existing = this.byName.get(fn.name);
    if (existing && existing.instance !== fn.instance) {
      throw new Error(duplicateJobFunction(fn.name, existing.serviceName, fn.serviceName));
    }
    this.byName.set(fn.name, fn);
    const methods = this.byInstance.get(fn.instance) ?? new Map<string, JobFunction>();
    methods.set(fn.methodName, fn);
    this.byInstance.set(fn.instance, methods);
    this.byCallable.set(fn.method, fn);
  }

  /** Records the interceptor that stands for the method on its prototype, so `shop.confirm` finds its job function. */
  addCallable(callable: Function, fn: JobFunction): void {
    this.byCallable.set(callable, fn);
  }

  /** The job function of `shop.confirm` (the instance's method), of `ShopService.prototype.confirm`, or of a name. */
  resolve(method: Function | string): JobFunction | undefined {
    return typeof method === 'string' ? this.byName.get(method) : this.byCallable.get(method);
  }

  get(name: string): JobFunction | undefined {
    return this.byName.get(name);
  }

  forMethod(instance: object, methodName: string): JobFunction | undefined {
    return this.byInstance.get(instance)?.get(methodName);
  }

  all(): JobFunction[] {
    return [...this.byName.values()];
  }
}
