import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SafeStorageSecretStore, type SafeStorageLike } from './safe-storage-secrets';

// A reversible stand-in for the OS keychain cipher: what matters is that the file never holds the secret.
const keychain = (available: boolean): SafeStorageLike => ({
  isEncryptionAvailable: () => available,
  encryptString: (s) => Buffer.from([...Buffer.from(s, 'utf8')].map((b) => b ^ 0x5a)),
  decryptString: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString('utf8'),
});

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('SafeStorageSecretStore', () => {
  it('keeps secrets encrypted on disk and reads them back in a new instance', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    dirs.push(dir);
    const store = new SafeStorageSecretStore(keychain(true), dir);
    expect(store.kind).toBe('os-keychain');
    await store.set('ws#llm-header:authorization', 'Bearer sk-live-42');
    expect(readFileSync(join(dir, 'secrets.json'), 'utf8')).not.toContain('sk-live-42');
    expect(await new SafeStorageSecretStore(keychain(true), dir).get('ws#llm-header:authorization')).toBe('Bearer sk-live-42');
    await store.set('ws#llm-header:authorization', null);
    expect(await new SafeStorageSecretStore(keychain(true), dir).get('ws#llm-header:authorization')).toBeNull();
  });

  it('never writes a secret when the OS offers no encryption', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    dirs.push(dir);
    const store = new SafeStorageSecretStore(keychain(false), dir);
    expect(store.kind).toBe('memory');
    await store.set('k', 'v');
    expect(await store.get('k')).toBe('v');
    expect(() => readFileSync(join(dir, 'secrets.json'))).toThrow();
  });
});
