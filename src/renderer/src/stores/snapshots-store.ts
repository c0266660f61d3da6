import { createStore, type StoreApi } from 'zustand/vanilla';
import { type RestorePreview, type RunDetail, type SnapshotInfo, type StudioClient } from '../../../shared/contract';
import { type UiStoreApi } from './ui-store';

export interface SnapshotScope {
  runId: string | null;
  query: string;
  tag: string | null;
}

export interface RestoreConfirmation {
  snapshotId: string;
  status: 'loading' | 'ready' | 'error';
  preview: RestorePreview | null;
  error: string | null;
}

export interface SnapshotsState {
  scope: SnapshotScope;
  items: readonly SnapshotInfo[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  confirmation: RestoreConfirmation | null;
}

export interface SnapshotsActions {
  load(scope?: Partial<SnapshotScope>): Promise<void>;
  create(input: { runId: string; name: string; description: string | null; tags: string[] }): Promise<SnapshotInfo | null>;
  update(snapshotId: string, patch: { name?: string; description?: string | null; tags?: string[] }): Promise<void>;
  remove(snapshotId: string): Promise<void>;
  /** Opens the restore confirmation with the diff of what would change. */
  askRestore(snapshotId: string): Promise<void>;
  cancelRestore(): void;
  confirmRestore(): Promise<RunDetail | null>;
}

export type SnapshotsStore = SnapshotsState & SnapshotsActions;
export type SnapshotsStoreApi = StoreApi<SnapshotsStore>;

/** Splits "a, b ,,c" into clean tags (the tag field is free text). */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((t) => t.trim()).filter(Boolean))];
}

export function createSnapshotsStore(client: StudioClient, ui: UiStoreApi): SnapshotsStoreApi {
  return createStore<SnapshotsStore>()((set, get) => ({
    scope: { runId: null, query: '', tag: null },
    items: [],
    status: 'idle',
    confirmation: null,

    load: async (partial) => {
      const scope = { ...get().scope, ...partial };
      set({ scope, status: 'loading' });
      try {
        const items = await client.invoke('snapshots.list', { runId: scope.runId, tag: scope.tag, query: scope.query.trim() || null });
        const now = get().scope;
        if (now.runId === scope.runId && now.query === scope.query && now.tag === scope.tag) set({ items, status: 'ready' });
      } catch (err) {
        set({ status: 'error' });
        ui.getState().reportError(err, 'Could not list snapshots');
      }
    },

    create: async (input) => {
      try {
        const snap = await ui.getState().track('Saving snapshot', client.invoke('snapshots.create', input));
        ui.getState().notify({ tone: 'success', title: 'Snapshot saved', message: `“${snap.name}” bookmarks run ${snap.runId} at ${snap.currentNode ?? 'its current node'}.` });
        await get().load();
        return snap;
      } catch (err) {
        ui.getState().reportError(err, 'Could not save the snapshot');
        return null;
      }
    },

    update: async (snapshotId, patch) => {
      try {
        await client.invoke('snapshots.update', { snapshotId, ...patch });
        await get().load();
      } catch (err) {
        ui.getState().reportError(err, 'Could not update the snapshot');
      }
    },

    remove: async (snapshotId) => {
      try {
        await client.invoke('snapshots.delete', { snapshotId });
        set({ items: get().items.filter((s) => s.snapshotId !== snapshotId) });
      } catch (err) {
        ui.getState().reportError(err, 'Could not delete the snapshot');
      }
    },

    askRestore: async (snapshotId) => {
      set({ confirmation: { snapshotId, status: 'loading', preview: null, error: null } });
      try {
        const preview = await client.invoke('snapshots.previewRestore', { snapshotId });
        if (get().confirmation?.snapshotId === snapshotId) set({ confirmation: { snapshotId, status: 'ready', preview, error: null } });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (get().confirmation?.snapshotId === snapshotId) set({ confirmation: { snapshotId, status: 'error', preview: null, error: message } });
      }
    },

    cancelRestore: () => set({ confirmation: null }),

    confirmRestore: async () => {
      const c = get().confirmation;
      if (!c) return null;
      try {
        const detail = await ui.getState().track('Restoring snapshot', client.invoke('snapshots.restore', { snapshotId: c.snapshotId }));
        set({ confirmation: null });
        ui.getState().notify({ tone: 'success', title: 'Run restored', message: `Run ${detail.runId} is back at ${detail.currentNode}.` });
        return detail;
      } catch (err) {
        ui.getState().reportError(err, 'Could not restore the snapshot');
        return null;
      }
    },
  }));
}

export const selectSnapshots = (s: SnapshotsStore) => s.items;
export const selectSnapshotScope = (s: SnapshotsStore) => s.scope;
export const selectSnapshotsStatus = (s: SnapshotsStore) => s.status;
export const selectRestoreConfirmation = (s: SnapshotsStore) => s.confirmation;
