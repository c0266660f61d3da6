import { createStore, type StoreApi } from 'zustand/vanilla';
import { type PendingPrompt, type RunDetail, type RunSummary, type StudioClient, StudioError } from '../../../shared/contract';
import { ReadOrder } from '../lib/read-order';
import { type UiStoreApi } from './ui-store';

export const promptKey = (p: Pick<PendingPrompt, 'runId' | 'waitKey'>): string => `${p.runId}\u0000${p.waitKey ?? ''}`;

export interface PromptsState {
  items: readonly PendingPrompt[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** Keys of prompts being answered (their buttons show progress and are disabled). */
  answering: readonly string[];
}

export interface PromptsActions {
  load(): Promise<void>;
  applyPending(prompt: PendingPrompt): void;
  applyAnswered(runId: string, waitKey: string | null): void;
  /** A run's saved state: prompts of waits it no longer has (resolved by the scheduler, a child, another process) leave. */
  applyRunChanged(run: RunFacts): void;
  /** ask_user and approvals: `prompts.answer`. */
  answer(prompt: PendingPrompt, payloadJson: string): Promise<RunDetail | null>;
  /** wait_event: `runs.resumeEvent` with a payload typed by the person. */
  resumeEvent(prompt: PendingPrompt, payloadJson: string): Promise<RunDetail | null>;
  /** wait_until: `runs.fastForward`, so nobody waits for a test's timer. */
  fastForward(prompt: PendingPrompt): Promise<RunDetail | null>;
}

export type PromptsStore = PromptsState & PromptsActions;
export type PromptsStoreApi = StoreApi<PromptsStore>;

/** Oldest first: whoever has waited longest is answered first. */
const bySince = (a: PendingPrompt, b: PendingPrompt) => a.since.localeCompare(b.since) || a.runId.localeCompare(b.runId);

export function upsertPrompt(items: readonly PendingPrompt[], p: PendingPrompt): PendingPrompt[] {
  const k = promptKey(p);
  return [...items.filter((x) => promptKey(x) !== k), p].sort(bySince);
}

/** A run answers one wait at a time; an answer with a null key clears every prompt of the run. */
export function removePrompt(items: readonly PendingPrompt[], runId: string, waitKey: string | null): PendingPrompt[] {
  return items.filter((x) => x.runId !== runId || (waitKey !== null && x.waitKey !== waitKey));
}

type RunFacts = Pick<RunSummary, 'runId' | 'status' | 'waitReason' | 'updatedAt'>;

/**
 * The prompts still true of a run in its latest state: none unless it waits, and only those of the
 * kind of wait it is in. Nobody needs to have answered: a timer fires, a child run finishes. A
 * state older than the prompt (a late event) says nothing about it.
 */
export function keepLivePrompts(items: readonly PendingPrompt[], run: RunFacts): readonly PendingPrompt[] {
  const stale = (x: PendingPrompt) =>
    x.runId === run.runId && run.updatedAt >= x.since && (run.status !== 'waiting' || x.reason !== run.waitReason);
  return items.some(stale) ? items.filter((x) => !stale(x)) : items;
}

type Edit = (items: readonly PendingPrompt[]) => readonly PendingPrompt[];

export function createPromptsStore(client: StudioClient, ui: UiStoreApi): PromptsStoreApi {
  // A list answers after the events of what happened once it was read (an answer given elsewhere,
  // a new prompt, a run that stopped waiting): those edits are replayed onto it, or it would undo
  // them, and nothing would correct it until the next load. Loads answering out of order: the
  // newest sent wins.
  const order = new ReadOrder();
  let loadsInFlight = 0;
  let log: Edit[] = [];
  let logBase = 0;

  return createStore<PromptsStore>()((set, get) => {
    function edit(e: Edit): void {
      const items = e(get().items);
      if (items !== get().items) set({ items });
      if (loadsInFlight > 0) log.push(e);
    }

    async function respond(p: PendingPrompt, label: string, call: () => Promise<RunDetail>): Promise<RunDetail | null> {
      const k = promptKey(p);
      set({ answering: [...get().answering, k] });
      try {
        const detail = await ui.getState().track(label, call());
        edit((items) => removePrompt(items, p.runId, p.waitKey));
        return detail;
      } catch (err) {
        ui.getState().reportError(err, `Could not answer run ${p.runId}`);
        // Someone else acted first: the wait this card offers is gone, and the message says who took it.
        if (err instanceof StudioError && err.code === 'RUN_NOT_WAITING') edit((items) => removePrompt(items, p.runId, p.waitKey));
        return null;
      } finally {
        set({ answering: get().answering.filter((x) => x !== k) });
      }
    }

    return {
      items: [],
      status: 'idle',
      answering: [],

      load: async () => {
        set({ status: 'loading' });
        const ticket = order.ticket();
        const from = logBase + log.length;
        loadsInFlight++;
        try {
          const loaded = await client.invoke('prompts.list', {});
          if (!order.admit(ticket)) return;
          let items: readonly PendingPrompt[] = [...loaded].sort(bySince);
          for (const e of log.slice(from - logBase)) items = e(items);
          set({ items, status: 'ready' });
        } catch (err) {
          if (!order.admit(ticket)) return;
          set({ status: 'error' });
          ui.getState().reportError(err, 'Could not load pending prompts');
        } finally {
          if (--loadsInFlight === 0) {
            logBase += log.length;
            log = [];
          }
        }
      },
      applyPending: (p) => edit((items) => upsertPrompt(items, p)),
      applyAnswered: (runId, waitKey) => edit((items) => removePrompt(items, runId, waitKey)),
      applyRunChanged: (run) => edit((items) => keepLivePrompts(items, run)),
      answer: (p, payloadJson) => respond(p, 'Sending answer', () => client.invoke('prompts.answer', { runId: p.runId, waitKey: p.waitKey, payloadJson })),
      resumeEvent: (p, payloadJson) =>
        respond(p, 'Resuming with event', () => client.invoke('runs.resumeEvent', { runId: p.runId, waitKey: p.waitKey, payloadJson })),
      fastForward: (p) => respond(p, 'Fast-forwarding timer', () => client.invoke('runs.fastForward', { runId: p.runId })),
    };
  });
}

export const selectPrompts = (s: PromptsStore) => s.items;
export const selectPromptsStatus = (s: PromptsStore) => s.status;
export const selectAnswering = (s: PromptsStore) => s.answering;
export const selectPromptCount = (s: PromptsStore) => s.items.length;
