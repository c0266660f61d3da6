import { type LedgerEntry, type RunDetail, type WorkflowInfo } from '../../../shared/contract';

/**
 * A graph for a run whose workflow is not loaded (a Python data folder, a removed module): the
 * nodes its ledger mentions, in order of first appearance, with the effect type seen there. The
 * transitions come from the ledger like for any run, so the path is still drawn.
 */
export function ledgerWorkflow(detail: Pick<RunDetail, 'workflowId' | 'currentNode' | 'status'>, entries: readonly LedgerEntry[]): WorkflowInfo {
  const order: string[] = [];
  const effect = new Map<string, string | null>();
  for (const e of entries) {
    if (!effect.has(e.nodeId)) {
      order.push(e.nodeId);
      effect.set(e.nodeId, null);
    }
    if (e.effectType && !effect.get(e.nodeId)) effect.set(e.nodeId, e.effectType);
  }
  if (!effect.has(detail.currentNode)) {
    order.push(detail.currentNode);
    effect.set(detail.currentNode, null);
  }
  const finished = detail.status === 'completed';
  return {
    workflowId: detail.workflowId,
    description: 'Drawn from the ledger: this workflow is not loaded here.',
    entryNode: order[0] ?? detail.currentNode,
    source: null,
    edges: [],
    nodes: order.map((id) => {
      const effectType = effect.get(id) ?? null;
      const kind = finished && id === detail.currentNode ? 'terminal' : effectType ? 'effect' : 'step';
      return { id, label: id, kind, effectType, description: null, workflowId: null };
    }),
  };
}
