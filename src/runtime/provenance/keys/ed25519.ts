/**
 * Ed25519 with node:crypto, on raw 32-byte keys: the public key as the 32 bytes of RFC 8032 and
 * the private key as its 32-byte seed, so keys move between languages without ASN.1. Node wants
 * DER, so the raw bytes are wrapped in the fixed SPKI / PKCS#8 prefixes of RFC 8410.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export const ED25519_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

export interface Ed25519KeyPair {
  /** The raw public key (32 bytes). */
  publicKey: Uint8Array;
  /** The raw private seed (32 bytes): keep it secret, store it only encrypted. */
  seed: Uint8Array;
}

export function generateEd25519(): Ed25519KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  return { publicKey: new Uint8Array(spki.subarray(SPKI_PREFIX.length)), seed: new Uint8Array(pkcs8.subarray(PKCS8_PREFIX.length)) };
}

export function ed25519PrivateKey(seed: Uint8Array): KeyObject {
  if (seed.length !== ED25519_KEY_BYTES) throw new RangeError(`an Ed25519 seed has ${ED25519_KEY_BYTES} bytes (got ${seed.length})`);
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** The public key object, or null when the bytes are not a usable Ed25519 public key. */
export function ed25519PublicKey(raw: Uint8Array): KeyObject | null {
  if (raw.length !== ED25519_KEY_BYTES) return null;
  try {
    return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
}

/** The raw public key of a seed. */
export function ed25519PublicFromSeed(seed: Uint8Array): Uint8Array {
  const spki = createPublicKey(ed25519PrivateKey(seed)).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(SPKI_PREFIX.length));
}

export function ed25519Sign(privateKey: KeyObject, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, privateKey));
}

/** False for a wrong signature, and for anything that is not a 64-byte signature at all. */
export function ed25519Verify(publicKey: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    return verify(null, message, publicKey, signature);
  } catch {
    return false;
  }
}
