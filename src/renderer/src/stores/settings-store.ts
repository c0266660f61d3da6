import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  StudioError,
  type LlmCheck,
  type RequestInput,
  type StudioClient,
  type WorkspaceSettings,
} from '../../../shared/contract';
import { type UiStoreApi } from './ui-store';

/**
 * One header row as edited. A stored secret is never sent back by the backend: the row only
 * knows that one is stored, and the person may keep it, replace it or remove it.
 */
export interface HeaderDraft {
  /** Stable React key of the row (names can be edited). */
  key: number;
  name: string;
  secret: boolean;
  /** The typed value: a non-secret header's value, or a new secret (empty while a stored one is kept). */
  value: string;
  /** For a secret: the backend holds a value for it. */
  stored: boolean;
  /** What happens to a stored secret on save. */
  secretAction: 'keep' | 'replace' | 'remove';
}

export interface SettingsDraft {
  baseUrl: string;
  model: string;
  /** Text as typed; checked on save. */
  timeoutS: string;
  headers: readonly HeaderDraft[];
  toolApproval: Readonly<Record<string, boolean>>;
  /** Prices per million tokens as typed (empty: no price); checked on save. */
  promptPerMillion: string;
  completionPerMillion: string;
}

/** Field → problem, from the backend's BAD_REQUEST (or the few checks made before sending). */
export type FieldErrors = Readonly<Record<string, string>>;

export interface ConnectionCheck {
  status: 'testing' | 'done' | 'error';
  result: LlmCheck | null;
  error: string | null;
}

export interface SettingsState {
  status: 'idle' | 'loading' | 'ready' | 'error' | 'read-only';
  /** Why the settings could not be loaded (or why they are read-only). */
  loadError: string | null;
  /** The settings as last loaded or saved. */
  saved: WorkspaceSettings | null;
  draft: SettingsDraft;
  dirty: boolean;
  saving: boolean;
  /** What went wrong with the last save, in words, or null. */
  saveError: string | null;
  fieldErrors: FieldErrors;
  check: ConnectionCheck | null;
}

export interface SettingsActions {
  load(): Promise<void>;
  setField(field: 'baseUrl' | 'model' | 'timeoutS' | 'promptPerMillion' | 'completionPerMillion', value: string): void;
  addHeader(): void;
  updateHeader(key: number, patch: Partial<Pick<HeaderDraft, 'name' | 'value' | 'secret'>>): void;
  /** Starts typing a new value for a stored secret (or cancels, with `false`). */
  replaceSecret(key: number, replacing?: boolean): void;
  /** Marks a stored secret for removal on save (or keeps it, with `false`). */
  removeSecret(key: number, removing?: boolean): void;
  deleteHeader(key: number): void;
  setToolApproval(tool: string, requiresApproval: boolean): void;
  /** Throws away the edits. */
  revert(): void;
  save(): Promise<boolean>;
  /** Saves pending edits first (the check uses the saved settings), then asks the server for an answer. */
  testConnection(): Promise<void>;
}

export type SettingsStore = SettingsState & SettingsActions;
export type SettingsStoreApi = StoreApi<SettingsStore>;

const EMPTY_DRAFT: SettingsDraft = { baseUrl: '', model: '', timeoutS: '', headers: [], toolApproval: {}, promptPerMillion: '', completionPerMillion: '' };

let nextKey = 1;

/** The editable copy of loaded settings. */
export function draftOf(s: WorkspaceSettings): SettingsDraft {
  return {
    baseUrl: s.llm.baseUrl ?? '',
    model: s.llm.model ?? '',
    timeoutS: String(s.llm.timeoutS),
    headers: s.llm.headers.map((h) => ({ key: nextKey++, name: h.name, secret: h.secret, value: h.secret ? '' : (h.value ?? ''), stored: h.stored && h.secret, secretAction: 'keep' as const })),
    toolApproval: Object.fromEntries(s.tools.map((t) => [t.name, t.requiresApproval])),
    promptPerMillion: s.pricing.promptPerMillion === null ? '' : String(s.pricing.promptPerMillion),
    completionPerMillion: s.pricing.completionPerMillion === null ? '' : String(s.pricing.completionPerMillion),
  };
}

