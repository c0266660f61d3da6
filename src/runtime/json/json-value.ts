import { NotJsonSerializableError } from '../errors';
import { JsonNumber } from './json-number';

/**
 * The values the runtime stores in vars, payloads, results and outputs: what Python's `json`
 * round-trips. `bigint` carries integers beyond 2^53; `JsonNumber` carries a number lexeme that a
 * JS number could not reproduce.
 */
export type JsonValue = null | boolean | number | bigint | string | JsonNumber | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * Key order as written, for objects whose order JS cannot keep by itself: JS enumerates
 * integer-like keys ("2", "10") first, whatever the insertion order. The lossless parser records
 * the written order under this symbol (non-enumerable) when it differs, and the insertion-order
 * writers (indent=2 files, JSONL lines) honour it.
 */
export const KEY_ORDER: unique symbol = Symbol.for('abstractruntime.json.keyOrder');

type OrderedObject = JsonObject & { [KEY_ORDER]?: readonly string[] };

/** The object's keys in written order: the recorded order first, then keys added since. */
export function orderedKeys(obj: JsonObject): string[] {
  const keys = Object.keys(obj);
  const recorded = (obj as OrderedObject)[KEY_ORDER];
  if (!recorded) return keys;
  const present = new Set(keys);
  const out = recorded.filter((k) => present.has(k));
  if (out.length === keys.length) return out;
  const seen = new Set(out);
  for (const k of keys) if (!seen.has(k)) out.push(k);
  return out;
}

/** Record a key order on an object (only stored when JS would enumerate differently). */
export function setKeyOrder(obj: JsonObject, keys: readonly string[]): void {
  const natural = Object.keys(obj);
  if (natural.length === keys.length && natural.every((k, i) => k === keys[i])) return;
  Object.defineProperty(obj, KEY_ORDER, { value: [...keys], enumerable: false, configurable: true, writable: true });
}

export function isJsonObject(value: unknown): value is JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof JsonNumber) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Throws `NotJsonSerializableError` (naming the path) unless `value` is a JsonValue: no
 * undefined, functions, symbols, NaN/Infinity, class instances (Date, Map) or cycles.
 */
export function assertJsonValue(value: unknown, what: string, path = '$'): asserts value is JsonValue {
  // Valid values (every call on the hot path) take the walk that builds no path strings; only a
  // value that fails it is walked again to name the bad part.
  if (!isPlainJson(value, 0)) checkJson(value, what, path, new Set());
}

/** True when `value` is a JsonValue; false for anything else, including cycles and absurd depth (the precise walk then says which). */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null || value instanceof JsonNumber) return true;
  if (depth > 1000) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], depth + 1)) return false;
    return true;
  }
  if (!isJsonObject(value)) return false;
  for (const k of Object.keys(value)) if (!isPlainJson((value as JsonObject)[k], depth + 1)) return false;
  return true;
}

function checkJson(value: unknown, what: string, path: string, stack: Set<object>): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new NotJsonSerializableError(what, path, `${value} is not a finite number`);
      return;
    case 'object':
      break;
    default:
      throw new NotJsonSerializableError(what, path, `a ${typeof value} cannot be stored`);
  }
  if (value === null || value instanceof JsonNumber) return;
  if (stack.has(value)) throw new NotJsonSerializableError(what, path, 'the value refers to itself (a cycle)');
  stack.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJson(item, what, `${path}[${i}]`, stack));
  } else if (isJsonObject(value)) {
    for (const [k, v] of Object.entries(value)) checkJson(v, what, `${path}.${k}`, stack);
  } else {
    const name = (value as object).constructor?.name ?? 'object';
    throw new NotJsonSerializableError(what, path, `a ${name} instance is not plain JSON`);
  }
  stack.delete(value);
}

/**
 * Deep copy of a JsonValue, keeping JsonNumber lexemes and recorded key orders. It checks as it
 * copies (the in-memory stores rely on that): anything that is not JSON throws
 * NotJsonSerializableError naming the path, so a copy is always storable.
 */
export function cloneJson<T extends JsonValue>(value: T, what = 'value'): T {
  try {
    return cloneUnchecked(value, 0);
  } catch (e) {
    if (e instanceof NotJsonValue) {
      assertJsonValue(value, what); // throws with the path of the bad part
      throw new NotJsonSerializableError(what, '$', e.message);
    }
    throw e;
  }
}

class NotJsonValue extends Error {}

function cloneUnchecked<T extends JsonValue>(value: T, depth: number): T {
  if (depth > 10_000) throw new NotJsonValue('the value is nested too deeply (or refers to itself)');
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new NotJsonValue(`${value} is not a finite number`);
      return value;
    case 'object':
      break;
    default:
      throw new NotJsonValue(`a ${typeof value} cannot be stored`);
  }
  if (value === null || value instanceof JsonNumber) return value;
  if (Array.isArray(value)) return value.map((v) => cloneUnchecked(v, depth + 1)) as T;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new NotJsonValue('a class instance is not plain JSON');
  const src = value as JsonObject;
  const out: JsonObject = {};
  for (const k in src) if (Object.hasOwn(src, k)) out[k] = cloneUnchecked(src[k] as JsonValue, depth + 1);
  const recorded = (src as OrderedObject)[KEY_ORDER];
  if (recorded) setKeyOrder(out, recorded);
  return out as T;
}
