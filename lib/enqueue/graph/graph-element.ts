import type { Job } from '../job.js';
import type { DelayableNode } from './delayable-node.js';

/** A node, a chain or a group: something jobs can be linked to and delayed from. */
export interface GraphElement {
  /** Nodes that start the element: they receive the edges coming in. */
  readonly heads: readonly DelayableNode[];
  /** Nodes that end it: edges going out leave from them. */
  readonly tails: readonly DelayableNode[];
  /** Runs `next` once this element is done (each of its tails → each head of `next`). */
  onDone(...next: GraphElement[]): this;
  /** Stores the whole graph this element belongs to, with one `graph_uuid`. */
  delay(): Promise<Job[]>;
}

/** Adds an edge from every tail of `from` to every head of `to`. */
export function link(from: GraphElement, to: GraphElement): void {
  for (const tail of from.tails) {
    for (const head of to.heads) {
      if (tail === head) throw new Error('A job cannot depend on itself: check the chain/group/onDone calls of this graph.');
      tail.children.add(head);
      head.parents.add(tail);
    }
  }
}
