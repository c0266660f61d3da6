import { createStore, type StoreApi } from 'zustand/vanilla';
import { type ArtifactInfo, type ArtifactIntegrity, type StudioClient } from '../../../shared/contract';
import { base64ToBytes, previewKind, type PreviewKind } from '../lib/hex-view';
import { type UiStoreApi } from './ui-store';

export const ARTIFACT_CHUNK = 64 * 1024;
/** Text and JSON previews load up to this much by themselves; beyond it the person asks for more. */
export const AUTO_PREVIEW_BYTES = 1024 * 1024;
/** Images are decoded whole; larger ones are offered as a download. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

export interface ArtifactPreview {
  artifactId: string;
  contentType: string;
  sizeBytes: number;
  kind: PreviewKind;
  chunks: readonly Uint8Array[];
  loadedBytes: number;
  eof: boolean;
  loading: boolean;
  error: string | null;
  /** What the backend found when it read the bytes; null until the first chunk. */
  integrity: ArtifactIntegrity | null;
}

export interface ArtifactsState {
  scopeRunId: string | null;
  items: readonly ArtifactInfo[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  preview: ArtifactPreview | null;
}

export interface ArtifactsActions {
  load(runId: string | null): Promise<void>;
  openPreview(artifactId: string): Promise<void>;
  /** Loads further chunks, up to `untilBytes` in all (or the end). */
  loadMore(untilBytes: number): Promise<void>;
  closePreview(): void;
  /** The integrity of the artifacts some `{"$artifact": id}` references name (asked, not cached: the source may change). */
  checkRefs(artifactIds: readonly string[]): Promise<ReadonlyMap<string, ArtifactIntegrity>>;
}

export type ArtifactsStore = ArtifactsState & ArtifactsActions;
export type ArtifactsStoreApi = StoreApi<ArtifactsStore>;

/** How much a preview of this kind loads before asking. */
export function autoLoadBytes(kind: PreviewKind, size: number): number {
  if (kind === 'image') return size <= MAX_IMAGE_BYTES ? size : 0;
  if (kind === 'binary') return 0;
  return AUTO_PREVIEW_BYTES;
}

export function createArtifactsStore(client: StudioClient, ui: UiStoreApi): ArtifactsStoreApi {
  return createStore<ArtifactsStore>()((set, get) => {
    const isOpen = (id: string) => get().preview?.artifactId === id;

    async function readChunks(artifactId: string, untilBytes: number, maxReads = Infinity): Promise<void> {
      for (let reads = 0; reads < maxReads && isOpen(artifactId); reads++) {
        const p = get().preview!;
        if (p.eof || p.loadedBytes >= untilBytes) break;
        const chunk = await client.invoke('artifacts.read', { artifactId, offset: p.loadedBytes, length: ARTIFACT_CHUNK });
        if (!isOpen(artifactId)) return;
        const bytes = base64ToBytes(chunk.base64);
        const cur = get().preview!;
        const first = cur.chunks.length === 0;
        set({
          preview: {
            ...cur,
            contentType: chunk.contentType,
            sizeBytes: chunk.sizeBytes,
            // The first bytes settle the preview kind of types that do not say (octet-stream text).
            kind: first ? previewKind(chunk.contentType, bytes) : cur.kind,
            chunks: [...cur.chunks, bytes],
            loadedBytes: cur.loadedBytes + bytes.length,
            eof: chunk.eof || bytes.length === 0,
            integrity: chunk.integrity ?? null,
          },
        });
      }
    }

    async function load(artifactId: string, untilBytes: (p: ArtifactPreview) => number): Promise<void> {
      const p = get().preview;
      if (!p || p.artifactId !== artifactId) return;
      set({ preview: { ...p, loading: true, error: null } });
      try {
        // One chunk first: its bytes decide the preview kind, and a binary preview needs no more.
        if (get().preview!.loadedBytes === 0) await readChunks(artifactId, Infinity, 1);
        const after = get().preview;
        if (after && after.artifactId === artifactId) await readChunks(artifactId, untilBytes(after));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (isOpen(artifactId)) set({ preview: { ...get().preview!, error: message } });
      } finally {
        if (isOpen(artifactId)) set({ preview: { ...get().preview!, loading: false } });
      }
    }

    return {
      scopeRunId: null,
      items: [],
      status: 'idle',
      preview: null,

      load: async (runId) => {
        set({ scopeRunId: runId, status: 'loading' });
        try {
          const items = await client.invoke('artifacts.list', { runId, limit: 1000 });
          if (get().scopeRunId === runId) set({ items, status: 'ready' });
        } catch (err) {
          set({ status: 'error' });
          ui.getState().reportError(err, 'Could not list artifacts');
        }
      },

      openPreview: async (artifactId) => {
        const info = get().items.find((a) => a.artifactId === artifactId);
        const contentType = info?.contentType ?? 'application/octet-stream';
        set({
          preview: {
            artifactId, contentType, sizeBytes: info?.sizeBytes ?? 0, kind: previewKind(contentType),
            chunks: [], loadedBytes: 0, eof: false, loading: true, error: null, integrity: null,
          },
        });
        await load(artifactId, (p) => autoLoadBytes(p.kind, p.sizeBytes));
      },

      loadMore: async (untilBytes) => {
        const p = get().preview;
        if (p) await load(p.artifactId, () => untilBytes);
      },

      closePreview: () => set({ preview: null }),

      checkRefs: async (artifactIds) => {
        if (artifactIds.length === 0) return new Map();
        const checked = await client.invoke('artifacts.check', { artifactIds: artifactIds.slice(0, 500) });
        return new Map(checked.map((c) => [c.artifactId, c.integrity]));
      },
    };
  });
}

export const selectArtifacts = (s: ArtifactsStore) => s.items;
export const selectArtifactsStatus = (s: ArtifactsStore) => s.status;
export const selectArtifactScope = (s: ArtifactsStore) => s.scopeRunId;
export const selectArtifactPreview = (s: ArtifactsStore) => s.preview;
