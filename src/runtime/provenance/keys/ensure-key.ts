/** The signer of an actor, created on first use: what a host calls at start-up for its own key. */
import { type ActorFingerprint } from '../../identity/actor-fingerprint';
import { ProvenanceError } from '../provenance-errors';
import { type KeyStore, type SigningKey } from './key-store';

export async function ensureSigningKey(store: KeyStore, actor: ActorFingerprint): Promise<SigningKey> {
  try {
    return await store.signingKey(actor.actorId);
  } catch (err) {
    if (!(err instanceof ProvenanceError) || err.reason !== 'KEY_NOT_FOUND') throw err; // a locked key must not be replaced silently
  }
  const key = await store.createKey({ kind: actor.kind, displayName: actor.displayName, metadata: actor.metadata, actorId: actor.actorId });
  return store.signingKey(key.keyId);
}
