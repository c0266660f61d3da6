/**
 * The provenance stores of src/runtime/provenance/sqlite on a workspace's own connection (the
 * tables of migration 2). The library's stores take a raw connection; these subclasses put them
 * behind the workspace's checks, so a closed workspace throws WORKSPACE_CLOSED, a write on a
 * read-only one throws the typed read-only error (before SQLite is asked), and SQLite failures
 * arrive translated like every other store's.
 */
import { type SignedCheckpoint } from '../../provenance/checkpoints/checkpoint';
import { type StoredKeyRecord } from '../../provenance/keys/key-record-store';
import { SqliteChainCheckpointStore, SqliteKeyRecordStore, SqliteRecordSignatureSink } from '../../provenance/sqlite/sqlite-provenance-stores';
import { type WorkspaceDb } from './workspace-db';
import { translateSqliteError, WorkspaceReadOnlyError } from './workspace-errors';

async function guarded<T>(db: WorkspaceDb, write: string | null, work: () => Promise<T>): Promise<T> {
  db.assertOpen();
  if (write !== null && db.readonly) throw new WorkspaceReadOnlyError(db.path, write);
  try {
    return await work();
  } catch (err) {
    throw translateSqliteError(err, db.path);
  }
}

export class WorkspaceCheckpointStore extends SqliteChainCheckpointStore {
  constructor(private readonly wdb: WorkspaceDb) {
    super(wdb.db);
  }
  override append(runId: string, checkpoint: SignedCheckpoint): Promise<void> {
    return guarded(this.wdb, 'store a checkpoint of the chain head', () => super.append(runId, checkpoint));
  }
  override list(runId: string): Promise<SignedCheckpoint[]> {
    return guarded(this.wdb, null, () => super.list(runId));
  }
  override last(runId: string): Promise<SignedCheckpoint | null> {
    return guarded(this.wdb, null, () => super.last(runId));
  }
}

export class WorkspaceKeyRecordStore extends SqliteKeyRecordStore {
  constructor(private readonly wdb: WorkspaceDb) {
    super(wdb.db);
  }
  override put(record: StoredKeyRecord): Promise<void> {
    return guarded(this.wdb, 'store an actor key', () => super.put(record));
  }
  override get(keyId: string): Promise<StoredKeyRecord | null> {
    return guarded(this.wdb, null, () => super.get(keyId));
  }
  override list(): Promise<StoredKeyRecord[]> {
    return guarded(this.wdb, null, () => super.list());
  }
}

export class WorkspaceRecordSignatureSink extends SqliteRecordSignatureSink {
  constructor(private readonly wdb: WorkspaceDb) {
    super(wdb.db);
  }
  override putSignature(runId: string, seq: number, recordHash: string, signature: string): Promise<void> {
    return guarded(this.wdb, 'store a record signature', () => super.putSignature(runId, seq, recordHash, signature));
  }
}

/**
 * Runs whose last record is past their last checkpoint (or that have none), with that record's
 * seq: what a host signs at start-up. One query, so a large workspace is not read run by run.
 */
export function uncheckpointedHeads(db: WorkspaceDb): { runId: string; seq: number }[] {
  return db.read(() => {
    const rows = db
      .stmt(
        `SELECT run_id, head FROM (
           SELECT k.run_id AS run_id,
                  (SELECT seq FROM ledger WHERE id >= (k.run_key << 32) AND id < ((k.run_key + 1) << 32) ORDER BY id DESC LIMIT 1) AS head,
                  (SELECT max(seq) FROM chain_checkpoints c WHERE c.run_id = k.run_id) AS signed
           FROM run_keys k)
         WHERE head IS NOT NULL AND head > coalesce(signed, -1) ORDER BY run_id`,
        'raw',
      )
      .all() as [string, number][];
    return rows.map(([runId, seq]) => ({ runId, seq }));
  });
}
