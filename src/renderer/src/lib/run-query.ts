import { type RunStatus, type WaitReason } from '../../../shared/contract';

export type RunSort = 'updated_desc' | 'updated_asc' | 'created_desc' | 'created_asc';
export type ArchivedFilter = 'exclude' | 'only' | 'include';

/** The runs list's filters; the filter field shows them as text (`status:waiting workflow:x words`). */
export interface RunFilters {
  status: RunStatus | null;
  /** `status:deleted`: the tombstones of deleted runs only. */
  deletedOnly: boolean;
  workflowId: string | null;
  waitReason: WaitReason | null;
  archived: ArchivedFilter;
  /** `fork:<run id>`: only the runs forked from that run. */
  forkOf: string | null;
  text: string;
  sort: RunSort;
}

export const defaultRunFilters: RunFilters = { status: null, deletedOnly: false, workflowId: null, waitReason: null, archived: 'exclude', forkOf: null, text: '', sort: 'updated_desc' };

const STATUSES = ['running', 'waiting', 'completed', 'failed', 'cancelled', 'deleted'] as const;
const WAITS: readonly WaitReason[] = ['user', 'event', 'until', 'job', 'subworkflow'];
const ARCHIVED: Record<string, ArchivedFilter> = { yes: 'only', no: 'exclude', any: 'include' };
const SORTS: Record<string, RunSort> = { updated: 'updated_desc', updated_asc: 'updated_asc', created: 'created_desc', created_asc: 'created_asc' };
export const FILTER_KEYS = ['status', 'workflow', 'wait', 'archived', 'sort', 'fork'] as const;

export type ParsedRunQuery = { ok: true; filters: RunFilters } | { ok: false; hint: string };

/** Words, with "double quotes" keeping spaces (and colons) in one word of text. */
function tokens(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"?|(\S+)/g)].map((m) => (m[1] !== undefined ? `"${m[1]}"` : m[2]!));
}

const oneOf = (key: string, values: readonly string[]): string => `${key}: is one of ${values.join(', ')}.`;

/**
 * Reads the filter field. `key:value` words set a filter; other words are searched for in run
 * ids, workflows and saved state. A key it does not know, or a value a key does not take, is a
 * hint that says what it does take: a typo never silently becomes a search.
 */
export function parseRunQuery(text: string): ParsedRunQuery {
  const f: RunFilters = { ...defaultRunFilters };
  const words: string[] = [];
  for (const tok of tokens(text)) {
    const m = /^([a-z_]+):(.*)$/i.exec(tok);
    if (!m) {
      words.push(tok.replace(/^"|"$/g, ''));
      continue;
    }
    const key = m[1]!.toLowerCase();
    const value = m[2]!.replace(/^"|"$/g, '');
    if (!(FILTER_KEYS as readonly string[]).includes(key)) {
      return { ok: false, hint: `Unknown filter "${key}:". Filters are ${FILTER_KEYS.map((k) => `${k}:`).join(' ')}; other words are searched for. Put "quotes" around a word with a colon to search for it.` };
    }
    if (value === '') return { ok: false, hint: `"${key}:" needs a value, like ${key === 'workflow' ? 'workflow:hello_world' : `${key}:${key === 'status' ? 'waiting' : key === 'wait' ? 'user' : key === 'archived' ? 'yes' : key === 'fork' ? '<run id>' : 'created'}`}.` };
    if (key === 'status') {
      if (!(STATUSES as readonly string[]).includes(value)) return { ok: false, hint: oneOf('status', STATUSES) };
      if (value === 'deleted') f.deletedOnly = true;
      else f.status = value as RunStatus;
    } else if (key === 'workflow') f.workflowId = value;
    else if (key === 'fork') f.forkOf = value;
    else if (key === 'wait') {
      if (!WAITS.includes(value as WaitReason)) return { ok: false, hint: oneOf('wait', WAITS) };
      f.waitReason = value as WaitReason;
    } else if (key === 'archived') {
      const a = ARCHIVED[value];
      if (!a) return { ok: false, hint: oneOf('archived', Object.keys(ARCHIVED)) };
      f.archived = a;
    } else {
      const s = SORTS[value];
      if (!s) return { ok: false, hint: oneOf('sort', Object.keys(SORTS)) };
      f.sort = s;
    }
  }
  f.text = words.join(' ');
  return { ok: true, filters: f };
}

/** The text the filter field shows for these filters: what parseRunQuery reads back to them. */
export function formatRunQuery(f: RunFilters): string {
  const out: string[] = [];
  if (f.deletedOnly) out.push('status:deleted');
  else if (f.status) out.push(`status:${f.status}`);
  if (f.workflowId) out.push(`workflow:${f.workflowId}`);
  if (f.waitReason) out.push(`wait:${f.waitReason}`);
  if (f.forkOf) out.push(`fork:${f.forkOf}`);
  if (f.archived !== 'exclude') out.push(`archived:${f.archived === 'only' ? 'yes' : 'any'}`);
  if (f.sort !== 'updated_desc') out.push(`sort:${Object.entries(SORTS).find(([, v]) => v === f.sort)?.[0] ?? 'updated'}`);
  if (f.text) out.push(/[\s:]/.test(f.text) && f.text.includes(':') ? `"${f.text}"` : f.text);
  return out.join(' ');
}
