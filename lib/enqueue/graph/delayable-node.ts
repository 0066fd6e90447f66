import type { JobFunction } from '../../discovery/job-function.js';
import type { Job } from '../job.js';
import type { DelayCallOptions } from '../with-delay.js';
import { link, type GraphElement } from './graph-element.js';

/** Stores (or traps, or runs) the graph that contains `node`. */
export type GraphSubmitter = (node: DelayableNode) => Promise<Job[]>;

let sequence = 0;

/** One prepared call, not stored yet: `jobService.delayable(target, options).method(...args)`. */
export class DelayableNode implements GraphElement {
  readonly parents = new Set<DelayableNode>();
  readonly children = new Set<DelayableNode>();
  /** Creation order: the order of jobs in the stored graph. */
  readonly seq = ++sequence;
  delayed = false;

  constructor(
    readonly fn: JobFunction,
    readonly args: unknown[],
    readonly options: DelayCallOptions,
    readonly submit: GraphSubmitter,
  ) {}

  get heads(): readonly DelayableNode[] {
    return [this];
  }

  get tails(): readonly DelayableNode[] {
    return [this];
  }

  onDone(...next: GraphElement[]): this {
    for (const element of next) link(this, element);
    return this;
  }

  delay(): Promise<Job[]> {
    return this.submit(this);
  }
}
