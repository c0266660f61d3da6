import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { type ArtifactsStore } from './artifacts-store';
import { type ChainStore } from './chain-store';
import { type DiffStore } from './diff-store';
import { type PromptsStore } from './prompts-store';
import { type RecordStore } from './record-store';
import { type RunControlStore } from './run-control-store';
import { type RunViewStore } from './run-view-store';
import { type RunsStore } from './runs-store';
import { type SettingsStore } from './settings-store';
import { type SnapshotsStore } from './snapshots-store';
import { type StudioStores } from './studio-stores';
import { type UiStore } from './ui-store';
import { type WorkspaceStore } from './workspace-store';

const StoresContext = createContext<StudioStores | null>(null);

/** Provides one window's stores; tests and a second window could provide others. */
export function StoresProvider({ stores, children }: { stores: StudioStores; children: ReactNode }) {
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>;
}

/** The stores themselves, for event handlers that call actions (`getState()`), not for rendering. */
export function useStores(): StudioStores {
  const s = useContext(StoresContext);
  if (!s) throw new Error('useStores must be used inside <StoresProvider>.');
  return s;
}

export const useUi = <T,>(sel: (s: UiStore) => T): T => useStore(useStores().ui, sel);
export const useWorkspace = <T,>(sel: (s: WorkspaceStore) => T): T => useStore(useStores().workspace, sel);
export const useRuns = <T,>(sel: (s: RunsStore) => T): T => useStore(useStores().runs, sel);
export const useRunView = <T,>(sel: (s: RunViewStore) => T): T => useStore(useStores().runView, sel);
export const useDiff = <T,>(sel: (s: DiffStore) => T): T => useStore(useStores().diff, sel);
export const useRecord = <T,>(sel: (s: RecordStore) => T): T => useStore(useStores().record, sel);
export const useCompare = <T,>(sel: (s: DiffStore) => T): T => useStore(useStores().compare, sel);
export const useChain = <T,>(sel: (s: ChainStore) => T): T => useStore(useStores().chain, sel);
export const useControl = <T,>(sel: (s: RunControlStore) => T): T => useStore(useStores().control, sel);
export const usePrompts = <T,>(sel: (s: PromptsStore) => T): T => useStore(useStores().prompts, sel);
export const useSnapshots = <T,>(sel: (s: SnapshotsStore) => T): T => useStore(useStores().snapshots, sel);
export const useArtifacts = <T,>(sel: (s: ArtifactsStore) => T): T => useStore(useStores().artifacts, sel);
export const useSettings = <T,>(sel: (s: SettingsStore) => T): T => useStore(useStores().settings, sel);
