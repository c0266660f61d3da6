import { useState } from 'react';
import { StudioError, type ExportedBundle, type RunDetail, type StudioClient } from '../../../../shared/contract';
import { formatBytes } from '../../lib/format';
import { useStores } from '../../stores/stores-context';
import { CopyText } from '../common/copy-text';
import { Hint } from '../common/hint';
import { Icon } from '../common/icon';
import { Modal } from '../common/modal';

/**
 * Writes the run as an audit bundle (one file an auditor checks offline with `studio verify`),
 * then shows where it went, its sha256 (a receipt to send with it) and the verifier's report.
 * "Export audit bundle" writes into the workspace's exports folder; "Save as…" puts it where the
 * user chooses: the desktop app's save dialog, or a browser download from the web host.
 */
export function ExportBundleButton({ detail, enabled, why }: { detail: RunDetail; enabled: boolean; why: string }) {
  const { client, ui } = useStores();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<ExportedBundle | null>(null);
  const exportNow = async (destination: 'workspace' | 'choose') => {
    setBusy(true);
    try {
      const bundle = await ui.getState().track('Exporting the audit bundle', client.invoke('runs.exportBundle', { runId: detail.runId, destination }));
      if (bundle.download) startDownload(client, bundle.download.urlPath, bundle.fileName);
      setDone(bundle);
    } catch (err) {
      // Closing the save dialog is a choice, not a failure: nothing to report.
      if (err instanceof StudioError && err.code === 'EXPORT_CANCELLED') return;
      ui.getState().reportError(err, 'Could not export the audit bundle');
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Hint text={enabled ? 'Write this run as one signed file an auditor can verify offline' : why}>
        <span className="btn-wrap">
          <button type="button" className="btn" data-testid="export-bundle-button" aria-label="Export audit bundle" aria-busy={busy} disabled={!enabled || busy} onClick={() => void exportNow('workspace')}>
            {busy ? <span className="spinner small" aria-hidden="true" /> : <Icon name="export" />}
            {/* A narrow main area keeps only the icon (the name and tooltip say it). */}
            <span className="cmd-detail">Export</span>
          </button>
        </span>
      </Hint>
      <Hint text={enabled ? (client.host === 'web' ? 'Export the audit bundle as a browser download' : 'Export the audit bundle to a place you choose') : why}>
        <span className="btn-wrap">
          {/* An icon beside "Export audit bundle" (its tooltip and name say what it does): the toolbar stays within its pane. */}
          <button
            type="button"
            className="btn icon-only"
            data-testid="save-bundle-button"
            aria-label={client.host === 'web' ? 'Download the audit bundle' : 'Save the audit bundle as…'}
            disabled={!enabled || busy}
            onClick={() => void exportNow('choose')}
          >
            <Icon name="download" />
          </button>
        </span>
      </Hint>
      <Modal
        open={done !== null}
        onOpenChange={(o) => !o && setDone(null)}
        title={done?.verified ? 'Audit bundle exported and verified' : 'Audit bundle exported, but it does not verify'}
        description="Send the file with its sha256; the auditor checks it with: studio verify <file> --trusted keys.json"
        wide
        testId="bundle-dialog"
        footer={<button type="button" className="btn primary" onClick={() => setDone(null)}>Done</button>}
      >
        {done ? (
          <>
            <dl className="fields bundle-facts">
              <dt>file</dt>
              <dd>{done.download ? <span data-testid="bundle-downloaded">downloaded as <span className="mono">{done.fileName}</span> <span className="faint">(the browser saves it where you choose; the server's copy is deleted once fetched)</span></span> : <CopyText text={done.path} label="bundle path" />}</dd>
              <dt>sha256</dt>
              <dd data-testid="bundle-sha256"><CopyText text={done.sha256} label="bundle sha256" /></dd>
              <dt>size</dt>
              <dd>{formatBytes(done.sizeBytes)}</dd>
            </dl>
            <div className={`verdict ${done.verified ? 'ok' : 'broken'}`} data-testid="bundle-verdict" data-verified={String(done.verified)}>
              <strong>{done.verified ? 'Verified: the chain, the checkpoints, the keys and the seal all hold.' : 'Not verified: see the report.'}</strong>
            </div>
            <pre className="bundle-report" aria-label="Verification report">{done.report}</pre>
          </>
        ) : null}
      </Modal>
    </>
  );
}

/** A real download: the browser fetches the offered file (Content-Disposition: attachment) and saves it. */
function startDownload(client: StudioClient, urlPath: string, fileName: string): void {
  if (!client.downloadUrl) return;
  const a = document.createElement('a');
  a.href = client.downloadUrl(urlPath);
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
}
