import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleRecord } from './test-support/records';
import { TempWorkspaces } from './test-support/temp-workspace';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

/** A closed workspace file (WAL folded in) with one run of `n` records. */
async function ledgerFile(n: number): Promise<string> {
  const ws = temp.create();
  for (let i = 0; i < n; i++) await ws.ledger.append(sampleRecord('run', i, { status: i % 2 ? 'completed' : 'started' }));
  ws.close();
  return ws.path;
}

/** Runs SQL on the file as an attacker would: triggers dropped first. */
function tamper(path: string, sql: string): void {
  const db = new Database(path);
  db.exec('DROP TRIGGER ledger_append_only_update; DROP TRIGGER ledger_append_only_delete;');
  db.exec(sql);
  db.close();
}

describe('tamper detection', () => {
  it('reports an edited record text at exactly its index', async () => {
    const path = await ledgerFile(10);
    tamper(path, "UPDATE ledger SET canonical = replace(canonical, 'answer 4', 'answer 5') WHERE seq = 4");
    const report = await temp.open(path).verifyRun('run');
    expect(report).toMatchObject({ ok: false, count: 10, firstBadIndex: 4 });
    expect(report.errors).toEqual([expect.objectContaining({ index: 4, type: 'record_hash_mismatch' })]);
  });

  it('reports a changed status at its index (the status column is the hashed text: it cannot be changed alone)', async () => {
    const path = await ledgerFile(10);
    tamper(path, `UPDATE ledger SET canonical = replace(canonical, '"status":"completed"', '"status":"failed"') WHERE seq = 7`);
    const ws = temp.open(path);
    expect((await ws.ledger.list('run'))[7]!.status).toBe('failed'); // what a reader would now be shown...
    const report = await ws.verifyRun('run');
    expect(report.errors).toEqual([expect.objectContaining({ index: 7, type: 'record_hash_mismatch' })]); // ...is flagged
  });

  it('reports bytes changed in the file itself, below SQLite', async () => {
    const path = await ledgerFile(10);
    const bytes = readFileSync(path);
    const needle = Buffer.from('"status":"completed","step_id":"step-5"');
    // Every copy: a page's free space can still hold an older copy of a cell.
    let hits = 0;
    for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1), hits++) {
      bytes.write('"status":"cancelled","step_id":"step-5"', at, 'latin1');
    }
    expect(hits).toBeGreaterThan(0);
    writeFileSync(path, bytes);
    const report = await temp.open(path).verifyRun('run');
    expect(report.errors).toEqual([expect.objectContaining({ index: 5, type: 'record_hash_mismatch' })]);
  });

  it('reports a deleted record as a prev_hash mismatch at the next index', async () => {
    const path = await ledgerFile(10);
    tamper(path, 'DELETE FROM ledger WHERE seq = 3');
    const report = await temp.open(path).verifyRun('run');
    expect(report).toMatchObject({ ok: false, count: 9, firstBadIndex: 3 });
    expect(report.errors).toEqual([expect.objectContaining({ index: 3, type: 'prev_hash_mismatch' })]);
  });

  it('reports a replaced stored hash at its record and at the next one', async () => {
    const path = await ledgerFile(10);
    tamper(path, `UPDATE ledger SET record_hash = '${'0'.repeat(64)}' WHERE seq = 6`);
    const report = await temp.open(path).verifyRun('run');
    expect(report.errors.map((e) => [e.index, e.type])).toEqual([
      [6, 'record_hash_mismatch'],
      [7, 'prev_hash_mismatch'],
    ]);
  });

  it('survives a row that is not JSON at all, and still reports only that record', async () => {
    const path = await ledgerFile(6);
    tamper(path, "UPDATE ledger SET canonical = 'garbage' WHERE seq = 2");
    const ws = temp.open(path);
    const report = await ws.verifyRun('run');
    expect(report.errors).toEqual([expect.objectContaining({ index: 2, type: 'record_hash_mismatch' })]);
    await expect(ws.ledger.list('run')).rejects.toMatchObject({ code: 'JSON_PARSE_ERROR' });
  });

  it('verifies in pages, reporting progress up to the total', async () => {
    const path = await ledgerFile(25);
    const progress: [number, number][] = [];
    const report = await temp.open(path).verifyRun('run', { batchSize: 7, onProgress: (done, total) => progress.push([done, total]) });
    expect(report).toMatchObject({ ok: true, count: 25 });
    expect(progress).toEqual([[0, 25], [7, 25], [14, 25], [21, 25], [25, 25]]);
    expect(await temp.open(path).verifyRun('empty')).toMatchObject({ ok: true, count: 0, headHash: null });
  });
});
