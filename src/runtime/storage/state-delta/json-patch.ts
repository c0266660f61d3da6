import { JsonNumber } from '../../json/json-number';
import { shadowCopy } from './frozen';
import { isJsonObject, KEY_ORDER, orderedKeys, type JsonObject, type JsonValue } from '../../json/json-value';

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

// Module-local copies of imported bindings: under a CommonJS transform (tsx, vitest) every use of
// an imported name is a getter call, which showed as ~15% of the comparison below.
const ORDER: typeof KEY_ORDER = KEY_ORDER;
const OBJECT_PROTO: unknown = Object.prototype;
const ARRAY_PROTO: unknown = Array.prototype;
const JN_PROTO: unknown = JsonNumber.prototype;

/**
 * Deep equality of two JsonValues as their text would show it: number lexemes, key order and all.
 * `a` is the writer's copy of the last saved state, `b` the user's current value. It runs on every
 * item of every list of the state on every save (a transcript of thousands of messages), so it is
 * written for that: one key list allocated per object compared (the other side is walked with
 * for-in, which reads V8's enum cache), no symbol-order merge unless an object has a recorded
 * order, and a user object that is not plain (a Map, a Date) never equals a plain one.
 */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return typeof a !== 'number' || a !== 0 || Object.is(a, b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  // One prototype read each tells arrays, plain objects and JsonNumbers apart (cheaper than
  // Array.isArray and instanceof on both); anything else on the user's side (a Map, a Date, an
  // Array subclass) never equals a JSON value.
  const pa: unknown = Object.getPrototypeOf(a);
  const pb: unknown = Object.getPrototypeOf(b);
  if (pb === ARRAY_PROTO) return pa === ARRAY_PROTO && arrayEqual(a as JsonValue[], b as JsonValue[]);
  if (pb === JN_PROTO) return pa === JN_PROTO && (a as JsonNumber).lexeme === (b as JsonNumber).lexeme;
  if ((pb !== OBJECT_PROTO && pb !== null) || (pa !== OBJECT_PROTO && pa !== null)) return false;
  const oa = a as JsonObject;
  const ob = b as JsonObject;
  if ((oa as Ordered)[ORDER] !== undefined || (ob as Ordered)[ORDER] !== undefined) return orderedEqual(oa, ob);
  const ka = Object.keys(oa);
  let i = 0;
  // for-in on a plain object lists its own string keys in Object.keys order (a null-prototype or
  // Object.prototype object inherits no enumerable ones): the order the text is written in.
  for (const k in ob) {
    if (k !== ka[i]) return false;
    const x = oa[k] as JsonValue;
    const y = ob[k] as JsonValue;
    if ((x !== y || x === 0) && !jsonEqual(x, y)) return false;
    i++;
  }
  return i === ka.length;
}

function arrayEqual(a: JsonValue[], b: JsonValue[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as JsonValue;
    const y = b[i] as JsonValue;
    if ((x !== y || x === 0) && !jsonEqual(x, y)) return false;
  }
  return true;
}

function orderedEqual(a: JsonObject, b: JsonObject): boolean {
  const ka = orderedKeys(a);
  const kb = orderedKeys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i] as string;
    if (k !== kb[i] || !jsonEqual(a[k] as JsonValue, b[k] as JsonValue)) return false;
  }
  return true;
}

/**
 * The comparison of a list's items (a transcript: thousands of messages, nearly all unchanged
 * since the last save) made cheap, exactly. A plain object of the writer's copy that an item was
 * found equal to gets, as a hidden property, a comparer compiled for its keys: it reads each key
 * by name (so the engine caches where each key sits in the objects of that shape, instead of
 * looking every key up by its string), checks the user's value is a plain object with exactly
 * those keys in that order and no recorded order (else the general `jsonEqual` decides), then
 * compares the values as `jsonEqual` does. The result is always `jsonEqual`'s. The comparer stays
 * valid while the copy keeps its keys: the copy changes only by applyJsonPatch, which drops the
 * comparer of every object it edits (`forgetShape`). Copies with a recorded order, a
 * `__proto__` key or many keys get none (and are compared as before), and at most MAX_SHAPES
 * comparers are compiled per process.
 */
const SAME = Symbol('same-shape comparer');
type SameShape = (shadow: JsonObject, user: JsonValue) => boolean;
/** A comparer, null for a copy that cannot have one (not to look again until an edit), undefined when not looked at yet. */
type Shaped = { [SAME]?: SameShape | null | undefined };
const MAX_SHAPES = 512;
const MAX_KEYS = 32;
const comparers = new Map<string, SameShape>();
const getPrototypeOf = Object.getPrototypeOf;
let compilable = true;

