import { decodeRunState, encodeRunState } from '../../core/codecs';
import { type RunState } from '../../core/models';
import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { pyJsonDumps } from '../../json/py-dumps';
import { applyJsonPatch, StatePatchError } from './apply-patch';
import { shadowCopy } from './frozen';
import { diffJson, type JsonPatch } from './json-patch';

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
}

// 1,000: at most ~1,000 small deltas to apply on a rebuild; below that the keyframes of a growing state
// dominate the file (at 256, 20 keyframes of ~2.6 MB made a 5,000-step run 6.4x its content).
export const DEFAULT_KEYFRAME_POLICY: KeyframePolicy = { everySaves: 1000 };

interface Tracked {
  /** A private copy of the dict of the state last saved. */
  shadow: JsonObject;
  keyframeBytes: number;
  deltaBytes: number;
  saves: number;
}

export type NextSave = { kind: 'keyframe' } | { kind: 'delta'; text: string };

/**
 * What a writer remembers of each run to write deltas: the state it saved last (a copy, kept up
 * to date by applying each delta to it, so a step costs what changed, plus one walk comparing).
 * A keyframe is due when the run is not tracked (first save on this connection, or after
 * `forget`), every `everySaves` saves, or when the deltas since the last keyframe (this one
 * included) add up to more than that keyframe: so the deltas never cost more than the full
 * copies they replace, and a state that grows gets keyframes at each doubling.
 *
 * Call `next` inside the save's transaction, then `keyframeSaved` if it said keyframe; on a
 * failed transaction call `forget`, since the tracked copy already moved on.
 */
export class StateDeltaTracker<K> {
  private readonly runs = new Map<K, Tracked>();

  constructor(private readonly policy: KeyframePolicy = DEFAULT_KEYFRAME_POLICY) {}

  next(key: K, run: RunState): NextSave {
    const t = this.runs.get(key);
    if (!t || t.saves + 1 >= this.policy.everySaves) return { kind: 'keyframe' };
    const dict = encodeRunState(run);
    const patch = diffJson(t.shadow, dict);
    const text = stateDeltaText(patch);
    if (t.deltaBytes + text.length > t.keyframeBytes) {
      this.runs.delete(key);
      return { kind: 'keyframe' };
    }
    if (patch) t.shadow = applyJsonPatch(t.shadow, patch as unknown as JsonValue, 'state delta') as JsonObject;
    t.deltaBytes += text.length;
    t.saves++;
    return { kind: 'delta', text };
  }

  /** After writing `run` in full (`bytes` long, spilled values included). */
  keyframeSaved(key: K, run: RunState, bytes: number): void {
    this.runs.set(key, { shadow: shadowCopy(encodeRunState(run)), keyframeBytes: bytes, deltaBytes: 0, saves: 0 });
  }

  forget(key?: K): void {
    if (key === undefined) this.runs.clear();
    else this.runs.delete(key);
  }
}
