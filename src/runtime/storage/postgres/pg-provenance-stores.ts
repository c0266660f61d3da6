/**
 * The provenance stores of a PostgreSQL workspace (the tables of migration 4), behind the
 * interfaces the SQLite workspace's implement: actor keys, signed checkpoints of each run's chain
 * head, and per-record signatures. Two signers racing on one run keep one chain of checkpoints:
 * the append checks the last one under a row lock on the run's head, and the primary key
 * (run_id, n) turns any race that slips past into CHECKPOINT_CONFLICT.
 */
import { isJsonObject } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { canonicalJson } from '../../json/py-dumps';
import { encodeCheckpoint, storedCheckpoint, type SignedCheckpoint } from '../../provenance/checkpoints/checkpoint';
import { assertNextCheckpoint, type ChainCheckpointStore } from '../../provenance/checkpoints/checkpoint-store';
import { decodeActorKey, encodeActorKey, sameActorKey } from '../../provenance/keys/actor-key';
import { type ProtectorKind } from '../../provenance/keys/key-protector';
import { type KeyRecordStore, type StoredKeyRecord } from '../../provenance/keys/key-record-store';
import { ProvenanceError } from '../../provenance/provenance-errors';
import { type RecordSignatureSink } from '../../provenance/signing/record-signature';
import { type PgDb, type PgQuery } from './pg-db';
import { PgWorkspaceStoreError } from './pg-errors';

type CheckpointRow = { statement: string; signature: string | null; batch: string | null };
type KeyRow = { record: string; protection: ProtectorKind | null; sealed: string | null };

const UNIQUE_VIOLATION = '23505';

function decodeCheckpointRow(r: CheckpointRow): SignedCheckpoint {
  const cp: SignedCheckpoint = { statement: r.statement, signature: r.signature };
  if (r.batch !== null) {
    const b = parseJson(r.batch);
    if (isJsonObject(b)) cp.batch = b as unknown as NonNullable<SignedCheckpoint['batch']>;
  }
  return cp;
}

const isUniqueViolation = (err: unknown): boolean => err instanceof PgWorkspaceStoreError && err.sqlState === UNIQUE_VIOLATION;

export class PgChainCheckpointStore implements ChainCheckpointStore {
  constructor(private readonly db: PgDb) {}

