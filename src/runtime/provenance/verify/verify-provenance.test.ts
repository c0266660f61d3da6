import { beforeAll, describe, expect, it } from 'vitest';
import { type JsonObject } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { pyJsonDumps } from '../../json/py-dumps';
import { computeRecordHash } from '../../ledger/record-hash';
import { signCheckpoint } from '../checkpoints/checkpoint';
import { generateActorKey, signingKeyFromSeed } from '../keys/key-store';
import { buildSignedLedgers, type SignedLedgers } from '../testing/signed-ledgers';
import { verifyProvenance } from './verify-provenance';
import { recordBadges } from './record-badges';

let L: SignedLedgers;
beforeAll(async () => {
  L = await buildSignedLedgers();
});
const dicts = (lines: readonly string[]): JsonObject[] => lines.map((l) => parseJson(l) as JsonObject);
const loopRun = () => L.runs[0]!;
const askRun = () => L.runs[1]!;

describe('verifyProvenance', () => {
  it('says which actor signed what', () => {
    const run = askRun();
    const report = verifyProvenance({ records: dicts(run.lines), checkpoints: run.checkpoints, keys: L.keys, trustedKeys: L.keys });
    expect(report.ok).toBe(true);
    expect(report.trust).toBe('trusted-keys');
    expect(report.signers).toEqual([
      expect.objectContaining({ actorId: L.host.key.actorId, binding: 'asserted', trusted: true, checkpoints: 3, throughSeq: run.lines.length - 1 }),
      expect.objectContaining({ actorId: L.human.key.actorId, binding: 'self-certified', trusted: true, checkpoints: 2 }),
    ]);
    expect(report.actors.find((a) => a.actorId === L.human.key.actorId)?.attested).toEqual([2, 7]);
    const badge = recordBadges(report);
    expect(badge(2)).toEqual({ kind: 'signed', attestedBy: L.human.key.actorId });
    expect(badge(0)).toEqual({ kind: 'signed', attestedBy: null });
    expect(report.checkpoints.every((c) => c.status === 'valid')).toBe(true);
  });

  it('reports a cut end as the missing range, with the checkpoint that proves it', () => {
    const run = loopRun();
    const report = verifyProvenance({ records: dicts(run.lines.slice(0, 30)), checkpoints: run.checkpoints, keys: L.keys, trustedKeys: L.keys });
    const cut = report.findings.find((f) => f.code === 'ledger_truncated');
    expect(cut).toMatchObject({ location: { kind: 'records', from: 30, to: run.lines.length - 1 }, actorId: L.host.key.actorId });
    expect(cut?.message).toContain(`records 30..${run.lines.length - 1} are missing (cut from the end)`);
    expect(report.firstBadSeq).toBe(30);
    expect(report.checkpoints.filter((c) => c.status === 'beyond-end').length).toBeGreaterThan(0);
  });

  it('reports records after the last checkpoint as unsigned (an error, or a warning for ledgers never signed)', () => {
    const run = loopRun();
    const extra = dicts(run.lines);
    const forged: JsonObject = { ...extra.at(-1)!, step_id: 'appended-later', prev_hash: extra.at(-1)!['record_hash'] as string };
    forged['record_hash'] = computeRecordHash(forged, forged['prev_hash'] as string);
    const report = verifyProvenance({ records: [...extra, forged], checkpoints: run.checkpoints, keys: L.keys, trustedKeys: L.keys });
    expect(report.unsigned).toEqual({ from: extra.length, to: extra.length });
    expect(recordBadges(report)(extra.length)).toEqual({ kind: 'unsigned' });
    expect(report.findings).toEqual([expect.objectContaining({ code: 'unsigned_records', severity: 'error', location: { kind: 'records', from: extra.length, to: extra.length } })]);
    const python = verifyProvenance({ records: dicts(run.lines), checkpoints: [], keys: [], allowUnsigned: true });
    expect(python.ok).toBe(true);
    expect(python.findings.map((f) => [f.code, f.severity])).toEqual([
      ['unsigned_records', 'warning'],
      ['no_trust_anchor', 'warning'],
    ]);
  });

  it('without trusted keys, a rewritten and re-signed ledger is consistent: only the warning says what is not proven', () => {
    const run = loopRun();
    const mallory = generateActorKey({ kind: 'service', displayName: 'Mallory' }, 'now');
    const signer = signingKeyFromSeed(mallory.key, mallory.seed);
    const records = dicts(run.lines);
    records[5]!['result'] = { forged: true };
    let prev: string | null = (records[4]!['record_hash'] as string) ?? null;
    for (let i = 5; i < records.length; i++) {
      records[i]!['prev_hash'] = prev;
      records[i]!['record_hash'] = prev = computeRecordHash(records[i]!, prev);
    }
    const cp = signCheckpoint(signer, { runId: run.runId, seq: records.length - 1, headHash: prev as string, signedAt: 'now', n: 0, prev: null });
    const loose = verifyProvenance({ records, checkpoints: [cp], keys: [mallory.key] });
    expect(loose.ok).toBe(true);
    expect(loose.findings.map((f) => f.code)).toEqual(['no_trust_anchor']);
    const anchored = verifyProvenance({ records, checkpoints: [cp], keys: [mallory.key], trustedKeys: L.keys });
    expect(anchored.ok).toBe(false);
    expect(anchored.findings.map((f) => f.code)).toEqual(['unsigned_records', 'checkpoint_untrusted_key', 'key_untrusted']);
  });

  it('explains chain breaks and changed records in words', () => {
    const run = loopRun();
    const lines = [...run.lines];
    lines.splice(3, 1);
    const report = verifyProvenance({ records: dicts(lines), checkpoints: run.checkpoints, keys: L.keys, trustedKeys: L.keys });
    expect(report.findings[0]).toMatchObject({ code: 'chain_broken', location: { kind: 'record', seq: 3, range: [2, 3] } });
    expect(report.findings[0]!.message).toMatch(/the chain is broken between records 2 and 3/);
    expect(recordBadges(report)(3)).toEqual({ kind: 'bad', codes: ['chain_broken'] });
    const edited = dicts(run.lines);
    (edited[4]!['effect'] as JsonObject)['payload'] = { changed: 1.5 };
    const line = pyJsonDumps(edited[4]!);
    expect(verifyProvenance({ records: dicts([...run.lines.slice(0, 4), line, ...run.lines.slice(5)]), checkpoints: run.checkpoints, keys: L.keys }).findings[0]).toMatchObject({
      code: 'record_changed',
      location: { kind: 'record', seq: 4 },
      message: expect.stringMatching(/^record 4 was changed after it was written/),
    });
  });
});
