import { decodeRunState, encodeRunState } from '../../core/codecs';
import { type RunState } from '../../core/models';
import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { pyJsonDumps } from '../../json/py-dumps';
import { applyJsonPatch, StatePatchError } from './apply-patch';
import { shadowCopy } from './frozen';
import { diffJson, type JsonPatch } from './json-patch';
import { cleanPrefix, type ChunkRef, type ChunkReuse } from './chunks';

/**
 * A run state stored as what changed since the state saved before it: a JsonPatch of the state's
 * dict (`asdict(run)`: the run fields and `vars`), written as `{"$delta":1,"p":patch}` (no `p` when
 * nothing changed). Store-agnostic: a store keeps a full keyframe now and then and these in
 * between, and rebuilds a state from the nearest keyframe at or before it, applying each delta
 * after it in save order. A full state's text starts with `{"run_id":`, so the two cannot be
 * mistaken for one another.
 */
const PREFIX = '{"$delta":1';
const COMPACT = { separators: [',', ':'] as [string, string] };

export function isStateDeltaText(text: string): boolean {
  return text.startsWith(PREFIX);
}

/** The text of the delta from `prev` to `next` (state dicts as `encodeRunState` writes them). */
export function stateDeltaText(patch: JsonPatch | null): string {
  return patch === null ? `${PREFIX}}` : `${PREFIX},"p":${pyJsonDumps(patch as unknown as JsonValue, COMPACT)}}`;
}

/** Applies a stored delta to a state dict and returns the result: edited in place, except frozen parts, copied along the paths the delta touches (a kept state, see RebuiltStates). */
export function applyStateDelta(dict: JsonObject, text: string, source: string): JsonObject {
  if (!isStateDeltaText(text)) throw new StatePatchError(source, 'the row is not a state delta');
  const delta = parseJson(text, { source });
  if (!isJsonObject(delta)) throw new StatePatchError(source, 'a delta must be an object');
  const patch = delta['p'];
  if (patch === undefined) return dict;
  const out = applyJsonPatch(dict, patch, source);
  if (!isJsonObject(out)) throw new StatePatchError(source, 'a state must stay an object');
  return out;
}

/** The state `keyframe` (a decoded full state) becomes after `deltas`, in save order. */
export function rebuildState(keyframe: RunState, deltas: readonly string[], source: string): RunState {
  if (deltas.length === 0) return keyframe;
  let dict = encodeRunState(keyframe);
  for (const text of deltas) dict = applyStateDelta(dict, text, source);
  return decodeRunState(dict, source);
}

/** When a store writes a full state instead of a delta. */
export interface KeyframePolicy {
  /** A keyframe at least every this many saves of a run (bounds the deltas a rebuild applies). */
  everySaves: number;
  /**
   * For a store that writes chunked keyframes (chunks.ts): a keyframe as soon as this many saves
   * since the last one have added at least as many bytes as that keyframe stored anew (its own
   * text, the chunks and values it was the first to store). A keyframe of a grown transcript then
   * costs what changed since the last one, so keyframes come this often, and the file holds at
   * most twice what the deltas alone would. Unset: no such keyframes (a store of whole keyframes).
   */
  cheapEvery?: number;
}

// 1,000: at most ~1,000 small deltas to apply on a rebuild; below that the keyframes of a growing state
// dominate the file (at 256, 20 keyframes of ~2.6 MB made a 5,000-step run 6.4x its content).
export const DEFAULT_KEYFRAME_POLICY: KeyframePolicy = { everySaves: 1000 };

/** The policy of a store that chunks its keyframes: at most ~32 deltas between keyframes of a growing transcript. */
export const CHUNKED_KEYFRAME_POLICY: KeyframePolicy = { everySaves: 1000, cheapEvery: 32 };

/** What a store tells the tracker of a chunked keyframe it wrote. */
export interface ChunkedKeyframe {
  /**
   * The bytes this keyframe stored that its deltas had not carried already: its row, values
   * spilled whole and not stored before, and new chunks but for the items appended since the last
   * keyframe (ChunkedList.restoredBytes): a transcript's messages are each stored once in a chunk
   * however often keyframes come, so only what a keyframe repeats counts against it.
   */
  storedBytes: number;
  /** The chunks each top-level var that is a chunked list was cut into. */
  chunks: ReadonlyMap<string, readonly ChunkRef[]>;
}

interface Chunked {
  chunks: readonly ChunkRef[];
  clean: number;
  kept: number;
}

interface Tracked {
  /** A private copy of the dict of the state last saved. */
  shadow: JsonObject;
  keyframeBytes: number;
  /** What the last keyframe stored anew (Infinity for a store that does not say: no early keyframe). */
  storedBytes: number;
  deltaBytes: number;
  saves: number;
  /** The chunks of the last keyframe's chunked vars, how many of their first items no save since has touched, and how many no save has dropped. */
  chunks: Map<string, Chunked>;
  /** True between `next` saying "keyframe" for a tracked run and `keyframeSaved`: the shadow is the new state already. */
  pending: boolean;
}

