import { type WorkflowInfo } from '../../../shared/contract';

/** The id of a child workflow's node drawn inside its parent's subworkflow node `at`. */
export const innerId = (at: string, nodeId: string): string => `${at}/${nodeId}`;

/**
 * The workflow with the child workflows of the subworkflow nodes in `expanded` drawn inline: the
 * child's nodes under ids `<node>/<child node>`, its edges between them, and an edge from the
 * subworkflow node to the child's entry. Collapsed (the default), a subworkflow is one node. A
 * child that is not loaded, or the workflow itself (recursion), stays collapsed.
 */
export function expandSubworkflows(workflow: WorkflowInfo, children: ReadonlyMap<string, WorkflowInfo>, expanded: ReadonlySet<string>): WorkflowInfo {
  if (expanded.size === 0) return workflow;
  const nodes = [...workflow.nodes];
  const edges = [...workflow.edges];
  for (const n of workflow.nodes) {
    const child = n.kind === 'subworkflow' && n.workflowId && n.workflowId !== workflow.workflowId ? children.get(n.workflowId) : undefined;
    if (!child || !expanded.has(n.id)) continue;
    for (const c of child.nodes) nodes.push({ ...c, id: innerId(n.id, c.id), description: c.description ?? `${child.workflowId}: ${c.id}` });
    for (const e of child.edges) edges.push({ from: innerId(n.id, e.from), to: innerId(n.id, e.to), label: e.label });
    edges.push({ from: n.id, to: innerId(n.id, child.entryNode), label: 'starts' });
  }
  return { ...workflow, nodes, edges };
}
