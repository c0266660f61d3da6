/**
 * Actor keys of a workspace: create a key pair for an actor, keep the private part sealed by a
 * protector, hand out signers, and list the public keys (what bundles carry and verifiers trust).
 */
import { type ActorFingerprint } from '../../identity/actor-fingerprint';
import { type JsonObject } from '../../json/json-value';
import { formatIsoTimestamp, systemClock, type Clock } from '../../json/timestamp';
import { fromBase64, toBase64 } from '../encoding';
import { ProvenanceError } from '../provenance-errors';
import { checkActorKey, keyIdOf, selfCertifiedActor, type ActorKey } from './actor-key';
import { ed25519PrivateKey, ed25519PublicFromSeed, ed25519Sign, generateEd25519 } from './ed25519';
import { type KeyProtector } from './key-protector';
import { type KeyRecordStore, type StoredKeyRecord } from './key-record-store';

/** Signs with one actor's private key. */
export interface SigningKey {
  readonly key: ActorKey;
  sign(message: Uint8Array): Uint8Array;
}

export interface CreateActorKeyOptions {
  kind: string;
  displayName?: string | null;
  metadata?: JsonObject | null;
  /**
   * Bind the key to this existing actor id (an asserted binding). Without it, the actor id is
   * derived from the description and the key (self-certifying; see actor-key.ts).
   */
  actorId?: string;
}

export interface KeyStore {
  /** Generates a key pair for an actor and stores it, the private part sealed. */
  createKey(options: CreateActorKeyOptions): Promise<ActorKey>;
  /** Adds another party's public key (a verifier's trusted key, a colleague's key). */
  importPublicKey(key: ActorKey): Promise<void>;
  /** Every public key, ours and imported, oldest first. */
  publicKeys(): Promise<ActorKey[]>;
  /** A signer for one of our keys, by key id or actor id (the actor's newest key). */
  signingKey(keyIdOrActorId: string): Promise<SigningKey>;
}

/** A signer over a raw seed (tests, benchmarks, and the store below once the seed is unsealed). */
export function signingKeyFromSeed(key: ActorKey, seed: Uint8Array): SigningKey {
  const privateKey = ed25519PrivateKey(seed);
  if (toBase64(ed25519PublicFromSeed(seed)) !== key.publicKey) {
    throw new ProvenanceError('KEY_INVALID', `The private key stored for ${key.keyId} does not belong to its public key.`, { keyId: key.keyId });
  }
  return { key, sign: (message) => ed25519Sign(privateKey, message) };
}

/** A fresh key pair and its ActorKey, with nothing stored (tests, throwaway signers). */
export function generateActorKey(options: CreateActorKeyOptions, createdAt: string): { key: ActorKey; seed: Uint8Array } {
  const pair = generateEd25519();
  const publicKey = toBase64(pair.publicKey);
  const bound = options.actorId === undefined ? selfCertifiedActor(options, publicKey) : { actorId: options.actorId, metadata: options.metadata ?? null };
  const key: ActorKey = {
    actorId: bound.actorId,
    kind: options.kind,
    displayName: options.displayName ?? null,
    metadata: bound.metadata,
    publicKey,
    keyId: keyIdOf(pair.publicKey),
    createdAt,
  };
  return { key, seed: pair.seed };
}

export interface ProtectedKeyStoreOptions {
  records: KeyRecordStore;
  protector: KeyProtector;
  clock?: Clock;
}

/** The KeyStore: records in a KeyRecordStore, private seeds sealed by the protector, signers cached once unsealed. */
export class ProtectedKeyStore implements KeyStore {
  private readonly records: KeyRecordStore;
  private readonly protector: KeyProtector;
  private readonly clock: Clock;
  private readonly unlocked = new Map<string, SigningKey>();

  constructor(options: ProtectedKeyStoreOptions) {
    this.records = options.records;
    this.protector = options.protector;
    this.clock = options.clock ?? systemClock;
  }

  async createKey(options: CreateActorKeyOptions): Promise<ActorKey> {
    const { key, seed } = generateActorKey(options, formatIsoTimestamp(this.clock.nowMicros()));
    const sealed = toBase64(this.protector.encrypt(seed));
    await this.records.put({ key, privateKey: { protection: this.protector.kind, sealed } });
    this.unlocked.set(key.keyId, signingKeyFromSeed(key, seed));
    return key;
  }

  /** A key for an actor the runtime already names (asserted binding). */
  createKeyFor(actor: ActorFingerprint): Promise<ActorKey> {
    return this.createKey({ kind: actor.kind, displayName: actor.displayName, metadata: actor.metadata, actorId: actor.actorId });
  }

  async importPublicKey(key: ActorKey): Promise<void> {
    const check = checkActorKey(key);
    if (!check.ok) throw new ProvenanceError('KEY_INVALID', `Key ${key.keyId} of ${key.actorId} cannot be imported: ${check.message}.`);
    await this.records.put({ key, privateKey: null });
  }

  async publicKeys(): Promise<ActorKey[]> {
    return (await this.records.list()).map((r) => r.key);
  }

  async signingKey(keyIdOrActorId: string): Promise<SigningKey> {
    const cached = this.unlocked.get(keyIdOrActorId);
    if (cached) return cached;
    const record = await this.find(keyIdOrActorId);
    const again = this.unlocked.get(record.key.keyId);
    if (again) return again;
    const p = record.privateKey;
    if (!p) throw new ProvenanceError('KEY_NOT_FOUND', `Key ${record.key.keyId} of ${record.key.actorId} is someone else's public key; there is no private key to sign with.`);
    if (p.protection !== this.protector.kind) {
      throw new ProvenanceError('KEY_PROTECTION_MISMATCH', `Key ${record.key.keyId} is protected by ${p.protection}, but this store opens keys with ${this.protector.kind}.`);
    }
    const sealed = fromBase64(p.sealed);
    if (!sealed) throw new ProvenanceError('KEY_INVALID', `The sealed private key of ${record.key.keyId} is not valid base64.`);
    const signer = signingKeyFromSeed(record.key, this.protector.decrypt(sealed));
    this.unlocked.set(record.key.keyId, signer);
    return signer;
  }

  private async find(keyIdOrActorId: string): Promise<StoredKeyRecord> {
    const all = await this.records.list();
    const own = all.filter((r) => r.privateKey !== null);
    const hit = all.find((r) => r.key.keyId === keyIdOrActorId) ?? own.filter((r) => r.key.actorId === keyIdOrActorId).at(-1);
    if (!hit) throw new ProvenanceError('KEY_NOT_FOUND', `There is no key ${keyIdOrActorId} (by key id or actor id); create one first.`, { keyIdOrActorId });
    return hit;
  }
}
