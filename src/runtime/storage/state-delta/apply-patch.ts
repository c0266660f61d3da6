import { CorruptFileError } from '../../errors';
import { isJsonObject, orderedKeys, type JsonObject, type JsonValue } from '../../json/json-value';
import { forgetShape, withOrder } from './json-patch';

/** A stored patch that is not one this codec writes (a damaged row): code CORRUPT_FILE, as any unreadable stored state. */
export class StatePatchError extends CorruptFileError {
  constructor(source: string, detail: string) {
    super(source, `its state delta cannot be applied (${detail}); restore the workspace from a backup`, { detail });
  }
}

/**
 * Applies a patch (as `diffJson` made it, or as parsed back from its text) to `base` and returns
 * the result. Objects and arrays of `base` are edited in place, but for frozen ones, which are
 * copied (shallowly, only those on a path the patch edits: the rest stays shared); values the
 * patch carries are put in as they are, so a caller that goes on using the patch must pass a copy.
 */
export function applyJsonPatch(base: JsonValue, patch: JsonValue, source: string): JsonValue {
  if (!isJsonObject(patch)) throw new StatePatchError(source, 'a patch must be an object');
  if (Object.hasOwn(patch, '=')) return patch['='] as JsonValue;
  if (Object.hasOwn(patch, 'o')) return applyObject(base, patch, source);
  if (Object.hasOwn(patch, 'a')) return applyArray(base, patch, source);
  throw new StatePatchError(source, `unknown patch with keys ${Object.keys(patch).join(', ')}`);
}

function stringList(v: JsonValue | undefined, source: string, what: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((k) => typeof k === 'string')) throw new StatePatchError(source, `${what} must be a list of keys`);
  return v as string[];
}

function applyObject(target: JsonValue, patch: JsonObject, source: string): JsonValue {
  if (!isJsonObject(target)) throw new StatePatchError(source, 'an object edit meets a value that is not an object');
  // A writer's shadow shares deep-frozen values with the user's state (frozen.ts): edit a copy.
  const base = Object.isFrozen(target) ? withOrder({ ...target }, orderedKeys(target)) : target;
  forgetShape(base); // its keys may change (in a writer's copy: see SAME in json-patch.ts)
  const edits = patch['o'];
  if (!isJsonObject(edits)) throw new StatePatchError(source, "'o' must be an object");
  const removed = stringList(patch['-'], source, "'-'");
  const order = orderedKeys(base);
  for (const k of removed) delete base[k];
  const gone = new Set(removed);
  const kept = order.filter((k) => !gone.has(k));
  const added: string[] = [];
  for (const k of orderedKeys(edits)) {
    if (!Object.hasOwn(base, k)) added.push(k);
    base[k] = applyJsonPatch(Object.hasOwn(base, k) ? (base[k] as JsonValue) : null, edits[k] as JsonValue, source);
  }
  const explicit = patch['k'];
  return withOrder(base, explicit === undefined ? [...kept, ...added] : stringList(explicit, source, "'k'"));
}

/**
 * Arrays copied here from a frozen one, with the first index that may hold an item not from it:
 * the items before it are frozen already, so freezing the array again (RebuiltStates keeping a
 * state) need not visit them (a transcript of thousands of messages, kept every few deltas).
 */
const copiedFrom = new WeakMap<JsonValue[], number>();

/** The first index of `array` whose item may not be frozen yet (0 unless this module copied it from a frozen array). */
export function firstUnfrozenIndex(array: JsonValue[]): number {
  return copiedFrom.get(array) ?? 0;
}

function applyArray(target: JsonValue, patch: JsonObject, source: string): JsonValue {
  if (!Array.isArray(target)) throw new StatePatchError(source, 'an array edit meets a value that is not an array');
  const copied = Object.isFrozen(target);
  const base = copied ? target.slice() : target;
  let fresh = copied ? base.length : copiedFrom.get(base);
  const keep = patch['a'];
  if (typeof keep !== 'number' || !Number.isInteger(keep) || keep < 0 || keep > base.length) {
    throw new StatePatchError(source, `'a' (${String(keep)}) must be a length of at most ${base.length}`);
  }
  base.length = keep;
  if (fresh !== undefined && keep < fresh) fresh = keep;
  const edits = patch['e'];
  if (edits !== undefined) {
    if (!isJsonObject(edits)) throw new StatePatchError(source, "'e' must be an object");
    for (const i of Object.keys(edits)) {
      const at = Number(i);
      if (!Number.isInteger(at) || at < 0 || at >= keep) throw new StatePatchError(source, `edit at ${i} is outside the kept ${keep} items`);
      base[at] = applyJsonPatch(base[at] as JsonValue, edits[i] as JsonValue, source);
      if (fresh !== undefined && at < fresh) fresh = at;
    }
  }
  const appended = patch['+'];
  if (appended !== undefined) {
    if (!Array.isArray(appended)) throw new StatePatchError(source, "'+' must be a list");
    for (const v of appended) base.push(v);
  }
  if (fresh !== undefined) copiedFrom.set(base, fresh);
  return base;
}
