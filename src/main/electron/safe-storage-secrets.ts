import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SecretStore } from '../service/secret-store';
import { writeFileAtomic } from '../../runtime/storage/files/atomic-write';

/** The part of Electron's `safeStorage` we use (injected, so the store is testable without Electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * Secrets encrypted by the OS keychain (Electron safeStorage: Keychain on macOS, DPAPI on
 * Windows, libsecret/kwallet on Linux) in `<userData>/secrets.json`. Where the OS offers no
 * encryption, secrets stay in memory for the session instead of being written in clear.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly kind: 'os-keychain' | 'memory';
  private readonly file: string;
  private readonly memory = new Map<string, string>();
  private encrypted: Record<string, string>;

  constructor(
    private readonly safe: SafeStorageLike,
    userDataDir: string,
  ) {
    this.kind = safe.isEncryptionAvailable() ? 'os-keychain' : 'memory';
    this.file = join(userDataDir, 'secrets.json');
    this.encrypted = this.kind === 'os-keychain' && existsSync(this.file) ? readJson(this.file) : {};
  }

  async get(key: string): Promise<string | null> {
    if (this.kind === 'memory') return this.memory.get(key) ?? null;
    const blob = this.encrypted[key];
    if (!blob) return null;
    try {
      return this.safe.decryptString(Buffer.from(blob, 'base64'));
    } catch {
      return null; // the keychain changed (another user, a reset): the secret must be entered again
    }
  }

  async set(key: string, value: string | null): Promise<void> {
    if (this.kind === 'memory') {
      if (value === null) this.memory.delete(key);
      else this.memory.set(key, value);
      return;
    }
    const next = { ...this.encrypted };
    if (value === null) delete next[key];
    else next[key] = this.safe.encryptString(value).toString('base64');
    await writeFileAtomic(this.file, JSON.stringify(next, null, 2), { mode: 0o600 });
    this.encrypted = next;
  }
}

function readJson(file: string): Record<string, string> {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}
