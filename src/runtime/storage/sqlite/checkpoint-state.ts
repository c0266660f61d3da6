import { hash } from 'node:crypto';
import { decodeRunState, encodeWaitState } from '../../core/codecs';
import { type RunState } from '../../core/models';
import { CorruptFileError } from '../../errors';
import { parseJson } from '../../json/parse';
import { pyJsonDumps, quotePyString } from '../../json/py-dumps';
import { isJsonObject, orderedKeys, setKeyOrder, type JsonObject, type JsonValue } from '../../json/json-value';

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
  /** JSON map of top-level var name -> sha256 of its text in state_values, or null. */
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

export function decodeCheckpointState(row: CheckpointState, load: (sha256: string) => string | null, source: string): RunState {
  const run = decodeRunState(parseJson(row.state, { source }), source);
  if (!row.spills) return run;
  const spills = JSON.parse(row.spills) as Record<string, string>;
  for (const [k, sha] of Object.entries(spills)) {
    const text = load(sha);
    if (text === null) throw new CorruptFileError(source, `the stored value of var '${k}' (${sha}) is missing`);
    if (!isJsonObject(run.vars) || !(k in run.vars)) continue;
    run.vars[k] = parseJson(text, { source: `${source} var '${k}'` });
  }
  return run;
}
