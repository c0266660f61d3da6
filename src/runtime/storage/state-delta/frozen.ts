import { JsonNumber } from '../../json/json-number';
import { cloneJson, KEY_ORDER, setKeyOrder, type JsonObject, type JsonValue } from '../../json/json-value';

/**
 * Deep-frozen values (every object and array in them frozen, JsonNumbers included) cannot change,
 * so the delta writer keeps them by reference instead of copying them, and compares them by
 * reference on the next save: an agent that freezes what it will never edit (a transcript's
 * messages) saves at a cost that does not grow with what it keeps. Everything else is copied and
 * compared by content, as a mutable value must be.
 *
 * Why this is exact: a frozen object's own properties can neither change, appear nor disappear
 * (so neither can its key order, nor a recorded KEY_ORDER), and a Proxy reporting itself frozen
 * must answer like its frozen target. Checked once per object (a WeakSet of those found deep
 * frozen), so a shared value costs its check only when it first enters the state.
 */
const deepFrozen = new WeakSet<object>();
const OBJECT_PROTO: unknown = Object.prototype;
const ARRAY_PROTO: unknown = Array.prototype;
const JN_PROTO: unknown = JsonNumber.prototype;
const MAX_DEPTH = 10_000;

export function isDeepFrozen(value: JsonValue): boolean {
  return frozenAt(value, 0);
}

/** Leaves count only when they are JSON (a function or NaN is not); past MAX_DEPTH (a cycle) the answer is no, and the copy reports it. */
function frozenAt(value: unknown, depth: number): boolean {
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
  if (value === null || deepFrozen.has(value)) return true;
  if (depth > MAX_DEPTH || !Object.isFrozen(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === ARRAY_PROTO) {
    for (const item of value as unknown[]) if (!frozenAt(item, depth + 1)) return false;
  } else if (proto === OBJECT_PROTO || proto === null) {
    const obj = value as Record<string, unknown>;
    for (const k in obj) if (!frozenAt(obj[k], depth + 1)) return false;
  } else if (proto !== JN_PROTO) {
    return false; // not JSON: the copy reports it
  }
  deepFrozen.add(value);
  return true;
}

/**
 * A private copy of `value` for the writer's shadow of the last saved state: deep-frozen parts
 * by reference, the rest copied (checked as JSON, like `cloneJson`).
 */
export function shadowCopy<T extends JsonValue>(value: T): T {
  return copyAt(value, 0);
}

function copyAt<T extends JsonValue>(value: T, depth: number): T {
  if (typeof value !== 'object' || value === null) return cloneJson(value); // checks the leaf
  if (isDeepFrozen(value)) return value;
  const proto: unknown = Object.getPrototypeOf(value);
  // A JsonNumber, something that is not JSON, or a cycle: cloneJson copies it or says where it fails.
  if (depth > MAX_DEPTH || (proto !== ARRAY_PROTO && proto !== OBJECT_PROTO && proto !== null)) return cloneJson(value);
  if (proto === ARRAY_PROTO) return (value as JsonValue[]).map((v) => copyAt(v, depth + 1)) as T;
  const src = value as JsonObject & { [KEY_ORDER]?: readonly string[] };
  const out: JsonObject = {};
  for (const k in src) out[k] = copyAt(src[k] as JsonValue, depth + 1);
  const recorded = src[KEY_ORDER];
  if (recorded) setKeyOrder(out, recorded);
  return out as T;
}
