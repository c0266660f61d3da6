/**
 * SQLite implementations of the provenance stores, over a workspace's connection (the tables of
 * provenance-schema.ts). Appends are IMMEDIATE transactions, so two processes signing the same
 * run keep one chain: the loser gets CHECKPOINT_CONFLICT.
 */
import type Database from 'better-sqlite3';
import { isJsonObject } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { canonicalJson } from '../../json/py-dumps';
import { encodeCheckpoint, storedCheckpoint, type SignedCheckpoint } from '../checkpoints/checkpoint';
import { assertNextCheckpoint, type ChainCheckpointStore } from '../checkpoints/checkpoint-store';
import { decodeActorKey, encodeActorKey, sameActorKey } from '../keys/actor-key';
import { type ProtectorKind } from '../keys/key-protector';
import { type KeyRecordStore, type StoredKeyRecord } from '../keys/key-record-store';
import { ProvenanceError } from '../provenance-errors';
import { type RecordSignatureSink } from '../signing/record-signature';

type Row = { statement: string; signature: string | null; batch: string | null };

function decodeRow(r: Row): SignedCheckpoint {
  const cp: SignedCheckpoint = { statement: r.statement, signature: r.signature };
  if (r.batch !== null) {
    const b = parseJson(r.batch);
    if (isJsonObject(b)) cp.batch = b as unknown as NonNullable<SignedCheckpoint['batch']>;
  }
  return cp;
}

export class SqliteChainCheckpointStore implements ChainCheckpointStore {
  constructor(private readonly db: Database.Database) {}

  async append(runId: string, checkpoint: SignedCheckpoint): Promise<void> {
    const tx = this.db.transaction(() => {
      const parsed = assertNextCheckpoint(runId, this.lastSync(runId), checkpoint);
      const enc = encodeCheckpoint(storedCheckpoint(checkpoint));
      this.db
        .prepare('INSERT INTO chain_checkpoints (run_id, n, seq, statement, signature, batch) VALUES (?, ?, ?, ?, ?, ?)')
        .run(runId, parsed.claim.n, parsed.claim.seq, checkpoint.statement, checkpoint.signature, enc['batch'] === undefined ? null : canonicalJson(enc['batch']));
    });
    tx.immediate();
  }

  async list(runId: string): Promise<SignedCheckpoint[]> {
    return (this.db.prepare('SELECT statement, signature, batch FROM chain_checkpoints WHERE run_id = ? ORDER BY n').all(runId) as Row[]).map(decodeRow);
  }

  async last(runId: string): Promise<SignedCheckpoint | null> {
    return this.lastSync(runId);
  }

  private lastSync(runId: string): SignedCheckpoint | null {
    const row = this.db.prepare('SELECT statement, signature, batch FROM chain_checkpoints WHERE run_id = ? ORDER BY n DESC LIMIT 1').get(runId) as Row | undefined;
    return row ? decodeRow(row) : null;
  }
}

type KeyRow = { record: string; protection: ProtectorKind | null; sealed: string | null };

export class SqliteKeyRecordStore implements KeyRecordStore {
  constructor(private readonly db: Database.Database) {}

  async put(record: StoredKeyRecord): Promise<void> {
    const tx = this.db.transaction(() => {
      const existing = this.getSync(record.key.keyId);
      if (existing && !sameActorKey(existing.key, record.key)) {
        throw new ProvenanceError('KEY_CONFLICT', `Key ${record.key.keyId} already exists for actor ${existing.key.actorId}; keys cannot be changed.`);
      }
      const p = record.privateKey;
      if (!existing) {
        this.db
          .prepare('INSERT INTO actor_keys (key_id, actor_id, record, protection, sealed, created_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(record.key.keyId, record.key.actorId, canonicalJson(encodeActorKey(record.key)), p?.protection ?? null, p?.sealed ?? null, record.key.createdAt);
      } else if (!existing.privateKey && p) {
        this.db.prepare('UPDATE actor_keys SET protection = ?, sealed = ? WHERE key_id = ?').run(p.protection, p.sealed, record.key.keyId);
      }
    });
    tx.immediate();
  }

  async get(keyId: string): Promise<StoredKeyRecord | null> {
    return this.getSync(keyId);
  }

  async list(): Promise<StoredKeyRecord[]> {
    return (this.db.prepare('SELECT record, protection, sealed FROM actor_keys ORDER BY created_at, key_id').all() as KeyRow[]).map((r) => this.decode(r));
  }

  private getSync(keyId: string): StoredKeyRecord | null {
    const row = this.db.prepare('SELECT record, protection, sealed FROM actor_keys WHERE key_id = ?').get(keyId) as KeyRow | undefined;
    return row ? this.decode(row) : null;
  }

  private decode(r: KeyRow): StoredKeyRecord {
    const key = decodeActorKey(parseJson(r.record), 'actor_keys row');
    return { key, privateKey: r.protection && r.sealed !== null ? { protection: r.protection, sealed: r.sealed } : null };
  }
}

/** The rowid of record `seq` of run `run_id` (bind both): records are filed at (run key << 32) + seq. */
const RECORD_ID = '((SELECT run_key FROM run_keys WHERE run_id = ?) << 32) + ?';

/** Per-record mode over the ledger table: fills a record's `signature` once (the ledger's trigger allows exactly that). */
export class SqliteRecordSignatureSink implements RecordSignatureSink {
  constructor(private readonly db: Database.Database) {}

  async putSignature(runId: string, seq: number, recordHash: string, signature: string): Promise<void> {
    const changed = this.db.prepare(`UPDATE ledger SET signature = ? WHERE id = ${RECORD_ID} AND record_hash = ? AND signature IS NULL`).run(signature, runId, seq, recordHash).changes;
    if (changed === 1) return;
    const row = this.db.prepare(`SELECT record_hash, signature FROM ledger WHERE id = ${RECORD_ID}`).get(runId, seq) as { record_hash: string; signature: string | null } | undefined;
    if (row && row.record_hash === recordHash) return; // already signed: a record is signed once
    throw new ProvenanceError('LEDGER_DOES_NOT_VERIFY', `Run ${runId} has no record ${seq} with hash ${recordHash.slice(0, 12)}…; the signature was not stored.`, { runId, seq });
  }
}
