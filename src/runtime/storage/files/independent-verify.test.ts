/**
 * Our writers checked by a separate implementation: a stdlib-only Python script that follows the
 * reference spec literally (independent-verify.py). A bug shared by our writer and our verifier
 * cannot hide here. python3 must be installed; the test fails (it does not skip) without it.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunStatus, WaitReason } from '../../core/enums';
import { waitState, type JsonObject, type StepRecord } from '../../core/models';
import { parseJson } from '../../json/parse';
import { snapshotFromRun } from '../../snapshots/snapshot';
import { makeRun } from '../testing/store-contract';
import { copyFixture, removeDir, runIndependentVerify, tempDir } from './fixture-helpers';
import { openPythonDataFolder } from './python-data-folder';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeDir(d);
});

// Everything JS gets wrong by default: integral and tiny floats, -0.0, 1e16, integers beyond 2^53,
// integer-like keys (JS enumerates them first), astral characters, escapes, nesting.
const HAZARDS = parseJson(
  '{"z":1,"10":"ten","2":"two","f":1.0,"tiny":1e-05,"huge":1e+16,"neg0":-0.0,"third":0.3333333333333333,' +
    '"big":123456789012345678901234567890,"neg_big":-98765432109876543210,' +
    '"text":"café ☕ 🎉 \\"quoted\\" back\\\\slash tab\\t nl\\n \\u0001 \\u007f \\u2028","keys":{"é":1,"e":2,"😀":3,"\\uffff":4},' +
    '"nested":{"list":[1.5,{"b":2.0,"a":[]},null,true,false,{}],"empty":""}}',
) as JsonObject;

function hazardRecord(runId: string, i: number): StepRecord {
  return {
    runId,
    stepId: `step-${i}`,
    nodeId: i % 2 ? 'llm ☕' : 'tool',
    status: i % 3 === 0 ? 'started' : 'completed',
    effect: { type: 'llm_call', payload: { ...HAZARDS, i }, resultKey: '_temp.llm' },
    result: i % 3 === 0 ? null : { answer: HAZARDS, n: i },
    error: null,
    startedAt: '2025-12-17T08:30:00.000001+00:00',
    endedAt: i % 3 === 0 ? null : '2025-12-17T08:30:00+00:00',
    actorId: 'ar_7f705e54bbf08defdf1d5d43',
    sessionId: null,
    attempt: 1 + (i % 2),
    idempotencyKey: `key-${i}`,
    prevHash: null,
    recordHash: null,
    signature: null,
  };
}

describe('independent verification with Python 3 (stdlib only)', () => {
  it('verifies a ledger we chained, with floats, big integers, unicode and integer-like keys, and finds our lines byte-identical', async () => {
    const dir = await tempDir('independent');
    dirs.push(dir);
    const folder = await openPythonDataFolder(dir, { fsync: false });
    for (let i = 0; i < 7; i++) await folder.ledgerStore.append(hazardRecord('run-hazard', i));
    const ours = await folder.ledgerFiles.list('run-hazard');

    const [report] = await runIndependentVerify([folder.ledgerFiles.pathFor('run-hazard')]);
    expect(report).toMatchObject({ ok: true, count: 7, errors: [], first_bad_index: null, head_hash: ours[6]!.recordHash, bytes_match_python: true });
  });

  it('agrees with us on a tampered ledger', async () => {
    const dir = await tempDir('independent-bad');
    dirs.push(dir);
    const folder = await openPythonDataFolder(dir, { fsync: false });
    for (let i = 0; i < 3; i++) await folder.ledgerStore.append(hazardRecord('run-bad', i));
    // A record appended without the chain: no hashes.
    await folder.ledgerFiles.append(hazardRecord('run-bad', 3));
    const [report] = await runIndependentVerify([folder.ledgerFiles.pathFor('run-bad')]);
    expect(report).toMatchObject({ ok: false, count: 4, bytes_match_python: true });
    expect(report!.errors!.map((e) => [e.index, e.type])).toEqual([
      [3, 'prev_hash_mismatch'],
      [3, 'missing_record_hash'],
    ]);
  });

  it('finds our run, snapshot and artifact metadata files byte-identical to json.dumps(indent=2)', async () => {
    const dir = await tempDir('independent-files');
    dirs.push(dir);
    const folder = await openPythonDataFolder(dir, { fsync: false });
    const run = makeRun({
      runId: 'run-files',
      vars: HAZARDS,
      status: RunStatus.WAITING,
      waiting: waitState({ reason: WaitReason.USER, waitKey: 'k', prompt: 'Colour? ☕', choices: ['red', 'green'], allowFreeText: false, details: { n: 1 } }),
      output: null,
    });
    await folder.runStore.save(run);
    await folder.snapshotStore.save(snapshotFromRun({ run, name: 'bookmark ☕', tags: ['a', 'B'], description: null }));
    await folder.artifactStore.storeJson(HAZARDS, { runId: run.runId, tags: { kind: 'hazards', 'é': '☕' } });
    const files = [
      folder.runStore.pathFor(run.runId),
      ...(await readdir(join(dir, 'snapshots'))).map((n) => join(dir, 'snapshots', n)),
      ...(await readdir(join(dir, 'artifacts'))).filter((n) => n.endsWith('.meta')).map((n) => join(dir, 'artifacts', n)),
    ];
    expect(files).toHaveLength(3);
    const reports = await runIndependentVerify(files);
    expect(reports.map((r) => r.bytes_match_python)).toEqual([true, true, true]);
  });

  it('verifies every chain of the fixture after our byte-exact copy, as the Python tool would', async () => {
    const dir = await copyFixture();
    dirs.push(dir);
    const ledgers = (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).map((n) => join(dir, n));
    const reports = await runIndependentVerify(ledgers);
    expect(reports).toHaveLength(12);
    for (const r of reports) expect(r, r.path).toMatchObject({ ok: true, bytes_match_python: true });
  });
});
