import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { actorFingerprint } from '../../identity/actor-fingerprint';
import { ManualClock } from '../../json/timestamp';
import { fromBase64, utf8 } from '../encoding';
import { type ProvenanceError } from '../provenance-errors';
import { checkActorKey, KEY_METADATA_FIELD } from './actor-key';
import { ed25519PublicKey, ed25519Verify } from './ed25519';
import { noneProtector, passphraseProtector, safeStorageProtector, type SafeStorageLike } from './key-protector';
import { InMemoryKeyRecordStore, JsonFileKeyRecordStore } from './key-record-store';
import { generateActorKey, ProtectedKeyStore } from './key-store';
import { ensureSigningKey } from './ensure-key';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
const temp = async (): Promise<string> => {
  const d = await mkdtemp(join(tmpdir(), 'keys-'));
  dirs.push(d);
  return d;
};
const reason = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as ProvenanceError).reason;
  }
  return undefined;
};
const fast = { log2N: 10 };

describe('actor keys', () => {
  it('derives a self-certifying actor id from the description and the key', () => {
    const { key } = generateActorKey({ kind: 'human', displayName: 'Zoë', metadata: { team: 'qa' } }, '2025-01-01T00:00:00+00:00');
    expect(key.metadata?.[KEY_METADATA_FIELD]).toBe(key.publicKey);
    expect(key.actorId).toBe(actorFingerprint({ kind: 'human', displayName: 'Zoë', metadata: key.metadata }).actorId);
    expect(checkActorKey(key)).toMatchObject({ ok: true, binding: 'self-certified' });
    expect(fromBase64(key.publicKey)).toHaveLength(32);
    expect(key.keyId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('binds an existing actor id as an assertion, and tells a replaced key or description', () => {
    const fp = actorFingerprint({ kind: 'agent', displayName: 'fixture-agent', metadata: { team: 'qa' } });
    const { key } = generateActorKey({ kind: fp.kind, displayName: fp.displayName, metadata: fp.metadata, actorId: fp.actorId }, 'now');
    expect(key.actorId).toBe('ar_7f705e54bbf08defdf1d5d43');
    expect(checkActorKey(key)).toMatchObject({ ok: true, binding: 'asserted' });
    const other = generateActorKey({ kind: 'human' }, 'now').key;
    expect(checkActorKey({ ...key, publicKey: other.publicKey })).toMatchObject({ ok: false, problem: 'key_id_mismatch' });
    const self = generateActorKey({ kind: 'human', displayName: 'A' }, 'now').key;
    expect(checkActorKey({ ...self, displayName: 'B' })).toMatchObject({ ok: false, problem: 'binding_mismatch' });
    expect(checkActorKey({ ...self, publicKey: other.publicKey, keyId: other.keyId })).toMatchObject({ ok: false, problem: 'binding_mismatch' });
    expect(checkActorKey({ ...self, publicKey: 'not base64!' })).toMatchObject({ ok: false, problem: 'invalid_public_key' });
  });
});

describe('key protectors', () => {
  it('passphrase: scrypt + AES-256-GCM round trip; a wrong passphrase or a changed byte does not open it', () => {
    const seed = new Uint8Array(32).map((_, i) => i);
    const sealed = passphraseProtector('correct horse', fast).encrypt(seed);
    expect(sealed.length).toBe(32 + 16 + 32);
    expect(Buffer.from(sealed).includes(Buffer.from(seed))).toBe(false);
    expect([...passphraseProtector('correct horse').decrypt(sealed)]).toEqual([...seed]); // the cost is read from the sealed bytes
    expect(reason(() => passphraseProtector('wrong', fast).decrypt(sealed))).toBe('KEY_LOCKED');
    for (const at of [1, 10, 25, 40, 70]) {
      const bad = new Uint8Array(sealed);
      bad[at] = (bad[at] ?? 0) ^ 1;
      expect(reason(() => passphraseProtector('correct horse', fast).decrypt(bad))).toBe('KEY_LOCKED');
    }
    expect(reason(() => passphraseProtector(''))).toBe('KEY_LOCKED');
  });

  it('os-keychain through a safeStorage-shaped object; unavailable keychains say so', () => {
    let available = true;
    const fake: SafeStorageLike = {
      isEncryptionAvailable: () => available,
      encryptString: (s) => Buffer.from(`enc:${s}`),
      decryptString: (b) => {
        const s = b.toString();
        if (!s.startsWith('enc:')) throw new Error('bad');
        return s.slice(4);
      },
    };
    const p = safeStorageProtector(fake);
    const seed = new Uint8Array(32).fill(7);
    expect([...p.decrypt(p.encrypt(seed))]).toEqual([...seed]);
    expect(reason(() => p.decrypt(new Uint8Array([1, 2, 3])))).toBe('KEY_LOCKED');
    available = false;
    expect(reason(() => p.encrypt(seed))).toBe('KEYCHAIN_UNAVAILABLE');
  });
});

describe('ProtectedKeyStore', () => {
  it('keeps the private key sealed in a 0600 file and signs after a reopen with the passphrase', async () => {
    const dir = await temp();
    const clock = new ManualClock(1_750_000_000_000_000);
    const store = new ProtectedKeyStore({ records: new JsonFileKeyRecordStore(join(dir, 'keys')), protector: passphraseProtector('s3cret', fast), clock });
    const key = await store.createKey({ kind: 'human', displayName: 'Zoë' });
    expect(key.createdAt).toBe('2025-06-15T15:06:40+00:00');
    const file = join(dir, 'keys', `key_${key.keyId}.json`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('"protection": "passphrase"');

    const reopened = new ProtectedKeyStore({ records: new JsonFileKeyRecordStore(join(dir, 'keys')), protector: passphraseProtector('s3cret', fast) });
    const signer = await reopened.signingKey(key.actorId);
    const sig = signer.sign(utf8('hello'));
    expect(ed25519Verify(ed25519PublicKey(fromBase64(key.publicKey)!)!, utf8('hello'), sig)).toBe(true);
    expect((await reopened.publicKeys()).map((k) => k.keyId)).toEqual([key.keyId]);

    const wrong = new ProtectedKeyStore({ records: new JsonFileKeyRecordStore(join(dir, 'keys')), protector: passphraseProtector('nope', fast) });
    await expect(wrong.signingKey(key.keyId)).rejects.toMatchObject({ reason: 'KEY_LOCKED' });
    const keychain = new ProtectedKeyStore({ records: new JsonFileKeyRecordStore(join(dir, 'keys')), protector: noneProtector() });
    await expect(keychain.signingKey(key.keyId)).rejects.toMatchObject({ reason: 'KEY_PROTECTION_MISMATCH' });
  });

  it("imports others' public keys, which cannot sign; keys cannot be changed", async () => {
    const records = new InMemoryKeyRecordStore();
    const store = new ProtectedKeyStore({ records, protector: noneProtector() });
    const theirs = generateActorKey({ kind: 'human', displayName: 'Auditor' }, 'now').key;
    await store.importPublicKey(theirs);
    await expect(store.signingKey(theirs.keyId)).rejects.toMatchObject({ reason: 'KEY_NOT_FOUND' });
    await expect(store.signingKey('ar_nobody')).rejects.toMatchObject({ reason: 'KEY_NOT_FOUND' });
    await expect(store.importPublicKey({ ...theirs, displayName: 'Mallory' })).rejects.toMatchObject({ reason: 'KEY_INVALID' }); // self-certified: the id no longer matches
    await expect(records.put({ key: { ...theirs, actorId: 'ar_other' }, privateKey: null })).rejects.toMatchObject({ reason: 'KEY_CONFLICT' });
    const mine = await store.createKeyFor(actorFingerprint({ kind: 'service', displayName: 'Studio' }));
    expect((await store.signingKey(mine.actorId)).key.keyId).toBe(mine.keyId);
    expect(checkActorKey(mine)).toMatchObject({ ok: true, binding: 'asserted' });
  });
});

describe('ensureSigningKey', () => {
  it('creates the actor key on first use and returns the same key afterwards', async () => {
    const store = new ProtectedKeyStore({ records: new InMemoryKeyRecordStore(), protector: noneProtector() });
    const host = actorFingerprint({ kind: 'service', displayName: 'AbstractRuntime Studio', metadata: { host: 'box' } });
    const a = await ensureSigningKey(store, host);
    const b = await ensureSigningKey(store, host);
    expect(a.key.actorId).toBe(host.actorId);
    expect(b.key.keyId).toBe(a.key.keyId);
    expect(await store.publicKeys()).toHaveLength(1);
  });
});
