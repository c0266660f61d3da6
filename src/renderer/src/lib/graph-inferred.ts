import { type InferredGraph, type WorkflowInfo } from '../../../shared/contract';
import { edgeKey } from './graph-state';

/** A workflow's graph with what its runs showed merged in. */
export interface MergedGraph {
  workflow: WorkflowInfo;
  /** Edges only runs showed (no `graph:` declares them), by `edgeKey`: drawn apart from declared ones. */
  inferredEdges: ReadonlySet<string>;
}

/**
 * A node's kind as declared when the module declares one; a node left to the default (a plain
 * step, or the entry's "start") takes the kind its runs showed: the effect it issued, a child
 * workflow, a terminal. Only nodes the spec defines are drawn: a node an older version had stays
 * out of the graph until a run shows it.
 */
function mergedNodes(workflow: WorkflowInfo, inferred: InferredGraph): WorkflowInfo['nodes'] {
  const seen = new Map(inferred.nodes.map((n) => [n.id, n]));
  return workflow.nodes.map((n) => {
    const s = seen.get(n.id);
    const defaulted = (n.kind === 'step' || n.kind === 'start') && n.effectType === null;
    if (!s || s.kind === 'step' || !defaulted) return n;
    return { ...n, kind: s.kind, effectType: s.effectType, workflowId: s.workflowId };
  });
}

/**
 * Declared edges stay as declared (never drawn taken unless the open run took them); transitions
 * runs took that no declaration has are added, marked inferred.
 */
export function mergeInferred(workflow: WorkflowInfo, inferred: InferredGraph | null): MergedGraph {
  if (!inferred || inferred.workflowId !== workflow.workflowId) return { workflow, inferredEdges: new Set() };
  const ids = new Set(workflow.nodes.map((n) => n.id));
  const declared = new Set(workflow.edges.map((e) => edgeKey(e.from, e.to)));
  const inferredEdges = new Set<string>();
  const edges = [...workflow.edges];
  for (const e of inferred.edges) {
    const k = edgeKey(e.from, e.to);
    if (declared.has(k) || inferredEdges.has(k) || !ids.has(e.from) || !ids.has(e.to)) continue;
    inferredEdges.add(k);
    edges.push({ from: e.from, to: e.to, label: null });
  }
  return { workflow: { ...workflow, nodes: mergedNodes(workflow, inferred), edges }, inferredEdges };
}
