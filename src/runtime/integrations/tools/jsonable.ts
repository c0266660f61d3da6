import { JsonNumber } from '../../json/json-number';
import { type JsonObject, type JsonValue } from '../../json/json-value';

/**
 * `_jsonable` of the reference: make whatever a tool returned storable in the run's vars and the
 * ledger, never throwing. Python keeps primitives, recurses into dicts (keys made str) and lists,
 * turns dataclasses and pydantic models into dicts, and `str()`s everything else. The JS
 * equivalents, case by case:
 * - `null`, `undefined` → null; strings, booleans, finite numbers, bigints kept;
 * - NaN and ±Infinity → `NaN`/`Infinity` number lexemes (what Python's json writes for them);
 * - arrays and Sets → arrays; plain objects and Maps → objects with string keys;
 * - anything with `toJSON()` (Date, Buffer, JsonNumber-likes) → its `toJSON()`, recursed, so a Date
 *   becomes its ISO string (Python's `str(datetime)` uses a space instead of `T`);
 * - an Error → its message (Python's `str(exception)`);
 * - other class instances → their own enumerable fields (the dataclass `asdict` analogue);
 * - functions and symbols → `String(x)`; a value met again inside itself → "[Circular]".
 * JavaScript has no tuples, so the reference's tuple-to-string quirk has no counterpart.
 */
export function toJsonable(value: unknown): JsonValue {
  return convert(value, new Set());
}

function convert(value: unknown, stack: Set<object>): JsonValue {
  switch (typeof value) {
    case 'undefined':
      return null;
    case 'string':
    case 'boolean':
    case 'bigint':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      return new JsonNumber(Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity');
    case 'function':
    case 'symbol':
      return String(value);
    default:
      break;
  }
  if (value === null || value instanceof JsonNumber) return value as JsonValue;
  const obj = value as object;
  if (stack.has(obj)) return '[Circular]';
  stack.add(obj);
  try {
    return convertObject(obj, stack);
  } finally {
    stack.delete(obj);
  }
}

function convertObject(obj: object, stack: Set<object>): JsonValue {
  if (Array.isArray(obj) || obj instanceof Set) return [...obj].map((v) => convert(v, stack));
  if (obj instanceof Map) {
    const out: JsonObject = {};
    for (const [k, v] of obj) out[String(k)] = convert(v, stack);
    return out;
  }
  if (obj instanceof Error) return obj.message;
  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return convert(toJSON.call(obj), stack);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) out[k] = convert(v, stack);
  return out;
}
