/**
 * The provenance tables of a SQLite workspace, as one migration the workspace adds to its list
 * (the lead wires it as migration 2): actor keys (public part, and for our own keys the sealed
 * private seed) and the chain checkpoints. Both append-only, like the ledger: a key may only get
 * its sealed private part once (importing it after the public key), nothing else ever changes.
 */
import type Database from 'better-sqlite3';

export const PROVENANCE_SCHEMA_SQL = `
CREATE TABLE actor_keys (
  key_id     TEXT PRIMARY KEY,
  actor_id   TEXT NOT NULL,
  record     TEXT NOT NULL,
  protection TEXT CHECK (protection IN ('os-keychain', 'passphrase', 'none')),
  sealed     TEXT,
  created_at TEXT NOT NULL,
  CHECK ((protection IS NULL) = (sealed IS NULL))
);
CREATE INDEX actor_keys_by_actor ON actor_keys (actor_id, created_at);
CREATE TRIGGER actor_keys_update BEFORE UPDATE ON actor_keys
WHEN NOT (OLD.sealed IS NULL AND NEW.sealed IS NOT NULL AND NEW.key_id IS OLD.key_id AND NEW.actor_id IS OLD.actor_id
          AND NEW.record IS OLD.record AND NEW.created_at IS OLD.created_at)
BEGIN SELECT RAISE(ABORT, 'actor keys cannot be changed'); END;
CREATE TRIGGER actor_keys_delete BEFORE DELETE ON actor_keys
BEGIN SELECT RAISE(ABORT, 'actor keys cannot be deleted: past signatures refer to them'); END;

CREATE TABLE chain_checkpoints (
  run_id    TEXT NOT NULL,
  n         INTEGER NOT NULL,
  seq       INTEGER NOT NULL,
  statement TEXT NOT NULL,
  signature TEXT,
  batch     TEXT,
  PRIMARY KEY (run_id, n)
);
CREATE TRIGGER chain_checkpoints_update BEFORE UPDATE ON chain_checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints of the chain head are append-only'); END;
CREATE TRIGGER chain_checkpoints_delete BEFORE DELETE ON chain_checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints of the chain head are append-only'); END;
`;

/** The migration object in the shape of storage/sqlite/migrations.ts's `Migration`. */
export function provenanceMigration(version: number): { version: number; name: string; up(db: Database.Database): void } {
  return { version, name: 'provenance: actor keys and signed checkpoints of the chain head', up: (db) => db.exec(PROVENANCE_SCHEMA_SQL) };
}
