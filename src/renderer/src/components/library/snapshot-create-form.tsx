import { useEffect, useRef, useState } from 'react';
import { parseTags } from '../../stores/snapshots-store';
import { selectBookmarkTick } from '../../stores/ui-store';
import { useStores, useUi } from '../../stores/stores-context';

/**
 * Bookmarks a state of the selected run with a name, a description and tags: the state saved
 * after the selected record (time travel), or the run's current state when no record is selected.
 */
export function SnapshotCreateForm({ runId, currentNode, seq }: { runId: string; currentNode: string; seq: number | null }) {
  const { snapshots } = useStores();
  const tick = useUi(selectBookmarkTick);
  const nameRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (tick > 0) nameRef.current?.focus();
  }, [tick]);
  return (
    <form
      className="snapshot-create form-stack"
      data-testid="snapshot-create"
      aria-label={seq !== null ? `Bookmark the state after record ${seq}` : 'Bookmark the current state'}
      onSubmit={(e) => {
        e.preventDefault();
        if (!name.trim()) return;
        setBusy(true);
        // Fire-and-forget: create reports its own failure (ui.reportError) and resolves null, so busy always clears.
        void snapshots.getState().create({ runId, ...(seq !== null ? { seq } : {}), name: name.trim(), description: description.trim() || null, tags: parseTags(tags) }).then((snap) => {
          setBusy(false);
          if (snap) {
            setName('');
            setDescription('');
            setTags('');
          }
        });
      }}
    >
      <div className="faint" data-testid="snapshot-create-at">
        {seq !== null ? (
          <>Bookmark the state after record <span className="mono">#{seq}</span> (select no record to bookmark the current state)</>
        ) : (
          <>Bookmark the current state, at node <span className="mono">{currentNode}</span></>
        )}
      </div>
      <input ref={nameRef} className="input" placeholder="Name, e.g. before the tool call" aria-label="Snapshot name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
      <textarea className="textarea" rows={2} placeholder="Description (optional)" aria-label="Snapshot description" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} />
      <div className="row">
        <input className="input grow" placeholder="Tags, comma separated" aria-label="Snapshot tags" value={tags} onChange={(e) => setTags(e.target.value)} />
        <button type="submit" className="btn primary" disabled={!name.trim() || busy}>{busy ? 'Saving…' : 'Save snapshot'}</button>
      </div>
    </form>
  );
}
