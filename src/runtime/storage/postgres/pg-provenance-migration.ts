import { type PgMigration } from './pg-migrations';

/**
 * Migration 4: actor keys and signed checkpoints of each run's chain head, the tables of the
 * SQLite workspace's provenance migration (src/runtime/provenance/sqlite/provenance-schema.ts),
 * append-only like there: a key may only gain its sealed private part once (imported after the
 * public key), and nothing else about a key or a checkpoint ever changes, since past signatures
 * refer to them. The triggers say so to any client, not only to this code.
 */
export const PG_PROVENANCE_MIGRATION: PgMigration = {
  version: 4,
  name: 'provenance: actor keys and signed checkpoints of the chain head',
  sql: `
CREATE TABLE $S.actor_keys (
  key_id text COLLATE "C" PRIMARY KEY,
  actor_id text COLLATE "C" NOT NULL,
  record text NOT NULL,
  protection text CHECK (protection IN ('os-keychain', 'passphrase', 'none')),
  sealed text,
  created_at text COLLATE "C" NOT NULL,
  CHECK ((protection IS NULL) = (sealed IS NULL))
);
CREATE INDEX actor_keys_by_actor ON $S.actor_keys (actor_id, created_at);

CREATE TABLE $S.chain_checkpoints (
  run_id text COLLATE "C" NOT NULL,
  n integer NOT NULL,
  seq integer NOT NULL,
  statement text NOT NULL,
  signature text,
  batch text,
  PRIMARY KEY (run_id, n)
);

CREATE FUNCTION $S.actor_keys_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'actor keys cannot be deleted: past signatures refer to them'; END IF;
  IF NOT (OLD.sealed IS NULL AND NEW.sealed IS NOT NULL AND NEW.key_id = OLD.key_id AND NEW.actor_id = OLD.actor_id
          AND NEW.record = OLD.record AND NEW.created_at = OLD.created_at) THEN
    RAISE EXCEPTION 'actor keys cannot be changed';
  END IF;
  RETURN NEW;
END $f$;
CREATE TRIGGER actor_keys_append_only BEFORE UPDATE OR DELETE ON $S.actor_keys FOR EACH ROW EXECUTE FUNCTION $S.actor_keys_guard();

CREATE FUNCTION $S.chain_checkpoints_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  RAISE EXCEPTION 'checkpoints of the chain head are append-only';
END $f$;
CREATE TRIGGER chain_checkpoints_append_only BEFORE UPDATE OR DELETE ON $S.chain_checkpoints FOR EACH ROW EXECUTE FUNCTION $S.chain_checkpoints_guard();
`,
};
