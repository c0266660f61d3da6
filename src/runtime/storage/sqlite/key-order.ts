import { type RecordKeyOrder } from '../../ledger/record-hash';
import { isJsonObject, orderedKeys, setKeyOrder, type JsonObject, type JsonValue } from '../../json/json-value';

/**
 * The ledger stores a record once, as its canonical (hashed) text, where every object's keys are
 * sorted. User data (effect payloads, results) may have been written in another order, and the
 * order shows in the JSONL export and in the Studio. Rather than keeping a second full copy of the
 * record, we keep a hint: for each user object whose written order is not the sorted one, its
 * number in a depth-first walk (children in sorted key order, i.e. the order of the canonical text)
 * and its written order as indexes into its sorted keys (`{"p":[[0,[1,0]]]}` for a payload
 * `{"prompt":…,"params":…}`). A hint only permutes keys, so it can never change a value, which is
 * why it needs no hashing. The canonical writer collects it while it sorts (see
 * `KeyOrderCollector`), and it stays small because the rows it sits in are what a step writes.
 * Rows written before the index form hold the written key names instead; both are read.
 */
type Hint = [number, (number | string)[]];
interface KeyOrderHints {
  p?: Hint[];
  r?: Hint[];
}

/** Fresh collectors for one record's canonical text. */
export function newRecordKeyOrder(): RecordKeyOrder {
  return { payload: { next: 0, found: [] }, result: { next: 0, found: [] } };
}

/** The hint text for what `chainRecord` collected, or null when every user object was written in sorted order. */
export function keyOrderHintText(collected: RecordKeyOrder): string | null {
  const p = collected.payload.found;
  const r = collected.result.found;
  if (p.length === 0 && r.length === 0) return null;
  // Written by hand (it runs for most records): ids and indexes are small integers, so this is
  // exactly JSON.stringify's output.
  if (r.length === 0) return `{"p":${hintList(p)}}`;
  return p.length === 0 ? `{"r":${hintList(r)}}` : `{"p":${hintList(p)},"r":${hintList(r)}}`;
}

function hintList(hints: readonly [number, number[]][]): string {
  let out = '[';
  for (let i = 0; i < hints.length; i++) {
    const [id, order] = hints[i] as [number, number[]];
    out += `${i > 0 ? ',' : ''}[${id},[${order.join(',')}]]`;
  }
  return `${out}]`;
}

/** The written key order of `value` (its keys in sorted order), from a hint entry, or null when the entry does not fit it. */
function writtenOrder(value: JsonObject, entry: (number | string)[]): string[] | null {
  const sorted = orderedKeys(value);
  if (entry.length !== sorted.length) return null;
  const written = entry.map((e) => (typeof e === 'number' ? sorted[e] : e));
  const seen = new Set<string>();
  for (const k of written) {
    if (k === undefined || seen.has(k) || !(k in value)) return null;
    seen.add(k);
  }
  return written as string[];
}

/** Walks objects parsed from canonical text (sorted) and rebuilds the hinted ones in written order. */
function restore(value: JsonValue, hints: Map<number, (number | string)[]>, counter: { n: number }): JsonValue {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = restore(value[i] as JsonValue, hints, counter);
    return value;
  }
  if (!isJsonObject(value)) return value;
  const id = counter.n++;
  const entry = hints.get(id);
  const written = entry ? writtenOrder(value, entry) : null;
  for (const k of orderedKeys(value)) value[k] = restore(value[k] as JsonValue, hints, counter);
  if (!written) return value;
  const rebuilt: JsonObject = {};
  for (const k of written) rebuilt[k] = value[k] as JsonValue;
  setKeyOrder(rebuilt, written);
  return rebuilt;
}

const isHintList = (v: unknown): v is Hint[] =>
  Array.isArray(v) &&
  v.every(
    (h) =>
      Array.isArray(h) &&
      typeof h[0] === 'number' &&
      Array.isArray(h[1]) &&
      (h[1].every((k: unknown) => typeof k === 'string') || h[1].every((k: unknown) => Number.isInteger(k) && (k as number) >= 0)),
  );

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
