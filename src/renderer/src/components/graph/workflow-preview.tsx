import { type WorkflowInfo } from '../../../../shared/contract';
import { selectInferred } from '../../stores/workspace-store';
import { useWorkspace } from '../../stores/stores-context';
import { WorkflowGraph } from './workflow-graph';

/**
 * A workflow's graph before (or without) a run: picked in the Workflows list with no run open.
 * It says where the graph comes from, so a bare module's graph is not taken for a declared one.
 */
export function WorkflowPreview({ workflow }: { workflow: WorkflowInfo }) {
  const inferred = useWorkspace(selectInferred).get(workflow.workflowId);
  const declaredEdges = workflow.edges.length > 0;
  const origin = declaredEdges
    ? 'Edges as its graph: block declares them'
    : inferred && inferred.runsScanned > 0
      ? `No graph: block: kinds and edges from ${inferred.runsScanned === inferred.runsTotal ? `its ${inferred.runsScanned} run${inferred.runsScanned === 1 ? '' : 's'}` : `its newest ${inferred.runsScanned} of ${inferred.runsTotal} runs`}`
      : 'No graph: block and no runs yet: start one to see its kinds and edges';
  return (
    <div className="workflow-preview" data-testid="workflow-preview">
      <header className="workflow-preview-head">
        <h2 className="mono">{workflow.workflowId}</h2>
        <span className="faint">{workflow.nodes.length} nodes</span>
        {workflow.version ? <span className="tag mono" title="The loaded version of its module (a hash of its code)">v {workflow.version.slice(0, 8)}</span> : null}
        {workflow.source ? <span className="faint mono ellipsis" title={workflow.source}>{workflow.source}</span> : null}
        <span className="faint workflow-preview-origin">{origin}</span>
      </header>
      {workflow.description ? <p className="workflow-preview-description">{workflow.description}</p> : null}
      <div className="workflow-preview-graph">
        <WorkflowGraph workflow={workflow} />
      </div>
    </div>
  );
}
