import { type WorkflowInfo } from '../../../shared/contract';
import { edgeKey, type Traversal } from './graph-state';

/**
 * Nodes that write no ledger record of their own (plain steps and the start node) are invisible
 * in the ledger: a run going effect A → step X → effect B shows as A → B. This fills them in:
 * every transition the declared graph does not have is explained by the shortest declared path
 * through such nodes, whose nodes count as visited and whose edges as taken. Transitions it
 * cannot explain stay as they are (drawn dashed: the workflow changed, or a fork).
 */
export function fillSilentNodes(workflow: WorkflowInfo, t: Traversal, current: string | null): Traversal {
  const kinds = new Map(workflow.nodes.map((n) => [n.id, n.kind]));
  const silent = (id: string) => kinds.get(id) === 'step' || kinds.get(id) === 'start';
  const next = new Map<string, string[]>();
  const declared = new Set<string>();
  for (const e of workflow.edges) {
    next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    declared.add(edgeKey(e.from, e.to));
  }
  const visits = new Map(t.visits);
  const edges = new Map<string, number>();
  const add = (path: string[], times: number) => {
    for (let i = 0; i + 1 < path.length; i++) {
      const k = edgeKey(path[i]!, path[i + 1]!);
      edges.set(k, (edges.get(k) ?? 0) + times);
      if (i > 0) visits.set(path[i]!, (visits.get(path[i]!) ?? 0) + times);
    }
  };
  for (const [k, times] of t.edges) {
    const [from, to] = k.split('\u2192') as [string, string];
    const path = declared.has(k) ? null : silentPath(from, to, next, silent, 3);
    if (path) add(path, times);
    else edges.set(k, (edges.get(k) ?? 0) + times);
  }
  // Before the first record: from the entry node through silent nodes (setup steps).
  if (t.firstNode && t.firstNode !== workflow.entryNode && silent(workflow.entryNode)) {
    const path = silentPath(workflow.entryNode, t.firstNode, next, silent, 2);
    if (path) {
      visits.set(workflow.entryNode, (visits.get(workflow.entryNode) ?? 0) + 1);
      add(path, 1);
    }
  }
  // After the last record: the run may stand on a silent node (paused at a plain step).
  if (t.lastNode && current && current !== t.lastNode && silent(current)) {
    const path = silentPath(t.lastNode, current, next, silent, 2);
    if (path) add(path, 1);
  }
  return { ...t, visits, edges };
}

/** Shortest declared path from → to (BFS, 8 hops at most) whose inner nodes are all silent. */
function silentPath(from: string, to: string, next: ReadonlyMap<string, string[]>, silent: (id: string) => boolean, minLength: number): string[] | null {
  const prev = new Map<string, string | null>([[from, null]]);
  let frontier = [from];
  for (let depth = 0; depth < 8 && frontier.length > 0; depth++) {
    const nextFrontier: string[] = [];
    for (const node of frontier) {
      for (const n of next.get(node) ?? []) {
        if (n === to) {
          const path = [to];
          for (let at: string | null = node; at !== null; at = prev.get(at) ?? null) path.unshift(at);
          if (path.length >= minLength) return path;
          continue;
        }
        if (prev.has(n) || !silent(n)) continue;
        prev.set(n, node);
        nextFrontier.push(n);
      }
    }
    frontier = nextFrontier;
  }
  return null;
}
