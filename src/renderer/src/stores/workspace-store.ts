import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  type InferredGraph,
  type SchedulerStatus,
  type StudioClient,
  type WorkflowInfo,
  type WorkspaceInfo,
} from '../../../shared/contract';
import { type ConnectionState } from '../client/connection';
import { type UiStoreApi } from './ui-store';

export interface WorkspaceState {
  workspace: WorkspaceInfo | null;
  workflows: readonly WorkflowInfo[];
  workflowsById: ReadonlyMap<string, WorkflowInfo>;
  /** Names of the actors the source knows (actor id → display name), so screens show names, not ids. */
  actorNames: ReadonlyMap<string, string>;
  /** What each workflow's runs showed of its graph (node kinds, edges taken), by workflow id. */
  inferred: ReadonlyMap<string, InferredGraph>;
  scheduler: SchedulerStatus | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** Why the last Open… failed (its code and message), for the dialog to show; null after a success. */
  openError: { code: string; message: string } | null;
  connection: ConnectionState;
}

export interface WorkspaceActions {
  load(): Promise<void>;
  openPythonFolder(path: string): Promise<boolean>;
  openBundle(path: string): Promise<boolean>;
  openWorkspace(path: string): Promise<boolean>;
  /** Answers "run the code this workspace names?" for the open workspace, then reloads it. */
  trustWorkspace(trusted: boolean): Promise<boolean>;
  setWorkspace(workspace: WorkspaceInfo | null): void;
  /** Adds a folder of workflow modules to the open workspace (asked about by the trust prompt next). */
  addWorkflowFolder(path: string): Promise<boolean>;
  /** A module changed on disk: the reloaded workflows and the workspace's load errors. */
  setWorkflows(sourceId: string, workspace: WorkspaceInfo, workflows: readonly WorkflowInfo[]): void;
  /** Reads again what the runs of a workflow showed of its graph. */
  loadInferred(workflowId: string): Promise<void>;
  setScheduler(status: SchedulerStatus): void;
  setConnection(state: ConnectionState): void;
}

export type WorkspaceStore = WorkspaceState & WorkspaceActions;
export type WorkspaceStoreApi = StoreApi<WorkspaceStore>;

