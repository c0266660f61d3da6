import { decodeRunState } from '../../core/codecs';
import { type RunState } from '../../core/models';
import { parseJson } from '../../json/parse';
import { stateText } from '../sqlite/checkpoint-state';

/**
 * How a run's state is kept in its `runs` row: the full compact Python-style JSON of the state,
 * read back with the lossless parser (float lexemes, big integers and key order survive).
 *
 * The seam for per-step state deltas: only the current state is stored today (no history of
 * checkpoints, so no time travel on PostgreSQL yet). When the store-agnostic delta codec
 * (src/runtime/storage/state-delta) lands, encode/decode here are where it plugs in.
 */
export function encodeRunStateText(run: RunState): string {
  return stateText(run);
}

export function decodeRunStateText(text: string, source: string): RunState {
  return decodeRunState(parseJson(text, { source }), source);
}
