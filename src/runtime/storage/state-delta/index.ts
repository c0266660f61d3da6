/** The store-agnostic state delta codec: diff, apply, the delta text, and when to write a keyframe. */
export { diffJson, jsonEqual, type ArrayPatch, type JsonPatch, type ObjectPatch, type ReplacePatch } from './json-patch';
export { applyJsonPatch, StatePatchError } from './apply-patch';
export {
  applyStateDelta,
  DEFAULT_KEYFRAME_POLICY,
  isStateDeltaText,
  rebuildState,
  stateDeltaText,
  StateDeltaTracker,
  type KeyframePolicy,
  type NextSave,
} from './state-delta';
