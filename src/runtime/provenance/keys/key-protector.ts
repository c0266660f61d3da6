/**
 * How private keys are kept at rest. A protector turns the 32-byte seed into sealed bytes and
 * back; the key record stores the sealed bytes and the protector's kind.
 * - passphrase (the CLI): scrypt derives an AES-256-GCM key from the passphrase;
 * - os-keychain (the Studio): the Electron host plugs `safeStorage` in (see safeStorageProtector);
 * - none: the seed as is, for tests and throwaway workspaces only.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { ProvenanceError } from '../provenance-errors';

export type ProtectorKind = 'os-keychain' | 'passphrase' | 'none';

export interface KeyProtector {
  readonly kind: ProtectorKind;
  encrypt(plain: Uint8Array): Uint8Array;
  /** Throws KEY_LOCKED when the bytes cannot be opened (wrong passphrase, another machine's keychain, damage). */
  decrypt(sealed: Uint8Array): Uint8Array;
}

export function noneProtector(): KeyProtector {
  return { kind: 'none', encrypt: (b) => new Uint8Array(b), decrypt: (b) => new Uint8Array(b) };
}

export interface PassphraseOptions {
  /** scrypt cost as log2(N): 15 by default (32 MiB, ~0.1 s). Tests lower it. Stored in the sealed bytes. */
  log2N?: number;
}

// Sealed layout: version(1) log2N(1) r(1) p(1) salt(16) iv(12) tag(16) ciphertext. The first 32
// bytes (version, cost, salt, iv) are authenticated as AAD, so nobody can lower the cost unnoticed.
const VERSION = 1;
const R = 8;
const P = 1;
const HEADER = 32;
const TAG = 16;

function deriveKey(passphrase: string, salt: Uint8Array, log2N: number, r: number, p: number): Buffer {
  const N = 2 ** log2N;
  return scryptSync(passphrase.normalize('NFC'), salt, 32, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
}

export function passphraseProtector(passphrase: string, options: PassphraseOptions = {}): KeyProtector {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new ProvenanceError('KEY_LOCKED', 'A passphrase is needed to protect the private key; an empty one protects nothing.');
  }
  const log2N = options.log2N ?? 15;
  if (!Number.isInteger(log2N) || log2N < 10 || log2N > 22) throw new RangeError(`log2N must be an integer from 10 to 22 (got ${log2N})`);
  return {
    kind: 'passphrase',
    encrypt(plain) {
      const header = Buffer.alloc(HEADER);
      header.set([VERSION, log2N, R, P]);
      randomBytes(16).copy(header, 4);
      randomBytes(12).copy(header, 20);
      const cipher = createCipheriv('aes-256-gcm', deriveKey(passphrase, header.subarray(4, 20), log2N, R, P), header.subarray(20, 32));
      cipher.setAAD(header);
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return new Uint8Array(Buffer.concat([header, cipher.getAuthTag(), body]));
    },
    decrypt(sealed) {
      const b = Buffer.from(sealed);
      if (b.length < HEADER + TAG || b[0] !== VERSION) throw new ProvenanceError('KEY_LOCKED', 'The protected key is damaged or in an unknown format.');
      const [cost, r, p] = [b[1] ?? 0, b[2] ?? 0, b[3] ?? 0];
      if (cost < 10 || cost > 22 || r < 1 || r > 32 || p < 1 || p > 16) throw new ProvenanceError('KEY_LOCKED', 'The protected key has implausible scrypt parameters.');
      try {
        const decipher = createDecipheriv('aes-256-gcm', deriveKey(passphrase, b.subarray(4, 20), cost, r, p), b.subarray(20, 32));
        decipher.setAAD(b.subarray(0, HEADER));
        decipher.setAuthTag(b.subarray(HEADER, HEADER + TAG));
        return new Uint8Array(Buffer.concat([decipher.update(b.subarray(HEADER + TAG)), decipher.final()]));
      } catch {
        throw new ProvenanceError('KEY_LOCKED', 'The passphrase does not open this key (wrong passphrase, or the key file was changed).');
      }
    },
  };
}

/** The part of Electron's `safeStorage` we use (typed here so the runtime does not import Electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** The OS keychain through Electron's safeStorage (Keychain, DPAPI, libsecret/kwallet). */
export function safeStorageProtector(safeStorage: SafeStorageLike): KeyProtector {
  const available = (): void => {
    if (!safeStorage.isEncryptionAvailable()) {
      throw new ProvenanceError('KEYCHAIN_UNAVAILABLE', 'The OS keychain is not available (no keyring on this system?); protect the key with a passphrase instead.');
    }
  };
  return {
    kind: 'os-keychain',
    encrypt(plain) {
      available();
      return new Uint8Array(safeStorage.encryptString(Buffer.from(plain).toString('base64')));
    },
    decrypt(sealed) {
      available();
      try {
        return new Uint8Array(Buffer.from(safeStorage.decryptString(Buffer.from(sealed)), 'base64'));
      } catch {
        throw new ProvenanceError('KEY_LOCKED', 'The OS keychain cannot open this key (it was protected on another machine or by another user).');
      }
    },
  };
}
