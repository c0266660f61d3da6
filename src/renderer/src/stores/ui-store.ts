import { createStore, type StoreApi } from 'zustand/vanilla';
import { describeError } from '../lib/error-advice';

export type ThemePreference = 'system' | 'light' | 'dark';
export type MainView = 'run' | 'inbox' | 'artifacts' | 'snapshots' | 'settings';
export type InspectorTab = 'record' | 'state' | 'snapshots' | 'artifacts' | 'provenance' | 'conversation';

export interface Toast {
  id: number;
  tone: 'error' | 'info' | 'success';
  title: string;
  message: string;
  advice: string | null;
  code: string | null;
  /**
   * What the toast is about, when it can stop being true: `dismissScope` takes it down then (a
   * failed open once the next open succeeds, so no message outlives what it said).
   */
  scope?: string | null;
}

/** A long operation in flight, shown in the header so nothing looks frozen. */
export interface BusyOperation {
  id: number;
  label: string;
  startedAt: number;
}

export interface UiState {
  theme: ThemePreference;
  helpOpen: boolean;
  view: MainView;
  inspectorTab: InspectorTab;
  toasts: readonly Toast[];
  busy: readonly BusyOperation[];
  /** Bumped to ask the runs search box to take focus (the `/` shortcut). */
  searchFocusTick: number;
  /** Bumped to open the snapshot form with its name field focused (the `b` shortcut). */
  bookmarkTick: number;
}

export interface UiActions {
  setTheme(theme: ThemePreference): void;
  setHelpOpen(open: boolean): void;
  setView(view: MainView): void;
  setInspectorTab(tab: InspectorTab): void;
  notify(toast: Omit<Toast, 'id' | 'advice' | 'code'> & Partial<Pick<Toast, 'advice' | 'code'>>): void;
  dismiss(id: number): void;
  /** Takes down every toast about `scope` (see Toast.scope). */
  dismissScope(scope: string): void;
  /** Shows an error with what went wrong and what to do; returns nothing so callers can just `catch`. */
  reportError(err: unknown, title: string, scope?: string): void;
  /** Runs a long operation with a visible progress entry; rethrows its failure. */
  track<T>(label: string, work: Promise<T>): Promise<T>;
  requestSearchFocus(): void;
  requestBookmark(): void;
}

export type UiStore = UiState & UiActions;
export type UiStoreApi = StoreApi<UiStore>;

const THEME_KEY = 'studio.theme';
const MAX_TOASTS = 4;

export interface UiDeps {
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
  now?: () => number;
}

function initialTheme(storage: UiDeps['storage']): ThemePreference {
  const t = storage?.getItem(THEME_KEY);
  return t === 'light' || t === 'dark' ? t : 'system';
}

export function createUiStore(deps: UiDeps = {}): UiStoreApi {
  let nextId = 1;
  const now = deps.now ?? Date.now;
  return createStore<UiStore>()((set, get) => ({
    theme: initialTheme(deps.storage),
    helpOpen: false,
    view: 'run',
    inspectorTab: 'record',
    toasts: [],
    busy: [],
    searchFocusTick: 0,
    bookmarkTick: 0,

    setTheme: (theme) => {
      deps.storage?.setItem(THEME_KEY, theme);
      set({ theme });
    },
    setHelpOpen: (helpOpen) => set({ helpOpen }),
    setView: (view) => set({ view }),
    setInspectorTab: (inspectorTab) => set({ inspectorTab }),
    notify: (t) => {
      const toast: Toast = { advice: null, code: null, ...t, id: nextId++ };
      set((s) => ({ toasts: [...s.toasts, toast].slice(-MAX_TOASTS) }));
    },
    dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
    dismissScope: (scope) => {
      if (get().toasts.some((t) => t.scope === scope)) set((s) => ({ toasts: s.toasts.filter((t) => t.scope !== scope) }));
    },
    reportError: (err, title, scope) => {
      const r = describeError(err, title);
      get().notify({ tone: 'error', title: r.title, message: r.message, advice: r.advice, code: r.code, scope: scope ?? null });
    },
    track: async (label, work) => {
      const op: BusyOperation = { id: nextId++, label, startedAt: now() };
      set((s) => ({ busy: [...s.busy, op] }));
      try {
        return await work;
      } finally {
        set((s) => ({ busy: s.busy.filter((b) => b.id !== op.id) }));
      }
    },
    requestSearchFocus: () => set((s) => ({ searchFocusTick: s.searchFocusTick + 1 })),
    requestBookmark: () => set((s) => ({ inspectorTab: 'snapshots', bookmarkTick: s.bookmarkTick + 1 })),
  }));
}

export const selectTheme = (s: UiStore) => s.theme;
export const selectHelpOpen = (s: UiStore) => s.helpOpen;
export const selectView = (s: UiStore) => s.view;
export const selectInspectorTab = (s: UiStore) => s.inspectorTab;
export const selectToasts = (s: UiStore) => s.toasts;
export const selectBusy = (s: UiStore) => s.busy;
export const selectSearchFocusTick = (s: UiStore) => s.searchFocusTick;
export const selectBookmarkTick = (s: UiStore) => s.bookmarkTick;
