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

/** The seq of the first ledger record of a run whose stored JSON contains `text`. */
export function ledgerSeqContaining(workspacePath: string, runId: string, text: string): number {
  const db = new Database(workspacePath, { readonly: true });
  try {
    const row = db.prepare('SELECT seq FROM ledger WHERE id >> 32 = (SELECT run_key FROM run_keys WHERE run_id = ?) AND instr(canonical, ?) > 0 ORDER BY seq LIMIT 1').get(runId, text) as { seq: number } | undefined;
    if (!row) throw new Error(`No ledger record of run ${runId} contains ${text}.`);
    return row.seq;
  } finally {
    db.close();
  }
}

/** Rewrites `from` to `to` in one ledger record's stored JSON, from another connection, as a manual edit of the file would. */
export function rewriteLedgerRecord(workspacePath: string, runId: string, seq: number, from: string, to: string): void {
  const db = new Database(workspacePath);
  try {
    db.pragma('busy_timeout = 5000');
    const triggers = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ledger'").all() as Array<{ name: string }>;
    for (const t of triggers) db.exec(`DROP TRIGGER "${t.name}"`);
    const changed = db.prepare('UPDATE ledger SET canonical = replace(canonical, ?, ?) WHERE id = ((SELECT run_key FROM run_keys WHERE run_id = ?) << 32) + ?').run(from, to, runId, seq);
    if (changed.changes !== 1) throw new Error(`No ledger record ${seq} of run ${runId} to rewrite.`);
  } finally {
    db.close();
  }
}
