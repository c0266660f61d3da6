import { useStore } from 'zustand';
import { formatBytes, formatTimestamp, shortId } from '../../lib/format';
import { selectArtifactPreview, selectArtifacts, selectArtifactsStatus, type ArtifactsStoreApi } from '../../stores/artifacts-store';
import { useWorkspace } from '../../stores/stores-context';
import { selectWorkspace } from '../../stores/workspace-store';
import { ProgressBar } from '../common/progress-bar';

/** Artifacts as a dense list; opening one shows its preview. */
export function ArtifactList({ api, showRun }: { api: ArtifactsStoreApi; showRun: boolean }) {
  const items = useStore(api, selectArtifacts);
  const status = useStore(api, selectArtifactsStatus);
  const preview = useStore(api, selectArtifactPreview);
  // Its schema has no artifact table: say so, rather than an empty list that reads as "none were made".
  const sqliteStore = useWorkspace(selectWorkspace)?.kind === 'python-sqlite';
  return (
    <div className="artifact-list-wrap">
      {status === 'loading' ? <ProgressBar label="Loading artifacts" /> : null}
      <ul className="artifact-list" data-testid="artifact-list" aria-label="Artifacts">
        {items.length === 0 && status === 'ready' ? <li className="hint-text">{sqliteStore ? 'A Python 0.4 SQLite store keeps no artifacts: 0.4 writes them to an artifact folder of its own.' : 'No artifacts.'}</li> : null}
        {items.map((a) => (
          <li key={a.artifactId}>
            <button
              type="button"
              className={`artifact-item${preview?.artifactId === a.artifactId ? ' selected' : ''}`}
              data-testid="artifact-item"
              data-artifact-id={a.artifactId}
              aria-label={`Preview artifact ${a.artifactId}, ${a.contentType}, ${formatBytes(a.sizeBytes)}${a.integrity && a.integrity !== 'ok' ? `, damaged: ${a.integrity}` : ''}`}
              onClick={() => void api.getState().openPreview(a.artifactId)}
            >
              <span className="mono ellipsis">{a.artifactId}</span>
              <span className="tag mono">{a.contentType}</span>
              {a.integrity && a.integrity !== 'ok' ? (
                <span className="tag integrity-flag" data-testid="artifact-integrity">
                  ⚠ {a.integrity}
                </span>
              ) : null}
              <span className="faint nowrap">{formatBytes(a.sizeBytes)}</span>
              <span className="faint nowrap artifact-sub">
                {showRun && a.runId ? <>run {shortId(a.runId)} · </> : null}
                {formatTimestamp(a.createdAt)}
                {Object.entries(a.tags)
                  .filter(([k]) => k !== 'studio.integrity') // shown as the flag above
                  .map(([k, v]) => ` · ${k}=${v}`)
                  .join('')}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
