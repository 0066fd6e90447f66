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

export type MethodKeys<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];

/** `target` seen through `withDelay()`: every method keeps its parameters and resolves to the stored `Job`. */
export type Delayed<T> = {
  [K in MethodKeys<T>]: T[K] extends (...args: infer A) => unknown ? (...args: A) => Promise<Job> : never;
};

/** The parameters of method `K` of `T`. */
export type MethodParameters<T, K extends keyof T> = T[K] extends (...args: infer A) => unknown ? A : never;

/** `target` seen through `delayable()`: every method keeps its parameters and returns a graph node. */
export type Prepared<T> = {
  [K in MethodKeys<T>]: T[K] extends (...args: infer A) => unknown ? (...args: A) => DelayableNode : never;
};
