import { type StateChange } from '../../../shared/contract';

export interface DiffGroup {
  /** `vars`, `status`, `current_node`, … — the top-level key of the run state. */
  key: string;
  changes: StateChange[];
  counts: { added: number; removed: number; changed: number };
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** `vars.answer["my key"][0]`: how a developer would write the path in code. */
export function formatPath(path: readonly string[]): string {
  let out = '';
  for (const seg of path) {
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else if (IDENT.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out || '(root)';
}

/** What a person looks at first: their variables, then where the run is, then the rest. */
const ORDER = ['vars', 'status', 'current_node', 'waiting', 'output', 'error'];

function rank(key: string): number {
  const i = ORDER.indexOf(key);
  return i === -1 ? ORDER.length : i;
}

/**
 * Groups a state diff by the top-level key it touches, in a stable reading order, each group's
 * changes sorted by path; bookkeeping fields (`updated_at`) come last.
 */
export function groupStateChanges(changes: readonly StateChange[]): DiffGroup[] {
  const groups = new Map<string, DiffGroup>();
  for (const c of changes) {
    const key = c.path[0] ?? '(root)';
    let g = groups.get(key);
    if (!g) {
      g = { key, changes: [], counts: { added: 0, removed: 0, changed: 0 } };
      groups.set(key, g);
    }
    g.changes.push(c);
    g.counts[c.kind]++;
  }
  const list = [...groups.values()];
  for (const g of list) g.changes.sort((a, b) => formatPath(a.path).localeCompare(formatPath(b.path)));
  return list.sort((a, b) => rank(a.key) - rank(b.key) || a.key.localeCompare(b.key));
}

/** "2 added, 1 changed" for a group header or a restore confirmation. */
export function describeCounts(counts: DiffGroup['counts']): string {
  const parts: string[] = [];
  if (counts.added) parts.push(`${counts.added} added`);
  if (counts.changed) parts.push(`${counts.changed} changed`);
  if (counts.removed) parts.push(`${counts.removed} removed`);
  return parts.join(', ') || 'no change';
}

export function totalCounts(groups: readonly DiffGroup[]): DiffGroup['counts'] {
  const t = { added: 0, removed: 0, changed: 0 };
  for (const g of groups) {
    t.added += g.counts.added;
    t.removed += g.counts.removed;
    t.changed += g.counts.changed;
  }
  return t;
}
