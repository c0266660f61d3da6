/** The store-agnostic state delta codec: diff, apply, the delta text, when to write a keyframe, and the rebuilt states a store may keep. */
export { diffJson, jsonEqual, type ArrayPatch, type JsonPatch, type ObjectPatch, type ReplacePatch } from './json-patch';
export { applyJsonPatch, StatePatchError } from './apply-patch';
export { isDeepFrozen, shadowCopy } from './frozen';
export { CHUNK_BYTES, chunkList, cleanPrefix, ParsedChunks, type ChunkedList, type ChunkRef, type ChunkReuse } from './chunks';
export { freezeState, RebuiltStates, thawState } from './rebuilt-states';
export {
  applyStateDelta,
  CHUNKED_KEYFRAME_POLICY,
  type ChunkedKeyframe,
  DEFAULT_KEYFRAME_POLICY,
  isStateDeltaText,
  rebuildState,
  stateDeltaText,
  StateDeltaTracker,
  type KeyframePolicy,
  type NextSave,
} from './state-delta';
