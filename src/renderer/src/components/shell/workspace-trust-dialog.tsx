import { useRef, useState } from 'react';
import { selectWorkspace } from '../../stores/workspace-store';
import { useStores, useWorkspace } from '../../stores/stores-context';
import { Modal } from '../common/modal';

/**
 * "Run the code this workspace names?", asked when a workspace whose settings name workflow
 * folders opens undecided (the backend has loaded none of it), and again when the user asks to
 * reconsider from the header. Closing it any other way (Escape, ✕) is "don't trust": a workspace
 * someone sent you must never run its code because a key was pressed.
 */
export function WorkspaceTrustDialog({ reconsider, onClose }: { reconsider: boolean; onClose(): void }) {
  const { workspace: store } = useStores();
  const workspace = useWorkspace(selectWorkspace);
  const trust = workspace?.trust ?? null;
  const [busy, setBusy] = useState(false);
  const primary = useRef<HTMLButtonElement>(null);
  const open = trust !== null && trust.state !== 'trusted' && (trust.state === 'undecided' || reconsider);

  const answer = async (trusted: boolean) => {
    // Keeping a refusal needs no round trip; anything else is recorded and the workspace reopened.
    if (!trusted && trust?.state === 'refused') return onClose();
    setBusy(true);
    const ok = await store.getState().trustWorkspace(trusted);
    setBusy(false);
    if (ok) onClose();
  };

  return (
    <Modal
      open={open}
      onOpenChange={(o) => !o && !busy && void answer(false)}
      title="Trust the code this workspace names?"
      initialFocus={primary}
      testId="workspace-trust-dialog"
      description={
        <>
          The settings of <strong>{workspace?.name}</strong> name {trust?.folders.length === 1 ? 'a folder' : 'folders'} of workflow modules. Trusting it
          loads every module in them and runs them as code on this computer, in the Studio&apos;s backend, with your permissions. Trust it only if you
          wrote or checked that code.
        </>
      }
      footer={
        <>
          <button type="button" className="btn" disabled={busy} onClick={() => void answer(false)}>
            Open read-only
          </button>
          <button type="button" className="btn primary" ref={primary} disabled={busy} onClick={() => void answer(true)}>
            {busy ? 'Loading…' : 'Trust and run its code'}
          </button>
        </>
      }
    >
      <ul className="trust-folders" aria-label="Folders whose modules would run">
        {trust?.folders.map((f) => (
          <li key={f} className="mono">
            {f}
          </li>
        ))}
      </ul>
      <p className="faint">
        Read-only, its runs, ledgers and artifacts can be looked at and verified; nothing in it is loaded, run or written. Your answer is kept for
        this workspace and these folders; you can change it from the header.
      </p>
    </Modal>
  );
}
