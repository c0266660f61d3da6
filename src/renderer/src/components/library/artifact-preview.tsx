import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { formatBytes } from '../../lib/format';
import { concatBytes, hexLines } from '../../lib/hex-view';
import { selectArtifactPreview, type ArtifactPreview as Preview, type ArtifactsStoreApi } from '../../stores/artifacts-store';
import { CopyText } from '../common/copy-text';
import { JsonTreeView } from '../common/json-tree-view';
import { ProgressBar } from '../common/progress-bar';

/** Previews the open artifact: text, JSON tree, image, or a hex view of a binary's first bytes. */
export function ArtifactPreview({ api }: { api: ArtifactsStoreApi }) {
  const p = useStore(api, selectArtifactPreview);
  const [downloading, setDownloading] = useState(false);
  if (!p) return null;
  const download = async () => {
    setDownloading(true);
    await api.getState().loadMore(p.sizeBytes);
    setDownloading(false);
    const done = api.getState().preview;
    if (!done || done.artifactId !== p.artifactId) return;
    const url = URL.createObjectURL(new Blob([concatBytes(done.chunks)], { type: done.contentType }));
    const a = document.createElement('a');
    a.href = url;
    a.download = p.artifactId;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <section className="artifact-preview" data-testid="artifact-preview" data-kind={p.kind} aria-label={`Artifact ${p.artifactId}`}>
      <header className="panel-head">
        <CopyText text={p.artifactId} label="artifact id" />
        <span className="tag mono">{p.contentType}</span>
        <span className="faint">{formatBytes(p.sizeBytes)}</span>
        <span className="header-spacer" />
        <button type="button" className="btn small" onClick={() => void download()} disabled={downloading}>{downloading ? 'Preparing…' : 'Download'}</button>
        <button type="button" className="btn small ghost icon" aria-label="Close preview" onClick={() => api.getState().closePreview()}>✕</button>
      </header>
      {p.integrity && p.integrity !== 'ok' ? (
        <p className="artifact-integrity" role="alert" data-testid="artifact-integrity-warning">
          {p.integrity === 'blob missing'
            ? 'Blob missing: the metadata names content that is not in the folder. Nothing can be shown.'
            : 'sha256 mismatch: these bytes are not what was stored (the blob was changed after it was written). Do not trust what follows.'}
        </p>
      ) : null}
      {p.loading || downloading ? <ProgressBar done={p.loadedBytes} total={p.sizeBytes} label="Loading artifact" /> : null}
      {p.error ? <p className="field-error">Could not read the artifact: {p.error}. Close the preview and open it again.</p> : null}
      <PreviewBody p={p} api={api} />
    </section>
  );
}

function useDecodedText(p: Preview): string {
  return useMemo(() => {
    const d = new TextDecoder('utf-8', { fatal: false });
    return p.chunks.map((c, i) => d.decode(c, { stream: i < p.chunks.length - 1 })).join('');
  }, [p.chunks]);
}

function PreviewBody({ p, api }: { p: Preview; api: ArtifactsStoreApi }) {
  const text = useDecodedText(p);
  const more = !p.eof && p.chunks.length > 0 && (p.kind === 'text' || p.kind === 'json');
  const moreButton = more ? (
    <button type="button" className="btn small" onClick={() => void api.getState().loadMore(p.loadedBytes + 1024 * 1024)} disabled={p.loading}>
      Load 1 MiB more ({formatBytes(p.sizeBytes - p.loadedBytes)} left)
    </button>
  ) : null;
  switch (p.kind) {
    case 'json':
      return p.eof ? (
        <JsonTreeView json={text} label="Artifact JSON" openDepth={2} />
      ) : (
        <>
          <p className="faint">Showing the first {formatBytes(p.loadedBytes)} as text; load it all to see the tree.</p>
          <pre className="artifact-text">{text}</pre>
          {moreButton}
        </>
      );
    case 'text':
      return (
        <>
          <pre className="artifact-text">{text}</pre>
          {moreButton}
        </>
      );
    case 'image':
      return <ImageView p={p} />;
    case 'binary':
      return <HexView p={p} />;
  }
}

function ImageView({ p }: { p: Preview }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!p.eof) return;
    const u = URL.createObjectURL(new Blob([concatBytes(p.chunks)], { type: p.contentType }));
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [p.eof, p.chunks, p.contentType]);
  if (!p.eof && !p.loading) return <p className="faint">This image is too large to preview ({formatBytes(p.sizeBytes)}). Download it instead.</p>;
  return url ? <img className="artifact-image" src={url} alt={`Artifact ${p.artifactId}`} /> : null;
}

function HexView({ p }: { p: Preview }) {
  const lines = useMemo(() => (p.chunks[0] ? hexLines(p.chunks[0], 0, 512) : []), [p.chunks]);
  return (
    <div className="hex-view">
      <p className="faint">Binary: the first {Math.min(512, p.loadedBytes)} of {p.sizeBytes.toLocaleString()} bytes.</p>
      <pre className="hex mono" aria-label="Hex view of the first bytes">
        {lines.map((l) => `${l.offset}  ${l.hex.padEnd(49)}  |${l.ascii}|`).join('\n')}
      </pre>
    </div>
  );
}
