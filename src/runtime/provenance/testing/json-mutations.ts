/**
 * Random edits of a JSON value for the tamper suite: any node at any depth (top-level fields,
 * nested payload values, array items, key names), changed so that its value really differs
 * (a number keeps its Python meaning: 1 and 1.0 are different values).
 */
import { JsonNumber } from '../../json/json-number';
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value';
import { type Rng } from './rng';

const STRINGS = ['x', 'tampered', 'é', '日本', '🎉', '', ' ', 'null', '0', 'started', 'completed'];

interface Slot {
  parent: JsonObject | JsonValue[];
  key: string | number;
}

function slots(value: JsonValue, out: Slot[] = []): Slot[] {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push({ parent: value, key: i });
      slots(v, out);
    });
  } else if (isJsonObject(value)) {
    for (const k of Object.keys(value)) {
      out.push({ parent: value, key: k });
      slots(value[k] as JsonValue, out);
    }
  }
  return out;
}

function changedScalar(v: JsonValue, rng: Rng): JsonValue {
  if (typeof v === 'string') return rng.chance(0.5) ? v + rng.pick(STRINGS.filter(Boolean)) : rng.pick(STRINGS.filter((s) => s !== v));
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'bigint') return v + 1n;
  if (v instanceof JsonNumber) return rng.chance(0.5) ? new JsonNumber(String(Number(v.lexeme) + 1)) : Number.isInteger(Number(v.lexeme)) ? Number(v.lexeme) : new JsonNumber(`${v.lexeme}1`);
  if (typeof v === 'number') return Number.isInteger(v) && rng.chance(0.5) ? new JsonNumber(`${v}.0`) : v + 1;
  return rng.pick<JsonValue>([0, 'x', {}, [], false]);
}

function editContainer(v: JsonObject | JsonValue[], rng: Rng): void {
  if (Array.isArray(v)) {
    if (v.length > 0 && rng.chance(0.5)) v.splice(rng.int(v.length), 1);
    else v.push(rng.pick<JsonValue>(['x', 1, null]));
    return;
  }
  const keys = Object.keys(v);
  if (keys.length > 0 && rng.chance(0.7)) {
    const k = rng.pick(keys);
    const value = v[k] as JsonValue;
    delete v[k];
    if (rng.chance(0.6)) v[`${k}${rng.pick(['x', 'é', '_'])}`] = value; // a renamed key
  } else v[`new_${rng.int(100)}`] = 'x';
}

/**
 * Edits one random node of `record` (on a deep copy): a value at any depth, an array, or a key
 * name; `isNoop` rejects edits that change no meaning (e.g. removing a `signature: null`).
 */
export function mutateJson(record: JsonObject, rng: Rng, isNoop: (before: JsonObject, after: JsonObject) => boolean): JsonObject {
  for (let attempt = 0; attempt < 50; attempt++) {
    const copy = cloneJson(record);
    const all = slots(copy);
    if (all.length === 0 || rng.chance(0.15)) editContainer(copy, rng);
    else {
      const { parent, key } = rng.pick(all);
      const holder = parent as Record<string | number, JsonValue>;
      const current = holder[key] as JsonValue;
      if ((Array.isArray(current) || isJsonObject(current)) && rng.chance(0.5)) editContainer(current, rng);
      else holder[key] = changedScalar(current, rng);
    }
    if (!isNoop(record, copy)) return copy;
  }
  throw new Error('no meaningful edit found in 50 tries');
}
