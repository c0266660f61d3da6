import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type StepRecord } from '../../core/models';
import { type JsonObject } from '../../json/json-value';
import { pyJsonDumps } from '../../json/py-dumps';
import { verifyLedgerChain, verifyLedgerDicts } from '../../ledger/chain-verifier';
import { HashChainedLedgerStore } from '../../ledger/hash-chained-ledger-store';
import { computeRecordHash } from '../../ledger/record-hash';
import { removeDir, tempDir } from './fixture-helpers';
import { CorruptLedgerLineError, ReadOnlyStoreError } from './file-store-errors';
import { JsonlLedgerStore } from './jsonl-ledger-store';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeDir(d);
});
async function dir(): Promise<string> {
  const d = await tempDir('ledger');
  dirs.push(d);
  return d;
}

function rec(runId: string, i: number, over: Partial<StepRecord> = {}): StepRecord {
  return {
    runId,
    stepId: `s${i}`,
    nodeId: 'n',
    status: 'completed',
    effect: null,
    result: { i },
    error: null,
    startedAt: '2025-12-17T08:30:00+00:00',
    endedAt: null,
    actorId: null,
    sessionId: null,
    attempt: 1,
    idempotencyKey: null,
    prevHash: null,
    recordHash: null,
    signature: null,
    ...over,
  };
}

const LINE =
  '{"run_id": "r1", "step_id": "s0", "node_id": "n", "status": "completed", "effect": {"type": "llm_call", "payload": {"p": "☕", "f": 1.5}, "result_key": null}, ' +
  '"result": {"i": 0}, "error": null, "started_at": "2025-12-17T08:30:00+00:00", "ended_at": null, "actor_id": null, "session_id": null, ' +
  '"attempt": 1, "idempotency_key": null, "prev_hash": null, "record_hash": null, "signature": null}\n';

