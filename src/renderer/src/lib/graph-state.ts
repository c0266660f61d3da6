import { type LedgerEntry, type RunStatus, type RunVisits, type WorkflowInfo } from '../../../shared/contract';

export type GraphNodeState = 'current' | 'visited' | 'idle' | 'breakpoint';

/** What the ledger says about a run's path through its graph. */
export interface Traversal {
  visits: ReadonlyMap<string, number>;
  /** Transitions taken, keyed by `edgeKey(from, to)`, with how often. */
  edges: ReadonlyMap<string, number>;
  failed: ReadonlySet<string>;
  /** The seq of the last record seen per node (clicking a node jumps near it). */
  lastSeq: ReadonlyMap<string, number>;
  /** Node of record 0 when it is loaded (the path from the entry node starts there). */
  firstNode: string | null;
  /** Node of the newest loaded record. */
  lastNode: string | null;
}

export const edgeKey = (from: string, to: string): string => `${from}\u2192${to}`;

/**
 * Does this record begin a new visit of its node? A different node always does. The same node
 * again does only when a fresh first attempt starts after the previous one finished (a loop back
 * to itself); retries (attempt > 1), the finishing record and resume/cancel records belong to the
 * visit in progress.
 */
function startsVisit(prev: LedgerEntry | undefined, e: LedgerEntry): boolean {
  if (!prev || prev.seq !== e.seq - 1) return true;
  if (prev.nodeId !== e.nodeId) return true;
  if (e.kind === 'resume' || e.kind === 'cancel') return false;
  return e.status === 'started' && e.attempt === 1 && prev.status !== 'started';
}

/** Walks records in seq order (gaps allowed: no transition is inferred across a gap). */
export function traverseLedger(entries: readonly LedgerEntry[]): Traversal {
  const visits = new Map<string, number>();
  const edges = new Map<string, number>();
  const failed = new Set<string>();
  const lastSeq = new Map<string, number>();
  let prev: LedgerEntry | undefined;
  for (const e of entries) {
    // A restore or fork record jumps the run to another state: it is not a step along an edge.
    if (e.kind === 'restore' || e.kind === 'fork') {
      lastSeq.set(e.nodeId, e.seq);
      prev = undefined;
      continue;
    }
    if (startsVisit(prev, e)) {
      visits.set(e.nodeId, (visits.get(e.nodeId) ?? 0) + 1);
      if (prev && prev.seq === e.seq - 1) {
        const k = edgeKey(prev.nodeId, e.nodeId);
        edges.set(k, (edges.get(k) ?? 0) + 1);
      }
    }
    if (e.status === 'failed' || e.failure) failed.add(e.nodeId);
    else if (e.status === 'completed') failed.delete(e.nodeId);
    lastSeq.set(e.nodeId, e.seq);
    prev = e;
  }
  const first = entries[0];
  return { visits, edges, failed, lastSeq, firstNode: first && first.seq === 0 ? first.nodeId : null, lastNode: entries.at(-1)?.nodeId ?? null };
}

/**
 * The ledger's traversal with the visit counts and transitions taken from the run's saved states,
 * which count the nodes that ran without writing a record. Failures and record positions still
 * come from the ledger.
 */
export function withStateVisits(t: Traversal, v: RunVisits): Traversal {
  return {
    ...t,
    visits: new Map(v.visits.map((x) => [x.nodeId, x.count])),
    edges: new Map(v.transitions.map((x) => [edgeKey(x.from, x.to), x.count])),
  };
}

export interface RunPosition {
  currentNode: string;
  status: RunStatus;
  breakpoints: readonly string[];
}

/** The state a node is drawn in; the current node wins over a breakpoint, which wins over visited. */
export function nodeState(nodeId: string, traversal: Traversal, run: RunPosition | null): GraphNodeState {
  if (!run) return 'idle';
  if (run.currentNode === nodeId) return 'current';
  if (run.breakpoints.includes(nodeId)) return 'breakpoint';
  if ((traversal.visits.get(nodeId) ?? 0) > 0) return 'visited';
  return 'idle';
}

export interface GraphEdgeModel {
  id: string;
  from: string;
  to: string;
  label: string | null;
  declared: boolean;
  taken: number;
}

export interface GraphModel {
  nodeIds: string[];
  /** Nodes the ledger mentions that the declared graph lacks (a changed workflow, a fork). */
  undeclared: string[];
  edges: GraphEdgeModel[];
}

/**
 * The declared graph plus whatever the ledger shows was actually taken. `inferred`: edges of the
 * workflow that only earlier runs showed (graph-inferred.ts), drawn as not declared.
 */
export function graphModel(workflow: WorkflowInfo, traversal: Traversal, inferred: ReadonlySet<string> = new Set()): GraphModel {
  const declared = new Set(workflow.nodes.map((n) => n.id));
  const undeclared = [...traversal.visits.keys()].filter((id) => !declared.has(id)).sort();
  const edges: GraphEdgeModel[] = [];
  const seen = new Set<string>();
  for (const e of workflow.edges) {
    const id = edgeKey(e.from, e.to);
    if (seen.has(id)) continue;
    seen.add(id);
    edges.push({ id, from: e.from, to: e.to, label: e.label, declared: !inferred.has(id), taken: traversal.edges.get(id) ?? 0 });
  }
  for (const [id, taken] of traversal.edges) {
    if (seen.has(id)) continue;
    const [from, to] = id.split('\u2192') as [string, string];
    edges.push({ id, from, to, label: null, declared: false, taken });
  }
  return { nodeIds: [...workflow.nodes.map((n) => n.id), ...undeclared], undeclared, edges };
}
