import { hash } from 'node:crypto';
import { decodeRunState, encodeWaitState } from '../../core/codecs';
import { type RunState } from '../../core/models';
import { CorruptFileError } from '../../errors';
import { parseJson } from '../../json/parse';
import { pyJsonDumps, quotePyString } from '../../json/py-dumps';
import { isJsonObject, orderedKeys, setKeyOrder, type JsonObject, type JsonValue } from '../../json/json-value';
import { chunkList, type ChunkRef, type ChunkReuse } from '../state-delta/chunks';

/**
 * How a run state is written into a checkpoint row: compact Python-style JSON of `asdict(run)`
 * (our own writer, read back with the lossless parser, so float lexemes, big integers and key
 * order survive).
 *
 * Size: a checkpoint is written on every commit, so a run of N steps keeps N copies of its state.
 * To keep large values from being copied on every step, a state whose text reaches SPILL_BYTES
 * has each top-level var of at least SPILL_BYTES stored once, by sha256, in `state_values`; the
 * checkpoint keeps `null` in its place (so key order is kept) and a map var -> sha256 in `spills`.
 * An unchanged large value then costs 64 bytes per step instead of its size; a value that changes
 * every step (a growing transcript) is still stored once per version. Small states (the common
 * case) pay nothing extra.
 */
export const SPILL_BYTES = 8 * 1024;

export interface CheckpointState {
  state: string;
  /**
   * JSON map of top-level var name -> sha256 of its text in state_values, or (since migration 8)
   * -> the sha256s of the chunks in state_chunks holding its first items, the rest of the list
   * left inline in `state` (see encodeChunkedState); or null.
   */
  spills: string | null;
}

const COMPACT = { separators: [',', ':'] as [string, string] };

const str = (s: string | null): string => (s === null ? 'null' : quotePyString(s, false));
const dumps = (v: JsonValue): string => pyJsonDumps(v, COMPACT);

/**
 * `pyJsonDumps(encodeRunState(run), COMPACT)`, written field by field: the 13 keys are fixed, so
 * building the dict and walking it again is skipped (a state is written on every step). A
 * property test keeps the two equal.
 */
export function stateText(run: RunState): string {
  const w = run.waiting;
  return (
    `{"run_id":${str(run.runId)},"workflow_id":${str(run.workflowId)},"status":${str(run.status)},"current_node":${str(run.currentNode)},` +
    `"vars":${dumps(run.vars)},"waiting":${w ? dumps(encodeWaitState(w)) : 'null'},"output":${run.output === null ? 'null' : dumps(run.output)},` +
    `"error":${str(run.error)},"created_at":${str(run.createdAt)},"updated_at":${str(run.updatedAt)},"actor_id":${str(run.actorId)},` +
    `"session_id":${str(run.sessionId)},"parent_run_id":${str(run.parentRunId)}}`
  );
}

/** A full state as written: the row, and the length of the state's whole text (spilled values included). */
export interface EncodedState extends CheckpointState {
  bytes: number;
}

/** `store(sha, text)` must keep the text under that sha (insert-or-ignore). */
export function encodeCheckpointState(run: RunState, store: (sha256: string, text: string) => void): EncodedState {
  const full = stateText(run);
  const bytes = full.length;
  if (bytes < SPILL_BYTES) return { state: full, spills: null, bytes };
  const keys = orderedKeys(run.vars);
  const kept: JsonObject = {};
  const spills: Record<string, string> = {};
  let spilled = false;
  for (const k of keys) {
    const value = run.vars[k] as JsonValue;
    const text = pyJsonDumps(value, COMPACT);
    if (text.length >= SPILL_BYTES) {
      const sha = hash('sha256', text, 'hex');
      store(sha, text);
      spills[k] = sha;
      kept[k] = null;
      spilled = true;
    } else {
      kept[k] = value;
    }
  }
  if (!spilled) return { state: full, spills: null, bytes };
  setKeyOrder(kept, keys);
  return { state: stateText({ ...run, vars: kept }), spills: JSON.stringify(spills), bytes };
}

/** Where a chunked keyframe's stores put what it spills: each returns true when the text was not stored yet. */
export interface ChunkStores {
  value(sha256: string, text: string): boolean;
  chunk(sha256: string, text: string): boolean;
}

