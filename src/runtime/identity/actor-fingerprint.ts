import { createHash } from 'node:crypto';
import { canonicalJson } from '../json/py-dumps';
import { cloneJson, type JsonObject } from '../json/json-value';

/** Who acted: an agent, a human or a service, with a stable id derived from its description. */
export interface ActorFingerprint {
  readonly actorId: string;
  /** "agent" | "human" | "service" by convention. */
  readonly kind: string;
  readonly displayName: string | null;
  readonly metadata: JsonObject;
}

/**
 * `ActorFingerprint.from_metadata` of the reference:
 * `"ar_" + sha256(canonical({kind, display_name, metadata}))[:24]`; `display_name: null` is hashed.
 */
export function actorFingerprint(init: { kind: string; displayName?: string | null; metadata?: JsonObject | null }): ActorFingerprint {
  const metadata = init.metadata ? cloneJson(init.metadata) : {};
  const payload: JsonObject = { kind: init.kind, display_name: init.displayName ?? null, metadata };
  const actorId = 'ar_' + createHash('sha256').update(canonicalJson(payload), 'utf8').digest('hex').slice(0, 24);
  return { actorId, kind: init.kind, displayName: init.displayName ?? null, metadata };
}

export function encodeActorFingerprint(a: ActorFingerprint): JsonObject {
  return { actor_id: a.actorId, kind: a.kind, display_name: a.displayName, metadata: a.metadata };
}

/** `ActorFingerprint.from_metadata(...)` of the reference. */
export const ActorFingerprint = { fromMetadata: actorFingerprint };