/**
 * Say a keyframe is due: with the chunks of the last keyframe still holding exactly the first
 * items of each var (by var name), which the store may reuse without serialising those items.
 */
export type NextSave = { kind: 'keyframe'; reuse?: ReadonlyMap<string, ChunkReuse> } | { kind: 'delta'; text: string };

/**
 * What a writer remembers of each run to write deltas: the state it saved last (a copy, kept up
 * to date by applying each delta to it, so a step costs what changed, plus one walk comparing).
 * A keyframe is due when the run is not tracked (first save on this connection, or after
 * `forget`), every `everySaves` saves, or when the deltas since the last keyframe (this one
 * included) add up to more than that keyframe: so the deltas never cost more than the full
 * copies they replace, and a state that grows gets keyframes at each doubling. With `cheapEvery`
 * (chunked keyframes), also once the deltas outweigh what the last keyframe stored anew.
 *
 * For chunked keyframes the tracker knows which chunks still hold a var's first items: the
 * shadow changes only by the patches it applies, so an item before every index a patch of that
 * var kept, edited or replaced since the keyframe is the item the keyframe's chunk holds.
 *
 * Call `next` inside the save's transaction, then `keyframeSaved` if it said keyframe; on a
 * failed transaction call `forget`, since the tracked copy already moved on.
 */
export class StateDeltaTracker<K> {
  private readonly runs = new Map<K, Tracked>();

  constructor(private readonly policy: KeyframePolicy = DEFAULT_KEYFRAME_POLICY) {}

  next(key: K, run: RunState): NextSave {
    const t = this.runs.get(key);
    if (!t || t.saves + 1 >= this.policy.everySaves) {
      this.runs.delete(key);
      return { kind: 'keyframe' };
    }
    const dict = encodeRunState(run);
    const patch = diffJson(t.shadow, dict);
    const text = stateDeltaText(patch);
    const cheap = this.policy.cheapEvery;
    const early = cheap !== undefined && t.saves + 1 >= cheap && t.deltaBytes + text.length >= t.storedBytes;
    if (!early && t.deltaBytes + text.length > t.keyframeBytes) {
      this.runs.delete(key);
      return { kind: 'keyframe' };
    }
    if (patch) {
      if (t.chunks.size > 0) touched(t.chunks, patch);
      t.shadow = applyJsonPatch(t.shadow, patch as unknown as JsonValue, 'state delta') as JsonObject;
    }
    if (early) {
      t.pending = true;
      const reuse = new Map<string, ChunkReuse>();
      for (const [k, c] of t.chunks) reuse.set(k, { chunks: cleanPrefix(c.chunks, c.clean), freshFrom: c.kept });
      return { kind: 'keyframe', reuse };
    }
    t.deltaBytes += text.length;
    t.saves++;
    return { kind: 'delta', text };
  }

  /** After writing `run` in full (`bytes` long, spilled values included); a chunking store says what it stored. */
  keyframeSaved(key: K, run: RunState, bytes: number, chunked?: ChunkedKeyframe): void {
    const t = this.runs.get(key);
    const shadow = t?.pending ? t.shadow : shadowCopy(encodeRunState(run));
    const chunks = new Map<string, Chunked>();
    if (chunked) {
      for (const [k, c] of chunked.chunks) {
        const list = run.vars[k];
        chunks.set(k, { chunks: c, clean: Infinity, kept: Array.isArray(list) ? list.length : 0 });
      }
    }
    this.runs.set(key, { shadow, keyframeBytes: bytes, storedBytes: chunked ? chunked.storedBytes : Infinity, deltaBytes: 0, saves: 0, chunks, pending: false });
  }

  forget(key?: K): void {
    if (key === undefined) this.runs.clear();
    else this.runs.delete(key);
  }
}

/** Lowers each chunked var's count of untouched first items by what `patch` (of the state dict) edits. */
function touched(chunks: Map<string, Chunked>, patch: JsonPatch): void {
  const vars = 'o' in patch ? patch.o['vars'] : undefined;
  if (vars === undefined) return;
  if (!('o' in vars)) {
    chunks.clear(); // vars replaced whole
    return;
  }
  for (const k of vars['-'] ?? []) chunks.delete(k);
  for (const [k, c] of chunks) {
    const p = vars.o[k];
    if (p === undefined) continue;
    if (!('a' in p)) {
      chunks.delete(k); // replaced, or no longer a list
      continue;
    }
    c.kept = Math.min(c.kept, p.a);
    let clean = Math.min(c.clean, p.a);
    if (p.e) for (const i of Object.keys(p.e)) clean = Math.min(clean, Number(i));
    c.clean = clean;
  }
}
