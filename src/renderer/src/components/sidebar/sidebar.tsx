import { selectPromptCount } from '../../stores/prompts-store';
import { selectView, type MainView } from '../../stores/ui-store';
import { usePrompts, useStores, useUi } from '../../stores/stores-context';
import { RunFilters } from './run-filters';
import { RunList } from './run-list';
import { WorkflowList } from './workflow-list';

const VIEWS: Array<[MainView, string, string]> = [
  ['run', 'Run', '1'],
  ['inbox', 'Inbox', '2'],
  ['artifacts', 'Artifacts', '3'],
  ['snapshots', 'Snapshots', '4'],
];

/** Views, workflows and runs. */
export function Sidebar() {
  const { ui } = useStores();
  const view = useUi(selectView);
  const prompts = usePrompts(selectPromptCount);
  return (
    <nav className="sidebar" aria-label="Workflows and runs">
      <div className="view-tabs" role="tablist" aria-label="Main view">
        {VIEWS.map(([v, label, key]) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={view === v}
            className={`view-tab${view === v ? ' active' : ''}`}
            title={`${label} (${key})`}
            data-testid={`view-${v}`}
            onClick={() => ui.getState().setView(v)}
          >
            {label}
            {v === 'inbox' && prompts > 0 ? <span className="count-badge" aria-label={`${prompts} pending`}>{prompts}</span> : null}
          </button>
        ))}
      </div>
      <WorkflowList />
      <RunFilters />
      <RunList />
    </nav>
  );
}
