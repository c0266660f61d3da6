import { useEffect } from 'react';
import { INSPECTOR_TABS } from '../shell/use-shortcuts';
import { selectDetail, selectSelectedSeq } from '../../stores/run-view-store';
import { selectInspectorTab, type InspectorTab } from '../../stores/ui-store';
import { selectReadOnly } from '../../stores/workspace-store';
import { useRunView, useStores, useUi, useWorkspace } from '../../stores/stores-context';
import { ArtifactList } from '../library/artifact-list';
import { ArtifactPreview } from '../library/artifact-preview';
import { SnapshotCreateForm } from '../library/snapshot-create-form';
import { SnapshotList } from '../library/snapshot-list';
import { ConversationView } from './conversation-view';
import { ProvenancePanel } from './provenance-panel';
import { RecordPanel } from './record-panel';
import { StatePanel } from './state-panel';

const LABEL: Record<InspectorTab, string> = { record: 'Record', state: 'State', snapshots: 'Snapshots', artifacts: 'Artifacts', provenance: 'Provenance', conversation: 'Chat' };

/** Details of what is selected, in tabs ( [ and ] switch them ). */
export function Inspector() {
  const stores = useStores();
  const tab = useUi(selectInspectorTab);
  return (
    <aside className="inspector" aria-label="Inspector">
      <div className="tabs" role="tablist" aria-label="Inspector tabs">
        {INSPECTOR_TABS.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            id={`tab-${t}`}
            aria-selected={tab === t}
            aria-controls={`panel-${t}`}
            tabIndex={tab === t ? 0 : -1}
            className={`tab${tab === t ? ' active' : ''}`}
            data-testid={`inspector-tab-${t}`}
            data-label={LABEL[t]}
            onClick={() => stores.ui.getState().setInspectorTab(t)}
          >
            {LABEL[t]}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'record' ? <RecordPanel /> : null}
        {tab === 'state' ? <StatePanel /> : null}
        {tab === 'snapshots' ? <RunSnapshots /> : null}
        {tab === 'artifacts' ? <RunArtifacts /> : null}
        {tab === 'provenance' ? <ProvenancePanel /> : null}
        {tab === 'conversation' ? <ConversationView /> : null}
      </div>
    </aside>
  );
}

function RunSnapshots() {
  const { snapshots } = useStores();
  const detail = useRunView(selectDetail);
  const readOnly = useWorkspace(selectReadOnly);
  const seq = useRunView(selectSelectedSeq);
  if (!detail) return <div className="hint-text">Select a run to bookmark its state.</div>;
  return (
    <div className="panel-stack">
      {!readOnly ? <SnapshotCreateForm runId={detail.runId} currentNode={detail.currentNode} seq={seq} /> : null}
      <SnapshotList api={snapshots} showRun={false} />
    </div>
  );
}

function RunArtifacts() {
  const { artifacts } = useStores();
  const detail = useRunView(selectDetail);
  const runId = detail?.runId ?? null;
  const updatedAt = detail?.updatedAt;
  // Runs save artifacts as they go: the list is refreshed when the tab shows and as the run moves.
  useEffect(() => {
    const t = setTimeout(() => void artifacts.getState().load(runId), 150);
    return () => clearTimeout(t);
  }, [artifacts, runId, updatedAt]);
  return (
    <div className="panel-stack">
      <ArtifactList api={artifacts} showRun={false} />
      <ArtifactPreview api={artifacts} />
    </div>
  );
}
