import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeLedgerRecord } from './ledger-rows';
import { migrate, MIGRATIONS, WORKSPACE_APPLICATION_ID } from './migrations';
import { sampleRecord } from './test-support/records';
import { TempWorkspaces } from './test-support/temp-workspace';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

/** A schema-2 file (generated ledger columns) holding a chained run of `n` records written the way schema 2 stored them. */
function schema2Workspace(n: number): { path: string; hashes: string[] } {
  const path = temp.newPath();
  const raw = new Database(path);
  raw.pragma(`application_id = ${WORKSPACE_APPLICATION_ID}`);
  migrate(raw, MIGRATIONS.filter((m) => m.version <= 2));
  raw.prepare("INSERT INTO run_keys (run_key, run_id) VALUES (1, 'old')").run();
  const insert = raw.prepare('INSERT INTO ledger (id, seq, canonical, record_hash, completed_key, state) VALUES ((1 << 32) + ?, ?, ?, ?, ?, ?)');
  const hashes: string[] = [];
  let prev: string | null = null;
  for (let i = 0; i < n; i++) {
    const record = sampleRecord('old', i, { status: i % 2 ? 'completed' : 'started' });
    const row = encodeLedgerRecord(record, prev);
    insert.run(i, i, row.canonical, row.recordHash, i % 2 ? record.idempotencyKey : null, i === n - 1 ? '{"state":"kept"}' : null);
    hashes.push(row.recordHash);
    prev = row.recordHash;
  }
  expect(raw.prepare("SELECT count(*) FROM ledger WHERE run_id = 'old' AND status = 'completed'").pluck().get()).toBe(Math.floor(n / 2));
  raw.close();
  return { path, hashes };
}

describe('migration 3: ledger fields as a view', () => {
  it('keeps every record of a schema-2 workspace, its chain and its checkpoints', async () => {
    const { path, hashes } = schema2Workspace(6);
    const ws = temp.open(path);
    expect(ws.migrations().map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await ws.ledger.list('old')).map((r) => r.recordHash)).toEqual(hashes);
    expect(await ws.verifyRun('old')).toMatchObject({ ok: true, count: 6 });
    expect(await ws.checkIntegrity({ full: true })).toEqual({ ok: true, problems: [] });
    // New appends chain onto the migrated head.
    await ws.ledger.append(sampleRecord('old', 6));
    expect(await ws.verifyRun('old')).toMatchObject({ ok: true, count: 7 });
    ws.close();

    const raw = new Database(path, { readonly: true });
    const columns = (raw.prepare("SELECT name FROM pragma_table_xinfo('ledger')").pluck().all() as string[]).sort();
    expect(columns).toEqual(['canonical', 'completed_key', 'id', 'key_order', 'record_hash', 'seq', 'signature', 'spills', 'state']);
    const fields = raw.prepare("SELECT seq, filed_run_id, run_id, node_id, status, prev_hash FROM ledger_records WHERE run_id = 'old' ORDER BY seq").all() as {
      seq: number;
      filed_run_id: string;
      run_id: string;
      status: string;
      prev_hash: string | null;
    }[];
    expect(fields.map((f) => f.status)).toEqual(['started', 'completed', 'started', 'completed', 'started', 'completed', 'completed']);
    expect(fields.every((f) => f.filed_run_id === 'old')).toBe(true);
    expect(fields.slice(1, 6).map((f) => f.prev_hash)).toEqual(hashes.slice(0, 5));
    expect(raw.prepare("SELECT seq, state FROM checkpoints WHERE run_id = 'old'").raw().all()).toEqual([[5, '{"state":"kept"}']]);
    raw.close();
  });

  it('shows a record whose text is not JSON with NULL fields instead of failing the query', async () => {
    const ws = temp.create();
    await ws.ledger.append(sampleRecord('r', 0));
    ws.close();
    const raw = new Database(ws.path);
    raw.exec("DROP TRIGGER ledger_append_only_update; UPDATE ledger SET canonical = 'not json' WHERE seq = 0;");
    expect(raw.prepare('SELECT filed_run_id, run_id, status FROM ledger_records').raw().all()).toEqual([['r', null, null]]);
    raw.close();
  });
});
