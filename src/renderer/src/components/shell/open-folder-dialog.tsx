import { useState } from 'react';
import { useStores, useWorkspace } from '../../stores/stores-context';
import { Modal } from '../common/modal';

export type FolderKind = 'python' | 'workspace' | 'bundle' | 'workflows';

const TEXT: Record<FolderKind, { title: string; description: string; placeholder: string; action: string }> = {
  python: {
    title: 'Open Python data folder or SQLite store',
    description: 'A folder written by the Python AbstractRuntime 0.2 or 0.4 (run_<id>.json, ledger_<id>.jsonl, artifacts/, snapshots/), or the SQLite file of its 0.4 SqliteDatabase. Its runs open read-only, with the same hash-chain badges; nothing is written into it.',
    placeholder: '/path/to/python/data',
    action: 'Open read-only',
  },
  bundle: {
    title: 'Open audit bundle',
    description: 'A run exported as one file (.arbundle.jsonl). It opens read-only, verified: every record the verifier finds changed, missing or unsigned is marked.',
    placeholder: '/path/to/run.arbundle.jsonl',
    action: 'Open read-only',
  },
  workflows: {
    title: 'Add a workflow folder',
    description: 'A folder of workflow modules (.ts or .js files exporting WorkflowSpecs) for this workspace. It is remembered in the workspace\'s settings; you are asked whether to trust it before any of its code runs. Its modules reload when their files change.',
    placeholder: '/path/to/my-workflows',
    action: 'Add folder',
  },
  workspace: {
    title: 'Open workspace',
    description:
      'A Studio workspace: its SQLite file (or the folder holding studio.sqlite), or a PostgreSQL workspace that workers drive, by its URL (postgres://user:password@host:port/database?schema=name). The password is kept with the other secrets, never in a file; the Studio attached to PostgreSQL runs no workflow code: your answers, events and cancels are carried out by the workers.',
    placeholder: '/path/to/workspace.sqlite or postgres://user:password@host:5432/db?schema=name',
    action: 'Open',
  },
};

/** Asks for a path on the backend's machine (a browser cannot browse it, so it is typed). */
export function OpenFolderDialog({ kind, onClose }: { kind: FolderKind | null; onClose(): void }) {
  const { workspace } = useStores();
  const openError = useWorkspace((s) => s.openError);
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  /** What was last sent: its error is shown until the text or the dialog changes. */
  const [sent, setSent] = useState<{ kind: FolderKind; path: string } | null>(null);
  const t = TEXT[kind ?? 'python'];
  const isUrl = kind === 'workspace' && /^postgres(ql)?:\/\//i.test(path.trim());
  const submit = async () => {
    if (!path.trim() || !kind) return;
    setBusy(true);
    setSent({ kind, path: path.trim() });
    const ws = workspace.getState();
    const open = { python: ws.openPythonFolder, bundle: ws.openBundle, workspace: ws.openWorkspace, workflows: ws.addWorkflowFolder }[kind];
    const ok = await open(path.trim());
    setBusy(false);
    if (ok) onClose();
  };
  return (
    <Modal
      open={kind !== null}
      onOpenChange={(o) => !o && onClose()}
      title={t.title}
      description={t.description}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" form="open-folder-form" className="btn primary" disabled={!path.trim() || busy}>
            {busy ? (kind === 'workflows' ? 'Adding…' : 'Opening…') : t.action}
          </button>
        </>
      }
    >
      <form
        id="open-folder-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="field">
          <span>{isUrl ? 'PostgreSQL workspace URL (the backend connects to it)' : 'Path on the machine running the Studio backend'}</span>
          {/* A URL may carry a password: typed like one, and never offered for autofill or spell-checking. */}
          <input
            className="input mono"
            autoFocus
            autoComplete="off"
            spellCheck={false}
            value={path}
            placeholder={t.placeholder}
            onChange={(e) => setPath(e.target.value)}
            aria-label={kind === 'bundle' ? 'Bundle path' : 'Folder path'}
          />
        </label>
        {openError && !busy && sent?.kind === kind && sent.path === path.trim() ? (
          <p className="field-error" role="alert" data-testid="open-error">
            <span className="mono">{openError.code}</span>: {openError.message}
          </p>
        ) : null}
      </form>
    </Modal>
  );
}
