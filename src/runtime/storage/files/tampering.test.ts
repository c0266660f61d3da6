/**
 * Tampering with a copy of the Python fixture: each change is detected, and `firstBadIndex`
 * names the first wrong record. Run …0001 has 5 records (indexes 0..4).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeStepRecord } from '../../core/codecs';
import { type JsonObject } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { pyJsonDumps } from '../../json/py-dumps';
import { computeRecordHash } from '../../ledger/record-hash';
import { HashChainedLedgerStore } from '../../ledger/hash-chained-ledger-store';
import { copyFixture, readManifest, removeDir, type FixtureManifest } from './fixture-helpers';
import { CorruptLedgerLineError } from './file-store-errors';
import { JsonlLedgerStore } from './jsonl-ledger-store';
import { verifyDataFolder, type LedgerAnchor } from './verify-data-folder';

const RUN = '00000000-0000-4000-8000-000000000001';
let manifest: FixtureManifest;
let anchors: Record<string, LedgerAnchor>;
const dirs: string[] = [];

beforeAll(async () => {
  manifest = await readManifest();
  anchors = Object.fromEntries(Object.entries(manifest.ledger_verification).map(([id, v]) => [id, { count: v.count, headHash: v.head_hash }]));
});
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeDir(d);
});

/** A fixture copy whose ledger of RUN is replaced by `edit(lines)` (lines without their "\n"). */
async function tampered(edit: (lines: string[]) => string): Promise<{ dir: string; path: string }> {
  const dir = await copyFixture();
  dirs.push(dir);
  const path = join(dir, `ledger_${RUN}.jsonl`);
  const lines = (await readFile(path, 'utf8')).split('\n').slice(0, -1);
  expect(lines).toHaveLength(5);
  await writeFile(path, edit(lines));
  return { dir, path };
}
const joinLines = (lines: string[]): string => lines.map((l) => `${l}\n`).join('');
const dict = (line: string): JsonObject => parseJson(line) as JsonObject;

async function reportFor(dir: string, withAnchors = false) {
  const result = await verifyDataFolder(dir, withAnchors ? { anchors } : {});
  const report = result.reports.find((r) => r.runId === RUN)!;
  // Only the tampered ledger fails.
  expect(result.failures.map((f) => f.runId)).toEqual(report.ok ? [] : [RUN]);
  return { result, report };
}