/** A PostgreSQL URL's password never reaches the screen, not even in the title of an error. */
export function withoutPassword(path: string): string {
  if (!/^postgres(ql)?:\/\//i.test(path)) return path;
  try {
    const u = new URL(path);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return `${path.split('//')[0]}//***`; // not even a URL: nothing of it is shown
  }
}

const byId = (list: readonly WorkflowInfo[]) => new Map(list.map((w) => [w.workflowId, w]));

/** The toasts of failed opens (see Toast.scope). */
const OPEN_SCOPE = 'workspace.open';

export function createWorkspaceStore(client: StudioClient, ui: UiStoreApi): WorkspaceStoreApi {
  return createStore<WorkspaceStore>()((set, get) => {
    async function loadAll(): Promise<void> {
      set({ status: 'loading', error: null });
      try {
        const [workspace, scheduler] = await Promise.all([
          client.invoke('workspace.current', {}),
          client.invoke('scheduler.status', {}).catch(() => null),
        ]);
        const workflows = workspace ? await client.invoke('workflows.list', {}) : [];
        // Names are a nicety: without them the ids still show.
        const actors = workspace ? await client.invoke('workspace.actors', {}).catch(() => []) : [];
        const actorNames = new Map(actors.map((a) => [a.actorId, a.displayName]));
        // What runs showed belongs to the workspace: kept across a reload of the same one, dropped for another.
        const inferred = workspace?.id === get().workspace?.id ? get().inferred : new Map<string, InferredGraph>();
        set({ workspace, scheduler, workflows, workflowsById: byId(workflows), inferred, actorNames, status: 'ready' });
      } catch (err) {
        set({ status: 'error', error: err instanceof Error ? err.message : String(err) });
        ui.getState().reportError(err, 'Could not load the workspace');
      }
    }

    async function open(op: 'workspace.open' | 'workspace.openPythonFolder' | 'workspace.openBundle', path: string, label: string): Promise<boolean> {
      set({ openError: null });
      try {
        const workspace = await ui.getState().track(label, client.invoke(op, { path }));
        // An earlier failed open's message is no longer true: something is open now.
        ui.getState().dismissScope(OPEN_SCOPE);
        set({ workspace });
        await loadAll();
        return true;
      } catch (err) {
        const e = err as { code?: unknown; message?: unknown };
        set({ openError: { code: typeof e.code === 'string' ? e.code : 'INTERNAL', message: typeof e.message === 'string' ? e.message : String(err) } });
        ui.getState().reportError(err, `Could not open ${withoutPassword(path)}`, OPEN_SCOPE);
        return false;
      }
    }

    return {
      workspace: null,
      workflows: [],
      workflowsById: new Map(),
      inferred: new Map(),
      actorNames: new Map(),
      scheduler: null,
      status: 'idle',
      error: null,
      openError: null,
      connection: client.host === 'electron' ? 'live' : 'connecting',

      load: loadAll,
      openWorkspace: (path) => open('workspace.open', path, 'Opening workspace'),
      openPythonFolder: (path) => open('workspace.openPythonFolder', path, 'Opening Python data folder'),
      openBundle: (path) => open('workspace.openBundle', path, 'Opening and verifying the audit bundle'),
      trustWorkspace: async (trusted) => {
        const path = get().workspace?.path;
        if (!path) return false;
        try {
          set({ workspace: await ui.getState().track(trusted ? 'Loading the workspace code' : 'Opening read-only', client.invoke('workspace.trust', { path, trusted })) });
          await loadAll();
          return true;
        } catch (err) {
          ui.getState().reportError(err, 'Could not record your answer');
          return false;
        }
      },
      setWorkspace: (workspace) => {
        if (workspace?.id !== get().workspace?.id) void loadAll();
        else set({ workspace });
      },
      addWorkflowFolder: async (path) => {
        try {
          const workspace = await ui.getState().track('Adding the workflow folder', client.invoke('workflows.addFolder', { path }));
          set({ workspace });
          await loadAll();
          return true;
        } catch (err) {
          ui.getState().reportError(err, `Could not add ${path}`);
          return false;
        }
      },
      setWorkflows: (sourceId, workspace, workflows) => {
        // A reload of a workspace closed since is no news for the one open now.
        if (get().workspace?.id !== sourceId) return;
        set({ workspace, workflows, workflowsById: byId(workflows) });
      },
      loadInferred: async (workflowId) => {
        const source = get().workspace?.id;
        // A graph drawn without it is still right, only barer: a failure here is not worth a toast.
        const graph = await client.invoke('workflows.inferred', { workflowId }).catch(() => null);
        if (!graph || get().workspace?.id !== source) return;
        set({ inferred: new Map(get().inferred).set(workflowId, graph) });
      },
      setScheduler: (scheduler) => set({ scheduler }),
      setConnection: (connection) => set({ connection }),
    };
  });
}

export const selectWorkspace = (s: WorkspaceStore) => s.workspace;
export const selectWorkflows = (s: WorkspaceStore) => s.workflows;
export const selectWorkflowsById = (s: WorkspaceStore) => s.workflowsById;
export const selectActorNames = (s: WorkspaceStore) => s.actorNames;
export const selectScheduler = (s: WorkspaceStore) => s.scheduler;
export const selectConnection = (s: WorkspaceStore) => s.connection;
export const selectWorkspaceStatus = (s: WorkspaceStore) => s.status;
export const selectInferred = (s: WorkspaceStore) => s.inferred;
export const selectReadOnly = (s: WorkspaceStore) => s.workspace?.readOnly ?? false;
/** A PostgreSQL workspace: its workers drive the runs, this Studio only asks (answers, cancels, restores). */
export const selectDrivenByWorkers = (s: WorkspaceStore) => s.workspace?.kind === 'postgres';
