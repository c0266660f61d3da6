import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { type WorkflowGraphNode } from '../../../../shared/contract';
import { type GraphNodeState } from '../../lib/graph-state';

export interface StepNodeData extends Record<string, unknown> {
  node: WorkflowGraphNode | null;
  nodeId: string;
  state: GraphNodeState;
  visits: number;
  failed: boolean;
  breakpoint: boolean;
  filtered: boolean;
  canBreak: boolean;
  onToggleBreakpoint(nodeId: string): void;
  /** Top-to-bottom layout: edges enter at the top instead of the left. */
  vertical: boolean;
  /** For subworkflow nodes: the newest child run this run started there. */
  childRunId: string | null;
  onOpenRun(runId: string): void;
  /** A subworkflow whose child workflow is loaded: its nodes can be drawn inline (expanded) or not. */
  expandable: boolean;
  expanded: boolean;
  onToggleExpand(nodeId: string): void;
}

export type StepNode = Node<StepNodeData, 'step'>;

function kindLabel(n: WorkflowGraphNode | null): string {
  if (!n) return 'not declared';
  if (n.kind === 'effect') return n.effectType ?? 'effect';
  if (n.kind === 'subworkflow') return `↳ ${n.workflowId ?? 'subworkflow'}`;
  return n.kind;
}

/** A workflow node: its name, its kind (effect type, terminal, subworkflow), visits and breakpoint. */
export const GraphNode = memo(function GraphNode({ data }: NodeProps<StepNode>) {
  const { node, nodeId, state, visits, failed, breakpoint, filtered, canBreak } = data;
  const kind = node?.kind ?? 'step';
  return (
    <div
      className={`gnode ${state} kind-${kind}${failed ? ' failed' : ''}${filtered ? ' filtered' : ''}`}
      data-testid="graph-node"
      data-node-id={nodeId}
      data-state={state}
      title={node?.description ?? nodeId}
    >
      <Handle type="target" position={data.vertical ? Position.Top : Position.Left} isConnectable={false} />
      <div className="gnode-top">
        <span className="gnode-label ellipsis">{node?.label ?? nodeId}</span>
        {visits > 1 ? <span className="gnode-visits" title={`Visited ${visits} times`}>×{visits}</span> : null}
      </div>
      <div className="gnode-bottom">
        <span className={`gnode-kind k-${kind}`}>{kindLabel(node)}</span>
        {data.expandable ? (
          <button
            type="button"
            className="gnode-expand nodrag"
            aria-expanded={data.expanded}
            aria-label={`${data.expanded ? 'Collapse' : 'Expand'} the subworkflow at ${nodeId}`}
            title={data.expanded ? 'Collapse: draw the subworkflow as one node' : 'Expand: draw the child workflow’s nodes here'}
            onClick={(e) => {
              e.stopPropagation();
              data.onToggleExpand(nodeId);
            }}
          >
            {data.expanded ? '−' : '+'}
          </button>
        ) : null}
        {data.childRunId ? (
          <button
            type="button"
            className="gnode-open nodrag"
            aria-label={`Open the child run started at ${nodeId}`}
            title="Open the child run"
            onClick={(e) => {
              e.stopPropagation();
              data.onOpenRun(data.childRunId!);
            }}
          >
            ↗
          </button>
        ) : null}
        {canBreak ? (
          <button
            type="button"
            className={`gnode-break nodrag${breakpoint ? ' on' : ''}`}
            aria-pressed={breakpoint}
            aria-label={`${breakpoint ? 'Remove' : 'Set'} breakpoint on ${nodeId}`}
            title={breakpoint ? 'Breakpoint: the run pauses before this node. Click to remove.' : 'Set a breakpoint: pause before this node'}
            onClick={(e) => {
              e.stopPropagation();
              data.onToggleBreakpoint(nodeId);
            }}
          />
        ) : breakpoint ? (
          <span className="gnode-break on" aria-label="Breakpoint" />
        ) : null}
      </div>
      <Handle type="source" position={data.vertical ? Position.Bottom : Position.Right} isConnectable={false} />
    </div>
  );
});