describe('tamper evidence on the Python fixture', () => {
  it('one changed byte in a result: that record, and only it', async () => {
    const { dir } = await tampered((lines) => {
      expect(lines[1]).toContain('"content": "echo: add 2');
      lines[1] = lines[1]!.replace('"content": "echo: add 2', '"content": "echo: add 3');
      return joinLines(lines);
    });
    const { result, report } = await reportFor(dir);
    expect(result.ok).toBe(false);
    expect(report.firstBadIndex).toBe(1);
    expect(report.errors.map((e) => [e.index, e.type])).toEqual([[1, 'record_hash_mismatch']]);
  });

  it('a deleted line: the record after the gap', async () => {
    const { dir } = await tampered((lines) => joinLines([lines[0]!, lines[1]!, lines[3]!, lines[4]!]));
    const { report } = await reportFor(dir);
    expect(report.count).toBe(4);
    expect(report.firstBadIndex).toBe(2);
    expect(report.errors.map((e) => [e.index, e.type])).toEqual([[2, 'prev_hash_mismatch']]);
  });

  it('two swapped lines: the first of them, and every link after', async () => {
    const { dir } = await tampered((lines) => joinLines([lines[0]!, lines[1]!, lines[3]!, lines[2]!, lines[4]!]));
    const { report } = await reportFor(dir);
    expect(report.firstBadIndex).toBe(2);
    expect(report.errors.map((e) => [e.index, e.type])).toEqual([
      [2, 'prev_hash_mismatch'],
      [3, 'prev_hash_mismatch'],
      [4, 'prev_hash_mismatch'],
    ]);
  });

  it('the last line dropped: invisible to the chain alone, caught by the recorded head (first missing index)', async () => {
    const { dir } = await tampered((lines) => joinLines(lines.slice(0, 4)));
    expect((await reportFor(dir)).report.ok).toBe(true); // a shorter chain is still a valid chain
    const { result, report } = await reportFor(dir, true);
    expect(result.ok).toBe(false);
    expect(report.firstBadIndex).toBe(4);
    expect(report.errors).toEqual([
      { index: 4, type: 'anchor_mismatch', expectedCount: 5, actualCount: 4, expectedHeadHash: anchors[RUN]!.headHash, actualHash: null },
    ]);
  });

  it('the last line cut in half: reported as corrupt with its path and line, not a crash', async () => {
    const { dir, path } = await tampered((lines) => joinLines(lines.slice(0, 4)) + lines[4]!.slice(0, Math.floor(lines[4]!.length / 2)));
    const { result, report } = await reportFor(dir);
    expect(report.firstBadIndex).toBe(4);
    expect(report.errors).toMatchObject([{ index: 4, type: 'unreadable_record', line: 5 }]);
    expect(result.corruptFiles).toEqual([path]);
    const store = new JsonlLedgerStore(dir);
    const listing = store.list(RUN);
    await expect(listing).rejects.toBeInstanceOf(CorruptLedgerLineError);
    await expect(listing).rejects.toMatchObject({ code: 'CORRUPT_FILE', path, line: 5 });
    await expect(store.last(RUN)).rejects.toMatchObject({ code: 'CORRUPT_FILE', path, line: 5 });
    // Nothing may be appended after a torn line: the chain would be glued to garbage.
    const before = await readFile(path);
    const record = decodeStepRecord(dict((await readFile(join(dir, `ledger_${RUN}.jsonl`), 'utf8')).split('\n')[0]!));
    await expect(new HashChainedLedgerStore(store).append(record)).rejects.toMatchObject({ code: 'CORRUPT_FILE', line: 5 });
    await expect(store.append(record)).rejects.toMatchObject({ code: 'CORRUPT_FILE', line: 5 });
    expect((await readFile(path)).equals(before)).toBe(true);
  });

  it('a line in the middle cut in half: that record is unreadable and the walk stops there', async () => {
    const { dir } = await tampered((lines) => {
      lines[2] = lines[2]!.slice(0, 100);
      return joinLines(lines);
    });
    const { report } = await reportFor(dir);
    expect(report.count).toBe(5);
    expect(report.firstBadIndex).toBe(2);
    expect(report.errors).toMatchObject([{ index: 2, type: 'unreadable_record', line: 3 }]);
  });

  it('a naive forged record (copied, edited, hash not recomputed): the forgery itself', async () => {
    const { dir } = await tampered((lines) => {
      const forged = lines[2]!.replace('"node_id": "act"', '"node_id": "evil"');
      return joinLines([lines[0]!, lines[1]!, lines[2]!, forged, lines[3]!, lines[4]!]);
    });
    const { report } = await reportFor(dir);
    expect(report.firstBadIndex).toBe(3);
    expect(report.errors.map((e) => [e.index, e.type])).toEqual([
      [3, 'prev_hash_mismatch'],
      [3, 'record_hash_mismatch'],
    ]);
  });

  it('a well-forged record (hashed onto its predecessor): the next link breaks', async () => {
    const { dir } = await tampered((lines) => {
      const h1 = dict(lines[1]!)['record_hash'] as string;
      const forged: JsonObject = { ...dict(lines[1]!), result: { content: 'forged answer' }, prev_hash: h1 };
      forged['record_hash'] = computeRecordHash(forged, h1);
      return joinLines([lines[0]!, lines[1]!, pyJsonDumps(forged), ...lines.slice(2)]);
    });
    const { report } = await reportFor(dir);
    // Index 2 is internally consistent (a valid hash on a valid predecessor); index 3 no longer links.
    expect(report.firstBadIndex).toBe(3);
    expect(report.errors.map((e) => [e.index, e.type])).toEqual([[3, 'prev_hash_mismatch']]);
  });

  it('a forged record with the whole chain after it rewritten: only the recorded head can tell', async () => {
    const { dir } = await tampered((lines) => {
      const records = lines.map(dict);
      records.splice(2, 0, { ...records[1]!, result: { content: 'forged answer' } });
      let prev: string | null = null;
      for (const r of records) {
        r['prev_hash'] = prev;
        r['record_hash'] = prev = computeRecordHash(r, prev);
      }
      return joinLines(records.map((r) => pyJsonDumps(r)));
    });
    expect((await reportFor(dir)).report.ok).toBe(true);
    const { report } = await reportFor(dir, true);
    expect(report.firstBadIndex).toBe(4);
    expect(report.errors).toMatchObject([{ index: 4, type: 'anchor_mismatch', expectedCount: 5, actualCount: 6 }]);
  });
});
