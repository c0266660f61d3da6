/**
 * The actors whose keys sign a workspace's ledgers. Each is a runtime ActorFingerprint, so the
 * ids in checkpoints are the same kind of id the ledger records name.
 */
import { hostname } from 'node:os';
import { actorFingerprint, type ActorFingerprint } from '../../../runtime/index';

/** The Studio on this machine: signs the periodic checkpoints of every run it drives. */
export function studioHostActor(host: string = hostname()): ActorFingerprint {
  return actorFingerprint({ kind: 'service', displayName: 'AbstractRuntime Studio', metadata: { host } });
}

/**
 * The `studio` command line on this machine: a separate actor from the Studio, so a bundle tells
 * an auditor which tool vouched for the records (and its passphrase key never collides with the
 * Studio's keychain key).
 */
export function studioCliActor(host: string = hostname()): ActorFingerprint {
  return actorFingerprint({ kind: 'service', displayName: 'studio CLI', metadata: { host } });
}
