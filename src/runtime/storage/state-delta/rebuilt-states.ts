import { JsonNumber } from '../../json/json-number';
import { KEY_ORDER, type JsonObject, type JsonValue } from '../../json/json-value';
import { firstUnfrozenIndex } from './apply-patch';
import { ByteLru } from './byte-lru';

/**
 * States a store rebuilt, kept to start the next rebuild from (time travel reads the same few
 * stretches of a run again and again: scrubbing a timeline, a step's diff, a fork). Rebuilding a
 * state from its keyframe parses the keyframe (a grown transcript: megabytes, tens of ms) and
 * every delta after it; starting from a state kept here costs only the deltas after that one.
 *
 * Entries are deep-frozen state dicts (`asdict(run)`), shared between entries: a rebuild applies
 * its deltas to a frozen base, which copies only the objects and arrays a delta touches (see
 * apply-patch.ts), so a state rebuilt from another costs the memory of what changed in between.
 * Callers get the frozen dict and must copy it before handing it out.
 *
 * Keys must name immutable saved states (a store's rows are append-only, so a (run, position)
 * names one state forever); a store must not put states read inside a transaction that may roll
 * back. The budget counts the text each entry added (a keyframe's full text, a rebuilt state's
 * deltas), an estimate of what it holds in memory.
 */
export class RebuiltStates<K> {
  private readonly kept: ByteLru<K, JsonObject>;

  constructor(limits: { maxBytes: number; maxEntries: number } = { maxBytes: 64 * 1024 * 1024, maxEntries: 4096 }) {
    this.kept = new ByteLru(limits);
  }

  has(key: K): boolean {
    return this.kept.has(key);
  }

  /** The frozen state kept under `key`, if any (and it becomes the most recently used). */
  get(key: K): JsonObject | undefined {
    return this.kept.get(key);
  }

  /** Keeps `dict` (frozen here, in the parts not frozen yet) under `key`; `bytes` is what it adds. */
  put(key: K, dict: JsonObject, bytes: number): JsonObject {
    freezeState(dict);
    this.kept.put(key, dict, bytes);
    return dict;
  }

  clear(): void {
    this.kept.clear();
  }

  get size(): number {
    return this.kept.size;
  }
}

/** Freezes a state dict deeply; a frozen object's parts are frozen already, so the walk stops there. */
export function freezeState<T extends JsonValue>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) for (let i = firstUnfrozenIndex(value); i < value.length; i++) freezeState(value[i] as JsonValue);
  else if (!(value instanceof JsonNumber)) for (const k in value) freezeState((value as JsonObject)[k] as JsonValue);
  return Object.freeze(value);
}

/**
 * A plain, unfrozen deep copy of a kept state, to hand to a caller (who may edit it). Only for
 * values this module froze (valid JSON already, so nothing is checked, unlike cloneJson): it
 * is the one full walk a rebuild from a kept state makes, so it does the least per node.
 */
export function thawState<T extends JsonValue>(value: T): T {
  if (typeof value !== 'object' || value === null || value instanceof JsonNumber) return value;
  if (Array.isArray(value)) {
    const out = value.slice();
    for (let i = 0; i < out.length; i++) {
      const v = out[i];
      if (typeof v === 'object' && v !== null) out[i] = thawState(v);
    }
    return out as T;
  }
  const src = value as JsonObject & { [KEY_ORDER]?: readonly string[] };
  const out: JsonObject = {};
  for (const k in src) {
    const v = src[k] as JsonValue;
    const copy = typeof v === 'object' && v !== null ? thawState(v) : v;
    // An own "__proto__" key (the parser keeps one as data) must stay data, not set the prototype.
    if (k === '__proto__') Object.defineProperty(out, k, { value: copy, enumerable: true, writable: true, configurable: true });
    else out[k] = copy;
  }
  const recorded = src[KEY_ORDER];
  if (recorded) Object.defineProperty(out, KEY_ORDER, { value: [...recorded], enumerable: false, configurable: true, writable: true });
  return out as T;
}
