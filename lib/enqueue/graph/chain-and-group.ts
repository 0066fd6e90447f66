import type { Job } from '../job.js';
import type { DelayableNode } from './delayable-node.js';
import { link, type GraphElement } from './graph-element.js';

abstract class CompositeElement implements GraphElement {
  protected constructor(protected readonly elements: readonly GraphElement[], kind: string) {
    if (elements.length === 0) throw new Error(`${kind}() needs at least one job: pass nodes made with jobService.delayable(...).`);
  }

  abstract readonly heads: readonly DelayableNode[];
  abstract readonly tails: readonly DelayableNode[];

  onDone(...next: GraphElement[]): this {
    for (const element of next) link(this, element);
    return this;
  }

  delay(): Promise<Job[]> {
    const node = this.heads[0];
    return node.submit(node);
  }
}

/** Elements that run one after the other. */
export class DelayableChain extends CompositeElement {
  constructor(elements: readonly GraphElement[]) {
    super(elements, 'chain');
    for (let i = 0; i + 1 < elements.length; i++) link(elements[i], elements[i + 1]);
  }

  get heads() {
    return this.elements[0].heads;
  }

  get tails() {
    return this.elements[this.elements.length - 1].tails;
  }
}

/** Elements that run in parallel. */
export class DelayableGroup extends CompositeElement {
  constructor(elements: readonly GraphElement[]) {
    super(elements, 'group');
  }

  get heads() {
    return this.elements.flatMap((e) => e.heads);
  }

  get tails() {
    return this.elements.flatMap((e) => e.tails);
  }
}

/** `chain(a, b, c)`: b starts when a is done, c when b is done; chains and groups nest. */
export const chain = (...elements: GraphElement[]): DelayableChain => new DelayableChain(elements);

/** `group(a, b)`: a and b run in parallel; what follows the group waits for both. */
export const group = (...elements: GraphElement[]): DelayableGroup => new DelayableGroup(elements);