/** A keyframe written with chunked lists: the row, its whole text's length, what it stored that its deltas had not carried (see ChunkedKeyframe), and its chunks by var. */
export interface ChunkedEncodedState extends EncodedState {
  storedBytes: number;
  chunks: Map<string, ChunkRef[]>;
}

/**
 * Like encodeCheckpointState, but a top-level var that is a list of at least SPILL_BYTES is cut
 * into chunks (state-delta/chunks.ts) stored once each in state_chunks, its first items replaced
 * by the chunks' sha256s in `spills` and the rest (under CHUNK_BYTES) kept inline in the row.
 * `reuse` names chunks known to hold a var's first items unchanged (StateDeltaTracker): those items
 * are not serialised again, so a keyframe of a grown transcript costs what changed since the last.
 * Other large vars are spilled whole to state_values as before.
 */
export function encodeChunkedState(run: RunState, stores: ChunkStores, reuse?: ReadonlyMap<string, ChunkReuse>): ChunkedEncodedState {
  const keys = orderedKeys(run.vars);
  const kept: JsonObject = {};
  const spills: Record<string, string | string[]> = {};
  const chunks = new Map<string, ChunkRef[]>();
  let spilled = false;
  let outside = 0; // bytes of the state's text not in the row
  let storedBytes = 0;
  for (const k of keys) {
    const value = run.vars[k] as JsonValue;
    if (Array.isArray(value)) {
      const list = chunkList(value, reuse?.get(k), (sha, text) => stores.chunk(sha, text));
      if (list.chunks.length > 0) {
        const tail = value.slice(list.tailFrom);
        kept[k] = tail;
        spills[k] = list.chunks.map((c) => c.sha256);
        chunks.set(k, list.chunks);
        outside += list.bytes;
        storedBytes += list.restoredBytes;
        spilled = true;
        continue;
      }
    }
    const text = pyJsonDumps(value, COMPACT);
    if (text.length >= SPILL_BYTES) {
      const sha = hash('sha256', text, 'hex');
      if (stores.value(sha, text)) storedBytes += text.length;
      spills[k] = sha;
      kept[k] = null;
      outside += text.length;
      spilled = true;
    } else {
      kept[k] = value;
    }
  }
  if (!spilled) {
    const state = stateText(run);
    return { state, spills: null, bytes: state.length, storedBytes: state.length, chunks };
  }
  setKeyOrder(kept, keys);
  const state = stateText({ ...run, vars: kept });
  const spillsText = JSON.stringify(spills);
  return { state, spills: spillsText, bytes: state.length + outside, storedBytes: storedBytes + state.length + spillsText.length, chunks };
}

/**
 * Decodes a saved full state. `chunk(sha)` gives the items of a chunk (deep-frozen, shared by
 * whoever asked for them: a chunked list's first items are those very values, so a caller that
 * hands the state out must copy it); without it a row with chunks is reported damaged.
 */
export function decodeCheckpointState(
  row: CheckpointState,
  load: (sha256: string) => string | null,
  source: string,
  chunk?: (sha256: string) => readonly JsonValue[] | null,
): RunState {
  const run = decodeRunState(parseJson(row.state, { source }), source);
  if (!row.spills) return run;
  const spills = JSON.parse(row.spills) as Record<string, string | string[]>;
  for (const [k, sha] of Object.entries(spills)) {
    if (Array.isArray(sha)) {
      const tail = isJsonObject(run.vars) && Object.hasOwn(run.vars, k) ? run.vars[k] : undefined;
      if (!Array.isArray(tail)) throw new CorruptFileError(source, `var '${k}' is stored in chunks but its inline part is not a list`);
      const items: JsonValue[] = [];
      for (const s of sha) {
        const part = chunk?.(s) ?? null;
        if (part === null) throw new CorruptFileError(source, `chunk ${s} of var '${k}' is missing`);
        for (const v of part) items.push(v);
      }
      for (const v of tail) items.push(v);
      run.vars[k] = items;
      continue;
    }
    const text = load(sha);
    if (text === null) throw new CorruptFileError(source, `the stored value of var '${k}' (${sha}) is missing`);
    if (!isJsonObject(run.vars) || !(k in run.vars)) continue;
    run.vars[k] = parseJson(text, { source: `${source} var '${k}'` });
  }
  return run;
}
