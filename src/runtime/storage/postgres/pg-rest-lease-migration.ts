import { type PgMigration } from './pg-migrations';

/**
 * Migration 8: `commit_step` (migration 6) with one parameter more, `p_rest_token`: a step that
 * leaves its run terminal also ends its writer's lease in the same statement (expired now, under
 * the token the step was fenced with), so a worker finishing a run sends no release commit of its
 * own after it (pg-leases.ts, "rest"). A wake-up was three write commits (the claim, the step,
 * the release); it is two.
 *
 * And it locks the run row before the lease rows (all chain heads first, as before, then the run
 * row, then the leases): migration 6 fenced the lease (FOR SHARE) before it upserted the run row,
 * while a claim of due runs locks the run row and then writes the lease, so a claim whose
 * snapshot missed a lease just taken could deadlock with that lease's first step (seen in the
 * lateness bench under load: PostgreSQL broke it after deadlock_timeout by failing the step, and
 * the run was woken twice). Everything else the function does is migration 6's, unchanged.
 *
 * The lease row is expired, not deleted: its token stays, so the holder can tell afterwards
 * whether anyone took the run meanwhile (it may resume the lease only if the row is still exactly
 * as it left it, see PgLeases.resume), and the row is deleted later with others in one statement.
 *
 * Numbered 8, not 7: version 7 is another branch's, and this one does not depend on it. The old
 * function is dropped: a client of this version calls the new one only.
 */
export const PG_REST_LEASE_MIGRATION: PgMigration = {
  version: 8,
  name: 'commit_step ends the lease of a run it leaves terminal (no release commit after the last step)',
  sql: `
DROP FUNCTION $S.commit_step(text, text, text, text[], bigint[], integer[], text[], integer[], integer[], integer[], text[], integer[], integer[],
  text[], integer[], text[], text[], text[], text[], text[], integer, integer, boolean, text, text, text, text, text, text, text, text, text, text,
  text, integer, text, text[]);
CREATE FUNCTION $S.commit_step(
  p_owner text, p_writer text, p_channel text,
  h_run text[], h_token bigint[], h_seq integer[], h_hash text[], h_sseq integer[], h_sn integer[],
  n_seq integer[], n_hash text[], n_sseq integer[], n_sn integer[],
  l_run text[], l_seq integer[], l_canonical text[], l_hash text[], l_signature text[], l_key_order text[], l_completed text[],
  s_seq integer, s_n integer, s_keyframe boolean, s_state text,
  r_run text, r_workflow text, r_status text, r_reason text, r_until text, r_parent text, r_created text, r_updated text, r_state text,
  r_from_run text, r_from_seq integer, r_from_hash text,
  notes text[],
  p_rest_token bigint
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
  END LOOP;
  -- The run row is locked before any lease row: a claim (pg-leases.ts) locks the run row and then
  -- writes its lease, so a step that took the lease row first (FOR SHARE) and then waited for the
  -- run row could deadlock with a claim whose snapshot missed the writer's lease. In this order
  -- the claim waits, or skips the run (SKIP LOCKED) while its step commits.
  IF r_run IS NOT NULL THEN
    PERFORM 1 FROM $S.runs WHERE run_id = r_run FOR UPDATE;
  END IF;
  FOR i IN 1 .. coalesce(array_length(h_run, 1), 0) LOOP
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
  IF p_rest_token IS NOT NULL AND r_run IS NOT NULL THEN
    -- The run is at rest (terminal): its lease ends with this step, expired now under the same
    -- token, so anyone may take the run at once and its holder gives nothing back afterwards.
    UPDATE $S.leases SET expires_at = clock_timestamp() WHERE run_id = r_run AND owner_id = p_owner AND token = p_rest_token;
  END IF;
  PERFORM pg_notify(p_channel, p) FROM unnest(notes) AS p;
END $f$;
`,
};
