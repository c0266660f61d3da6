import { JsonNumber } from '../../json/json-number';
import { cloneJson, isJsonObject, KEY_ORDER, orderedKeys, type JsonObject, type JsonValue } from '../../json/json-value';

/**
 * A structural patch from one JsonValue to the next: what a state delta stores.
 *
 * Three shapes, told apart by their keys (a patch is never a user value: values sit under `=`
 * and `+` only):
 * - `{"=": v}`: the value is replaced by `v`.
 * - `{"o": {k: patch}, "-": [k...], "k": [k...]}`: an object edit. Removed keys go first, then
 *   each key of `o` is patched (an existing key keeps its place, a new key goes last, in `o`'s
 *   order); `k`, present only when that rule would give another order (a rename in place, a
 *   reordering), is the full key order after the edit.
 * - `{"a": n, "e": {i: patch}, "+": [v...]}`: an array edit. The first `n` items are kept (and
 *   those listed in `e` patched), the rest dropped, then `+` is appended. An array that grows by
 *   one message costs that message, one that shrinks costs a few bytes.
 *
 * Patches carry the values themselves (JsonNumber lexemes, bigints, key orders), so written with
 * the runtime's Python-style writer and read back with the lossless parser they rebuild the same
 * text byte for byte.
 */
export type JsonPatch = ReplacePatch | ObjectPatch | ArrayPatch;
export interface ReplacePatch {
  '=': JsonValue;
}
export interface ObjectPatch {
  o: { [key: string]: JsonPatch };
  '-'?: string[];
  k?: string[];
}
export interface ArrayPatch {
  a: number;
  e?: { [index: string]: JsonPatch };
  '+'?: JsonValue[];
}

type Ordered = JsonObject & { [KEY_ORDER]?: readonly string[] };

/**
 * Deep equality of two JsonValues as their text would show it: number lexemes, key order and all.
 * It runs on every item of every list of the state on every save, so it allocates nothing but
 * the two key lists of each object (no symbol-order merge unless an object has a recorded order).
 */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return typeof a !== 'number' || a !== 0 || Object.is(a, b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const arrayA = Array.isArray(a);
  if (arrayA || Array.isArray(b)) {
    if (!arrayA || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i] as JsonValue, b[i] as JsonValue)) return false;
    return true;
  }
  if (a instanceof JsonNumber || b instanceof JsonNumber) return a instanceof JsonNumber && b instanceof JsonNumber && a.lexeme === b.lexeme;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  if ((a as Ordered)[KEY_ORDER] !== undefined || (b as Ordered)[KEY_ORDER] !== undefined) return orderedEqual(a as JsonObject, b as JsonObject);
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i] as string;
    if (k !== kb[i] || !jsonEqual((a as JsonObject)[k] as JsonValue, (b as JsonObject)[k] as JsonValue)) return false;
  }
  return true;
}

function orderedEqual(a: JsonObject, b: JsonObject): boolean {
  const ka = orderedKeys(a);
  const kb = orderedKeys(b);
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i] as string;
    if (k !== kb[i] || !jsonEqual(a[k] as JsonValue, b[k] as JsonValue)) return false;
  }
  return true;
}

/**
 * The patch that turns `prev` into `next`, or null when they are equal. The patch holds copies
 * of `next`'s parts (checked as JSON as they are copied), never references into it, so the caller
 * may keep applying it to its own copy of `prev` while the user goes on mutating `next`.
 */
export function diffJson(prev: JsonValue, next: JsonValue): JsonPatch | null {
  // One walk: each object level says whether anything under it changed, and array items (the
  // long lists: a transcript) are compared with the allocation-free jsonEqual first.
  if (Array.isArray(prev) && Array.isArray(next)) return diffArray(prev, next);
  if (isJsonObject(prev) && isJsonObject(next)) return diffObject(prev, next);
  return jsonEqual(prev, next) ? null : { '=': cloneJson(next) };
}

function diffArray(prev: JsonValue[], next: JsonValue[]): JsonPatch | null {
  const keep = Math.min(prev.length, next.length);
  let edits: { [index: string]: JsonPatch } | null = null;
  for (let i = 0; i < keep; i++) {
    const p = prev[i] as JsonValue;
    const n = next[i] as JsonValue;
    if (jsonEqual(p, n)) continue;
    (edits ??= {})[String(i)] = diffJson(p, n) ?? { '=': cloneJson(n) };
  }
  if (!edits && prev.length === next.length) return null;
  const patch: ArrayPatch = { a: keep };
  if (edits) patch.e = edits;
  if (next.length > keep) patch['+'] = cloneJson(next.slice(keep));
  return patch;
}

function diffObject(prev: JsonObject, next: JsonObject): JsonPatch | null {
  const before = orderedKeys(prev);
  const after = orderedKeys(next);
  let o: { [key: string]: JsonPatch } | null = null;
  let added: string[] | null = null;
  for (const k of after) {
    if (!Object.hasOwn(prev, k)) {
      (o ??= {})[k] = { '=': cloneJson(next[k] as JsonValue) };
      (added ??= []).push(k);
    } else {
      const sub = diffJson(prev[k] as JsonValue, next[k] as JsonValue);
      if (sub) (o ??= {})[k] = sub;
    }
  }
  const addedCount = added?.length ?? 0;
  const removed = before.length + addedCount === after.length ? null : before.filter((k) => !Object.hasOwn(next, k));
  let implied = before;
  if (removed || added) {
    const gone = new Set(removed ?? []);
    implied = [...before.filter((k) => !gone.has(k)), ...(added ?? [])];
  }
  const reordered = !sameList(implied, after);
  if (!o && !removed && !reordered) return null;
  const edits = o ?? {};
  const patch: ObjectPatch = { o: withOrder(edits, orderOf(edits, after)) };
  if (removed) patch['-'] = removed;
  if (reordered) patch.k = after;
  return patch;
}

/** `o`'s keys in the order they appear in `order` (JS would put integer-like keys first). */
function orderOf(o: { [key: string]: JsonPatch }, order: readonly string[]): string[] {
  return order.filter((k) => Object.hasOwn(o, k));
}

/** Records `keys` as the object's order when JS enumerates it otherwise, and drops a stale record when it does not. */
export function withOrder<T extends object>(obj: T, keys: readonly string[]): T {
  if (!sameList(Object.keys(obj), keys)) Object.defineProperty(obj, KEY_ORDER, { value: [...keys], enumerable: false, configurable: true, writable: true });
  else if (Object.hasOwn(obj, KEY_ORDER)) delete (obj as { [KEY_ORDER]?: unknown })[KEY_ORDER];
  return obj;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
