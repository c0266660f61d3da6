import Database from 'better-sqlite3';

/**
 * Edits one ledger record in the workspace file as an attacker with file access would: the
 * append-only triggers dropped, the hashed text changed in place. The Studio must flag exactly
 * that record.
 */
export function tamperLedgerRecord(workspacePath: string, runId: string, seq: number): void {
  const db = new Database(workspacePath);
  try {
    db.pragma('busy_timeout = 5000');
    const triggers = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ledger'").all() as Array<{ name: string }>;
    for (const t of triggers) db.exec(`DROP TRIGGER "${t.name}"`);
    const changed = db.prepare("UPDATE ledger SET canonical = json_set(canonical, '$.attempt', 7) WHERE id = ((SELECT run_key FROM run_keys WHERE run_id = ?) << 32) + ?").run(runId, seq);
    if (changed.changes !== 1) throw new Error(`No ledger record ${seq} of run ${runId} to tamper with.`);
  } finally {
    db.close();
  }
}
