import { type StepRecord } from '../../core/models';
import { compareCodePoints } from '../../json/py-dumps';
import { isJsonObject, orderedKeys, setKeyOrder, type JsonObject, type JsonValue } from '../../json/json-value';

/**
 * The ledger stores a record once, as its canonical (hashed) text, where every object's keys are
 * sorted. User data (effect payloads, results) may have been written in another order, and the
 * order shows in the JSONL export and in the Studio. Rather than keeping a second full copy of the
 * record, we keep a hint: for each user object whose written order is not the sorted one, its
 * number in a depth-first walk (children in sorted key order, i.e. the order of the canonical text)
 * and its written keys. A hint only permutes keys, so it can never change a value, which is why it
 * needs no hashing. Most records have no hint at all.
 */
type Hint = [number, string[]];
interface KeyOrderHints {
  p?: Hint[];
  r?: Hint[];
}

function sortedCopy(keys: readonly string[]): string[] {
  return [...keys].sort(compareCodePoints);
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (compareCodePoints(keys[i - 1] as string, keys[i] as string) > 0) return false;
  return true;
}

// Called for every appended record, whose objects are almost always sorted already (our own
// records, typical payloads): that case allocates nothing beyond Object.keys.
function collect(value: JsonValue, hints: Hint[], counter: { n: number }): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) collect(item, hints, counter);
    return;
  }
  if (!isJsonObject(value)) return;
  const id = counter.n++;
  const written = orderedKeys(value);
  let order = written;
  if (!isSorted(written)) {
    hints.push([id, written]);
    order = sortedCopy(written);
  }
  for (const k of order) collect(value[k] as JsonValue, hints, counter);
}

/** The hint text for a record, or null when its user objects are all in sorted order already. */
export function keyOrderHint(record: StepRecord): string | null {
  const out: KeyOrderHints = {};
  if (record.effect) {
    const p: Hint[] = [];
    collect(record.effect.payload, p, { n: 0 });
    if (p.length > 0) out.p = p;
  }
  if (record.result) {
    const r: Hint[] = [];
    collect(record.result, r, { n: 0 });
    if (r.length > 0) out.r = r;
  }
  // Keys are plain strings and ids are small integers: JSON.stringify is lossless here.
  return out.p || out.r ? JSON.stringify(out) : null;
}

/** Walks objects parsed from canonical text (sorted) and rebuilds the hinted ones in written order. */
function restore(value: JsonValue, hints: Map<number, string[]>, counter: { n: number }): JsonValue {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = restore(value[i] as JsonValue, hints, counter);
    return value;
  }
  if (!isJsonObject(value)) return value;
  const id = counter.n++;
  for (const k of orderedKeys(value)) value[k] = restore(value[k] as JsonValue, hints, counter);
  const written = hints.get(id);
  if (!written || written.length !== Object.keys(value).length || !written.every((k) => k in value)) return value;
  const rebuilt: JsonObject = {};
  for (const k of written) rebuilt[k] = value[k] as JsonValue;
  setKeyOrder(rebuilt, written);
  return rebuilt;
}

const isHintList = (v: unknown): v is Hint[] =>
  Array.isArray(v) && v.every((h) => Array.isArray(h) && typeof h[0] === 'number' && Array.isArray(h[1]) && h[1].every((k: unknown) => typeof k === 'string'));

/** A damaged hint is ignored: it could only ever have changed the order of keys. */
function parseHints(text: string): KeyOrderHints | null {
  try {
    const v = JSON.parse(text) as { p?: unknown; r?: unknown };
    if (typeof v !== 'object' || v === null) return null;
    return { ...(isHintList(v.p) ? { p: v.p } : {}), ...(isHintList(v.r) ? { r: v.r } : {}) };
  } catch {
    return null;
  }
}

/** Applies a stored hint to the snake_case record dict parsed from canonical text (in place). */
export function applyKeyOrderHint(dict: JsonObject, hintText: string | null): void {
  if (!hintText) return;
  const hints = parseHints(hintText);
  if (!hints) return;
  const effect = dict['effect'];
  if (hints.p && isJsonObject(effect) && isJsonObject(effect['payload'])) {
    effect['payload'] = restore(effect['payload'], new Map(hints.p), { n: 0 });
  }
  if (hints.r && isJsonObject(dict['result'])) dict['result'] = restore(dict['result'], new Map(hints.r), { n: 0 });
}
