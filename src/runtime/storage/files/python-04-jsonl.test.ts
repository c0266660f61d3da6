/**
 * JSONL as the Python AbstractRuntime 0.4 reads it, on real copies of its 0.4.28 folder: a line
 * holding several records written back to back, compact run files, and a torn last line reported
 * with its line number while the rest of the run still reads and verifies.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openPythonDataFolder } from './python-data-folder';
import { verifyDataFolder, verifyLedgerFile } from './verify-data-folder';
import { removeDir, tempDir } from './fixture-helpers';

const FOLDER = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../test/fixtures/python-abstractruntime-0.4.28/folder');
const CHAINED = '7c4fa5d5-b376-47cc-8e94-b82655b9fcbd';
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeDir(d);
});

async function copy(): Promise<string> {
  const dir = await tempDir('py04');
  dirs.push(dir);
  cpSync(FOLDER, dir, { recursive: true });
  return dir;
}

const ledgerOf = (dir: string, runId: string): string => join(dir, `ledger_${runId}.jsonl`);
const linesOf = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe('JSONL of Python 0.4', () => {
  it('reads a line holding several records back to back, and the chain still verifies', async () => {
    const dir = await copy();
    const file = ledgerOf(dir, CHAINED);
    const lines = linesOf(file);
    writeFileSync(file, `${lines[0]}${lines[1]}\n${lines.slice(2).join('\n')}\n`);
    const folder = await openPythonDataFolder(dir, { readOnly: true });
    expect(await folder.ledgerFiles.list(CHAINED)).toHaveLength(5);
    expect(await verifyLedgerFile(file, CHAINED)).toMatchObject({ ok: true, chain: 'verified', count: 5 });
  });

  it('reads a compact run file (`,`/`:` separators)', async () => {
    const dir = await copy();
    const file = join(dir, `run_${CHAINED}.json`);
    writeFileSync(file, JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))));
    const folder = await openPythonDataFolder(dir, { readOnly: true });
    expect(await folder.runStore.load(CHAINED)).toMatchObject({ runId: CHAINED, status: 'completed' });
  });

  it('reports a torn last line with its line number; the records before it still read', async () => {
    const dir = await copy();
    const file = ledgerOf(dir, CHAINED);
    const lines = linesOf(file);
    writeFileSync(file, `${lines.slice(0, 4).join('\n')}\n${lines[4]!.slice(0, 50)}`);
    const report = await verifyLedgerFile(file, CHAINED);
    expect(report).toMatchObject({ ok: false, chain: 'broken', count: 5, firstBadIndex: 4 });
    expect(report.errors[0]).toMatchObject({ type: 'unreadable_record', line: 5, reason: expect.stringContaining('the file ends inside this line') });
    const all = await verifyDataFolder(dir);
    expect(all.corruptFiles).toEqual([file]);
    expect(all.totals).toEqual({ verified: 5, broken: 1, unchained: 6 });
  });
});
