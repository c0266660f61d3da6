import { type StudioClient } from '../../../shared/contract';
import { eventsFirst } from '../client/events-first-client';
import { LiveUpdates } from './live-updates';
import { createArtifactsStore, type ArtifactsStoreApi } from './artifacts-store';
import { createChainStore, type ChainStoreApi } from './chain-store';
import { createDiffStore, type DiffStoreApi } from './diff-store';
import { createPromptsStore, type PromptsStoreApi } from './prompts-store';
import { createRecordStore, type RecordStoreApi } from './record-store';
import { createRunControlStore, type RunControlStoreApi } from './run-control-store';
import { createRunViewStore, type RunViewStoreApi } from './run-view-store';
import { createRunsStore, type RunsStoreApi } from './runs-store';
import { createSettingsStore, type SettingsStoreApi } from './settings-store';
import { createSnapshotsStore, type SnapshotsStoreApi } from './snapshots-store';
import { createUiStore, type UiDeps, type UiStoreApi } from './ui-store';
import { createWorkspaceStore, type WorkspaceStoreApi } from './workspace-store';

/** Every store of one Studio window, created around one client. */
export interface StudioStores {
  /** The backend, answering only after the live updates held for the next frame are in. */
  client: StudioClient;
  /** Live updates of driven runs, taken once a frame (wired to the stores by wireStores). */
  live: LiveUpdates;
  ui: UiStoreApi;
  workspace: WorkspaceStoreApi;
  runs: RunsStoreApi;
  runView: RunViewStoreApi;
  diff: DiffStoreApi;
  /** The selected ledger record in full (the record panel). */
  record: RecordStoreApi;
  /** A second diff, between any two records of the run (the State tab's compare). */
  compare: DiffStoreApi;
  chain: ChainStoreApi;
  control: RunControlStoreApi;
  prompts: PromptsStoreApi;
  /** Snapshots and artifacts of the selected run (inspector tabs)… */
  snapshots: SnapshotsStoreApi;
  artifacts: ArtifactsStoreApi;
  /** …and of the whole workspace (the Snapshots and Artifacts pages), kept apart so neither resets the other. */
  allSnapshots: SnapshotsStoreApi;
  allArtifacts: ArtifactsStoreApi;
  /** The workspace's LLM server, headers and tool approvals (the Settings page). */
  settings: SettingsStoreApi;
}

export function createStudioStores(backend: StudioClient, uiDeps: UiDeps = {}): StudioStores {
  const live = new LiveUpdates();
  const client = eventsFirst(backend, () => live.flush());
  const ui = createUiStore(uiDeps);
  const runs = createRunsStore(client, ui);
  const runView = createRunViewStore(client, ui);
  return {
    client,
    live,
    ui,
    workspace: createWorkspaceStore(client, ui),
    runs,
    runView,
    diff: createDiffStore(client),
    record: createRecordStore(client),
    compare: createDiffStore(client, { delayMs: 0 }),
    chain: createChainStore(client, ui),
    control: createRunControlStore({ client, ui, runView, runs }),
    prompts: createPromptsStore(client, ui),
    snapshots: createSnapshotsStore(client, ui),
    artifacts: createArtifactsStore(client, ui),
    allSnapshots: createSnapshotsStore(client, ui),
    allArtifacts: createArtifactsStore(client, ui),
    settings: createSettingsStore(client, ui),
  };
}
