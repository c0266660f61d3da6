import { selectPrompts } from '../../stores/prompts-store';
import { useMemo } from 'react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import { loadedEntries } from '../../lib/ledger-cache';
import { ledgerWorkflow } from '../../lib/ledger-workflow';
import { selectDetail, selectLedger, selectRunViewStatus } from '../../stores/run-view-store';
import { selectRunFilters } from '../../stores/runs-store';
import { selectWorkflowsById } from '../../stores/workspace-store';
import { usePrompts, useRuns, useRunView, useWorkspace } from '../../stores/stores-context';
import { ProgressBar } from '../common/progress-bar';
import { WorkflowGraph } from '../graph/workflow-graph';
import { WorkflowPreview } from '../graph/workflow-preview';
import { PromptCard } from '../prompts/prompt-card';
import { LedgerTimeline } from '../timeline/ledger-timeline';
import { RunHeader } from './run-header';

/** The selected run: header and controls, its prompt if it waits, the graph, the ledger. */
export function RunView() {
  const detail = useRunView(selectDetail);
  const status = useRunView(selectRunViewStatus);
  const workflows = useWorkspace(selectWorkflowsById);
  const prompts = usePrompts(selectPrompts);
  const ledger = useRunView(selectLedger);
  const filters = useRuns(selectRunFilters);
  // The graph pane's height is the person's: dragged once, kept (in localStorage) across runs and restarts.
  const split = useDefaultLayout({ id: 'run-graph-split', panelIds: ['graph', 'ledger'] });
  const declared = detail ? (workflows.get(detail.workflowId) ?? null) : null;
  // Without the workflow's module (a Python folder), the graph is drawn from the ledger; it only
  // changes shape when a node appears, so it is rebuilt from the node list, not every record.
  const seenKey = declared || !detail ? '' : [...new Set(loadedEntries(ledger).map((e) => e.nodeId))].join('\u0000') + detail.currentNode + detail.status;
  const fromLedger = useMemo(
    () => (declared || !detail ? null : ledgerWorkflow(detail, loadedEntries(ledger))),
    [declared, seenKey],
  );

  // A workflow picked in the list with no run open: its graph, before any run.
  const previewed = status === 'idle' && filters.workflowId ? workflows.get(filters.workflowId) : undefined;
  if (previewed) return <WorkflowPreview workflow={previewed} />;
  if (status === 'idle') {
    return (
      <div className="empty welcome">
        <strong>Pick a run, or start one</strong>
        <span>Runs are listed on the left. Start a workflow paused to step it node by node.</span>
        <span className="faint">Press <kbd>?</kbd> for keyboard shortcuts.</span>
      </div>
    );
  }
  if (!detail) {
    return status === 'error' ? (
      <div className="empty"><strong>This run could not be opened</strong>See the message in the corner for what to do.</div>
    ) : (
      <div className="empty"><ProgressBar label="Opening run" /><span>Opening run…</span></div>
    );
  }
  const workflow = declared ?? fromLedger;
  const waiting = prompts.filter((p) => p.runId === detail.runId);
  return (
    <div className="run-view">
      <RunHeader detail={detail} />
      {waiting.map((p) => (
        <div key={p.waitKey ?? ''} className="inline-prompt">
          <PromptCard prompt={p} showRun={false} />
        </div>
      ))}
      {workflow ? (
        <Group orientation="vertical" className="run-split" defaultLayout={split.defaultLayout} onLayoutChanged={split.onLayoutChanged}>
          <Panel id="graph" defaultSize="44%" minSize={120} className="run-split-pane">
            <WorkflowGraph workflow={workflow} fromLedger={!declared} />
          </Panel>
          <Separator className="graph-split-handle" aria-label="Resize the graph and the ledger" />
          <Panel id="ledger" minSize={140} className="run-split-pane">
            <LedgerTimeline workflow={workflow} />
          </Panel>
        </Group>
      ) : (
        <div className="run-split-single">
          <LedgerTimeline workflow={workflow} />
        </div>
      )}
    </div>
  );
}