describe('JsonlLedgerStore', () => {
  it("writes each record as Python's json.dumps line (', ' and ': ' separators) plus a newline", async () => {
    const d = await dir();
    const store = new JsonlLedgerStore(d);
    await store.append(rec('r1', 0, { effect: { type: 'llm_call', payload: { p: '☕', f: 1.5 }, resultKey: null } }));
    expect(await readFile(join(d, 'ledger_r1.jsonl'), 'utf8')).toBe(LINE);
  });

  it('serialises the record when append is called: later changes to the object are not written', async () => {
    const store = new JsonlLedgerStore(await dir(), { fsync: false });
    const r = rec('r1', 0);
    const pending = store.append(r);
    r.status = 'failed';
    r.result = { changed: true };
    await pending;
    expect((await store.list('r1'))[0]).toMatchObject({ status: 'completed', result: { i: 0 } });
  });

  it('keeps every line whole and in call order under concurrent appends to several runs', async () => {
    const d = await dir();
    const store = new JsonlLedgerStore(d, { fsync: false });
    const big = 'x'.repeat(200_000); // bigger than a pipe buffer or a stream chunk
    await Promise.all(Array.from({ length: 90 }, (_, i) => store.append(rec(`r${i % 3}`, i, { result: { i, big } }))));
    for (let k = 0; k < 3; k++) {
      const list = await store.list(`r${k}`);
      expect(list.map((r) => r.stepId)).toEqual(Array.from({ length: 30 }, (_, j) => `s${j * 3 + k}`));
    }
    expect(await store.runIds()).toEqual(['r0', 'r1', 'r2']);
  });

  it('last() reads the tail: correct past blank lines and long lines, without reading the start of the file', async () => {
    const d = await dir();
    const store = new JsonlLedgerStore(d, { fsync: false });
    expect(await store.last('r1')).toBeNull();
    await store.append(rec('r1', 0));
    await store.append(rec('r1', 1, { result: { long: 'é'.repeat(100_000) } })); // spans several tail chunks
    await appendFile(join(d, 'ledger_r1.jsonl'), '\n  \n\n');
    expect((await store.last('r1'))!.stepId).toBe('s1');
    // A damaged first line does not matter to last(), which never reads it; list() does read it.
    const path = join(d, 'ledger_r1.jsonl');
    const text = await readFile(path, 'utf8');
    await writeFile(path, `{broken${text.slice(1)}`);
    expect((await store.last('r1'))!.stepId).toBe('s1');
    await expect(store.list('r1')).rejects.toMatchObject({ code: 'CORRUPT_FILE', line: 1 });
  });

  it('reports a corrupt line with path and line number, for bad JSON, a non-object and invalid UTF-8', async () => {
    const d = await dir();
    const store = new JsonlLedgerStore(d, { fsync: false });
    const path = join(d, 'ledger_r1.jsonl');
    await store.append(rec('r1', 0));
    const good = await readFile(path);
    for (const [bad, line] of [
      [Buffer.from('\n[1, 2]\n'), 3],
      [Buffer.from('{"run_id": "r1", oops}\n'), 2],
      [Buffer.concat([Buffer.from('{"x": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]), 2],
    ] as const) {
      await writeFile(path, Buffer.concat([good, bad]));
      const listing = store.listDicts('r1');
      await expect(listing).rejects.toBeInstanceOf(CorruptLedgerLineError);
      await expect(listing).rejects.toMatchObject({ code: 'CORRUPT_FILE', path, line });
    }
  });

  it('appends after a complete last line that lacks its newline, but never after a torn one', async () => {
    const d = await dir();
    const store = new JsonlLedgerStore(d, { fsync: false });
    const path = join(d, 'ledger_r1.jsonl');
    await writeFile(path, pyJsonDumps({ run_id: 'r1', step_id: 's0', node_id: 'n', status: 'started', started_at: 't' }));
    await store.append(rec('r1', 1));
    expect((await store.list('r1')).map((r) => r.stepId)).toEqual(['s0', 's1']);
    const whole = await readFile(path, 'utf8');
    await writeFile(path, whole.slice(0, -20)); // the last write cut short
    await expect(store.append(rec('r1', 2))).rejects.toMatchObject({ code: 'CORRUPT_FILE', line: 2 });
    expect(await readFile(path, 'utf8')).toBe(whole.slice(0, -20));
  });

  it('listDicts keeps keys a newer Python adds, so such records still verify', async () => {
    const d = await dir();
    const store = new JsonlLedgerStore(d);
    const r0: JsonObject = { ...JSON.parse(LINE) as JsonObject, trace_id: 'tr-1' };
    r0['record_hash'] = computeRecordHash(r0, null);
    await writeFile(join(d, 'ledger_r1.jsonl'), `${pyJsonDumps(r0)}\n`);
    const dicts = await store.listDicts('r1');
    expect(dicts[0]!['trace_id']).toBe('tr-1');
    expect(verifyLedgerDicts(dicts).ok).toBe(true);
    // The typed records drop the unknown key, so they no longer hash the same: why listDicts exists.
    expect(verifyLedgerChain(await store.list('r1')).ok).toBe(false);
  });

  it('findCompleted returns the latest completed record with the key, for any key text', async () => {
    const store = new JsonlLedgerStore(await dir(), { fsync: false });
    const chained = new HashChainedLedgerStore(store);
    for (const key of ['abc123', 'quote"and\\slash ☕']) {
      await chained.append(rec('r1', 0, { idempotencyKey: key, status: 'started', result: null }));
      await chained.append(rec('r1', 1, { idempotencyKey: key, result: { v: 1 } }));
      await chained.append(rec('r1', 2, { idempotencyKey: key, result: { v: 2 } }));
      await chained.append(rec('r1', 3, { idempotencyKey: key, status: 'failed', result: { v: 3 } }));
      expect((await store.findCompleted('r1', key))!.result, key).toEqual({ v: 2 });
    }
    expect(await store.findCompleted('r1', 'abc')).toBeNull();
    expect(await store.findCompleted('nobody', 'abc123')).toBeNull();
  });

  it('read-only: append throws ReadOnlyStoreError and writes nothing', async () => {
    const d = await dir();
    const store = new JsonlLedgerStore(d, { readOnly: true });
    await expect(store.append(rec('r1', 0))).rejects.toBeInstanceOf(ReadOnlyStoreError);
    expect(await store.list('r1')).toEqual([]);
    expect(await store.runIds()).toEqual([]);
  });

  it('rejects run ids that could escape the folder', async () => {
    const store = new JsonlLedgerStore(await dir());
    await expect(store.append(rec('../x', 0))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(store.list('a/b')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
