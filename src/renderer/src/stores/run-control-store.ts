import { createStore, type StoreApi } from 'zustand/vanilla';
import { type RunDetail, type StudioClient } from '../../../shared/contract';
import { type RunViewStoreApi } from './run-view-store';
import { type RunsStoreApi } from './runs-store';
import { type UiStoreApi } from './ui-store';

export type RunCommand = 'start' | 'step' | 'continue' | 'pause' | 'cancel' | 'fork' | 'breakpoint';

export interface RunControlState {
  /** The command in flight (its button shows progress; the others wait). */
  pending: RunCommand | null;
  /** The last drive error of each run, as the backend pushed it (`run.driveError`). */
  driveErrors: Record<string, string>;
}

export interface RunControlActions {
  start(workflowId: string, varsJson: string | null, pausedAtEntry: boolean): Promise<RunDetail | null>;
  step(): Promise<void>;
  continueRun(): Promise<void>;
  pause(): Promise<void>;
  cancel(reason: string | null): Promise<void>;
  toggleBreakpoint(nodeId: string): Promise<void>;
  /** Forks the selected run at a record (or its current state), or a snapshot. */
  fork(from: { seq?: number; snapshotId?: string; varsJson?: string }): Promise<RunDetail | null>;
  applyDriveError(runId: string, message: string): void;
}

export type RunControlStore = RunControlState & RunControlActions;
export type RunControlStoreApi = StoreApi<RunControlStore>;

export interface RunControlDeps {
  client: StudioClient;
  ui: UiStoreApi;
  runView: RunViewStoreApi;
  runs: RunsStoreApi;
}

const LABELS: Record<RunCommand, string> = {
  start: 'Starting run', step: 'Stepping one node', continue: 'Continuing run', pause: 'Pausing run',
  cancel: 'Cancelling run', fork: 'Forking run', breakpoint: 'Setting breakpoint',
};

const FAILURES: Record<RunCommand, string> = {
  start: 'Could not start the run', step: 'Could not step the run', continue: 'Could not continue the run',
  pause: 'Could not pause the run', cancel: 'Could not cancel the run', fork: 'Could not fork the run',
  breakpoint: 'Could not change the breakpoint',
};

export function createRunControlStore({ client, ui, runView, runs }: RunControlDeps): RunControlStoreApi {
  return createStore<RunControlStore>()((set, get) => {
    /** Runs one command at a time, with progress and a readable failure. */
    async function run<T>(cmd: RunCommand, work: () => Promise<T>): Promise<T | null> {
      if (get().pending) return null;
      set({ pending: cmd });
      try {
        return await ui.getState().track(LABELS[cmd], work());
      } catch (err) {
        ui.getState().reportError(err, FAILURES[cmd]);
        return null;
      } finally {
        set({ pending: null });
      }
    }

    const selected = () => runView.getState().runId;

    function clearDriveError(runId: string): void {
      if (!(runId in get().driveErrors)) return;
      const { [runId]: _gone, ...rest } = get().driveErrors;
      set({ driveErrors: rest });
    }

    async function onSelected(cmd: RunCommand, call: (runId: string) => Promise<RunDetail>): Promise<void> {
      const runId = selected();
      if (!runId) return;
      const detail = await run(cmd, () => call(runId));
      if (detail) runView.getState().applyDetail(detail);
    }

    async function openNew(detail: RunDetail | null): Promise<RunDetail | null> {
      if (!detail) return null;
      ui.getState().setView('run');
      await runView.getState().open(detail.runId);
      void runs.getState().refresh();
      return detail;
    }

    return {
      pending: null,
      driveErrors: {},

      start: async (workflowId, varsJson, pausedAtEntry) =>
        openNew(await run('start', () => client.invoke('runs.start', { workflowId, varsJson, pausedAtEntry }))),

      // Where the person saw the run goes along: a run that moved on since is refused, not stepped.
      step: async () => {
        const runId = selected();
        if (!runId) return;
        const d = runView.getState().detail;
        const expect = d?.runId === runId ? { currentNode: d.currentNode, updatedAt: d.updatedAt } : undefined;
        const detail = await run('step', () => client.invoke('runs.step', { runId, expect }));
        if (detail) runView.getState().applyDetail(detail);
        // Refused (it moved on, or stopped running): show where it stands now.
        else await runView.getState().reloadDetail();
      },
      continueRun: async () => {
        const runId = selected();
        if (runId) clearDriveError(runId);
        await onSelected('continue', (id) => client.invoke('runs.continue', { runId: id }));
      },
      pause: () => onSelected('pause', (runId) => client.invoke('runs.pause', { runId })),

      cancel: async (reason) => {
        const runId = selected();
        if (!runId) return;
        const changed = await run('cancel', () => client.invoke('runs.cancel', { runId, reason, withChildren: true }));
        if (changed) {
          for (const r of changed) runs.getState().applyRunChanged(r);
          await runView.getState().reloadDetail();
        }
      },

      toggleBreakpoint: async (nodeId) => {
        const d = runView.getState().detail;
        if (!d) return;
        const enabled = !d.breakpoints.includes(nodeId);
        await onSelected('breakpoint', (runId) => client.invoke('runs.setBreakpoint', { runId, nodeId, enabled }));
      },

      fork: async (from) => {
        const runId = selected();
        const request = from.snapshotId ? { snapshotId: from.snapshotId, pausedAtEntry: true } : runId ? { runId, seq: from.seq, pausedAtEntry: true, ...(from.varsJson !== undefined ? { varsJson: from.varsJson } : {}) } : null;
        if (!request) return null;
        const detail = await openNew(await run('fork', () => client.invoke('runs.fork', request)));
        if (detail) ui.getState().notify({ tone: 'success', title: 'Fork created', message: `Run ${detail.runId} starts from ${detail.forkedFrom?.snapshotId ? 'the snapshot' : `record ${detail.forkedFrom?.seq ?? 'head'}`}${from.varsJson !== undefined ? ' with your edited vars' : ''}, paused.` });
        return detail;
      },

      applyDriveError: (runId, message) => {
        set({ driveErrors: { ...get().driveErrors, [runId]: message } });
        if (selected() === runId) void runView.getState().reloadDetail();
      },
    };
  });
}

export const selectPendingCommand = (s: RunControlStore) => s.pending;
