import { MarkerType, Position, type NodeHandle } from '@xyflow/react';
import { useDeferredValue, useMemo } from 'react';
import { type RunDetail, type RunVisits, type WorkflowInfo } from '../../../../shared/contract';
import { NODE_HEIGHT, NODE_WIDTH, layoutForPane, routeKey } from '../../lib/graph-layout';
import { fillSilentNodes } from '../../lib/graph-paths';
import { graphModel, nodeState, traverseLedger, withStateVisits, type Traversal } from '../../lib/graph-state';
import { loadedCount, loadedEntries, type LedgerCache } from '../../lib/ledger-cache';
import { useSpacedValue } from '../../lib/use-spaced-value';
import { type RoutedEdge } from './graph-edge';
import { type StepNode } from './graph-node';

const HORIZONTAL_HANDLES: NodeHandle[] = [
  { type: 'target', position: Position.Left, x: 0, y: NODE_HEIGHT / 2, width: 1, height: 1 },
  { type: 'source', position: Position.Right, x: NODE_WIDTH - 1, y: NODE_HEIGHT / 2, width: 1, height: 1 },
];
const VERTICAL_HANDLES: NodeHandle[] = [
  { type: 'target', position: Position.Top, x: NODE_WIDTH / 2, y: 0, width: 1, height: 1 },
  { type: 'source', position: Position.Bottom, x: NODE_WIDTH / 2, y: NODE_HEIGHT - 1, width: 1, height: 1 },
];

export interface GraphElements {
  nodes: StepNode[];
  edges: RoutedEdge[];
  traversal: Traversal;
  vertical: boolean;
  /** Records the visit counts are based on (all of them, or the newest loaded). */
  basis: { loaded: number; total: number };
}

interface Inputs {
  workflow: WorkflowInfo;
  /** Edges of `workflow` that only earlier runs showed (no declaration): drawn as not declared. */
  inferredEdges: ReadonlySet<string>;
  detail: RunDetail | null;
  ledger: LedgerCache;
  /** The run's path from its saved states, when the source keeps them: it counts what the ledger cannot. */
  visits: RunVisits | null;
  nodeFilter: string | null;
  canBreak: boolean;
  onToggleBreakpoint(nodeId: string): void;
  onOpenRun(runId: string): void;
  /** Subworkflow nodes whose child is loaded (they can be expanded), those expanded, and the child nodes drawn inside them. */
  expansion: { expandable: ReadonlySet<string>; expanded: ReadonlySet<string>; inner: ReadonlySet<string>; onToggle(nodeId: string): void };
  /** The pane's size when the workflow was opened (chooses the layout direction). */
  pane: { width: number; height: number };
}

/** How often at most a moving run's graph takes its newer records. */
const GRAPH_LEDGER_SPACING_MS = 250;

/**
 * Turns a workflow and a run into React Flow elements. The layout depends only on the graph's
 * shape (cached); the run's state only restyles nodes, so stepping never re-lays out. The ledger
 * is deferred so a burst of appended records cannot block input.
 */
export function useGraphElements({ workflow, inferredEdges, detail, ledger, visits, nodeFilter, canBreak, onToggleBreakpoint, onOpenRun, expansion, pane }: Inputs): GraphElements {
  // While the run moves, the walk over its loaded records runs a few times a second, not on every frame of records.
  const deferredLedger = useDeferredValue(useSpacedValue(ledger, GRAPH_LEDGER_SPACING_MS, detail?.status === 'running'));
  const current = detail?.currentNode ?? null;
  const ofRun = visits && detail && visits.runId === detail.runId ? visits : null;
  // The current node counts only for the guess (no saved states): with them, a step that moves it walks nothing again.
  const guessFrom = ofRun ? null : current;
  const traversal = useMemo(() => {
    const fromLedger = traverseLedger(loadedEntries(deferredLedger));
    // The saved states say what ran; without them, the shortest declared path is a guess.
    return ofRun ? withStateVisits(fromLedger, ofRun) : fillSilentNodes(workflow, fromLedger, guessFrom);
  }, [workflow, deferredLedger, guessFrom, ofRun]);
  const model = useMemo(() => graphModel(workflow, traversal, inferredEdges), [workflow, traversal, inferredEdges]);
  const layout = useMemo(() => layoutForPane({ nodeIds: model.nodeIds, edges: model.edges }, pane.width, pane.height), [model, pane]);
  const byId = useMemo(() => new Map(workflow.nodes.map((n) => [n.id, n])), [workflow]);

  const nodes = useMemo<StepNode[]>(() => {
    const run = detail ? { currentNode: detail.currentNode, status: detail.status, breakpoints: detail.breakpoints } : null;
    // Children are listed oldest first: the last one of a workflow is the newest.
    const childOf = new Map((detail?.children ?? []).map((c) => [c.workflowId, c.runId]));
    return model.nodeIds.map((id) => ({
      id,
      type: 'step',
      position: layout.positions.get(id) ?? { x: 0, y: 0 },
      // Fixed sizes: React Flow shows a node at once instead of hiding it until it is measured,
      // which a controlled graph whose node objects change on every step would do again and again.
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      // Handle positions given, not measured: React Flow drops measured ones whenever a node
      // object changes, which would make every edge vanish after a step.
      handles: layout.rankdir === 'TB' ? VERTICAL_HANDLES : HORIZONTAL_HANDLES,
      draggable: false,
      connectable: false,
      data: {
        node: byId.get(id) ?? null,
        nodeId: id,
        state: nodeState(id, traversal, run),
        visits: traversal.visits.get(id) ?? 0,
        failed: traversal.failed.has(id),
        breakpoint: detail?.breakpoints.includes(id) ?? false,
        filtered: nodeFilter === id,
        // A child's node drawn inline is not this run's: no breakpoint there.
        canBreak: canBreak && !expansion.inner.has(id),
        onToggleBreakpoint,
        expandable: expansion.expandable.has(id),
        expanded: expansion.expanded.has(id),
        onToggleExpand: expansion.onToggle,
        vertical: layout.rankdir === 'TB',
        childRunId: byId.get(id)?.kind === 'subworkflow' ? (childOf.get(byId.get(id)?.workflowId ?? '') ?? null) : null,
        onOpenRun,
      },
    }));
  }, [model, layout, byId, traversal, detail, nodeFilter, canBreak, onToggleBreakpoint, onOpenRun, expansion]);

  const edges = useMemo<RoutedEdge[]>(
    () =>
      model.edges.map((e) => ({
        id: e.id,
        type: 'routed',
        source: e.from,
        target: e.to,
        // Drawn along dagre's route, the label in the room dagre kept for it (graph-layout.ts).
        data: { route: layout.routes.get(routeKey(e.from, e.to)) ?? null, text: e.taken > 1 ? `${e.label ? `${e.label} ` : ''}×${e.taken}` : e.label },
        className: `gedge${e.taken > 0 ? ' taken' : ''}${e.declared ? '' : ' undeclared'}`,
        animated: false,
        markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14 },
        focusable: false,
      })),
    [model, layout],
  );

  return { nodes, edges, traversal, vertical: layout.rankdir === 'TB', basis: { loaded: loadedCount(deferredLedger), total: deferredLedger.total } };
}