export type UpdateRequest = RequestInput<'settings.update'>;

/**
 * The `settings.update` request for a draft, or the problems found before sending. Only what the
 * Studio can check without the backend is checked here (a number, a value to replace a secret
 * with); URL and header names are left to the backend's validation so the rules live in one place.
 */
export function buildUpdate(d: SettingsDraft): { request: UpdateRequest; errors: null } | { request: null; errors: FieldErrors } {
  const errors: Record<string, string> = {};
  const timeout = Number(d.timeoutS.trim());
  if (d.timeoutS.trim() === '' || !Number.isFinite(timeout) || timeout < 1 || timeout > 3600) {
    errors['timeoutS'] = 'Enter a timeout between 1 and 3600 seconds.';
  }
  const price = (field: 'promptPerMillion' | 'completionPerMillion'): number | null => {
    const text = d[field].trim();
    if (text === '') return null;
    const n = Number(text);
    if (!Number.isFinite(n) || n < 0 || n > 1_000_000) errors[field] = 'Enter a price per million tokens (a number from 0), or leave it empty for no cost.';
    return n;
  };
  const pricing = { promptPerMillion: price('promptPerMillion'), completionPerMillion: price('completionPerMillion') };
  const headers: NonNullable<NonNullable<UpdateRequest['llm']>['headers']> = [];
  d.headers.forEach((h, i) => {
    const name = h.name.trim();
    if (!name) {
      errors[`headers.${i}`] = 'Give the header a name (for example Authorization), or remove the row.';
      return;
    }
    if (!h.secret) {
      headers.push({ name, secret: false, value: h.value === '' ? null : h.value });
    } else if (h.stored && h.secretAction === 'keep') {
      headers.push({ name, secret: true });
    } else if (h.stored && h.secretAction === 'remove') {
      headers.push({ name, secret: true, value: null });
    } else if (h.value === '') {
      errors[`headers.${i}`] = h.stored ? 'Type the new secret value, or cancel the replacement.' : 'Type the secret value, or remove the row.';
    } else {
      headers.push({ name, secret: true, value: h.value });
    }
  });
  if (Object.keys(errors).length > 0) return { request: null, errors };
  return {
    request: {
      llm: { baseUrl: d.baseUrl.trim() || null, model: d.model.trim() || null, timeoutS: timeout, headers },
      toolApproval: { ...d.toolApproval },
      pricing,
    },
    errors: null,
  };
}

/**
 * Maps the backend's validation problems ("llm.headers.0.name: Invalid string") onto the fields
 * of the screen, so each message shows next to what to fix.
 */
export function fieldErrorsOf(err: unknown): FieldErrors {
  if (!(err instanceof StudioError) || err.code !== 'BAD_REQUEST') return {};
  const problems = Array.isArray(err.details['problems']) ? (err.details['problems'] as unknown[]).filter((p): p is string => typeof p === 'string') : [];
  const out: Record<string, string> = {};
  for (const p of problems) {
    const m = /^llm\.(baseUrl|model|timeoutS|headers\.(\d+))[^:]*:\s*(.*)$/.exec(p);
    if (!m) continue;
    const field = m[2] !== undefined ? `headers.${m[2]}` : m[1]!;
    out[field] ??= explainProblem(field, m[3] ?? '');
  }
  return out;
}

