import type { EntityManager } from 'typeorm';
import type { DelayOptions } from '../decorators/delayable.decorator.js';
import type { DelayableNode } from './graph/delayable-node.js';
import type { Job } from './job.js';

/** Options of one delayed call. */
export interface DelayCallOptions extends DelayOptions {
  /** Enqueue in this transaction: a rollback leaves no job. */
  manager?: EntityManager;
  /**
   * Milliseconds to wait for room when the job's channel is full (its `maxPending`), looking again
   * as jobs start; then QueueFullError. Default 0: throw at once.
   */
  waitIfFull?: number;
}

/** The keys of `T` whose values are methods. */
export type MethodKeys<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];

/** The parameters of method `K` of `T`. */
export type MethodParameters<T, K extends keyof T> = T[K] extends (...args: infer A) => unknown ? A : never;

/** Method `M` with its parameters, returning `R` instead. */
type Returning<M, R> = M extends (...args: infer A) => unknown ? (...args: A) => R : never;

/*
 * `Delayed` and `Prepared` map every key of `T`, not only its methods' (a property that is not a method
 * is `never`), through `Returning`, which distributes over the method's type: TypeScript reads both
 * through the class when `T` is the polymorphic `this`, so that `jobs.withDelay(this).send(…)`
 * type-checks in the class itself, arguments included. A mapped type over the methods' keys alone
 * does not resolve there, and a conditional on `T[K]` written inline leaves the arguments unchecked.
 */

/** `target` seen through `withDelay()`: every method keeps its parameters and resolves to the stored `Job`. */
export type Delayed<T> = { [K in keyof T]: Returning<T[K], Promise<Job>> };

/** `target` seen through `delayable()`: every method keeps its parameters and returns a graph node. */
export type Prepared<T> = { [K in keyof T]: Returning<T[K], DelayableNode> };
