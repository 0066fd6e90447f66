import type { DelayableNode } from './delayable-node.js';

/** Every node connected to `start`, in creation order. */
export function collectGraph(start: DelayableNode): DelayableNode[] {
  const seen = new Set<DelayableNode>([start]);
  const todo = [start];
  while (todo.length > 0) {
    const node = todo.pop()!;
    for (const next of [...node.parents, ...node.children]) {
      if (!seen.has(next)) {
        seen.add(next);
        todo.push(next);
      }
    }
  }
  return [...seen].sort((a, b) => a.seq - b.seq);
}

/** The nodes in an order where parents come before children (Kahn); throws on a cycle. */
export function dependencyOrder(nodes: readonly DelayableNode[]): DelayableNode[] {
  const waiting = new Map(nodes.map((n) => [n, n.parents.size]));
  const ready = nodes.filter((n) => n.parents.size === 0);
  const order: DelayableNode[] = [];
  while (ready.length > 0) {
    const node = ready.shift()!;
    order.push(node);
    for (const child of node.children) {
      const left = waiting.get(child)! - 1;
      waiting.set(child, left);
      if (left === 0) ready.push(child);
    }
  }
  if (order.length !== nodes.length) {
    throw new Error('This job graph has a cycle (a job waits, directly or not, for itself): check its chain/group/onDone calls.');
  }
  return order;
}
