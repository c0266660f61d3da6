/**
 * An actor's public signing key: the runtime's ActorFingerprint bound to an Ed25519 public key.
 *
 * Two bindings:
 * - self-certified: the actor id was derived (as every ActorFingerprint) from metadata that holds
 *   the public key (`metadata.ed25519_public_key`), so the id itself commits to the key and a key
 *   record cannot be swapped without changing the actor id every ledger record names;
 * - asserted: an existing actor id (made before it had a key) is paired with a key by whoever
 *   wrote the key record. Only a trusted key list (what the auditor pins) makes that binding hold.
 */
import { actorFingerprint } from '../../identity/actor-fingerprint';
import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value';
import { fromBase64, sha256Hex } from '../encoding';
import { ProvenanceError } from '../provenance-errors';
import { ED25519_KEY_BYTES } from './ed25519';

/** The metadata field of a self-certifying actor that holds its public key (base64). */
export const KEY_METADATA_FIELD = 'ed25519_public_key';

export interface ActorKey {
  actorId: string;
  /** "agent" | "human" | "service" by convention, as ActorFingerprint. */
  kind: string;
  displayName: string | null;
  /** The fingerprint metadata of a self-certifying actor (null for an asserted binding). */
  metadata: JsonObject | null;
  /** The raw 32-byte Ed25519 public key, base64. */
  publicKey: string;
  /** `sha256(raw public key)` hex, first 32 characters: how statements name the key. */
  keyId: string;
  createdAt: string;
}

export type KeyBinding = 'self-certified' | 'asserted';

export function keyIdOf(rawPublicKey: Uint8Array): string {
  return sha256Hex(rawPublicKey).slice(0, 32);
}

/** The self-certifying actor id of an actor that holds `publicKey` (base64). */
export function selfCertifiedActor(init: { kind: string; displayName?: string | null; metadata?: JsonObject | null }, publicKey: string): { actorId: string; metadata: JsonObject } {
  const metadata: JsonObject = { ...(init.metadata ?? {}), [KEY_METADATA_FIELD]: publicKey };
  return { actorId: actorFingerprint({ kind: init.kind, displayName: init.displayName ?? null, metadata }).actorId, metadata };
}

export type ActorKeyCheck =
  | { ok: true; binding: KeyBinding; raw: Uint8Array }
  | { ok: false; problem: 'invalid_public_key' | 'key_id_mismatch' | 'binding_mismatch'; message: string };

/** Checks what a key record claims about itself: a real key, its key id, and a self-certified binding. */
export function checkActorKey(key: ActorKey): ActorKeyCheck {
  const raw = fromBase64(key.publicKey);
  if (!raw || raw.length !== ED25519_KEY_BYTES) {
    return { ok: false, problem: 'invalid_public_key', message: `the public key is not ${ED25519_KEY_BYTES} bytes of canonical base64` };
  }
  const keyId = keyIdOf(raw);
  if (keyId !== key.keyId) return { ok: false, problem: 'key_id_mismatch', message: `its key id is ${key.keyId}, but the public key's id is ${keyId} (the key was replaced)` };
  if (!key.metadata || !(KEY_METADATA_FIELD in key.metadata)) return { ok: true, binding: 'asserted', raw };
  const expected = selfCertifiedActor({ kind: key.kind, displayName: key.displayName, metadata: key.metadata }, key.publicKey).actorId;
  if (key.metadata[KEY_METADATA_FIELD] !== key.publicKey || expected !== key.actorId) {
    return { ok: false, problem: 'binding_mismatch', message: `actor ${key.actorId} was derived from another public key (the key or the actor's description was replaced)` };
  }
  return { ok: true, binding: 'self-certified', raw };
}

/** The key record as JSON (snake_case, this key order): what key files and bundles hold. */
export function encodeActorKey(k: ActorKey): JsonObject {
  return {
    actor_id: k.actorId,
    kind: k.kind,
    display_name: k.displayName,
    metadata: k.metadata,
    public_key: k.publicKey,
    key_id: k.keyId,
    created_at: k.createdAt,
  };
}

const str = (d: JsonObject, field: string, source: string): string => {
  const v = d[field];
  if (typeof v !== 'string') throw new ProvenanceError('KEY_INVALID', `${source}: key field '${field}' must be a string.`, { field });
  return v;
};

/** Reads a key record; throws KEY_INVALID naming the field when it is malformed. */
export function decodeActorKey(value: JsonValue | undefined, source = 'key record'): ActorKey {
  if (!isJsonObject(value)) throw new ProvenanceError('KEY_INVALID', `${source}: a key record must be a JSON object.`);
  const displayName = value['display_name'] ?? null;
  if (displayName !== null && typeof displayName !== 'string') throw new ProvenanceError('KEY_INVALID', `${source}: key field 'display_name' must be a string or null.`);
  const metadata = value['metadata'] ?? null;
  if (metadata !== null && !isJsonObject(metadata)) throw new ProvenanceError('KEY_INVALID', `${source}: key field 'metadata' must be an object or null.`);
  return {
    actorId: str(value, 'actor_id', source),
    kind: str(value, 'kind', source),
    displayName,
    metadata,
    publicKey: str(value, 'public_key', source),
    keyId: str(value, 'key_id', source),
    createdAt: str(value, 'created_at', source),
  };
}

/** True when both records name the same actor with the same public key. */
export function sameActorKey(a: ActorKey, b: ActorKey): boolean {
  return a.actorId === b.actorId && a.publicKey === b.publicKey;
}
