import { decodeRunState } from '../../core/codecs';
import { type RunState } from '../../core/models';
import { parseJson } from '../../json/parse';
import { stateText } from '../sqlite/checkpoint-state';

/**
 * How a run's current state is kept in its `runs` row (and a keyframe in `run_states`): the full
 * compact Python-style JSON of the state, read back with the lossless parser (float lexemes, big
 * integers and key order survive). The history between keyframes is deltas (pg-state-history.ts).
 */
export function encodeRunStateText(run: RunState): string {
  return stateText(run);
}

export function decodeRunStateText(text: string, source: string): RunState {
  return decodeRunState(parseJson(text, { source }), source);
}
