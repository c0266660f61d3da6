import { EffectType, recordKind, type StepRecord } from '../../runtime/index';
import { type InferredGraph, type NodeKind } from '../../shared/contract/domain';
import { type ReadSession } from './sessions/session';

/** The newest runs read: enough to see every branch a workflow usually takes, bounded in cost. */
export const INFERENCE_RUNS = 50;
/** Records read per run: a node's first record says its kind; long loops repeat themselves. */
export const INFERENCE_RECORDS_PER_RUN = 2000;

interface NodeFacts {
  kind: NodeKind;
  effectType: string | null;
  workflowId: string | null;
}

/**
 * The graph a workflow's runs drew, for modules that declare none: a node's kind is what the first
 * record it wrote says (its effect's type, a child workflow for start_subworkflow, a terminal for
 * a completion); a node that wrote nothing is a plain step. Edges are the transitions runs took,
 * from their saved states where the source keeps them (they name the silent nodes too), else
 * from consecutive ledger records.
 */
export async function inferWorkflowGraph(s: ReadSession, workflowId: string): Promise<InferredGraph> {
  const { items, total } = await s.queryRuns({ workflowId, limit: INFERENCE_RUNS, sort: 'updated_desc' });
  const nodes = new Map<string, NodeFacts>();
  const edges = new Map<string, { from: string; to: string; runs: number }>();
  for (const row of items) {
    const page = await s.ledgerPage(row.runId, 0, INFERENCE_RECORDS_PER_RUN);
    const records = page.map((p) => p.record);
    for (const r of records) noteRecord(nodes, r);
    const visits = await s.visitsOf(row.runId);
    const taken = visits ? visits.transitions : transitionsOf(records);
    for (const id of visits ? visits.visits.map((v) => v.nodeId) : records.map((r) => r.nodeId)) {
      if (!nodes.has(id)) nodes.set(id, { kind: 'step', effectType: null, workflowId: null });
    }
    for (const t of new Map(taken.map((t) => [`${t.from}\u0000${t.to}`, t])).values()) {
      const key = `${t.from}\u0000${t.to}`;
      const e = edges.get(key) ?? { from: t.from, to: t.to, runs: 0 };
      e.runs++;
      edges.set(key, e);
    }
  }
  return {
    workflowId,
    nodes: [...nodes].map(([id, f]) => ({ id, ...f })),
    edges: [...edges.values()],
    runsScanned: items.length,
    runsTotal: total,
  };
}

/** The first record that says something about a node decides its kind; later ones add nothing. */
function noteRecord(nodes: Map<string, NodeFacts>, r: StepRecord): void {
  const known = nodes.get(r.nodeId);
  if (known && known.kind !== 'step') return;
  const kind = recordKind(r);
  if (kind === 'effect' && r.effect) {
    const type = String(r.effect.type);
    const child = type === EffectType.START_SUBWORKFLOW ? r.effect.payload['workflow_id'] : null;
    nodes.set(r.nodeId, { kind: type === EffectType.START_SUBWORKFLOW ? 'subworkflow' : 'effect', effectType: type, workflowId: typeof child === 'string' ? child : null });
  } else if (kind === 'completion') {
    nodes.set(r.nodeId, { kind: 'terminal', effectType: null, workflowId: null });
  }
}

/** Changes of node between consecutive records; a restore or fork jumps, it is no transition. */
function transitionsOf(records: readonly StepRecord[]): Array<{ from: string; to: string }> {
  const out: Array<{ from: string; to: string }> = [];
  let prev: string | null = null;
  for (const r of records) {
    const kind = recordKind(r);
    if (kind === 'restore' || kind === 'fork') {
      prev = null;
      continue;
    }
    if (prev !== null && prev !== r.nodeId) out.push({ from: prev, to: r.nodeId });
    prev = r.nodeId;
  }
  return out;
}
