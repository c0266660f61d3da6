import { selectPrompts } from '../../stores/prompts-store';
import { useMemo } from 'react';
import { loadedEntries } from '../../lib/ledger-cache';
import { ledgerWorkflow } from '../../lib/ledger-workflow';
import { selectDetail, selectLedger, selectRunViewStatus } from '../../stores/run-view-store';
import { selectWorkflowsById } from '../../stores/workspace-store';
import { usePrompts, useRunView, useWorkspace } from '../../stores/stores-context';
import { ProgressBar } from '../common/progress-bar';
import { WorkflowGraph } from '../graph/workflow-graph';
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
  const declared = detail ? (workflows.get(detail.workflowId) ?? null) : null;
  // Without the workflow's module (a Python folder), the graph is drawn from the ledger; it only
  // changes shape when a node appears, so it is rebuilt from the node list, not every record.
  const seenKey = declared || !detail ? '' : [...new Set(loadedEntries(ledger).map((e) => e.nodeId))].join('\u0000') + detail.currentNode + detail.status;
  const fromLedger = useMemo(
    () => (declared || !detail ? null : ledgerWorkflow(detail, loadedEntries(ledger))),
    [declared, seenKey],
  );

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
      <div className="run-split">
        {workflow ? <WorkflowGraph workflow={workflow} fromLedger={!declared} /> : null}
        <LedgerTimeline workflow={workflow} />
      </div>
    </div>
  );
}
