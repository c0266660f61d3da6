/**
 * An actor's signing key for this host, created on first use. One workspace may be opened by
 * hosts that protect keys differently (the web host: none or a passphrase; the desktop app: the
 * OS keychain), so an actor may hold one key per protection: each host uses the newest key it can
 * open, and makes its own when there is none. A key it should open but cannot (a wrong passphrase,
 * a keychain of another user) is never replaced: that error goes to the caller.
 */
import { type ActorFingerprint } from '../../../runtime/index';
import { ensureSigningKey, ProvenanceError, type KeyRecordStore, type ProtectedKeyStore, type ProtectorKind, type SigningKey } from '../../../runtime/provenance/index';

export async function actorSigningKey(keys: ProtectedKeyStore, records: KeyRecordStore, actor: ActorFingerprint, protection: ProtectorKind): Promise<SigningKey> {
  try {
    return await ensureSigningKey(keys, actor);
  } catch (err) {
    if (!(err instanceof ProvenanceError) || err.reason !== 'KEY_PROTECTION_MISMATCH') throw err;
  }
  const mine = (await records.list()).filter((r) => r.key.actorId === actor.actorId && r.privateKey?.protection === protection).at(-1);
  return keys.signingKey(mine ? mine.key.keyId : (await keys.createKeyFor(actor)).keyId);
}

/** True for the errors that mean "no key can be unlocked here" rather than a broken workspace. */
export function isKeyUnavailable(err: unknown): err is ProvenanceError {
  return err instanceof ProvenanceError && (err.reason === 'KEY_LOCKED' || err.reason === 'KEYCHAIN_UNAVAILABLE' || err.reason === 'KEY_PROTECTION_MISMATCH');
}
