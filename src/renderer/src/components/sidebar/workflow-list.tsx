import { useState } from 'react';
import { selectRunFilters } from '../../stores/runs-store';
import { selectReadOnly, selectWorkflows, selectWorkspace } from '../../stores/workspace-store';
import { useRuns, useStores, useWorkspace } from '../../stores/stores-context';
import { StartRunDialog } from './start-run-dialog';

/** The workspace's workflows: click one to filter the runs, or start a new run of it. */
export function WorkflowList() {
  const workflows = useWorkspace(selectWorkflows);
  const readOnly = useWorkspace(selectReadOnly);
  const workspace = useWorkspace(selectWorkspace);
  // A bundle's load errors are its verification findings, shown with its verdict instead.
  const loadErrors = workspace?.kind === 'sqlite' ? workspace.loadErrors : [];
  const filters = useRuns(selectRunFilters);
  const { runs } = useStores();
  const [starting, setStarting] = useState<string | null>(null);
  const [open, setOpen] = useState(true);
  return (
    <section className="sidebar-section workflows" aria-label="Workflows">
      <button type="button" className="section-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span aria-hidden="true">{open ? '▾' : '▸'}</span>
        <h2 className="section-title">Workflows</h2>
        <span className="faint count">{workflows.length}</span>
      </button>
      {open ? (
        <ul className="workflow-list">
          {workflows.length === 0 ? <li className="faint pad">No workflows loaded.</li> : null}
          {/* A module that failed to load says why where its workflows would be, not in a tooltip. */}
          {loadErrors.map((e) => (
            <li key={`${e.file}\u0000${e.message}`} className="workflow-load-error" data-testid="workflow-load-error" role="alert">
              <span className="mono ellipsis" title={e.file}>{e.file.split(/[\\/]/).pop()}</span>
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
    </section>
  );
}
