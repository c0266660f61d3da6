import { create } from 'jsondiffpatch';
import { JsonNumber, isJsonObject, pyJsonDumps, type JsonValue } from '../../runtime/index';
import { type StateChange } from '../../shared/contract/domain';

/**
 * The difference between two run states (or any two JSON values) as a flat list of changes with
 * JSON text before/after. jsondiffpatch finds the changes; numbers whose lexeme matters (`1.0`
 * vs `1`) are compared by lexeme, so a float that became an int shows up.
 */
// No textDiff option: strings are compared whole (a changed string is one change, before and after).
const differ = create({ arrays: { detectMove: false } });

const LEXEME = '\u0000num:';

function comparable(v: JsonValue): unknown {
  if (v instanceof JsonNumber) return LEXEME + v.lexeme;
  if (typeof v === 'bigint') return LEXEME + v.toString();
  if (Array.isArray(v)) return v.map(comparable);
  if (isJsonObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = comparable(x);
    return out;
  }
  return v;
}

function text(v: unknown): string {
  if (typeof v === 'string' && v.startsWith(LEXEME)) return v.slice(LEXEME.length);
  if (Array.isArray(v)) return `[${v.map(text).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}: ${text(x)}`).join(', ')}}`;
  }
  return pyJsonDumps(v as JsonValue);
}

type Delta = Record<string, unknown> | unknown[] | undefined;

export function diffJson(before: JsonValue | null, after: JsonValue | null): StateChange[] {
  const delta = differ.diff(before === null ? null : comparable(before), after === null ? null : comparable(after)) as Delta;
  const out: StateChange[] = [];
  walk(delta, [], out);
  return out;
}

function walk(delta: Delta, path: string[], out: StateChange[]): void {
  if (delta === undefined) return;
  if (Array.isArray(delta)) {
    if (delta.length === 1) out.push({ path, kind: 'added', beforeJson: null, afterJson: text(delta[0]) });
    else if (delta.length === 2) out.push({ path, kind: 'changed', beforeJson: text(delta[0]), afterJson: text(delta[1]) });
    else if (delta.length === 3 && delta[2] === 0) out.push({ path, kind: 'removed', beforeJson: text(delta[0]), afterJson: null });
    return;
  }
  const isArrayDelta = delta['_t'] === 'a';
  for (const [key, sub] of Object.entries(delta)) {
    if (key === '_t') continue;
    // In array deltas, "_3" names index 3 of the old array (a removal) and "3" of the new one.
    const segment = isArrayDelta && key.startsWith('_') ? key.slice(1) : key;
    walk(sub as Delta, [...path, segment], out);
  }
}
