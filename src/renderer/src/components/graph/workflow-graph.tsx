import { Background, ControlButton, Controls, MiniMap, ReactFlow, ReactFlowProvider, type NodeMouseHandler } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type WorkflowInfo } from '../../../../shared/contract';
import { formatCount } from '../../lib/format';
import { expandSubworkflows } from '../../lib/graph-expand';
import { mergeInferred } from '../../lib/graph-inferred';
import { selectDetail, selectLedger, selectLedgerFilter, selectVisits } from '../../stores/run-view-store';
import { selectInferred, selectReadOnly, selectWorkflowsById } from '../../stores/workspace-store';
import { useRunView, useStores, useWorkspace } from '../../stores/stores-context';
import { Icon } from '../common/icon';
import { GraphEdge } from './graph-edge';
import { GraphNode, type StepNode } from './graph-node';
import { applyZoom, useAutoFit } from './use-auto-fit';
import { useGraphElements } from './use-graph-elements';

const nodeTypes = { step: GraphNode };
const edgeTypes = { routed: GraphEdge };

/** The workflow graph with the selected run's path on it. */
export function WorkflowGraph({ workflow, fromLedger = false }: { workflow: WorkflowInfo; fromLedger?: boolean }) {
  return (
    <ReactFlowProvider>
      <GraphCanvas workflow={workflow} fromLedger={fromLedger} />
    </ReactFlowProvider>
  );
}

function GraphCanvas({ workflow: declared, fromLedger }: { workflow: WorkflowInfo; fromLedger: boolean }) {
  const stores = useStores();
  const detail = useRunView(selectDetail);
  const inferred = useWorkspace(selectInferred).get(declared.workflowId) ?? null;
  // What runs showed fills in what the module did not declare (kinds, edges); read again when a run
  // of it is opened or changes status, the moments its runs can have shown something new.
  const runKey = detail && detail.workflowId === declared.workflowId ? `${detail.runId}\u0000${detail.status}` : '';
  useEffect(() => void stores.workspace.getState().loadInferred(declared.workflowId), [stores, declared.workflowId, runKey]);
  const merged = useMemo(() => mergeInferred(declared, inferred), [declared, inferred]);
  const inferredEdges = merged.inferredEdges;
  // Subworkflows are one node each until expanded; the choice is per workflow shown (reset on another).
  const children = useWorkspace(selectWorkflowsById);
  const [expandedOf, setExpandedOf] = useState<{ workflowId: string; ids: ReadonlySet<string> }>({ workflowId: '', ids: new Set() });
  const expanded = useMemo(() => (expandedOf.workflowId === declared.workflowId ? expandedOf.ids : new Set<string>()), [expandedOf, declared.workflowId]);
  const workflow = useMemo(() => expandSubworkflows(merged.workflow, children, expanded), [merged.workflow, children, expanded]);
  const onToggleExpand = useCallback(
    (nodeId: string) =>
      setExpandedOf((prev) => {
        const ids = new Set(prev.workflowId === declared.workflowId ? prev.ids : []);
        if (!ids.delete(nodeId)) ids.add(nodeId);
        return { workflowId: declared.workflowId, ids };
      }),
    [declared.workflowId],
  );
  const expansion = useMemo(() => {
    const own = new Set(merged.workflow.nodes.map((n) => n.id));
    const expandable = new Set(merged.workflow.nodes.filter((n) => n.kind === 'subworkflow' && n.workflowId && n.workflowId !== declared.workflowId && children.has(n.workflowId)).map((n) => n.id));
    return { expandable, expanded, inner: new Set(workflow.nodes.map((n) => n.id).filter((id) => !own.has(id))), onToggle: onToggleExpand };
  }, [merged.workflow, workflow, children, expanded, onToggleExpand, declared.workflowId]);
  const ledger = useRunView(selectLedger);
  const filter = useRunView(selectLedgerFilter);
  const visits = useRunView(selectVisits);
  const readOnly = useWorkspace(selectReadOnly);
  const finished = detail ? ['completed', 'failed', 'cancelled'].includes(detail.status) : true;
  const onToggleBreakpoint = useCallback((nodeId: string) => void stores.control.getState().toggleBreakpoint(nodeId), [stores]);
  const paneRef = useRef<HTMLDivElement>(null);
  const [pane, setPane] = useState({ width: 900, height: 300 });
  // Measured once per workflow: re-laying out on every resize would make nodes jump around.
  useEffect(() => {
    const r = paneRef.current?.getBoundingClientRect();
    if (r && r.width > 0) setPane({ width: r.width, height: r.height });
  }, [workflow.workflowId]);
  const onOpenRun = useCallback((runId: string) => void stores.runView.getState().open(runId), [stores]);
  const { nodes, edges, basis } = useGraphElements({ workflow, inferredEdges, detail, ledger, visits, nodeFilter: filter.nodeId, canBreak: !readOnly && !finished, onToggleBreakpoint, onOpenRun, expansion, pane });
  const { onMoveStart, fitAll } = useAutoFit(paneRef, workflow.workflowId, nodes, detail?.currentNode ?? workflow.entryNode);

  const onNodeClick: NodeMouseHandler<StepNode> = useCallback(
    (_, node) => {
      const rv = stores.runView.getState();
      rv.setFilter({ nodeId: rv.filter.nodeId === node.id ? null : node.id });
    },
    [stores],
  );

  const onNodeDoubleClick: NodeMouseHandler<StepNode> = useCallback((_, node) => node.data.childRunId && onOpenRun(node.data.childRunId), [onOpenRun]);

  return (
    <div ref={paneRef} className="graph" data-testid="workflow-graph" role="group" aria-label={`Workflow graph of ${workflow.workflowId}`}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodeClick={onNodeClick}
        onNodeDoubleClick={onNodeDoubleClick}
        onMoveStart={(event) => onMoveStart(event)}
        onMove={(_, viewport) => applyZoom(paneRef.current, viewport.zoom)}
        onInit={(flow) => applyZoom(paneRef.current, flow.getZoom())}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        onlyRenderVisibleElements={nodes.length > 120}
        minZoom={0.08}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={18} size={1} color="var(--graph-dot)" />
        {/* Our own fit button: React Flow's waits for measured nodes, which fixed-size nodes never report. */}
        <Controls showInteractive={false} showFitView={false} position="bottom-right">
          <ControlButton onClick={fitAll} title="Fit the whole graph (zoomed out, nodes show their names alone)" aria-label="Fit the whole graph">
            <Icon name="fit" size={12} />
          </ControlButton>
        </Controls>
        {nodes.length > 40 ? <MiniMap pannable zoomable position="top-right" className="minimap" /> : null}
      </ReactFlow>
      <div className="graph-legend" aria-hidden="true">
        <span><i className="lg current" />current</span>
        <span><i className="lg visited" />visited</span>
        <span><i className="lg bp" />breakpoint</span>
        <span><i className="lg edge" />taken</span>
        {edges.some((e) => e.className?.includes('undeclared')) ? <span><i className="lg edge-seen" />not declared: seen in runs</span> : null}
        {fromLedger ? <span className="faint">drawn from the ledger: the workflow is not loaded here</span> : null}
        {basis.loaded < basis.total ? <span className="faint">visits from the newest {formatCount(basis.loaded)} of {formatCount(basis.total)} records</span> : null}
        {/* In the legend, not floating over the graph, where it covered the nodes near the bottom. */}
        <span className="faint graph-hint">click a node: filter the ledger{nodes.some((n) => n.data.kind === 'subworkflow') ? ' · ↗ opens a child run' : ''}</span>
      </div>
    </div>
  );
}
