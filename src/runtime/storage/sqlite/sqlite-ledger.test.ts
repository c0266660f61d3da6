import { makeRun } from '../testing/store-contract';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeStepRecord } from '../../core/codecs';
import { type StepRecord } from '../../core/models';
import { orderedKeys, type JsonObject } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { pyJsonDumps } from '../../json/py-dumps';
import { HashChainedLedgerStore } from '../../ledger/hash-chained-ledger-store';
import { recordHashText } from '../../ledger/record-hash';
import { InMemoryLedgerStore } from '../memory/memory-ledger-store';
import { canonicalPrevHash } from './ledger-rows';
import { sampleRecord } from './test-support/records';
import { TempWorkspaces } from './test-support/temp-workspace';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

const jsonl = (r: StepRecord): string => pyJsonDumps(encodeStepRecord(r));

describe('SQLite ledger', () => {
  it('chains exactly like the reference chain over any store, and stores the hashed text', async () => {
    const ws = temp.create();
    const memory = new HashChainedLedgerStore(new InMemoryLedgerStore());
    for (let i = 0; i < 5; i++) {
      await ws.ledger.append(sampleRecord('r', i));
      await memory.append(sampleRecord('r', i));
    }
    const ours = await ws.ledger.list('r');
    const theirs = await memory.list('r');
    expect(ours.map(jsonl)).toEqual(theirs.map(jsonl));
    const raw = new Database(ws.path, { readonly: true });
    const rows = raw.prepare("SELECT seq, canonical, prev_hash, status, node_id FROM ledger_records WHERE run_id = 'r' ORDER BY seq").all() as {
      seq: number;
      canonical: string;
      prev_hash: string | null;
      status: string;
      node_id: string;
    }[];
    raw.close();
    expect(rows.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4]);
    rows.forEach((row, i) => {
      const t = theirs[i]!;
      expect(row.canonical).toBe(recordHashText(encodeStepRecord(t), t.prevHash));
      expect(row).toMatchObject({ prev_hash: t.prevHash, status: 'completed', node_id: t.nodeId });
    });
  });

  it('gives back records byte for byte: user key order, integer-like keys, float lexemes, big integers, unicode', async () => {
    const ws = temp.create();
    const payload = parseJson('{"zeta":1,"alpha":{"10":"ten","2":"two","b":[{"y":1.0,"x":1e-05}]},"big":123456789012345678901234567890,"s":"café ☕ 🎉"}') as JsonObject;
    const result = parseJson('{"text":"ok","-0":-0.0,"nested":{"b":true,"a":null}}') as JsonObject;
    const sorted = sampleRecord('k', 1, { effect: { type: 'llm_call', payload: { model: 'stub', prompt: 'q' }, resultKey: 'answer' } });
    const rec = sampleRecord('k', 0, { effect: { type: 'llm_call', payload, resultKey: null }, result });
    await ws.ledger.append(rec);
    await ws.ledger.append(sorted);
    const expected = [jsonl(rec), jsonl(sorted)];
    const reopened = temp.open(ws.path);
    const back = await reopened.ledger.list('k');
    expect(back.map(jsonl)).toEqual(expected);
    expect(orderedKeys(back[0]!.effect!.payload)).toEqual(['zeta', 'alpha', 'big', 's']);
    expect(orderedKeys(back[0]!.effect!.payload['alpha'] as JsonObject)).toEqual(['10', '2', 'b']);
    expect((await reopened.verifyRun('k')).ok).toBe(true);
    // Only the record whose user objects were not already sorted carries a key-order hint.
    const raw = new Database(ws.path, { readonly: true });
    expect(raw.prepare("SELECT key_order IS NOT NULL FROM ledger_records WHERE run_id = 'k' ORDER BY seq").pluck().all()).toEqual([1, 0]);
    raw.close();
  });

  it('reads pages by seq, counts, and knows the head without reading the ledger', async () => {
    const ws = temp.create();
    for (let i = 0; i < 250; i++) await ws.ledger.append(sampleRecord('p', i));
    const all = await ws.ledger.list('p');
    const pages = [];
    for (let from = 0; ; from += 100) {
      const page = await ws.ledger.readLedgerPage('p', { fromSeq: from, limit: 100 });
      if (page.length === 0) break;
      pages.push(page);
    }
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    const flat = pages.flat();
    expect(flat.map((e) => e.seq)).toEqual([...Array(250).keys()]);
    expect(flat.map((e) => jsonl(e.record))).toEqual(all.map(jsonl));
    expect((await ws.ledger.readLedgerPage('p', { fromSeq: 245 })).map((e) => e.seq)).toEqual([245, 246, 247, 248, 249]);
    expect(await ws.ledger.readLedgerPage('p', { fromSeq: 1000 })).toEqual([]);
    expect(await ws.ledger.ledgerCount('p')).toBe(250);
    expect(await ws.ledger.ledgerHead('p')).toEqual({ seq: 249, recordHash: all[249]!.recordHash });
    expect(await ws.ledger.ledgerHead('nobody')).toBeNull();
    expect((await ws.ledger.last('p'))!.stepId).toBe('step-249');
    await expect(ws.ledger.readLedgerPage('p', { limit: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('is append-only: SQLite itself refuses to change or delete a record; only a missing signature can be filled once', async () => {
    const ws = temp.create();
    await ws.ledger.append(sampleRecord('a', 0));
    const raw = new Database(ws.path);
    expect(() => raw.prepare("UPDATE ledger SET canonical = '{}' WHERE seq = 0").run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM ledger WHERE seq = 0').run()).toThrow(/append-only/);
    // The queryable fields are computed from the hashed text: there is nothing to set but the text.
    expect(() => raw.prepare("UPDATE ledger_records SET status = 'failed' WHERE run_id = 'a'").run()).toThrow(/cannot modify ledger_records because it is a view/);
    raw.prepare("UPDATE ledger SET signature = 'sig-1' WHERE seq = 0").run();
    expect(() => raw.prepare("UPDATE ledger SET signature = 'sig-2' WHERE seq = 0").run()).toThrow(/append-only/);
    raw.close();
    expect((await ws.ledger.list('a'))[0]!.signature).toBe('sig-1');
    expect((await ws.verifyRun('a')).ok).toBe(true);
  });

  it('finds the latest completed record by idempotency key among the records after the saved state', async () => {
    const ws = temp.create();
    await ws.ledger.append(sampleRecord('f', 0, { idempotencyKey: 'K', status: 'started', result: null }));
    await ws.ledger.append(sampleRecord('f', 1, { idempotencyKey: 'K', result: { v: 1 } }));
    await ws.ledger.append(sampleRecord('f', 2, { idempotencyKey: 'K', status: 'failed', result: null, error: 'x' }));
    await ws.ledger.append(sampleRecord('f', 3, { idempotencyKey: 'L', result: { v: 3 } }));
    // No state saved yet: every record is a recovery candidate.
    expect((await ws.ledger.findCompleted('f', 'K'))!.result).toEqual({ v: 1 });
    expect((await ws.ledger.findCompleted('f', 'L'))!.stepId).toBe('step-3');
    expect(await ws.ledger.findCompleted('f', 'M')).toBeNull();
    expect(await ws.ledger.findCompleted('g', 'K')).toBeNull();
    // A state committed with the run's records consumed them: nothing before it is reused.
    const run = makeRun({ runId: 'f' });
    await ws.runs.commitStep(run, [sampleRecord('f', 4, { idempotencyKey: 'N', result: { v: 4 } })]);
    expect(await ws.ledger.findCompleted('f', 'K')).toBeNull();
    expect(await ws.ledger.findCompleted('f', 'N')).toBeNull();
    await ws.ledger.append(sampleRecord('f', 5, { idempotencyKey: 'K', result: { v: 5 } }));
    expect((await ws.ledger.findCompleted('f', 'K'))!.result).toEqual({ v: 5 });
  });

  it('sets prevHash and recordHash on the caller\'s record only once the append committed', async () => {
    const ws = temp.create();
    const ok = sampleRecord('h', 0);
    await ws.ledger.append(ok);
    expect(ok.recordHash).toMatch(/^[0-9a-f]{64}$/);
    const bad = sampleRecord('h', 1, { result: { f: (() => 1) as unknown as string } });
    await expect(ws.ledger.append(bad)).rejects.toMatchObject({ code: 'NOT_JSON_SERIALIZABLE' });
    expect(bad.recordHash).toBeNull();
    expect(await ws.ledger.ledgerCount('h')).toBe(1);
  });
});

describe('canonicalPrevHash', () => {
  const text = (rec: StepRecord, prev: string | null): string => recordHashText(encodeStepRecord(rec), prev);
  const h = 'a'.repeat(64);
  const nested = (v: JsonObject): StepRecord => sampleRecord('x', 0, { effect: { type: 'llm_call', payload: v, resultKey: null }, result: v });

  it('reads the top-level prev_hash, also when user data holds look-alike keys', () => {
    expect(canonicalPrevHash(text(sampleRecord('x', 0), null))).toBeNull();
    expect(canonicalPrevHash(text(sampleRecord('x', 0), h))).toBe(h);
    const decoy = 'b'.repeat(64);
    const decoys: JsonObject[] = [{ prev_hash: decoy }, { a: 1, prev_hash: decoy }, { 'x"prev_hash': decoy }, { my_prev_hash: decoy }, { text: '"prev_hash":"' + decoy + '"' }];
    for (const v of decoys) {
      expect(canonicalPrevHash(text(nested(v), h))).toBe(h);
      expect(canonicalPrevHash(text(nested(v), null))).toBeNull();
    }
  });

  it('gives undefined for text that is not a record', () => {
    expect(canonicalPrevHash('not json')).toBeUndefined();
    expect(canonicalPrevHash('[1,2]')).toBeUndefined();
  });
});

describe('SQLite ledger shared by two connections', () => {
  it('chains appends from two workspaces on one file onto each other', async () => {
    const a = temp.create();
    const b = temp.open(a.path);
    await a.ledger.append(sampleRecord('shared', 0));
    await b.ledger.append(sampleRecord('shared', 1));
    await a.ledger.append(sampleRecord('shared', 2)); // a's cached head is stale: it must see b's record
    await b.ledger.append(sampleRecord('shared', 3));
    const entries = await a.ledger.readLedgerPage('shared');
    expect(entries.map((e) => [e.seq, e.record.stepId])).toEqual([
      [0, 'step-0'],
      [1, 'step-1'],
      [2, 'step-2'],
      [3, 'step-3'],
    ]);
    expect((await b.verifyRun('shared')).ok).toBe(true);
  });

  it('checkIntegrity finds an idempotency lookup key that disagrees with its record; the lookup ignores it', async () => {
    const ws = temp.create();
    await ws.ledger.append(sampleRecord('i', 0, { idempotencyKey: 'K' }));
    expect(await ws.checkIntegrity({ full: true })).toEqual({ ok: true, problems: [] });
    const raw = new Database(ws.path);
    raw.exec("DROP TRIGGER ledger_append_only_update; UPDATE ledger SET completed_key = 'OTHER' WHERE id >> 32 = (SELECT run_key FROM run_keys WHERE run_id = 'i')");
    raw.close();
    expect(await ws.checkIntegrity()).toEqual({ ok: false, problems: [expect.stringContaining('run i, seq 0')] });
    expect(await ws.ledger.findCompleted('i', 'OTHER')).toBeNull();
    expect((await ws.verifyRun('i')).ok).toBe(true); // the record itself is intact
  });
});
