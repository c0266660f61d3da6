import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { type SnapshotInfo } from '../../../../shared/contract';
import { formatTimestamp, shortId } from '../../lib/format';
import { selectSnapshotScope, selectSnapshots, selectSnapshotsStatus, type SnapshotsStoreApi } from '../../stores/snapshots-store';
import { selectReadOnly, selectWorkspace } from '../../stores/workspace-store';
import { useStores, useWorkspace } from '../../stores/stores-context';
import { ProgressBar } from '../common/progress-bar';
import { StatusBadge } from '../common/status-badge';
import { RestoreDialog } from './restore-dialog';

/** Snapshots with search; each can be restored (after seeing the diff), forked or deleted. */
export function SnapshotList({ api, showRun }: { api: SnapshotsStoreApi; showRun: boolean }) {
  const items = useStore(api, selectSnapshots);
  const status = useStore(api, selectSnapshotsStatus);
  const scope = useStore(api, selectSnapshotScope);
  const sqliteStore = useWorkspace(selectWorkspace)?.kind === 'python-sqlite';
  const [query, setQuery] = useState(scope.query);
  useEffect(() => {
    if (query === api.getState().scope.query) return;
    const t = setTimeout(() => void api.getState().load({ query }), 200);
    return () => clearTimeout(t);
  }, [query, api]);
  return (
    <div className="snapshot-list-wrap">
      <input className="input" type="search" placeholder="Search snapshots by name, description or tag" aria-label="Search snapshots" value={query} onChange={(e) => setQuery(e.target.value)} />
      {scope.tag ? (
        <span className="chip">tag {scope.tag}<button type="button" className="chip-x" aria-label="Stop filtering by tag" onClick={() => void api.getState().load({ tag: null })}>✕</button></span>
      ) : null}
      {status === 'loading' ? <ProgressBar label="Loading snapshots" /> : null}
      <ul className="snapshot-list" data-testid="snapshot-list" aria-label="Snapshots">
        {items.length === 0 && status === 'ready' ? <li className="hint-text">{scope.query || scope.tag ? 'No snapshot matches.' : sqliteStore ? 'A Python 0.4 SQLite store keeps no snapshots (its schema has no snapshot table).' : 'No snapshots yet. Bookmark a state to come back to it.'}</li> : null}
        {items.map((s) => <SnapshotItem key={s.snapshotId} snap={s} api={api} showRun={showRun} />)}
      </ul>
      <RestoreDialog api={api} />
    </div>
  );
}

function SnapshotItem({ snap, api, showRun }: { snap: SnapshotInfo; api: SnapshotsStoreApi; showRun: boolean }) {
  const { control, runView, ui } = useStores();
  const readOnly = useWorkspace(selectReadOnly);
  const [confirmDelete, setConfirmDelete] = useState(false);
  return (
    <li className="snapshot-item" data-testid="snapshot-item" data-snapshot-id={snap.snapshotId}>
      <div className="snapshot-top">
        <strong className="ellipsis">{snap.name}</strong>
        {snap.status ? <StatusBadge status={snap.status} /> : null}
      </div>
      {snap.description ? <p className="snapshot-desc">{snap.description}</p> : null}
      <div className="snapshot-meta faint">
        {showRun ? (
          <button type="button" className="link mono" onClick={() => { ui.getState().setView('run'); void runView.getState().open(snap.runId); }}>{shortId(snap.runId)}</button>
        ) : null}
        <span>at <span className="mono">{snap.currentNode ?? '?'}</span></span>
        <span>{formatTimestamp(snap.createdAt)}</span>
      </div>
      {snap.tags.length ? (
        <div className="snapshot-tags">
          {snap.tags.map((t) => <button key={t} type="button" className="tag" aria-label={`Show snapshots tagged ${t}`} onClick={() => void api.getState().load({ tag: t })}>{t}</button>)}
        </div>
      ) : null}
      {!readOnly ? (
        <div className="snapshot-actions">
          <button type="button" className="btn small" data-testid="snapshot-restore" onClick={() => void api.getState().askRestore(snap.snapshotId)}>Restore…</button>
          <button type="button" className="btn small" data-testid="snapshot-fork" onClick={() => void control.getState().fork({ snapshotId: snap.snapshotId })}>Fork</button>
          {confirmDelete ? (
            <>
              <button type="button" className="btn small danger" onClick={() => void api.getState().remove(snap.snapshotId)}>Delete for good</button>
              <button type="button" className="btn small ghost" onClick={() => setConfirmDelete(false)}>Keep</button>
            </>
          ) : (
            <button type="button" className="btn small ghost" aria-label={`Delete snapshot ${snap.name}`} onClick={() => setConfirmDelete(true)}>Delete</button>
          )}
        </div>
      ) : null}
    </li>
  );
}