function comparerFor(keys: readonly string[]): SameShape | undefined {
  const id = JSON.stringify(keys);
  const known = comparers.get(id);
  if (known !== undefined || !compilable || comparers.size >= MAX_SHAPES) return known;
  // Keys go into the source only as JSON string literals (valid JavaScript string literals).
  const lit = keys.map((k) => JSON.stringify(k));
  const body = [
    'if (typeof b !== "object" || b === null || b[ORDER] !== undefined || getProto(b) !== OBJECT_PROTO) return eq(a, b);',
    'let i = 0;',
    'for (const k in b) {',
    '  switch (i++) {',
    ...lit.map((k, j) => `    case ${j}: if (k !== ${k}) return false; break;`),
    '    default: return false;',
    '  }',
    '}',
    `if (i !== ${keys.length}) return false;`,
    'let x, y;',
    ...lit.map((k) => `x = a[${k}]; y = b[${k}]; if ((x !== y || x === 0) && !eq(x, y)) return false;`),
    'return true;',
  ].join('\n');
  let compiled: SameShape;
  try {
    const make = new Function('ORDER', 'OBJECT_PROTO', 'getProto', 'eq', `"use strict"; return function sameShape(a, b) {\n${body}\n};`) as (
      order: symbol,
      objectProto: unknown,
      getProto: (o: object) => unknown,
      eq: typeof jsonEqual,
    ) => SameShape;
    compiled = make(ORDER, OBJECT_PROTO, getPrototypeOf, jsonEqual);
  } catch {
    // Code generation from strings disallowed (--disallow-code-generation-from-strings): compare as before.
    compilable = false;
    return undefined;
  }
  comparers.set(id, compiled);
  return compiled;
}

/** Gives a plain object of the writer's copy its comparer (see SAME), where it may have one. */
function learnShape(shadow: object): void {
  if (getPrototypeOf(shadow) !== OBJECT_PROTO || !Object.isExtensible(shadow)) return;
  const keys = (shadow as Ordered)[ORDER] === undefined ? Object.keys(shadow) : null;
  const same = keys === null || keys.length > MAX_KEYS || keys.includes('__proto__') ? null : (comparerFor(keys) ?? null);
  Object.defineProperty(shadow, SAME, { value: same, writable: true, enumerable: false, configurable: true });
}

/** Drops the comparer of an object of the writer's copy whose keys a patch may have changed. */
export function forgetShape(obj: object): void {
  if ((obj as Shaped)[SAME] !== undefined) (obj as Shaped)[SAME] = undefined;
}

/**
 * The patch that turns `prev` into `next`, or null when they are equal. The patch holds copies
 * of `next`'s parts (checked as JSON as they are copied), never references into it but to its
 * deep-frozen parts (which cannot change), so the caller may keep applying it to its own copy of
 * `prev` while the user goes on mutating `next`.
 */
export function diffJson(prev: JsonValue, next: JsonValue): JsonPatch | null {
  // One walk: each object level says whether anything under it changed, and array items (the
  // long lists: a transcript) are compared with the allocation-free jsonEqual first.
  if (Array.isArray(prev) && Array.isArray(next)) return diffArray(prev, next);
  if (isJsonObject(prev) && isJsonObject(next)) return diffObject(prev, next);
  return jsonEqual(prev, next) ? null : { '=': shadowCopy(next) };
}

function diffArray(prev: JsonValue[], next: JsonValue[]): JsonPatch | null {
  const keep = Math.min(prev.length, next.length);
  let edits: { [index: string]: JsonPatch } | null = null;
  for (let i = 0; i < keep; i++) {
    const p = prev[i] as JsonValue;
    const n = next[i] as JsonValue;
    // The same object on both sides is a deep-frozen one the shadow shares (see frozen.ts): unchanged.
    if (p === n && p !== 0) continue;
    if (typeof p === 'object' && p !== null) {
      const same = (p as Shaped)[SAME];
      if (same !== undefined) {
        if (same !== null ? same(p as JsonObject, n) : jsonEqual(p, n)) continue;
      } else if (jsonEqual(p, n)) {
        learnShape(p); // unchanged: compared by its comparer from the next save on
        continue;
      }
    } else if (jsonEqual(p, n)) continue;
    (edits ??= {})[String(i)] = diffJson(p, n) ?? { '=': shadowCopy(n) };
  }
  if (!edits && prev.length === next.length) return null;
  const patch: ArrayPatch = { a: keep };
  if (edits) patch.e = edits;
  if (next.length > keep) patch['+'] = shadowCopy(next.slice(keep));
  return patch;
}

function diffObject(prev: JsonObject, next: JsonObject): JsonPatch | null {
  const before = orderedKeys(prev);
  const after = orderedKeys(next);
  let o: { [key: string]: JsonPatch } | null = null;
  let added: string[] | null = null;
  for (const k of after) {
    if (!Object.hasOwn(prev, k)) {
      (o ??= {})[k] = { '=': shadowCopy(next[k] as JsonValue) };
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
