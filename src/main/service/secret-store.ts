/**
 * Where the Studio keeps secrets (LLM API keys, auth headers). The Electron host provides one
 * backed by the OS keychain (safeStorage-encrypted file); the web host keeps them in memory for
 * the life of the process, and says so in the settings screen. Never the workspace file.
 */
export interface SecretStore {
  readonly kind: 'os-keychain' | 'memory';
  get(key: string): Promise<string | null>;
  set(key: string, value: string | null): Promise<void>;
}

export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory' as const;
  private readonly values = new Map<string, string>();

  async get(key: string): Promise<string | null> {
    return this.values.get(key) ?? null;
  }

  async set(key: string, value: string | null): Promise<void> {
    if (value === null) this.values.delete(key);
    else this.values.set(key, value);
  }
}
