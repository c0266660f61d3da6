import { useEffect } from 'react';
import { useStores } from '../../stores/stores-context';
import { ArtifactList } from './artifact-list';
import { ArtifactPreview } from './artifact-preview';
import { SnapshotList } from './snapshot-list';

/** Every artifact of the workspace, with a preview beside the list. */
export function ArtifactsPage() {
  const { allArtifacts } = useStores();
  useEffect(() => {
    void allArtifacts.getState().load(null);
  }, [allArtifacts]);
  return (
    <section className="page two-col" aria-label="Artifacts of the workspace">
      <div className="col">
        <header className="page-head"><h1>Artifacts</h1><span className="faint">all runs of this workspace</span></header>
        <ArtifactList api={allArtifacts} showRun />
      </div>
      <div className="col">
        <ArtifactPreview api={allArtifacts} />
      </div>
    </section>
  );
}

/** Every snapshot of the workspace, searchable by name, description and tag. */
export function SnapshotsPage() {
  const { allSnapshots } = useStores();
  useEffect(() => {
    void allSnapshots.getState().load({ runId: null });
  }, [allSnapshots]);
  return (
    <section className="page narrow" aria-label="Snapshots of the workspace">
      <header className="page-head"><h1>Snapshots</h1><span className="faint">bookmarks of run states, across all runs</span></header>
      <SnapshotList api={allSnapshots} showRun />
    </section>
  );
}