function explainProblem(field: string, problem: string): string {
  if (field === 'baseUrl') return `Enter the server's address with http:// or https://, for example http://localhost:11434 (${problem}).`;
  if (field === 'model') return `Enter a model name of at most 200 characters (${problem}).`;
  if (field.startsWith('headers.')) return `Header names may use letters, digits and dashes only (${problem}).`;
  return problem;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function createSettingsStore(client: StudioClient, ui: UiStoreApi): SettingsStoreApi {
  return createStore<SettingsStore>()((set, get) => {
    const edit = (patch: Partial<SettingsDraft>) => set((s) => ({ draft: { ...s.draft, ...patch }, dirty: true }));
    const editHeader = (key: number, f: (h: HeaderDraft) => HeaderDraft) => edit({ headers: get().draft.headers.map((h) => (h.key === key ? f(h) : h)) });
    const applySaved = (saved: WorkspaceSettings) => set({ saved, draft: draftOf(saved), dirty: false, saveError: null, fieldErrors: {} });

    return {
      status: 'idle',
      loadError: null,
      saved: null,
      draft: EMPTY_DRAFT,
      dirty: false,
      saving: false,
      saveError: null,
      fieldErrors: {},
      check: null,

      load: async () => {
        set({ status: 'loading', loadError: null, check: null });
        try {
          const saved = await client.invoke('settings.get', {});
          applySaved(saved);
          set({ status: 'ready' });
        } catch (err) {
          if (err instanceof StudioError && err.code === 'READ_ONLY') {
            set({ status: 'read-only', loadError: err.message, saved: null, draft: EMPTY_DRAFT, dirty: false });
            return;
          }
          set({ status: 'error', loadError: messageOf(err) });
          ui.getState().reportError(err, 'Could not load the settings');
        }
      },

      setField: (field, value) => {
        const fieldErrors = { ...get().fieldErrors };
        delete fieldErrors[field];
        set({ fieldErrors });
        edit({ [field]: value });
      },
      addHeader: () => edit({ headers: [...get().draft.headers, { key: nextKey++, name: '', secret: false, value: '', stored: false, secretAction: 'keep' }] }),
      updateHeader: (key, patch) => editHeader(key, (h) => ({ ...h, ...patch, ...(patch.secret === false ? { stored: false, secretAction: 'keep' as const } : {}) })),
      replaceSecret: (key, replacing = true) => editHeader(key, (h) => ({ ...h, value: '', secretAction: replacing ? 'replace' : 'keep' })),
      removeSecret: (key, removing = true) => editHeader(key, (h) => ({ ...h, value: '', secretAction: removing ? 'remove' : 'keep' })),
      deleteHeader: (key) => edit({ headers: get().draft.headers.filter((h) => h.key !== key) }),
      setToolApproval: (tool, requiresApproval) => edit({ toolApproval: { ...get().draft.toolApproval, [tool]: requiresApproval } }),
      revert: () => {
        const saved = get().saved;
        if (saved) applySaved(saved);
      },

      save: async () => {
        const built = buildUpdate(get().draft);
        if (built.errors) {
          set({ fieldErrors: built.errors, saveError: 'Some values need fixing before they can be saved (see the marked fields).' });
          return false;
        }
        set({ saving: true, saveError: null, fieldErrors: {} });
        try {
          const saved = await ui.getState().track('Saving settings', client.invoke('settings.update', built.request));
          applySaved(saved);
          ui.getState().notify({ tone: 'success', title: 'Settings saved', message: 'Every LLM and tool call from now on uses them, in running runs too.' });
          return true;
        } catch (err) {
          const fields = fieldErrorsOf(err);
          const bad = err instanceof StudioError && (err.code === 'BAD_REQUEST' || err.code === 'NOT_FOUND');
          set({ fieldErrors: fields, saveError: bad ? `Not saved: ${messageOf(err)}` : null });
          if (!bad) ui.getState().reportError(err, 'Could not save the settings');
          return false;
        } finally {
          set({ saving: false });
        }
      },

      testConnection: async () => {
        if (get().dirty && !(await get().save())) return;
        set({ check: { status: 'testing', result: null, error: null } });
        try {
          const result = await ui.getState().track('Testing the LLM connection', client.invoke('settings.testLlm', {}));
          set({ check: { status: 'done', result, error: null } });
        } catch (err) {
          set({ check: { status: 'error', result: null, error: messageOf(err) } });
        }
      },
    };
  });
}

export const selectSettingsStatus = (s: SettingsStore) => s.status;
export const selectSettingsLoadError = (s: SettingsStore) => s.loadError;
export const selectSavedSettings = (s: SettingsStore) => s.saved;
export const selectSettingsDraft = (s: SettingsStore) => s.draft;
export const selectSettingsDirty = (s: SettingsStore) => s.dirty;
export const selectSettingsSaving = (s: SettingsStore) => s.saving;
export const selectSettingsSaveError = (s: SettingsStore) => s.saveError;
export const selectSettingsFieldErrors = (s: SettingsStore) => s.fieldErrors;
export const selectConnectionCheck = (s: SettingsStore) => s.check;