  async append(runId: string, checkpoint: SignedCheckpoint): Promise<void> {
    try {
      await this.db.tx(async (q) => {
        // Serialises appends of one run (the head row exists once the run has records; a
        // checkpoint of a run without any is refused by assertNextCheckpoint's seq rules anyway).
        await q.query('SELECT 1 FROM $S.heads WHERE run_id = $1 FOR UPDATE', [runId]);
        const parsed = assertNextCheckpoint(runId, await this.lastIn(q, runId), checkpoint);
        const enc = encodeCheckpoint(storedCheckpoint(checkpoint));
        await q.query('INSERT INTO $S.chain_checkpoints (run_id, n, seq, statement, signature, batch) VALUES ($1, $2, $3, $4, $5, $6)', [
          runId, parsed.claim.n, parsed.claim.seq, checkpoint.statement, checkpoint.signature, enc['batch'] === undefined ? null : canonicalJson(enc['batch']),
        ]);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ProvenanceError('CHECKPOINT_CONFLICT', `Another signer stored checkpoint of run ${runId} first; reload and try again.`, { runId });
      throw err;
    }
  }

  async list(runId: string): Promise<SignedCheckpoint[]> {
    return (await this.db.query<CheckpointRow>('SELECT statement, signature, batch FROM $S.chain_checkpoints WHERE run_id = $1 ORDER BY n', [runId])).map(decodeCheckpointRow);
  }

  async last(runId: string): Promise<SignedCheckpoint | null> {
    return this.lastIn(this.db, runId);
  }

  /** Ids of the runs that have checkpoints, in order. */
  async runIds(): Promise<string[]> {
    return (await this.db.query<{ run_id: string }>('SELECT DISTINCT run_id FROM $S.chain_checkpoints ORDER BY run_id')).map((r) => r.run_id);
  }

  private async lastIn(q: PgQuery, runId: string): Promise<SignedCheckpoint | null> {
    const [row] = await q.query<CheckpointRow>('SELECT statement, signature, batch FROM $S.chain_checkpoints WHERE run_id = $1 ORDER BY n DESC LIMIT 1', [runId]);
    return row ? decodeCheckpointRow(row) : null;
  }
}

export class PgKeyRecordStore implements KeyRecordStore {
  constructor(private readonly db: PgDb) {}

  async put(record: StoredKeyRecord): Promise<void> {
    const p = record.privateKey;
    await this.db.tx(async (q) => {
      // Inserted if new; either way the row is locked, so the checks below see the stored key.
      await q.query(
        `INSERT INTO $S.actor_keys (key_id, actor_id, record, protection, sealed, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key_id) DO NOTHING`,
        [record.key.keyId, record.key.actorId, canonicalJson(encodeActorKey(record.key)), p?.protection ?? null, p?.sealed ?? null, record.key.createdAt],
      );
      const [row] = await q.query<KeyRow>('SELECT record, protection, sealed FROM $S.actor_keys WHERE key_id = $1 FOR UPDATE', [record.key.keyId]);
      const existing = this.decode(row!);
      if (!sameActorKey(existing.key, record.key)) {
        throw new ProvenanceError('KEY_CONFLICT', `Key ${record.key.keyId} already exists for actor ${existing.key.actorId}; keys cannot be changed.`);
      }
      if (!existing.privateKey && p) await q.query('UPDATE $S.actor_keys SET protection = $2, sealed = $3 WHERE key_id = $1', [record.key.keyId, p.protection, p.sealed]);
    });
  }

  async get(keyId: string): Promise<StoredKeyRecord | null> {
    const [row] = await this.db.query<KeyRow>('SELECT record, protection, sealed FROM $S.actor_keys WHERE key_id = $1', [keyId]);
    return row ? this.decode(row) : null;
  }

  async list(): Promise<StoredKeyRecord[]> {
    return (await this.db.query<KeyRow>('SELECT record, protection, sealed FROM $S.actor_keys ORDER BY created_at, key_id')).map((r) => this.decode(r));
  }

  private decode(r: KeyRow): StoredKeyRecord {
    const key = decodeActorKey(parseJson(r.record), `${this.db.name} actor_keys row`);
    return { key, privateKey: r.protection && r.sealed !== null ? { protection: r.protection, sealed: r.sealed } : null };
  }
}

/** Per-record mode over the ledger table: fills a record's `signature` once. */
export class PgRecordSignatureSink implements RecordSignatureSink {
  constructor(private readonly db: PgDb) {}

  async putSignature(runId: string, seq: number, recordHash: string, signature: string): Promise<void> {
    const changed = await this.db.query('UPDATE $S.ledger SET signature = $4 WHERE run_id = $1 AND seq = $2 AND record_hash = $3 AND signature IS NULL RETURNING 1', [runId, seq, recordHash, signature]);
    if (changed.length === 1) return;
    const [row] = await this.db.query<{ record_hash: string }>('SELECT record_hash FROM $S.ledger WHERE run_id = $1 AND seq = $2', [runId, seq]);
    if (row && row.record_hash === recordHash) return; // already signed: a record is signed once
    throw new ProvenanceError('LEDGER_DOES_NOT_VERIFY', `Run ${runId} has no record ${seq} with hash ${recordHash.slice(0, 12)}…; the signature was not stored.`, { runId, seq });
  }
}

/** Runs whose last record is past their last checkpoint (or that have none), with that record's seq: what a host signs at start-up. */
export async function pgUncheckpointedHeads(db: PgDb): Promise<{ runId: string; seq: number }[]> {
  const rows = await db.query<{ run_id: string; seq: number }>(
    `SELECT h.run_id, h.seq FROM $S.heads h
     WHERE h.seq >= 0 AND h.seq > coalesce((SELECT max(c.seq) FROM $S.chain_checkpoints c WHERE c.run_id = h.run_id), -1) ORDER BY h.run_id`,
  );
  return rows.map((r) => ({ runId: r.run_id, seq: r.seq }));
}
