/**
 * Where key records live: public keys, and for our own keys the private seed sealed by a
 * protector. An interface, so the SQLite workspace can keep them in a table; the JSON-file
 * implementation keeps one file per key in a folder.
 */
import { chmod, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cloneJson, isJsonObject, type JsonObject } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { pyJsonDumps } from '../../json/py-dumps';
import { errorCode, writeFileAtomic } from '../../storage/files/atomic-write';
import { ProvenanceError } from '../provenance-errors';
import { decodeActorKey, encodeActorKey, sameActorKey, type ActorKey } from './actor-key';
import { type ProtectorKind } from './key-protector';

export interface SealedPrivateKey {
  protection: ProtectorKind;
  /** The protector's output, base64. */
  sealed: string;
}

export interface StoredKeyRecord {
  key: ActorKey;
  /** Null for another party's public key. */
  privateKey: SealedPrivateKey | null;
}

export interface KeyRecordStore {
  /** Adds a key. Keys never change: putting a different key under an existing id throws KEY_CONFLICT. */
  put(record: StoredKeyRecord): Promise<void>;
  get(keyId: string): Promise<StoredKeyRecord | null>;
  /** Every key, oldest first. */
  list(): Promise<StoredKeyRecord[]>;
}

function assertSameKey(existing: StoredKeyRecord, next: StoredKeyRecord): void {
  if (!sameActorKey(existing.key, next.key)) {
    throw new ProvenanceError('KEY_CONFLICT', `Key ${next.key.keyId} already exists for actor ${existing.key.actorId}; keys cannot be changed.`, { keyId: next.key.keyId });
  }
}

/** Merges a re-put of the same key: a public-only record never replaces one with its private key. */
function merged(existing: StoredKeyRecord | null, next: StoredKeyRecord): StoredKeyRecord | null {
  if (!existing) return next;
  assertSameKey(existing, next);
  if (existing.privateKey || !next.privateKey) return null; // nothing new
  return { key: existing.key, privateKey: next.privateKey };
}

const copy = (r: StoredKeyRecord): StoredKeyRecord => ({
  key: { ...r.key, metadata: r.key.metadata ? cloneJson(r.key.metadata) : null },
  privateKey: r.privateKey ? { ...r.privateKey } : null,
});

const byCreation = (a: StoredKeyRecord, b: StoredKeyRecord): number =>
  a.key.createdAt < b.key.createdAt ? -1 : a.key.createdAt > b.key.createdAt ? 1 : a.key.keyId < b.key.keyId ? -1 : 1;

export class InMemoryKeyRecordStore implements KeyRecordStore {
  private readonly byId = new Map<string, StoredKeyRecord>();

  async put(record: StoredKeyRecord): Promise<void> {
    const next = merged(this.byId.get(record.key.keyId) ?? null, record);
    if (next) this.byId.set(record.key.keyId, copy(next));
  }

  async get(keyId: string): Promise<StoredKeyRecord | null> {
    const r = this.byId.get(keyId);
    return r ? copy(r) : null;
  }

  async list(): Promise<StoredKeyRecord[]> {
    return [...this.byId.values()].map(copy).sort(byCreation);
  }
}

const FILE_FORMAT = 'abstractruntime.actor-key-record.v1';
const KEY_ID = /^[0-9a-f]{32}$/;

export function encodeStoredKey(r: StoredKeyRecord): JsonObject {
  return {
    format: FILE_FORMAT,
    key: encodeActorKey(r.key),
    private_key: r.privateKey ? { protection: r.privateKey.protection, sealed: r.privateKey.sealed } : null,
  };
}

export function decodeStoredKey(value: unknown, source: string): StoredKeyRecord {
  if (!isJsonObject(value) || value['format'] !== FILE_FORMAT) throw new ProvenanceError('KEY_INVALID', `${source} is not an actor key record (${FILE_FORMAT}).`);
  const key = decodeActorKey(value['key'], source);
  const p = value['private_key'] ?? null;
  if (p === null) return { key, privateKey: null };
  const protection = isJsonObject(p) ? p['protection'] : undefined;
  if (!isJsonObject(p) || typeof p['sealed'] !== 'string' || (protection !== 'passphrase' && protection !== 'os-keychain' && protection !== 'none')) {
    throw new ProvenanceError('KEY_INVALID', `${source}: private_key must be null or {protection, sealed}.`);
  }
  return { key, privateKey: { protection, sealed: p['sealed'] } };
}

/**
 * One `key_<key_id>.json` per key in `dir` (written atomically, mode 0600, folder 0700): the
 * sealed seed is encrypted, but nobody else needs to read even that.
 */
export class JsonFileKeyRecordStore implements KeyRecordStore {
  constructor(readonly dir: string) {}

  pathFor(keyId: string): string {
    if (!KEY_ID.test(keyId)) throw new ProvenanceError('KEY_NOT_FOUND', `${JSON.stringify(keyId)} is not a key id (32 hex characters).`);
    return join(this.dir, `key_${keyId}.json`);
  }

  async put(record: StoredKeyRecord): Promise<void> {
    const path = this.pathFor(record.key.keyId);
    const next = merged(await this.get(record.key.keyId), record);
    if (!next) return;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(path, pyJsonDumps(encodeStoredKey(next), { indent: 2 }));
    await chmod(path, 0o600);
  }

  async get(keyId: string): Promise<StoredKeyRecord | null> {
    const path = this.pathFor(keyId);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return null;
      throw err;
    }
    return this.decode(text, path);
  }

  async list(): Promise<StoredKeyRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return [];
      throw err;
    }
    const out: StoredKeyRecord[] = [];
    for (const name of names.filter((n) => /^key_[0-9a-f]{32}\.json$/.test(n)).sort()) {
      const path = join(this.dir, name);
      out.push(this.decode(await readFile(path, 'utf8'), path));
    }
    return out.sort(byCreation);
  }

  private decode(text: string, path: string): StoredKeyRecord {
    let value;
    try {
      value = parseJson(text, { source: path });
    } catch (err) {
      throw new ProvenanceError('KEY_INVALID', `${path} cannot be read: ${(err as Error).message}`);
    }
    return decodeStoredKey(value, path);
  }
}
