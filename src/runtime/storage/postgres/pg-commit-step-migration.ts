import { type PgMigration } from './pg-migrations';

/**
 * Migration 6 (issue 16): `commit_step`, a step's whole commit as one server-side function, so a
 * step costs one round trip (one statement, autocommit: one implicit transaction) instead of the
 * eight of the transaction in pg-step-writer.ts. The records' hashes chain onto a head, and they
 * are computed by the client (the canonical JSON is ours), so the client sends the head it
 * expects (the one it last committed itself) with the records chained onto it. The function then,
 * for each run touched, in the order given (sorted, so two multi-run commits cannot deadlock):
 *
 *  - advances the head row from exactly the expected (seq, hash, state_seq, state_n) to the new
 *    one in one UPDATE, which takes the row lock: a second writer of the run waits for the first
 *    to commit, re-reads the row, finds it moved and refuses. No two writers fork a chain; a
 *    first record creates the head row (a concurrent creator makes the INSERT find it and refuse);
 *  - checks the writer's lease FOR SHARE (a takeover waits for this commit): the token held, the
 *    owner, not expired; or, for a writer holding no lease, that no live lease is someone else's.
 *
 * then inserts the ledger records, the saved state (delta or keyframe) and the run row, and sends
 * the notifications. Any refusal raises SQLSTATE AR409 before anything is visible, so nothing of
 * the step stays; the client then commits the step through the locking transaction, which reads
 * the head fresh and raises the typed error itself (LEASE_LOST, RUN_LOCKED) when the lease is why.
 * A refusal is rare: the first step after another writer moved the run (a takeover, a Studio
 * edit), or a lost lease.
 *
 * Numbered 6, not 5: version 5 is another branch's (run requests that restore a snapshot), and
 * this one does not depend on it (migrate applies whichever of them a database lacks).
 *
 * The function names the schema's tables literally (the migration's `$S`): a renamed schema must
 * be migrated again.
 */
export const PG_COMMIT_STEP_MIGRATION: PgMigration = {
  version: 6,
  name: 'commit_step: a step committed in one statement (head check and advance, fence, records, state, run row, notify)',
  sql: `
CREATE FUNCTION $S.commit_step(
  p_owner text, p_writer text, p_channel text,
  h_run text[], h_token bigint[], h_seq integer[], h_hash text[], h_sseq integer[], h_sn integer[],
  n_seq integer[], n_hash text[], n_sseq integer[], n_sn integer[],
  l_run text[], l_seq integer[], l_canonical text[], l_hash text[], l_signature text[], l_key_order text[], l_completed text[],
  s_seq integer, s_n integer, s_keyframe boolean, s_state text,
  r_run text, r_workflow text, r_status text, r_reason text, r_until text, r_parent text, r_created text, r_updated text, r_state text,
  r_from_run text, r_from_seq integer, r_from_hash text,
  notes text[]
) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
  i integer;
  done boolean;
  l record;
BEGIN
  FOR i IN 1 .. coalesce(array_length(h_run, 1), 0) LOOP
    UPDATE $S.heads SET seq = n_seq[i], record_hash = n_hash[i], state_seq = n_sseq[i], state_n = n_sn[i]
      WHERE run_id = h_run[i] AND seq = h_seq[i] AND record_hash IS NOT DISTINCT FROM h_hash[i]
        AND state_seq IS NOT DISTINCT FROM h_sseq[i] AND state_n IS NOT DISTINCT FROM h_sn[i];
    done := FOUND;
    IF NOT done AND h_seq[i] = -1 AND h_hash[i] IS NULL AND h_sseq[i] IS NULL THEN
      INSERT INTO $S.heads (run_id, seq, record_hash, state_seq, state_n) VALUES (h_run[i], n_seq[i], n_hash[i], n_sseq[i], n_sn[i])
        ON CONFLICT (run_id) DO NOTHING;
      done := FOUND;
    END IF;
    IF NOT done THEN
      RAISE EXCEPTION 'the chain head of run % moved', h_run[i] USING ERRCODE = 'AR409', DETAIL = 'head';
    END IF;
    SELECT owner_id, token, expires_at > clock_timestamp() AS live INTO l FROM $S.leases WHERE run_id = h_run[i] FOR SHARE;
    IF h_token[i] IS NOT NULL THEN
      IF NOT FOUND OR l.owner_id <> p_owner OR l.token <> h_token[i] OR NOT l.live THEN
        RAISE EXCEPTION 'the lease on run % is not held', h_run[i] USING ERRCODE = 'AR409', DETAIL = 'lease';
      END IF;
    ELSIF FOUND AND l.live AND l.owner_id <> p_owner THEN
      RAISE EXCEPTION 'run % is leased by another owner', h_run[i] USING ERRCODE = 'AR409', DETAIL = 'lease';
    END IF;
  END LOOP;
  IF coalesce(array_length(l_run, 1), 0) > 0 THEN
    INSERT INTO $S.ledger (run_id, seq, canonical, record_hash, signature, key_order, completed_key, written_by)
      SELECT u.run_id, u.seq, u.canonical, u.record_hash, u.signature, u.key_order, u.completed_key, p_writer
      FROM unnest(l_run, l_seq, l_canonical, l_hash, l_signature, l_key_order, l_completed)
        AS u(run_id, seq, canonical, record_hash, signature, key_order, completed_key);
  END IF;
  IF r_run IS NOT NULL THEN
    INSERT INTO $S.run_states (run_id, seq, n, keyframe, state) VALUES (r_run, s_seq, s_n, s_keyframe, s_state);
    INSERT INTO $S.runs (run_id, workflow_id, status, wait_reason, wait_until, parent_run_id, created_at, updated_at, state,
        forked_from_run_id, forked_from_seq, forked_from_head_hash)
      VALUES (r_run, r_workflow, r_status, r_reason, r_until, r_parent, r_created, r_updated, r_state, r_from_run, r_from_seq, r_from_hash)
      ON CONFLICT (run_id) DO UPDATE SET workflow_id = excluded.workflow_id, status = excluded.status, wait_reason = excluded.wait_reason,
        wait_until = excluded.wait_until, parent_run_id = excluded.parent_run_id, created_at = excluded.created_at,
        updated_at = excluded.updated_at, state = excluded.state;
  END IF;
  PERFORM pg_notify(p_channel, p) FROM unnest(notes) AS p;
END $f$;
`,
};
