import { useState } from 'react';
import { type LoadError } from '../../../../shared/contract';
import { selectRunFilters } from '../../stores/runs-store';
import { selectReadOnly, selectScheduler, selectWorkflows, selectWorkspace } from '../../stores/workspace-store';
import { useRuns, useStores, useWorkspace } from '../../stores/stores-context';
import { OpenFolderDialog } from '../shell/open-folder-dialog';
import { StartRunDialog } from './start-run-dialog';

/** Where a module failed, as an editor names it: `file:line`, the file's name shown, its path on hover. */
function placeOf(e: LoadError): { short: string; full: string } {
  const line = e.line ? `:${e.line}` : '';
  return { short: `${e.file.split(/[\\/]/).pop() ?? e.file}${line}`, full: `${e.file}${line}` };
}

/** What the workers of a PostgreSQL workspace can run, since this Studio loads none of it. */
function workersLine(workers: ReadonlyArray<{ workflowIds: string[] }>): string {
  const ids = [...new Set(workers.flatMap((w) => w.workflowIds))].sort();
  if (workers.length === 0) return 'The workers run the workflows here, and none is live now.';
  return `The workers run the workflows here (none is loaded in this Studio): ${ids.length > 0 ? ids.join(', ') : 'they name none'}.`;
}

/**
 * The workspace's workflows: click one to filter the runs (and, with no run open, see its graph),
 * ◇ to see its graph now, ▶ to start a run; + adds a folder of your own modules.
 */
export function WorkflowList() {
  const workflows = useWorkspace(selectWorkflows);
  const readOnly = useWorkspace(selectReadOnly);
  const workspace = useWorkspace(selectWorkspace);
  // Attached to workers (PostgreSQL): their workflows, never loaded here.
  const workers = useWorkspace(selectScheduler)?.workers ?? null;
  // A bundle's load errors are its verification findings, shown with its verdict instead.
  const loadErrors = workspace?.kind === 'sqlite' ? workspace.loadErrors : [];
  const filters = useRuns(selectRunFilters);
  const { runs, runView } = useStores();
  const [starting, setStarting] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [open, setOpen] = useState(true);
  const canAdd = workspace?.kind === 'sqlite' && (!readOnly || Boolean(workspace.trust));
  const showGraph = (workflowId: string) => {
    void runView.getState().open(null);
    runs.getState().setFilters({ workflowId });
  };
  return (
    <section className="sidebar-section workflows" aria-label="Workflows">
      <div className="section-head">
        <button type="button" className="section-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          <span aria-hidden="true">{open ? '▾' : '▸'}</span>
          <h2 className="section-title">Workflows</h2>
          <span className="faint count">{workflows.length}</span>
        </button>
        {canAdd ? (
          <button type="button" className="btn small ghost" aria-label="Add a workflow folder" title="Add a folder of your own workflow modules" onClick={() => setAdding(true)}>
            + Folder
          </button>
        ) : null}
      </div>
      {open ? (
        <ul className="workflow-list">
          {workflows.length === 0 ? <li className="faint pad">{workers ? workersLine(workers) : 'No workflows loaded.'}</li> : null}
          {/* A module that failed to load says why where its workflows would be, not in a tooltip. */}
          {loadErrors.map((e) => (
            <li key={`${e.file}\u0000${e.message}`} className="workflow-load-error" data-testid="workflow-load-error" role="alert">
              <span className="mono ellipsis" title={placeOf(e).full}>{placeOf(e).short}</span>
              <span className="field-error">{e.message}</span>
            </li>
          ))}
          {workflows.map((w) => {
            const active = filters.workflowId === w.workflowId;
            return (
              <li key={w.workflowId} className={`workflow-item${active ? ' active' : ''}`}>
                <button
                  type="button"
                  className="workflow-name"
                  aria-pressed={active}
                  title={w.description ?? w.workflowId}
                  onClick={() => runs.getState().setFilters({ workflowId: active ? null : w.workflowId })}
                >
                  <span className="mono ellipsis">{w.workflowId}</span>
                  <span className="faint">{w.nodes.length} nodes</span>
                </button>
                <button type="button" className="btn small ghost" aria-label={`Show the graph of ${w.workflowId}`} title="Show its graph" data-testid="show-workflow-graph" onClick={() => showGraph(w.workflowId)}>
                  ◇
                </button>
                {!readOnly ? (
                  <button type="button" className="btn small ghost" aria-label={`Start a run of ${w.workflowId}`} data-testid="start-workflow" data-workflow-id={w.workflowId} onClick={() => setStarting(w.workflowId)}>
                    ▶ Start
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      <StartRunDialog key={starting ?? ''} workflowId={starting} onClose={() => setStarting(null)} />
      <OpenFolderDialog kind={adding ? 'workflows' : null} onClose={() => setAdding(false)} />
    </section>
  );
}
